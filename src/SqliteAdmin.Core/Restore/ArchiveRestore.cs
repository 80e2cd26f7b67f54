using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Restore;

/// <summary>
/// Restores a multi-database archive (ours, or seed 002's tar.gz), all members or a selection, each
/// to its own destination with its own safety copy, all or nothing: every member is extracted
/// beside its destination and checked, and every destination found free, before the first is
/// touched; each is then restored through <see cref="DatabaseRestore"/>, and when one fails the
/// ones already restored are put back from their safety copies. A single backup goes straight to
/// <see cref="DatabaseRestore"/>.
/// </summary>
internal static class ArchiveRestore
{
    /// <summary>One member on its way to its destination.</summary>
    private sealed class Member
    {
        public Member(string name, string destination, string temp)
        {
            Name = name;
            Destination = destination;
            Temp = temp;
        }

        public string Name { get; }
        public string Destination { get; }
        public string Temp { get; }
        public string Database => ArchiveReader.DatabaseOf(Name);
        public string? Sha256 { get; set; }
        public long Size { get; set; }
    }

    /// <summary>
    /// Restores what <paramref name="request"/> names to <paramref name="destinations"/>: one
    /// database file for a single backup; for an archive, database files named like its members
    /// (user_data.db) or folders that receive them under their own names.
    /// </summary>
    public static List<RestoreResult> Run(RestoreRequest request, IReadOnlyList<string> destinations, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        string path = Path.GetFullPath(request.BackupPath);
        if (!File.Exists(path) || !ForeignBackup.IsArchive(path, request.Passphrase, cancellation))
        {
            if (destinations.Count != 1)
            {
                throw new SqliteAdminException(ErrorIds.MoreThanOneBackup, SqliteAdminErrorCategory.InvalidArgument,
                    $"'{path}' is one database: give one -Destination (several are for an archive of several databases).", path);
            }
            request.Destination = destinations[0];
            return new List<RestoreResult> { DatabaseRestore.Run(request, progress, cancellation) };
        }
        foreach (string destination in destinations)
        {
            DatabaseRestore.EnsureNotTheBackup(path, Path.GetFullPath(destination));
        }
        BackupManifest? manifest = null;
        if (BackupFileName.TryParse(Path.GetFileName(path), out BackupFileName? name) && name!.Archive && (File.Exists(path + ".json") || !request.AllowNoManifest))
        {
            // Ours: the manifest beside it is checked first (size, SHA-256, HMAC before anything is decrypted).
            StoredBackup stored = StoredBackup.FromFile(path, name, allowNoManifest: false);
            stored.CheckStoredFile(request.Passphrase, cancellation);
            manifest = stored.Manifest;
        }
        else if (!request.AllowNoManifest)
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is an archive another tool made (tar), without a SqliteAdmin manifest. To restore it, add -AllowNoManifest: each database in it is checked before any destination is touched.", path);
        }
        return RestoreArchive(path, request, manifest, destinations.Select(Path.GetFullPath).ToList(), progress, cancellation);
    }

    private static List<RestoreResult> RestoreArchive(string path, RestoreRequest request, BackupManifest? manifest, List<string> destinations, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        string activity = $"Restoring {Path.GetFileName(path)}";
        var members = new List<Member>();
        var done = new List<(Member Member, RestoreResult Result, UnixFileStatus? Replaced)>();
        try
        {
            // 1. Every selected member, extracted beside its destination, in one pass over the archive.
            progress?.Report(new OperationProgress(activity, "Extracting the databases", 0));
            var skipped = new List<string>();
            SeedArchiveMetadata? metadata = Extract(path, request, request.Database, manifest, destinations, members, skipped, cancellation);
            DateTime? created = manifest?.CreatedUtc ?? metadata?.CreatedUtc ?? ForeignBackupName.Parse(path).CreatedUtc;

            // 2. Each checked, and each destination free, before the first is touched.
            progress?.Report(new OperationProgress(activity, "Checking the databases", 30));
            foreach (Member member in members)
            {
                List<string> problems;
                using (SqliteConnection copy = SqliteConnectionFactory.OpenReadOnly(member.Temp, request.BusyTimeout))
                {
                    problems = IntegrityCheck.Run(copy, IntegrityMode.Quick, 100, cancellation);
                }
                if (problems.Count > 0)
                {
                    throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                        $"'{member.Name}' in '{path}' fails quick_check, so no database of the archive was restored: {IntegrityCheck.Summarize(problems, IntegrityMode.Quick)}", path);
                }
            }
            foreach (Member member in members)
            {
                DatabaseSwap.EnsureNotInUse(member.Destination, request.BusyTimeout);
            }

            // 3. One after the other through the single restore (integrity_check, safety copy, swap, hash).
            int index = 0;
            foreach (Member member in members)
            {
                progress?.Report(new OperationProgress(activity, $"Restoring {member.Name}", 40 + 60 * index++ / members.Count));
                UnixFileStatus? replaced = UnixFileStatus.TryRead(member.Destination);
                RestoreResult result = DatabaseRestore.Run(new RestoreRequest
                {
                    BackupPath = member.Temp,
                    Destination = member.Destination,
                    AllowNoManifest = true,
                    SafetyCopyFolder = request.SafetyCopyFolder,
                    BusyTimeout = request.BusyTimeout,
                    UtcNow = request.UtcNow,
                }, null, cancellation);
                result.BackupPath = path;
                result.Member = member.Name;
                result.BackupCreatedUtc = created;
                result.SkippedMembers = skipped.Select(ArchiveReader.Printable).ToArray();
                done.Add((member, result, replaced));
            }
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return done.Select(d => d.Result).ToList();
        }
        catch (Exception ex) when (done.Count > 0)
        {
            // All or nothing: the databases already restored go back to what they were.
            var failures = new List<string>();
            foreach (var (member, result, replaced) in done.AsEnumerable().Reverse())
            {
                try
                {
                    if (result.SafetyCopyPath != null)
                    {
                        DatabaseSwap.PutOriginalBack(member.Destination, result.SafetyCopyPath, swapped: true, replaced);
                    }
                    else
                    {
                        DurableFile.TryDelete(member.Destination); // there was no database before
                    }
                }
                catch (Exception failure) when (DurableFile.IsFileSystemFailure(failure) || failure is SqliteAdminException)
                {
                    failures.Add($"'{member.Destination}' ({failure.Message}; its safety copy is '{result.SafetyCopyPath}')");
                }
            }
            var admin = ex as SqliteAdminException;
            throw new SqliteAdminException(admin?.ErrorId ?? ErrorIds.UnexpectedError, admin?.Category ?? SqliteAdminErrorCategory.NotSpecified,
                $"{ex.Message} No database of the archive stays restored: " +
                (failures.Count == 0 ? $"{string.Join(", ", done.Select(d => "'" + d.Member.Destination + "'"))} {(done.Count == 1 ? "was put back as it was" : "were put back as they were")}."
                                     : $"could not put back {string.Join(", ", failures)}: copy them back by hand."), path, ex);
        }
        finally
        {
            foreach (Member member in members)
            {
                DurableFile.TryDeleteDatabase(member.Temp);
            }
        }
    }

    /// <summary>Streams the archive once, writing each selected database beside its destination; returns seed 002's metadata if present.</summary>
    private static SeedArchiveMetadata? Extract(string path, RestoreRequest request, string? selection, BackupManifest? manifest, List<string> destinations, List<Member> members, List<string> skipped, CancellationToken cancellation)
    {
        using ForeignBackup archive = ForeignBackup.Open(path, request.Passphrase, cancellation);
        if (archive.Kind != ForeignHeader.Kind.Tar)
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidData, $"'{path}' is not an archive.", path);
        }
        SeedArchiveMetadata? metadata = null;
        var others = new List<string>();
        archive.Translate(() => ArchiveReader.Read(archive.Content, path, (name, size, data) =>
        {
            if (string.Equals(name, ArchiveReader.SeedMetadataEntry, StringComparison.OrdinalIgnoreCase))
            {
                metadata = SeedArchiveMetadata.Parse(ArchiveReader.ReadText(path, name, size, data), path);
                return;
            }
            if (string.Equals(name, ArchiveReader.ManifestEntry, StringComparison.OrdinalIgnoreCase))
            {
                return; // ours: the manifest beside the archive, already checked, is the one that counts
            }
            if (new[] { "-wal", "-shm", "-journal" }.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            {
                // Put beside a restored database, it would be replayed into it (or read as its WAL index).
                throw ArchiveReader.Hostile(path, $"its entry '{ArchiveReader.Printable(name)}' is named like SQLite's side file of a database; it is never restored");
            }
            (byte[] head, int read, bool isDatabase) = ArchiveReader.ReadHead(data, size);
            string database = ArchiveReader.DatabaseOf(name);
            bool selected = selection == null || string.Equals(database, selection, StringComparison.OrdinalIgnoreCase);
            if (!selected || !isDatabase)
            {
                if (selected && (selection != null || NamedLikeDatabase(name)))
                {
                    throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                        $"'{ArchiveReader.Printable(name)}' in '{path}' is not an SQLite database, so no database of the archive was restored.", path);
                }
                (isDatabase ? others : skipped).Add(name);
                return; // another file of the archive (a settings file, a log): not restored
            }
            string destination = DestinationOf(name, destinations, selection != null, path);
            DatabaseRestore.EnsureNotTheBackup(path, destination);
            if (members.Any(m => string.Equals(m.Destination, destination, StringComparison.Ordinal)))
            {
                throw new SqliteAdminException(ErrorIds.ArchiveMemberNotFound, SqliteAdminErrorCategory.InvalidArgument,
                    $"Two databases of '{path}' would be restored to '{destination}'.", path);
            }
            string folder = Path.GetDirectoryName(destination)!;
            DurableFile.EnsureFolder(folder);
            long free = DiskSpace.Of(folder)?.AvailableBytes ?? long.MaxValue;
            // A margin is kept: a disk filled to the last byte stops the application as surely as a lost database.
            if (size > free - Math.Max(FreeSpaceMargin, size / 20))
            {
                throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                    $"'{ArchiveReader.Printable(name)}' in '{path}' says it is {size} bytes; '{folder}' has {free} bytes free. Nothing was restored.", path);
            }
            var member = new Member(name, destination, DurableFile.TempPathIn(folder, "restore"));
            members.Add(member);
            using FileStream output = OwnerOnlyFile.CreateNew(member.Temp, StreamPump.BufferSize);
            using var hashing = new HashingStream(output, leaveOpen: true);
            hashing.Write(head, 0, read);
            StreamPump.Copy(data, hashing, null, cancellation, size - read);
            if (hashing.BytesHashed != size)
            {
                throw new InvalidDataException($"'{name}' is truncated");
            }
            output.Flush(flushToDisk: true);
            member.Sha256 = hashing.Sha256Hex;
            member.Size = size;
            BackupManifest? recorded = manifest?.Members.FirstOrDefault(m => string.Equals(m.BackupFile, name, StringComparison.Ordinal));
            if (manifest != null && (recorded == null || recorded.PlainSizeBytes != size || !string.Equals(recorded.PlainSha256, member.Sha256, StringComparison.OrdinalIgnoreCase)))
            {
                throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"'{ArchiveReader.Printable(name)}' in '{path}' " + (recorded == null ? "is not in its manifest." : "does not have the size and SHA-256 its manifest records."), path);
            }
        }, cancellation));
        archive.FinishStored(cancellation);
        string? checksum = ChecksumFile.Beside(path);
        if (checksum != null)
        {
            ChecksumFile.Check(checksum, path, archive.StoredSha256, null);
        }
        if (selection != null && members.Count == 0 && metadata != null && metadata.Includes.ContainsKey(selection)
            && others.Where(o => ArchiveReader.DatabaseOf(o).StartsWith(selection, StringComparison.OrdinalIgnoreCase)).ToList() is { Count: 1 } listed)
        {
            // Seed 002's archives are listed by their metadata's names (arrow for arrow_database.db):
            // the name Get-SqliteBackup shows selects the member it stands for.
            skipped.Clear();
            return Extract(path, request, ArchiveReader.DatabaseOf(listed[0]), manifest, destinations, members, skipped, cancellation);
        }
        if (selection != null && members.Count == 0)
        {
            throw new SqliteAdminException(ErrorIds.ArchiveMemberNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"'{path}' holds no database named '{selection}'" + (others.Count > 0 ? $" (it holds {string.Join(", ", others.Select(ArchiveReader.Printable))})." : "."), path);
        }
        if (members.Count == 0)
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidData, $"'{path}' holds no SQLite database.", path);
        }
        if (manifest != null && selection == null && manifest.Members.FirstOrDefault(m => !members.Any(x => string.Equals(x.Name, m.BackupFile, StringComparison.Ordinal))) is BackupManifest absent)
        {
            throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"'{ArchiveReader.Printable(absent.BackupFile)}', which the manifest of '{path}' records, is not in the archive.", path);
        }
        if (metadata != null && selection == null)
        {
            // The archive's own account of what it holds: a database it says it includes must be there.
            foreach (KeyValuePair<string, bool> include in metadata.Includes.Where(i => i.Value))
            {
                if (skipped.FirstOrDefault(s => ArchiveReader.DatabaseOf(s).StartsWith(include.Key, StringComparison.OrdinalIgnoreCase)) is string notDatabase)
                {
                    throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                        $"The {ArchiveReader.SeedMetadataEntry} of '{path}' says it includes the {ArchiveReader.Printable(include.Key)} database, and '{ArchiveReader.Printable(notDatabase)}' is not an SQLite database, so no database of the archive was restored.", path);
                }
                if (!members.Any(m => m.Database.StartsWith(include.Key, StringComparison.OrdinalIgnoreCase)))
                {
                    throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                        $"The {ArchiveReader.SeedMetadataEntry} of '{path}' says it includes the {ArchiveReader.Printable(include.Key)} database, which is not in it.", path);
                }
            }
        }
        return metadata;
    }

    /// <summary>Free space a restore leaves on the destination's volume at least (besides 5% of what it writes).</summary>
    private const long FreeSpaceMargin = 16L << 20;

    /// <summary>A member whose name says it is a database (user_data.db): it must be one, or the archive is damaged.</summary>
    private static bool NamedLikeDatabase(string name) =>
        new[] { ".db", ".sqlite", ".sqlite3", ".db3" }.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>A destination file named like the member, or a folder to put it in; with one selected member, the one destination given.</summary>
    private static string DestinationOf(string member, List<string> destinations, bool oneSelected, string path)
    {
        string? named = destinations.FirstOrDefault(d => string.Equals(Path.GetFileName(d), member, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(d));
        if (named != null)
        {
            return named;
        }
        string? folder = destinations.FirstOrDefault(Directory.Exists);
        if (folder != null)
        {
            return Path.Combine(folder, member);
        }
        if (oneSelected && destinations.Count == 1)
        {
            return destinations[0];
        }
        throw new SqliteAdminException(ErrorIds.ArchiveMemberNotFound, SqliteAdminErrorCategory.InvalidArgument,
            $"No -Destination for '{ArchiveReader.Printable(member)}' in '{path}': give a database path named {ArchiveReader.Printable(member)}, or a folder to restore it into. Nothing was restored.", path);
    }
}
