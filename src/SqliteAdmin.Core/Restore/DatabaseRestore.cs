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
internal static class DatabaseRestore
{
    /// <summary>Side files SQLite keeps beside a database.</summary>
    public static readonly string[] SideSuffixes = { "-wal", "-shm", "-journal" };

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
        source.CheckStoredFile(request.Passphrase, cancellation);

        DurableFile.EnsureFolder(destinationFolder);
        string temp = DurableFile.TempPathIn(destinationFolder, "restore");
        string? safetyFolder = null;
        UnixFileStatus? replaced = null;
        bool settled = false, touched = false, swapped = false;
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

            // 4. The first check may be minutes old (a long integrity check): check again, make the old
            //    files harmless and lock the old database, so no new connection can use it, check once
            //    more under the lock, then swap in one rename.
            progress?.Report(new OperationProgress(activity, "Replacing the database", 90));
            cancellation.ThrowIfCancellationRequested();
            EnsureNotInUse(destination, request.BusyTimeout);
            replaced = UnixFileStatus.TryRead(destination);
            settled = true; // a checkpoint or a rolled-back hot journal: the safety copy has the files as found
            using (OldDatabaseLock? oldLock = SettleOldDatabase(destination, request.BusyTimeout))
            {
                EnsureNoOtherProcess(destination);
                // Unix: the restored file gets the owner, group and mode of the one it replaces (a service
                // account must still open it); refused here, untouched, when we may not give it that owner.
                // Windows: File.Replace (ReplaceFile) keeps the old file's ACL.
                replaced?.ApplyOwnerAndModeTo(temp);
                // From here the destination changes.
                touched = true;
                DeleteSideFiles(destination);
                Swap(temp, destination);
                swapped = true;
                if (oldLock != null)
                {
                    oldLock.Swapped = true;
                }
            }
            SqliteConnection.ClearAllPools();

            // 5. The destination now holds exactly the backup's bytes, and nothing beside it.
            progress?.Report(new OperationProgress(activity, "Verifying the restored database", 95));
            (_, string actual, _) = FileHash.Compute(destination, null, null, CancellationToken.None);
            string? stray = SideSuffixes.Select(s => destination + s).FirstOrDefault(File.Exists);
            if (actual != sha || stray != null)
            {
                throw new SqliteAdminException(ErrorIds.RestoreVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                    stray != null ? $"After the swap '{stray}' exists beside the restored database; the restore was undone."
                                  : $"The restored '{destination}' does not have the backup's SHA-256; the restore was undone.", destination);
            }
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return new RestoreResult
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
            Exception? rollbackFailure = null;
            try
            {
                if (touched && safetyFolder != null)
                {
                    PutOriginalBack(destination, safetyFolder, swapped, replaced);
                }
                else if (touched && swapped)
                {
                    DurableFile.TryDelete(destination); // there was no database before; the failed one goes
                }
                else if (safetyFolder != null && !settled)
                {
                    // Refused before the destination was touched: the copy of an untouched file is clutter.
                    TryDeleteFolder(safetyFolder);
                }
            }
            catch (Exception failure)
            {
                rollbackFailure = failure;
            }
            Exception first = ex switch
            {
                SqliteException sqlite => SqliteErrors.Translate(sqlite, destination, cancellation),
                _ when DurableFile.IsFileSystemFailure(ex) => new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                    $"Restoring '{destination}' failed: {ex.Message}" + (!touched || safetyFolder == null ? " The destination was not changed." :
                        rollbackFailure == null ? $" The original database was put back; its safety copy is in '{safetyFolder}'." : ""),
                    destination, ex),
                _ => ex,
            };
            if (rollbackFailure != null)
            {
                // The first failure is what went wrong; the admin also needs to know where the original is.
                var admin = first as SqliteAdminException;
                throw new SqliteAdminException(admin?.ErrorId ?? ErrorIds.UnexpectedError, admin?.Category ?? SqliteAdminErrorCategory.NotSpecified,
                    $"{first.Message} The original database could not be put back ({rollbackFailure.Message}); it is in the safety copy '{safetyFolder}': copy it back by hand.",
                    destination, first);
            }
            if (ReferenceEquals(first, ex))
            {
                throw;
            }
            throw first;
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

    internal static void EnsureNotInUse(string destination, TimeSpan busyTimeout)
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
        DurableFile.EnsureFolder(folder);
        foreach (string file in present)
        {
            string target = Path.Combine(folder, Path.GetFileName(file));
            using (var input = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, StreamPump.BufferSize))
            using (FileStream output = OwnerOnlyFile.CreateNew(target))
            {
                StreamPump.Copy(input, output, null, cancellation);
                output.Flush(flushToDisk: true);
            }
            // Born owner-only, then given the original's owner, group and mode, so the application's
            // account can read its own safety copy (and nobody else more than the original allowed).
            UnixFileStatus.TryRead(file)?.ApplyOwnerAndModeTo(target);
        }
        return folder;
    }

    /// <summary>
    /// Lets SQLite fold the old -wal into the old database, or roll back its hot -journal, so no side
    /// file is left that SQLite could replay into the restored file (reliability: an old WAL beside a
    /// restored file is replayed on open, silently undoing the restore), and then holds an exclusive
    /// lock on it, so an application that starts now waits on its busy timeout instead of using the
    /// file about to be replaced. Null when there is no database, or none SQLite can open (its side
    /// files mean nothing then; their bytes are in the safety copy). A checkpoint or lock that another
    /// connection keeps busy means the database is in use: refused, side files left as they are.
    /// </summary>
    internal static OldDatabaseLock? SettleOldDatabase(string destination, TimeSpan busyTimeout)
    {
        if (!File.Exists(destination))
        {
            return null;
        }
        SqliteConnection old;
        try
        {
            old = SqliteConnectionFactory.OpenReadWrite(destination, busyTimeout);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.DatabaseLocked)
        {
            throw InUse(destination, "a process holding a lock on it");
        }
        catch (SqliteAdminException)
        {
            return null;
        }
        var held = new OldDatabaseLock(old);
        try
        {
            if (string.Equals(old.ExecuteScalar<string>("PRAGMA journal_mode;"), "wal", StringComparison.OrdinalIgnoreCase))
            {
                // The first column is 1 when another connection kept the checkpoint from completing.
                if (old.ExecuteScalar<long>("PRAGMA wal_checkpoint(TRUNCATE);") != 0)
                {
                    throw InUse(destination, "another connection reading or writing it (the WAL checkpoint was busy)");
                }
                old.ExecuteScalar<string>("PRAGMA journal_mode = DELETE;");
                held.WasWal = true;
            }
            old.ExecuteNonQuery("BEGIN EXCLUSIVE;");
            return held;
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is 5 or 6) // SQLITE_BUSY, SQLITE_LOCKED
        {
            held.Dispose();
            throw InUse(destination, "another connection holding a lock on it");
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.DatabaseLocked)
        {
            held.Dispose();
            throw InUse(destination, "another connection holding a lock on it");
        }
        catch (Exception ex) when (ex is SqliteAdminException || ex is SqliteException)
        {
            held.Dispose();
            if (ex is SqliteAdminException admin && admin.ErrorId == ErrorIds.DatabaseInUse)
            {
                throw;
            }
            return null; // not a database SQLite can use
        }
    }

    /// <summary>The exclusive lock on the old database during the swap; released on dispose (a WAL database that stays is put back in WAL mode).</summary>
    internal sealed class OldDatabaseLock : IDisposable
    {
        private readonly SqliteConnection _connection;

        internal OldDatabaseLock(SqliteConnection connection) => _connection = connection;

        internal bool WasWal { get; set; }

        /// <summary>The old file is no longer at its path: nothing may be done through this connection but closing it.</summary>
        internal bool Swapped { get; set; }

        public void Dispose()
        {
            try
            {
                if (WasWal && !Swapped)
                {
                    // Not swapped after all (refused as in use): the application finds its database as it left it.
                    _connection.ExecuteNonQuery("ROLLBACK;");
                    _connection.ExecuteScalar<string>("PRAGMA journal_mode = WAL;");
                }
            }
            catch (Exception ex) when (ex is SqliteException || ex is SqliteAdminException || ex is InvalidOperationException)
            {
                // Best effort; the content is the same in either journal mode.
            }
            _connection.Dispose();
        }
    }

    private static void EnsureNoOtherProcess(string destination)
    {
        List<string> users = FileUsage.FindOtherUsers(new[] { destination }.Concat(SideSuffixes.Select(s => destination + s)));
        if (users.Count > 0)
        {
            throw InUse(destination, string.Join(", ", users));
        }
    }

    private static void DeleteSideFiles(string destination)
    {
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
    internal static void PutOriginalBack(string destination, string safetyFolder, bool swapped, UnixFileStatus? replaced)
    {
        foreach (string side in SideSuffixes.Select(s => destination + s))
        {
            DurableFile.TryDelete(side);
        }
        string savedDatabase = Path.Combine(safetyFolder, Path.GetFileName(destination));
        if (File.Exists(savedDatabase))
        {
            string back = DurableFile.TempPathIn(Path.GetDirectoryName(destination)!, "rollback");
            try
            {
                File.Copy(savedDatabase, back);
                DurableFile.Flush(back);
                replaced?.ApplyOwnerAndModeTo(back); // the safety copy is owner-only; the original was not
                Swap(back, destination);
            }
            catch
            {
                DurableFile.TryDelete(back);
                throw;
            }
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
                replaced?.ApplyOwnerAndModeTo(destination + suffix); // as SQLite itself creates side files
            }
        }
    }
}
