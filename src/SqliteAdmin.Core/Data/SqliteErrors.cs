using System;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>Turns SQLite's result codes into SqliteAdmin's error ids, with the path in every message.</summary>
internal static class SqliteErrors
{
    private const int SqliteBusy = 5, SqliteLocked = 6, SqliteInterrupt = 9, SqliteIoErr = 10, SqliteCorrupt = 11,
        SqliteFull = 13, SqliteCantOpen = 14, SqlitePerm = 3, SqliteReadOnly = 8, SqliteNotADb = 26;

    /// <summary>
    /// Translates a <see cref="SqliteException"/>. An interrupt caused by <paramref name="cancellation"/>
    /// becomes an <see cref="OperationCanceledException"/>.
    /// </summary>
    public static Exception Translate(SqliteException ex, string path, CancellationToken cancellation)
    {
        int primary = ex.SqliteErrorCode & 0xFF;
        switch (primary)
        {
            case SqliteInterrupt when cancellation.IsCancellationRequested:
                return new OperationCanceledException("The operation was stopped.", ex, cancellation);
            case SqliteBusy:
            case SqliteLocked:
                return new SqliteAdminException(ErrorIds.DatabaseLocked, SqliteAdminErrorCategory.ResourceBusy,
                    $"Database '{path}' is locked by another process and the lock did not clear within the busy timeout.", path, ex);
            case SqliteNotADb:
                return new SqliteAdminException(ErrorIds.NotADatabase, SqliteAdminErrorCategory.InvalidData,
                    $"'{path}' is not an SQLite database (SQLite: {ex.Message}).", path, ex);
            case SqliteCorrupt:
                return new SqliteAdminException(ErrorIds.DatabaseCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"Database '{path}' is corrupt (SQLite: {ex.Message}). Run Test-SqliteIntegrity for details.", path, ex);
            case SqliteCantOpen:
            case SqliteIoErr:
            case SqlitePerm:
            case SqliteReadOnly:
            case SqliteFull:
                return new SqliteAdminException(ErrorIds.DatabaseUnreadable, SqliteAdminErrorCategory.ReadError,
                    $"Cannot use database '{path}' (SQLite: {ex.Message}).", path, ex);
            default:
                return new SqliteAdminException(ErrorIds.UnexpectedError, SqliteAdminErrorCategory.NotSpecified,
                    $"SQLite failed on '{path}': {ex.Message}", path, ex);
        }
    }
}
