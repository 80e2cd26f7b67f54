using System;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// Opens every connection SqliteAdmin uses, with the same safe settings: no pooling (pooled handles
/// keep Windows files locked), a busy timeout, an untrusted schema, no mmap, and sources read-only
/// so a mistyped path never creates an empty database.
/// </summary>
internal static class SqliteConnectionFactory
{
    /// <summary>The default busy timeout: how long to wait for another process's lock to clear.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Opens an existing database read-only after checking that it is an SQLite file. Never writes: a
    /// hot journal left by an interrupted transaction is an <see cref="ErrorIds.HotJournal"/> error.
    /// </summary>
    public static SqliteConnection OpenReadOnly(string path, TimeSpan busyTimeout) =>
        Open(path, SqliteOpenMode.ReadOnly, busyTimeout, validate: true);

    /// <summary>
    /// Opens a database to read from (to inspect or back up) read-only. A hot journal left by an
    /// interrupted transaction is first rolled back the way SQLite itself does, by one read-write open,
    /// when the file and its folder are writable; <paramref name="rolledBackHotJournal"/> then says so.
    /// Where it cannot be rolled back (read-only medium or folder) the error is
    /// <see cref="ErrorIds.HotJournal"/>, naming the journal and the fix.
    /// </summary>
    public static SqliteConnection OpenSource(string path, TimeSpan busyTimeout, out bool rolledBackHotJournal)
    {
        rolledBackHotJournal = false;
        try
        {
            return OpenReadOnly(path, busyTimeout);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.HotJournal && InterruptedWrite.CanWriteBeside(path, out _))
        {
            // SQLite rolls a hot journal back when a writable connection first reads the database,
            // under an exclusive lock, and deletes it; reading the schema cookie is that first read.
            using (Open(path, SqliteOpenMode.ReadWrite, busyTimeout, validate: false))
            {
            }
        }
        rolledBackHotJournal = true;
        return OpenReadOnly(path, busyTimeout);
    }

    /// <summary>Opens an existing database for writing after checking that it is an SQLite file.</summary>
    public static SqliteConnection OpenReadWrite(string path, TimeSpan busyTimeout) =>
        Open(path, SqliteOpenMode.ReadWrite, busyTimeout, validate: true);

    /// <summary>Opens or creates a database that SqliteAdmin itself writes (a backup or restore target).</summary>
    public static SqliteConnection OpenOrCreate(string path, TimeSpan busyTimeout) =>
        Open(path, SqliteOpenMode.ReadWriteCreate, busyTimeout, validate: false);

    /// <summary>
    /// Opens a damaged database to salvage from: read-write, because only a writable connection rolls a
    /// hot journal back, so give it a private copy, never the original. <c>writable_schema</c> is on
    /// before the first read, as the shell's .dump does: SQLite then reads a file shorter than its
    /// header says and skips schema rows it cannot parse instead of refusing the whole database.
    /// <c>query_only</c> keeps every statement from writing.
    /// </summary>
    public static SqliteConnection OpenDamagedCopy(string path, TimeSpan busyTimeout) =>
        Open(path, SqliteOpenMode.ReadWrite, busyTimeout, validate: false, "PRAGMA writable_schema = ON; PRAGMA query_only = ON;");

    private static SqliteConnection Open(string path, SqliteOpenMode mode, TimeSpan busyTimeout, bool validate, string firstPragmas = "")
    {
        if (validate)
        {
            SqliteFileProbe.EnsureDatabaseFile(path);
        }
        int busyMs = (int)Math.Min(int.MaxValue, Math.Max(0, busyTimeout.TotalMilliseconds));
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            Cache = SqliteCacheMode.Private,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY for this long on top of busy_timeout; keep them equal.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            connection.ExecuteNonQuery(firstPragmas +
                $"PRAGMA busy_timeout = {busyMs}; PRAGMA trusted_schema = OFF; PRAGMA cell_size_check = ON; PRAGMA mmap_size = 0;");
            // Reading the schema cookie makes SQLite read page 1 now, so "not a database" and lock
            // errors surface here, at open, with the path in the message.
            connection.ExecuteScalar<long>("PRAGMA schema_version;");
            return connection;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw InterruptedWrite.Explain(ex, path) ?? SqliteErrors.Translate(ex, path, CancellationToken.None);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
