using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>
/// Every file under a folder with its size, write time and SHA-256: two snapshots are equal only if
/// nothing was created, removed or changed. Used to prove a failed command left the disk as it was.
/// </summary>
public sealed record FolderSnapshot(IReadOnlyList<string> Entries)
{
    public static FolderSnapshot Take(string folder)
    {
        var entries = new List<string>();
        foreach (string path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(folder, path);
            if (Directory.Exists(path))
            {
                entries.Add($"dir  {relative}");
                continue;
            }
            var info = new FileInfo(path);
            using FileStream stream = File.Open(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            string hash = Convert.ToHexString(SHA256.HashData(stream));
            entries.Add($"file {relative} {info.Length} {info.LastWriteTimeUtc:O} {hash}");
        }
        return new FolderSnapshot(entries);
    }

    public bool Equals(FolderSnapshot? other) => other != null && Entries.SequenceEqual(other.Entries);

    public override int GetHashCode() => Entries.Count;

    public override string ToString() => string.Join(Environment.NewLine, Entries);
}
