using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SQLitePCL;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// Copies a database with SQLite's online backup API, stepped by us: a bounded number of pages per
/// step, progress and cancellation between steps. Microsoft.Data.Sqlite's BackupDatabase copies in
/// one step holding the source lock throughout and can neither report nor stop.
/// </summary>
internal static class OnlineBackupCopier
{
    /// <summary>What a copy cost the source's writers: restarts they forced, and how long they were held off.</summary>
    internal readonly struct Outcome
    {
        public Outcome(int restarts, TimeSpan writersBlocked)
        {
            Restarts = restarts;
            WritersBlocked = writersBlocked;
        }

        public int Restarts { get; }
        public TimeSpan WritersBlocked { get; }
    }

    private const int SqliteOk = 0, SqliteBusy = 5, SqliteLocked = 6, SqliteIoErr = 10, SqliteFull = 13, SqliteDone = 101;

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> and returns how often
    /// writers forced a restart. In WAL mode the copy runs inside one read transaction from the
    /// start: a consistent snapshot that never restarts and never blocks writers. In rollback mode
    /// the source lock is released between steps so writers can commit; each commit restarts the
    /// copy, and after <paramref name="maxRestarts"/> restarts the copy starts once more inside one
    /// read transaction (one consistent snapshot that cannot restart; writers wait on their busy
    /// timeout meanwhile). That last copy stops with WriterBlockLimit once it has held writers for
    /// <paramref name="maxWriterBlock"/>, if one is given.
    /// </summary>
    public static Outcome Copy(SqliteConnection source, SqliteConnection destination, bool sourceIsWal, int pagesPerStep, int maxRestarts,
        TimeSpan busyTimeout, TimeSpan? maxWriterBlock, Action<long, long>? progress, string sourcePath, string destinationPath, CancellationToken cancellation)
    {
        SqliteTransaction? snapshot = sourceIsWal ? BeginReadSnapshot(source) : null;
        Stopwatch? blocking = null;   // runs while a rollback-journal source is held under one read lock
        sqlite3_backup backup = Start(source, destination, sourcePath);
        int restarts = 0;
        try
        {
            long previousCopied = 0;
            DateTime lockedSince = DateTime.MaxValue;
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                int rc = raw.sqlite3_backup_step(backup, pagesPerStep);
                long total = raw.sqlite3_backup_pagecount(backup);
                long copied = total - raw.sqlite3_backup_remaining(backup);
                if (rc == SqliteDone)
                {
                    progress?.Invoke(total, total);
                    return new Outcome(restarts, blocking?.Elapsed ?? TimeSpan.Zero);
                }
                if (blocking != null && maxWriterBlock != null && blocking.Elapsed > maxWriterBlock)
                {
                    throw WriterBlockLimit(sourcePath, restarts, blocking.Elapsed, maxWriterBlock.Value);
                }
                if (rc == SqliteOk)
                {
                    lockedSince = DateTime.MaxValue;
                    if (previousCopied > 0 && copied <= previousCopied)
                    {
                        // A writer changed the source: SQLite started the copy over.
                        restarts++;
                        if (restarts >= maxRestarts && snapshot == null)
                        {
                            // Enough: copy one consistent snapshot from the start, inside one read
                            // transaction, so this copy cannot be restarted again.
                            raw.sqlite3_backup_finish(backup);
                            snapshot = BeginReadSnapshot(source);
                            blocking = Stopwatch.StartNew();
                            backup = Start(source, destination, sourcePath);
                            copied = 0;
                        }
                    }
                    previousCopied = copied;
                    progress?.Invoke(copied, total);
                    continue;
                }
                if (rc == SqliteBusy || rc == SqliteLocked)
                {
                    // The source's busy handler already waited busy_timeout for SQLITE_BUSY; LOCKED
                    // (a writer on a shared cache) is retried here within the same budget.
                    if (lockedSince == DateTime.MaxValue)
                    {
                        lockedSince = DateTime.UtcNow;
                    }
                    if (rc == SqliteBusy || DateTime.UtcNow - lockedSince > busyTimeout)
                    {
                        throw new SqliteAdminException(ErrorIds.DatabaseLocked, SqliteAdminErrorCategory.ResourceBusy,
                            $"Database '{sourcePath}' is locked by another process and the lock did not clear within the busy timeout.", sourcePath);
                    }
                    Thread.Sleep(50);
                    continue;
                }
                throw TranslateStepError(rc, raw.sqlite3_errmsg(destination.Handle).utf8_to_string(), sourcePath, destinationPath, cancellation);
            }
        }
        finally
        {
            raw.sqlite3_backup_finish(backup);
            snapshot?.Dispose();
        }
    }

    /// <summary>The copy would hold a rollback-journal database's writers longer than the admin allows.</summary>
    internal static SqliteAdminException WriterBlockLimit(string sourcePath, int restarts, TimeSpan held, TimeSpan limit) =>
        new(ErrorIds.WriterBlockLimit, SqliteAdminErrorCategory.ResourceBusy,
            $"The backup of '{sourcePath}' stopped after holding the database's writers off for {held.TotalSeconds:0.0} s, past -MaxWriterBlock " +
            $"({limit.TotalSeconds:0.###} s): writers kept changing it ({restarts} restart(s) of the copy), so the rest had to be copied under one read lock. " +
            "Nothing was kept and the writers carry on. Back up when the application is quiet, allow a longer -MaxWriterBlock, or switch the database to " +
            "WAL mode (PRAGMA journal_mode=WAL), where a backup never blocks writers.", sourcePath);

    /// <summary>
    /// A failed step is almost always the temp copy that cannot be written (disk full, I/O error on
    /// the backup disk); those say so. Anything else is translated as an error of the source.
    /// </summary>
    internal static Exception TranslateStepError(int rc, string message, string sourcePath, string destinationPath, CancellationToken cancellation)
    {
        int primary = rc & 0xFF;
        if (primary is SqliteFull or SqliteIoErr)
        {
            return new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                $"Cannot write the backup of '{sourcePath}' to '{Path.GetDirectoryName(destinationPath)}' (SQLite: {message}). Is the disk full?", destinationPath);
        }
        return SqliteErrors.Translate(new SqliteException(message, rc), sourcePath, cancellation);
    }

    private static sqlite3_backup Start(SqliteConnection source, SqliteConnection destination, string sourcePath)
    {
        sqlite3_backup backup = raw.sqlite3_backup_init(destination.Handle, "main", source.Handle, "main");
        if (backup == null || backup.IsInvalid)
        {
            throw new SqliteAdminException(ErrorIds.UnexpectedError, SqliteAdminErrorCategory.WriteError,
                $"SQLite could not start the backup of '{sourcePath}': {raw.sqlite3_errmsg(destination.Handle).utf8_to_string()}", sourcePath);
        }
        return backup;
    }

    /// <summary>Starts a read transaction and reads page 1, so the snapshot is fixed from here on.</summary>
    private static SqliteTransaction BeginReadSnapshot(SqliteConnection source)
    {
        SqliteTransaction transaction = source.BeginTransaction(deferred: true);
        source.ExecuteScalar<long>("SELECT count(*) FROM sqlite_master;");
        return transaction;
    }
}
