using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
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
/// Restores a backup so that no data can be lost silently: everything about the backup is checked
/// before the destination is touched, the current database and its side files are kept as a safety
/// copy, no stale -wal or hot -journal can be replayed into the restored file, the swap is one
/// atomic rename, the result is verified by content hash, and any failure after the safety copy
/// puts the original back.
/// </summary>
internal static class DatabaseRestore
{
    /// <summary>
    /// Refuses a destination that is the backup, its manifest or its .sha256, by file identity
    /// (device and inode: the same through a link or another spelling of the path).
    /// </summary>
    internal static void EnsureNotTheBackup(string backup, string destination)
    {
        if (!File.Exists(destination))
        {
            return;
        }
        UnixFileStatus? target = UnixFileStatus.TryRead(destination);
        foreach (string file in new[] { backup, backup + ".json", backup + ".sha256" })
        {
            bool same = target != null
                ? UnixFileStatus.TryRead(file) is UnixFileStatus other && other.IsSameFile(target)
                : string.Equals(Path.GetFullPath(file), Path.GetFullPath(destination), StringComparison.OrdinalIgnoreCase);
            if (same)
            {
                throw new SqliteAdminException(ErrorIds.DestinationIsBackup, SqliteAdminErrorCategory.InvalidArgument,
                    $"The restore destination '{destination}' is " + (file == backup ? "the backup being restored" : $"'{Path.GetFileName(file)}', which goes with the backup being restored") +
                    ": restoring would destroy it. Give the database's own path as -Destination.", destination);
            }
        }
    }

    /// <summary>Runs the restore described by <paramref name="request"/>.</summary>
    public static RestoreResult Run(RestoreRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        string destination = Path.GetFullPath(request.Destination);
        string destinationFolder = Path.GetDirectoryName(destination)!;
        string activity = $"Restoring {Path.GetFileName(destination)}";
        if (FileLinks.IsLink(destination))
        {
            // Replacing the link would leave the file the application opens untouched, and report success.
            string? target = FileLinks.TargetOf(destination);
            throw new SqliteAdminException(ErrorIds.DestinationIsLink, SqliteAdminErrorCategory.InvalidArgument,
                $"The restore destination '{destination}' is a symbolic link" + (target != null ? $" to '{target}'" : "") +
                ": give the database file itself as -Destination, so that the file the application opens is the one restored.", destination);
        }
        if (Directory.Exists(destination))
        {
            throw new SqliteAdminException(ErrorIds.PathIsDirectory, SqliteAdminErrorCategory.InvalidArgument,
                $"The restore destination '{destination}' is a directory; give the database file to restore.", destination);
        }

        // 1. Which backup, and what it should contain.
        progress?.Report(new OperationProgress(activity, "Checking the backup", 0));
        StoredBackup source = StoredBackup.Find(request.BackupPath, request.Database, request.Before, request.AllowNoManifest, cancellation, destination);
        EnsureNotTheBackup(source.Path, destination);
        source.CheckStoredFile(request.Passphrase, cancellation);

        DurableFile.EnsureFolder(destinationFolder);
        string temp = DurableFile.TempPathIn(destinationFolder, "restore");
        var swap = new DatabaseSwap(destination, request.SafetyCopyFolder, request.BusyTimeout, request.UtcNow, "restore", ErrorIds.RestoreVerificationFailed,
            stage => progress?.Report(new OperationProgress(activity, stage, stage.StartsWith("Checking", StringComparison.Ordinal) ? 45
                : stage.StartsWith("Keeping", StringComparison.Ordinal) ? 50 : stage.StartsWith("Replacing", StringComparison.Ordinal) ? 90 : 95)));
        try
        {
            // 2. Decode beside the destination (same volume: the final rename is atomic).
            progress?.Report(new OperationProgress(activity, "Decrypting and decompressing", 10));
            string decodedSha = source.DecodeTo(temp, bytes => progress?.Report(new OperationProgress(activity, "Decrypting and decompressing",
                10 + (int)(30 * bytes / Math.Max(1, source.ExpectedPlainSize ?? bytes)))), cancellation, request.Passphrase);

            // 3. Check the decoded copy on one core while the other steps wait on the disk: the copy
            //    is flushed, nobody may have the destination open, and its safety copy is taken as found.
            progress?.Report(new OperationProgress(activity, "Checking integrity of the restored copy", 40));
            var ((integrityResult, sha), _) = SideBySide.Run(
                () =>
                {
                    string integrity = CheckTemp(temp, request.BusyTimeout, cancellation);
                    string finalSha = MakeSelfContained(temp, decodedSha, request.BusyTimeout, cancellation);
                    if (finalSha != decodedSha)
                    {
                        DurableFile.Flush(temp); // rewritten in DELETE mode: flush the new bytes too
                    }
                    return (integrity, finalSha);
                },
                () =>
                {
                    DurableFile.Flush(temp);
                    swap.KeepSafetyCopy(cancellation); // sets SafetyFolder, so a failed check still finds it
                    return true;
                });

            // 4. and 5. Swap in one rename under a lock on the old database; verify the content hash.
            swap.Replace(temp, sha, cancellation);
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return new RestoreResult
            {
                Destination = destination,
                BackupPath = source.Path,
                BackupCreatedUtc = source.CreatedUtc,
                SafetyCopyPath = swap.SafetyFolder,
                Verified = true,
                IntegrityResult = integrityResult,
                Sha256 = sha,
                Duration = stopwatch.Elapsed,
            };
        }
        catch (Exception ex)
        {
            DurableFile.TryDeleteDatabase(temp);
            Exception toThrow = swap.Undo(ex, cancellation);
            if (ReferenceEquals(toThrow, ex))
            {
                throw;
            }
            throw toThrow;
        }
    }

    private static string CheckTemp(string temp, TimeSpan busyTimeout, CancellationToken cancellation)
    {
        List<string> problems;
        using (SqliteConnection copy = SqliteConnectionFactory.OpenReadOnly(temp, busyTimeout))
        using (copy.InterruptOn(cancellation))
        {
            problems = IntegrityCheck.Run(copy, IntegrityMode.Full, 100, cancellation);
        }
        if (problems.Count > 0)
        {
            throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                $"The backup decodes correctly but fails integrity_check, so it was not restored: {IntegrityCheck.Summarize(problems, IntegrityMode.Full)}", temp);
        }
        return "ok";
    }

    /// <summary>
    /// A backup without a manifest (sqlite3 .backup of a WAL database) can be marked WAL; make it
    /// one self-contained file in DELETE mode, as our own backups are, and return its new hash.
    /// </summary>
    private static string MakeSelfContained(string temp, string sha, TimeSpan busyTimeout, CancellationToken cancellation)
    {
        byte[] header = new byte[20];
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            stream.Read(header, 0, header.Length);
        }
        if (header[18] != 2 && header[19] != 2)
        {
            return sha;
        }
        using (SqliteConnection connection = SqliteConnectionFactory.OpenReadWrite(temp, busyTimeout))
        {
            connection.ExecuteScalar<string>("PRAGMA journal_mode = DELETE;");
        }
        return FileHash.Compute(temp, null, null, cancellation).Sha256;
    }

}
