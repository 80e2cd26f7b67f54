using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>Copies finished backup files to secondary folders (-CopyTo), each copy re-hashed before it gets its final name.</summary>
internal static class BackupReplicator
{
    /// <summary>
    /// Copies <paramref name="files"/> into <paramref name="folder"/> (created if missing) and returns
    /// the new paths in the same order. A failure removes what this call wrote and is a CopyFailed error.
    /// </summary>
    public static List<string> CopyFiles(IReadOnlyList<string> files, string folder, CancellationToken cancellation)
    {
        var written = new List<string>();
        var results = new List<string>();
        try
        {
            DurableFile.EnsureFolder(folder);
            foreach (string file in files)
            {
                string target = Path.Combine(folder, Path.GetFileName(file));
                string temp = DurableFile.TempPathIn(folder, "copy");
                written.Add(temp);
                string expected;
                using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize))
                using (var hashing = new Crypto.HashingStream(input, leaveOpen: true))
                using (FileStream output = OwnerOnlyFile.CreateNew(temp))
                {
                    StreamPump.Copy(hashing, output, null, cancellation);
                    output.Flush(flushToDisk: true);
                    expected = hashing.Sha256Hex;
                }
                // Re-read what landed on the target disk: a NAS that corrupts writes is caught here.
                (_, string actual, _) = FileHash.Compute(temp, null, null, cancellation);
                if (actual != expected)
                {
                    throw new IOException($"the copy of {Path.GetFileName(file)} reads back with a different SHA-256");
                }
                DurableFile.MoveNoOverwrite(temp, target);
                written.Remove(temp);
                written.Add(target);
                results.Add(target);
            }
            return results;
        }
        catch (Exception ex)
        {
            // Whatever stopped the copy (including Ctrl+C), nothing of it stays in the target folder.
            foreach (string path in written)
            {
                DurableFile.TryDelete(path);
            }
            if (!DurableFile.IsFileSystemFailure(ex) && ex is not SqliteAdminException)
            {
                throw;
            }
            throw new SqliteAdminException(ErrorIds.CopyFailed, SqliteAdminErrorCategory.WriteError,
                $"Copying the backup to '{folder}' failed: {ex.Message} The backup in the destination folder is complete.", folder, ex);
        }
    }
}
