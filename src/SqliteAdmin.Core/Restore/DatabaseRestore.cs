using System;
using System.Collections.Generic;
using System.Diagnostics;
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
/// Restores a backup so that no data can be lost silently: everything about the backup is checked
/// before the destination is touched, the current database and its side files are kept as a safety
/// copy, no stale -wal or hot -journal can be replayed into the restored file, the swap is one
/// atomic rename, the result is verified by content hash, and any failure after the safety copy
/// puts the original back.
/// </summary>
public static class DatabaseRestore
{
    /// <summary>Side files SQLite keeps beside a database.</summary>
    public static readonly string[] SideSuffixes = { "-wal", "-shm", "-journal" };

    /// <summary>Runs the restore described by <paramref name="request"/>.</summary>
    public static SqliteRestoreResult Run(RestoreRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        string destination = Path.GetFullPath(request.Destination);
        string destinationFolder = Path.GetDirectoryName(destination)!;
        string activity = $"Restoring {Path.GetFileName(destination)}";
        if (Directory.Exists(destination))
        {
            throw new SqliteAdminException(ErrorIds.PathIsDirectory, SqliteAdminErrorCategory.InvalidArgument,
                $"The restore destination '{destination}' is a directory; give the database file to restore.", destination);
        }

        // 1. Which backup, and what it should contain.
        progress?.Report(new OperationProgress(activity, "Checking the backup", 0));
        StoredBackup source = StoredBackup.Find(request.BackupPath, request.Database, request.Before, request.AllowNoManifest, cancellation);
        source.CheckStoredFile(request.Passphrase, cancellation);

        DatabaseBackup.EnsureFolder(destinationFolder);
        string temp = DurableFile.TempPathIn(destinationFolder, "restore");
        string? safetyFolder = null;
        bool touched = false, swapped = false;
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
                    progress?.Report(new OperationProgress(activity, "Checking that the database is not in use", 45));
                    EnsureNotInUse(destination, request.BusyTimeout);
                    progress?.Report(new OperationProgress(activity, "Keeping a safety copy", 50));
                    safetyFolder = KeepSafetyCopy(destination, request, cancellation); // set here, so a failed check still finds it
                    return safetyFolder;
                });

            // 4. Make the old files harmless, then swap in one rename. From here the destination changes.
            progress?.Report(new OperationProgress(activity, "Replacing the database", 90));
            cancellation.ThrowIfCancellationRequested();
            touched = true;
            SettleOldDatabase(destination, request.BusyTimeout);
            Swap(temp, destination);
            swapped = true;

            // 5. The destination now holds exactly the backup's bytes, and nothing beside it.
            progress?.Report(new OperationProgress(activity, "Verifying the restored database", 95));
            (_, string actual, _) = BackupEncoding.HashFile(destination, null, null, CancellationToken.None);
            string? stray = SideSuffixes.Select(s => destination + s).FirstOrDefault(File.Exists);
            if (actual != sha || stray != null)
            {
                throw new SqliteAdminException(ErrorIds.RestoreVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                    stray != null ? $"After the swap '{stray}' exists beside the restored database; the restore was undone."
                                  : $"The restored '{destination}' does not have the backup's SHA-256; the restore was undone.", destination);
            }
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return new SqliteRestoreResult
            {
                Destination = destination,
                BackupPath = source.Path,
                BackupCreatedUtc = source.CreatedUtc,
                SafetyCopyPath = safetyFolder,
                Verified = true,
                IntegrityResult = integrityResult,
                Sha256 = actual,
                Duration = stopwatch.Elapsed,
            };
        }
        catch (Exception ex)
        {
            DurableFile.TryDeleteDatabase(temp);
            if (touched && safetyFolder != null)
            {
                PutOriginalBack(destination, safetyFolder, swapped);
            }
            else if (touched && swapped)
            {
                DurableFile.TryDelete(destination); // there was no database before; the failed one goes
            }
            else if (safetyFolder != null)
            {
                // Refused before the destination was touched: the copy of an untouched file is clutter.
                TryDeleteFolder(safetyFolder);
            }
            if (ex is SqliteException sqlite)
            {
                throw SqliteErrors.Translate(sqlite, destination, cancellation);
            }
            if (DurableFile.IsFileSystemFailure(ex))
            {
                throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                    $"Restoring '{destination}' failed: {ex.Message}" + (touched && safetyFolder != null ? $" The original database was put back; its safety copy is in '{safetyFolder}'." : " The destination was not changed."),
                    destination, ex);
            }
            throw;
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
        return BackupEncoding.HashFile(temp, null, null, cancellation).Sha256;
    }

    private static void EnsureNotInUse(string destination, TimeSpan busyTimeout)
    {
        List<string> users = FileUsage.FindOtherUsers(new[] { destination }.Concat(SideSuffixes.Select(s => destination + s)));
        if (users.Count > 0)
        {
            throw InUse(destination, string.Join(", ", users));
        }
        if (!File.Exists(destination))
        {
            return;
        }
        // A lock held right now (a process our scan cannot see, such as another machine using a
        // database on a share) also means "in use". The probe is read-only on purpose: a read-write
        // open would roll back a hot journal or checkpoint the WAL before the safety copy is taken.
        try
        {
            using SqliteConnection probe = SqliteConnectionFactory.OpenReadOnly(destination, TimeSpan.Zero);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.DatabaseLocked)
        {
            throw InUse(destination, "a process holding a lock on it");
        }
        catch (SqliteAdminException)
        {
            // Not a readable database right now (damaged, or a hot journal a read-only connection
            // may not roll back): nothing is using it as a database; it is replaced, not refused.
        }
    }

    private static SqliteAdminException InUse(string destination, string who) =>
        new(ErrorIds.DatabaseInUse, SqliteAdminErrorCategory.ResourceBusy,
            $"'{destination}' is in use by {who}. Stop the application before restoring: swapping the file under it would split it from the restored database.", destination);

    /// <summary>Copies the database and every side file, as found, into a new folder; null when there is nothing to keep.</summary>
    private static string? KeepSafetyCopy(string destination, RestoreRequest request, CancellationToken cancellation)
    {
        var present = new[] { destination }.Concat(SideSuffixes.Select(s => destination + s)).Where(File.Exists).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        string root = Path.GetFullPath(request.SafetyCopyFolder ?? Path.Combine(Path.GetDirectoryName(destination)!, "before_restore"));
        string stamp = request.UtcNow().ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        string folder = Path.Combine(root, $"{Path.GetFileName(destination)}_{stamp}");
        for (int n = 1; Directory.Exists(folder); n++)
        {
            folder = Path.Combine(root, $"{Path.GetFileName(destination)}_{stamp}_{n}");
        }
        DatabaseBackup.EnsureFolder(folder);
        foreach (string file in present)
        {
            string target = Path.Combine(folder, Path.GetFileName(file));
            using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, BackupEncoding.BufferSize))
            using (FileStream output = OwnerOnlyFile.CreateNew(target))
            {
                BackupEncoding.Pump(input, output, null, cancellation);
                output.Flush(flushToDisk: true);
            }
        }
        return folder;
    }

    /// <summary>
    /// Lets SQLite fold the old -wal into the old database, or roll back its hot -journal, so no side
    /// file is left that SQLite could replay into the restored file. (Reliability: an old WAL beside
    /// a restored file is replayed on open, silently undoing the restore.) Files that are not a
    /// database, or side files without one, are moved into the safety copy instead.
    /// </summary>
    private static void SettleOldDatabase(string destination, TimeSpan busyTimeout)
    {
        if (File.Exists(destination))
        {
            try
            {
                using SqliteConnection old = SqliteConnectionFactory.OpenReadWrite(destination, busyTimeout);
                if (string.Equals(old.ExecuteScalar<string>("PRAGMA journal_mode;"), "wal", StringComparison.OrdinalIgnoreCase))
                {
                    old.ExecuteScalar<long>("PRAGMA wal_checkpoint(TRUNCATE);");
                    old.ExecuteScalar<string>("PRAGMA journal_mode = DELETE;");
                }
            }
            catch (Exception ex) when (ex is SqliteAdminException || ex is SqliteException)
            {
                // Not a database SQLite can open: its side files mean nothing and are deleted below
                // (their bytes are in the safety copy).
            }
            SqliteConnection.ClearAllPools();
        }
        foreach (string side in SideSuffixes.Select(s => destination + s))
        {
            if (File.Exists(side))
            {
                File.Delete(side);
            }
        }
    }

    private static void Swap(string temp, string destination)
    {
        if (File.Exists(destination))
        {
            // One rename over the old file: at every instant the path holds the old or the new database.
            File.Replace(temp, destination, null);
        }
        else
        {
            File.Move(temp, destination);
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            string parent = Path.GetDirectoryName(folder)!;
            if (!Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent); // an empty before_restore folder is clutter too
            }
        }
        catch (Exception ex) when (DurableFile.IsFileSystemFailure(ex))
        {
            // Left for the admin; it is only a copy.
        }
    }

    /// <summary>Puts the database and side files from the safety copy back, byte for byte.</summary>
    private static void PutOriginalBack(string destination, string safetyFolder, bool swapped)
    {
        foreach (string side in SideSuffixes.Select(s => destination + s))
        {
            DurableFile.TryDelete(side);
        }
        string savedDatabase = Path.Combine(safetyFolder, Path.GetFileName(destination));
        if (File.Exists(savedDatabase))
        {
            string back = DurableFile.TempPathIn(Path.GetDirectoryName(destination)!, "rollback");
            File.Copy(savedDatabase, back);
            DurableFile.Flush(back);
            Swap(back, destination);
        }
        else if (swapped)
        {
            DurableFile.TryDelete(destination); // there was no database before the restore
        }
        foreach (string suffix in SideSuffixes)
        {
            string saved = savedDatabase + suffix;
            if (File.Exists(saved))
            {
                File.Copy(saved, destination + suffix);
            }
        }
    }
}
