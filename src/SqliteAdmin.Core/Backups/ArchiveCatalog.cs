using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// The databases inside an archive, for Get-SqliteBackup: from the metadata when it is the archive's
/// first entry (a listing reads no further), or, with -Verify, from every entry: each database
/// hashed and its header checked, and the metadata's account of what the archive holds compared.
/// </summary>
internal static class ArchiveCatalog
{
    private sealed class StopReading : Exception
    {
    }

    /// <summary>Describes the members of <paramref name="archive"/> (opened, content at the tar's start) into <paramref name="info"/>.</summary>
    public static void Describe(ForeignBackup archive, BackupInfo info, bool verify, CancellationToken cancellation)
    {
        var members = new List<ArchiveMemberInfo>();
        SeedArchiveMetadata? metadata = null;
        bool first = true;
        try
        {
            archive.Translate(() => ArchiveReader.Read(archive.Content, info.Path, (name, size, data) =>
            {
                bool wasFirst = first;
                first = false;
                if (string.Equals(name, ArchiveReader.SeedMetadataEntry, StringComparison.OrdinalIgnoreCase))
                {
                    metadata = SeedArchiveMetadata.Parse(ArchiveReader.ReadText(info.Path, name, size, data), info.Path);
                    if (!verify)
                    {
                        throw new StopReading();
                    }
                    return;
                }
                if (!verify)
                {
                    if (!wasFirst)
                    {
                        throw new StopReading();
                    }
                    return;
                }
                using var hashing = new HashingStream(Stream.Null, leaveOpen: true);
                (byte[] head, int read, bool isDatabase) = ArchiveReader.ReadHead(data, size);
                hashing.Write(head, 0, read);
                StreamPump.Copy(data, hashing, null, cancellation);
                if (!isDatabase)
                {
                    return; // another file in the archive (settings, a log): not a member
                }
                members.Add(new ArchiveMemberInfo
                {
                    Name = name,
                    Database = ArchiveReader.DatabaseOf(name),
                    SizeBytes = hashing.BytesHashed,
                    Sha256 = hashing.Sha256Hex,
                    Status = hashing.BytesHashed == size ? "Ok" : "Corrupt",
                });
            }, cancellation));
            if (verify)
            {
                archive.FinishStored(cancellation);
            }
        }
        catch (StopReading)
        {
        }
        if (metadata != null)
        {
            info.CreatedUtc = metadata.CreatedUtc ?? info.CreatedUtc;
            foreach (ArchiveMemberInfo member in members)
            {
                member.TableCount = metadata.PrefixOf(member.Database) is string prefix && metadata.TableCounts.TryGetValue(prefix, out long tables) ? tables : null;
            }
            if (verify)
            {
                foreach (KeyValuePair<string, bool> include in metadata.Includes.Where(i => i.Value && !members.Any(m => m.Database.StartsWith(i.Key, StringComparison.OrdinalIgnoreCase))))
                {
                    members.Add(new ArchiveMemberInfo { Database = include.Key, Name = include.Key, Status = "Missing" });
                }
            }
            else
            {
                // Listed from the metadata alone: which databases it says it holds.
                members.AddRange(metadata.Includes.Where(i => i.Value).Select(i => new ArchiveMemberInfo
                {
                    Database = i.Key,
                    Name = i.Key,
                    TableCount = metadata.TableCounts.TryGetValue(i.Key, out long tables) ? tables : null,
                }));
            }
        }
        info.Members = members;
    }
}
