using System;
using System.IO;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// What a writer killed mid-transaction leaves for the next reader, and what SqliteAdmin says about
/// it: a hot <c>-journal</c> that only a writable connection may roll back, or a WAL database whose
/// <c>-shm</c> cannot be created because its folder is read-only.
/// </summary>
internal static class InterruptedWrite
{
    // Extended result codes (sqlite3.h): a read-only connection met a hot journal, or cannot run WAL recovery.
    private const int ReadOnlyRollback = 8 | (3 << 8), ReadOnlyRecovery = 8 | (1 << 8), ReadOnlyCantLock = 8 | (2 << 8), ReadOnlyCantInit = 8 | (5 << 8);
    private const int CantOpen = 14;

    /// <summary>The text a result says when SqliteAdmin rolled back a hot journal before reading.</summary>
    public static string RolledBackMessage(string path) =>
        $"Rolled back a hot journal left by an interrupted transaction ('{Path.GetFileName(path)}-journal'): " +
        "the database is back at its last committed state, as SQLite does on the next open after a crash.";

    /// <summary>True when SQLite refused a read-only connection because a hot journal needs rolling back.</summary>
    public static bool IsHotJournal(SqliteException ex) => ex.SqliteExtendedErrorCode == ReadOnlyRollback;

    /// <summary>
    /// Translates an open failure that an interrupted writer explains; null when it is something else.
    /// </summary>
    internal static SqliteAdminException? Explain(SqliteException ex, string path)
    {
        if (IsHotJournal(ex))
        {
            return HotJournal(path, ex);
        }
        bool walRecovery = ex.SqliteExtendedErrorCode is ReadOnlyRecovery or ReadOnlyCantLock or ReadOnlyCantInit;
        if ((walRecovery || (ex.SqliteErrorCode & 0xFF) == CantOpen) && IsWalDatabase(path) && !CanWriteBeside(path, out string why))
        {
            string name = Path.GetFileName(path);
            return new SqliteAdminException(ErrorIds.WalNeedsWritableFolder, SqliteAdminErrorCategory.ReadError,
                $"Database '{path}' is in WAL mode and {why}: SQLite must create or update '{name}-shm' (and replay '{name}-wal', if any) to read it, " +
                $"so it cannot be read where it is. Copy '{name}' together with '{name}-wal' (if present) to a writable folder and use the copy, " +
                "or make the folder writable. To keep a database on read-only media, switch it to PRAGMA journal_mode=DELETE before copying it there.", path, ex);
        }
        return null;
    }

    /// <summary>The error for a hot journal this run did not (or could not) roll back; names the journal and the fix.</summary>
    internal static SqliteAdminException HotJournal(string path, Exception? inner)
    {
        string name = Path.GetFileName(path);
        string journal = path + "-journal";
        string start = $"Database '{path}' has a hot journal '{journal}' left by an interrupted transaction (a crash or a killed process). " +
                       "SQLite must roll it back before the database can be read";
        string fix = CanWriteBeside(path, out string why)
            ? ". Get-SqliteDatabase and Backup-SqliteDatabase roll it back (the way SQLite does on its next writable open); so does starting the application that owns the database."
            : $", and that cannot happen here: {why}. Copy '{name}' together with '{name}-journal' to a writable folder and open the copy there " +
              "(the first open rolls the journal back), or make the folder and file writable and run the command again.";
        return new SqliteAdminException(ErrorIds.HotJournal, SqliteAdminErrorCategory.InvalidOperation,
            start + fix + " Never delete the -journal file: that leaves half a transaction in the database.", path, inner);
    }

    /// <summary>
    /// True when the database file, its journal and its folder can be written, so a read-write open can
    /// roll a journal back and delete it; otherwise <paramref name="why"/> says what is read-only.
    /// </summary>
    public static bool CanWriteBeside(string path, out string why)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        try
        {
            // Opening for writing changes nothing, but fails on a read-only file or medium.
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
            {
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            why = $"the database file cannot be written ({ex.Message})";
            return false;
        }
        string probe = Path.Combine(folder, "." + Path.GetFileName(path) + "-sqliteadmin-probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            // SQLite deletes the journal after rolling it back and creates it for every write: it needs
            // to create and delete files in the folder, which is exactly what this probe does.
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            why = $"the folder '{folder}' is read-only or not writable by this user ({ex.Message})";
            return false;
        }
        why = "";
        return true;
    }

    /// <summary>True when the database header says WAL (file format versions 2 at offsets 18 and 19).</summary>
    private static bool IsWalDatabase(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            byte[] header = new byte[20];
            int read = 0;
            while (read < header.Length && stream.Read(header, read, header.Length - read) is int n && n > 0)
            {
                read += n;
            }
            return read == header.Length && header[18] == 2 && header[19] == 2;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return false;
        }
    }
}
