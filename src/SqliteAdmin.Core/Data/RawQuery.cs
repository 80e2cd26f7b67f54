using System;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// Runs a <see cref="SqliteCommand"/>'s SQL and parameters through SQLite's C API directly, calling
/// back for every row with the statement: for streaming tens of millions of rows, where a data
/// reader's per-row overhead would cost more than SQLite's own work.
/// </summary>
internal static class RawQuery
{
    /// <summary>Steps the command's single statement; errors surface as <see cref="SqliteException"/>.</summary>
    public static void ForEachRow(SqliteConnection connection, SqliteCommand command, Action<sqlite3_stmt> onRow, CancellationToken cancellation)
    {
        sqlite3 db = connection.Handle!;
        Check(db, raw.sqlite3_prepare_v2(db, command.CommandText, out sqlite3_stmt statement));
        using (statement)
        {
            foreach (SqliteParameter parameter in command.Parameters)
            {
                int index = raw.sqlite3_bind_parameter_index(statement, parameter.ParameterName);
                if (index == 0)
                {
                    continue;
                }
                int rc = parameter.Value switch
                {
                    long l => raw.sqlite3_bind_int64(statement, index, l),
                    int i => raw.sqlite3_bind_int64(statement, index, i),
                    double d => raw.sqlite3_bind_double(statement, index, d),
                    string s => raw.sqlite3_bind_text(statement, index, s),
                    null => raw.sqlite3_bind_null(statement, index),
                    DBNull => raw.sqlite3_bind_null(statement, index),
                    object other => throw new ArgumentException($"Cannot bind a {other.GetType().Name} to {parameter.ParameterName}."),
                };
                Check(db, rc);
            }
            int step;
            while ((step = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                onRow(statement);
            }
            if (step != raw.SQLITE_DONE)
            {
                cancellation.ThrowIfCancellationRequested();
                Check(db, step);
            }
        }
    }

    private static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(db));
        }
    }
}
