using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Restore;

/// <summary>
/// Puts a finished, flushed database file in the place of the database at a path, for a restore and
/// for Repair-SqliteDatabase -Replace: nobody may be using it; the current database and its side files
/// are kept as a safety copy as found; no stale -wal or hot -journal can be replayed into the new file;
/// the swap is one atomic rename under an exclusive lock on the old database; the result is verified by
/// content hash; <see cref="Undo"/> puts the original back after any failure once it was touched.
/// </summary>
internal sealed class DatabaseSwap
{
    /// <summary>Side files SQLite keeps beside a database.</summary>
    public static readonly string[] SideSuffixes = { "-wal", "-shm", "-journal" };

    private readonly string _destination;
    private readonly string? _safetyCopyFolder;
    private readonly TimeSpan _busyTimeout;
    private readonly Func<DateTime> _utcNow;
    private readonly string _operation, _verificationFailedId;
    private readonly Action<string>? _stage;
    private UnixFileStatus? _replaced;
    private bool _settled, _touched, _swapped;

    /// <param name="destination">The database to replace (it may not exist yet).</param>
    /// <param name="safetyCopyFolder">Folder for the safety copy; default <c>before_restore</c> beside the database.</param>
    /// <param name="busyTimeout">How long to wait for locks.</param>
    /// <param name="utcNow">The clock, for the safety copy's folder name.</param>
    /// <param name="operation">"restore" or "repair", for the messages.</param>
    /// <param name="verificationFailedId">The error id when the swapped-in file does not have the expected hash.</param>
    /// <param name="stage">Told each stage as it starts ("Checking that the database is not in use", "Keeping a safety copy", "Replacing the database", "Verifying the … database"), for progress.</param>
    public DatabaseSwap(string destination, string? safetyCopyFolder, TimeSpan busyTimeout, Func<DateTime> utcNow, string operation, string verificationFailedId,
        Action<string>? stage = null)
    {
        _stage = stage;
        _destination = destination;
        _safetyCopyFolder = safetyCopyFolder;
        _busyTimeout = busyTimeout;
        _utcNow = utcNow;
        _operation = operation;
        _verificationFailedId = verificationFailedId;
    }

    /// <summary>The folder holding the safety copy, once taken; null when there was no database to keep.</summary>
    public string? SafetyFolder { get; private set; }

    /// <summary>Refuses a database in use, then copies it and its side files, as found, into the safety folder.</summary>
    public void KeepSafetyCopy(CancellationToken cancellation)
    {
        _stage?.Invoke("Checking that the database is not in use");
        EnsureNotInUse(_destination, _busyTimeout);
        _stage?.Invoke("Keeping a safety copy");
        SafetyFolder = CopyAsFound(_destination, _safetyCopyFolder, _utcNow(), cancellation);
    }

    /// <summary>
    /// Checks again that nobody uses the database (the first check may be minutes old), makes its side
    /// files harmless and locks it, so no new connection can use it, checks once more under the lock,
    /// swaps <paramref name="temp"/> in with one rename, and verifies that the database now has
    /// <paramref name="sha256"/> and nothing beside it.
    /// </summary>
    /// <param name="temp">The finished, flushed file to swap in.</param>
    /// <param name="sha256">Its content hash, verified after the swap.</param>
    /// <param name="cancellation">Stops before the destination is touched.</param>
    /// <param name="ensureUnchanged">
    /// Optional: throws when the database was written since the caller read it. Called just before the
    /// old database is settled and locked, and again under the exclusive lock when settling changed
    /// nothing (a rollback-journal database without a hot journal); a WAL database is checkpointed by
    /// the settling, so for it the first call is the last.
    /// </param>
    public void Replace(string temp, string sha256, CancellationToken cancellation, Action? ensureUnchanged = null)
    {
        _stage?.Invoke("Replacing the database");
        cancellation.ThrowIfCancellationRequested();
        EnsureNotInUse(_destination, _busyTimeout);
        _replaced = UnixFileStatus.TryRead(_destination);
        ensureUnchanged?.Invoke();
        bool hotJournal = File.Exists(_destination + "-journal");
        _settled = true; // a checkpoint or a rolled-back hot journal: the safety copy has the files as found
        using (OldDatabaseLock? oldLock = SettleOldDatabase(_destination, _busyTimeout))
        {
            EnsureNoOtherProcess(_destination);
            if (ensureUnchanged != null && oldLock != null && !oldLock.WasWal && !hotJournal)
            {
                try
                {
                    ensureUnchanged();
                }
                catch
                {
                    _settled = false; // settling changed nothing: the safety copy is clutter
                    throw;
                }
            }
            // Unix: the new file gets the owner, group and mode of the one it replaces (a service
            // account must still open it); refused here, untouched, when we may not give it that owner.
            // Windows: File.Replace (ReplaceFile) keeps the old file's ACL.
            _replaced?.ApplyOwnerAndModeTo(temp);
            // From here the destination changes.
            _touched = true;
            DeleteSideFiles(_destination);
            Swap(temp, _destination);
            _swapped = true;
            if (oldLock != null)
            {
                oldLock.Swapped = true;
            }
        }
        SqliteConnection.ClearAllPools();

        _stage?.Invoke(_operation == "repair" ? "Verifying the repaired database" : "Verifying the restored database");
        (_, string actual, _) = FileHash.Compute(_destination, null, null, CancellationToken.None);
        string? stray = SideSuffixes.Select(s => _destination + s).FirstOrDefault(File.Exists);
        if (actual != sha256 || stray != null)
        {
            throw new SqliteAdminException(_verificationFailedId, SqliteAdminErrorCategory.InvalidData,
                stray != null ? $"After the swap '{stray}' exists beside the new database; the {_operation} was undone."
                              : $"The new '{_destination}' does not have the expected SHA-256; the {_operation} was undone.", _destination);
        }
    }

    /// <summary>
    /// After <paramref name="failure"/>: puts the original back if the destination was touched (or
    /// removes a safety copy of an untouched one) and returns the exception to throw, which says where
    /// the original is. Returns <paramref name="failure"/> itself when there is nothing to add.
    /// </summary>
    public Exception Undo(Exception failure, CancellationToken cancellation)
    {
        string destination = _destination;
        string? safetyFolder = SafetyFolder;
        Exception? rollbackFailure = null;
        try
        {
            if (_touched && safetyFolder != null)
            {
                PutOriginalBack(destination, safetyFolder, _swapped, _replaced);
            }
            else if (_touched && _swapped)
            {
                DurableFile.TryDelete(destination); // there was no database before; the failed one goes
            }
            else if (safetyFolder != null && !_settled)
            {
                // Refused before the destination was touched: the copy of an untouched file is clutter.
                TryDeleteFolder(safetyFolder);
            }
        }
        catch (Exception ex)
        {
            rollbackFailure = ex;
        }
        string gerund = _operation == "repair" ? "Repairing" : "Restoring";
        Exception first = failure switch
        {
            SqliteException sqlite => SqliteErrors.Translate(sqlite, destination, cancellation),
            _ when DurableFile.IsFileSystemFailure(failure) => new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                $"{gerund} '{destination}' failed: {failure.Message}" + (!_touched || safetyFolder == null ? " The destination was not changed." :
                    rollbackFailure == null ? $" The original database was put back; its safety copy is in '{safetyFolder}'." : ""),
                destination, failure),
            _ => failure,
        };
        if (rollbackFailure != null)
        {
            // The first failure is what went wrong; the admin also needs to know where the original is.
            var admin = first as SqliteAdminException;
            return new SqliteAdminException(admin?.ErrorId ?? ErrorIds.UnexpectedError, admin?.Category ?? SqliteAdminErrorCategory.NotSpecified,
                $"{first.Message} The original database could not be put back ({rollbackFailure.Message}); it is in the safety copy '{safetyFolder}': copy it back by hand.",
                destination, first);
        }
        return first;
    }

    internal static void EnsureNotInUse(string destination, TimeSpan busyTimeout)
    {
        List<string> users = OtherUsersOf(destination);
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
            $"'{destination}' is in use by {who}. Stop the application first: swapping the file under it would split it from the new database.", destination);

    /// <summary>Copies the database and every side file, as found, into a new folder; null when there is nothing to keep.</summary>
    private static string? CopyAsFound(string destination, string? safetyCopyFolder, DateTime utcNow, CancellationToken cancellation)
    {
        var present = new[] { destination }.Concat(SideSuffixes.Select(s => destination + s)).Where(File.Exists).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        string root = Path.GetFullPath(safetyCopyFolder ?? Path.Combine(Path.GetDirectoryName(destination)!, "before_restore"));
        string stamp = utcNow.ToString("yyyyMMdd_HHmmss", System.Globalization.CultureInfo.InvariantCulture);
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
        List<string> users = OtherUsersOf(destination);
        if (users.Count > 0)
        {
            throw InUse(destination, string.Join(", ", users));
        }
    }

    /// <summary>Other processes that have the database or one of its side files open (by device and inode).</summary>
    internal static List<string> OtherUsersOf(string database) =>
        FileUsage.FindOtherUsers(new[] { database }.Concat(SideSuffixes.Select(s => database + s)));

    /// <summary>Deletes the -wal, -shm and -journal beside a database, so none can be replayed into the file put there.</summary>
    internal static void DeleteSideFiles(string destination)
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
