using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Query;

/// <summary>
/// Runs SQL against one database and streams its rows as they are read: INTEGER as long, REAL as
/// double, TEXT as string, BLOB as byte[], NULL as null. Read-only unless asked (Mode=ReadOnly and
/// every statement checked with sqlite3_stmt_readonly before any runs).
/// </summary>
internal sealed class SqliteQuery : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqlBatch _batch;
    private readonly CancellationTokenRegistration _interrupt;

    private SqliteQuery(SqliteConnection connection, SqlBatch batch, CancellationTokenRegistration interrupt, bool rolledBack)
    {
        _connection = connection;
        _batch = batch;
        _interrupt = interrupt;
        RolledBackHotJournal = rolledBack;
    }

    /// <summary>
    /// Opens the database and checks the SQL (syntax, parameters, and writes unless
    /// <see cref="QueryRequest.ReadWrite"/>); nothing has run yet. Cancelling interrupts SQLite.
    /// </summary>
    public static SqliteQuery Start(QueryRequest request, CancellationToken cancellation)
    {
        bool rolledBack = false;
        SqliteConnection connection = request.ReadWrite
            ? SqliteConnectionFactory.OpenReadWrite(request.Path, request.BusyTimeout)
            : SqliteConnectionFactory.OpenSource(request.Path, request.BusyTimeout, out rolledBack);
        CancellationTokenRegistration interrupt = default;
        try
        {
            interrupt = connection.InterruptOn(cancellation);
            SqlBatch batch = SqlBatch.Open(connection, request.Path, request.Sql, request.Parameters, request.ReadWrite, cancellation);
            return new SqliteQuery(connection, batch, interrupt, rolledBack);
        }
        catch
        {
            interrupt.Dispose();
            connection.Dispose();
            throw;
        }
    }

    /// <summary>True when a hot journal left by an interrupted writer was rolled back before reading.</summary>
    public bool RolledBackHotJournal { get; }

    /// <summary>Rows inserted, updated or deleted by the SQL, triggers included (after <see cref="Rows"/> is read to the end).</summary>
    public long RowsChanged => _batch.RowsChanged;

    /// <summary>How many statements ran.</summary>
    public int Statements => _batch.StatementCount;

    /// <summary>
    /// Runs the statements in order and yields each row as it is read; statements without rows
    /// (INSERT, CREATE) run to completion and yield nothing. Stop enumerating to stop the SQL.
    /// </summary>
    public IEnumerable<QueryRow> Rows()
    {
        while (_batch.NextStatement())
        {
            string[]? columns = null;
            while (_batch.Step())
            {
                columns ??= QueryRow.UniqueNames(_batch.ColumnNames());
                yield return new QueryRow(columns, ReadValues(_batch.Current, columns.Length), _batch.StatementCount);
            }
        }
    }

    /// <summary>
    /// The first column of the first row, or null when there is no row. Every statement still runs to
    /// completion, as with <see cref="Rows"/> (an INSERT after the SELECT is not skipped); their other
    /// rows are discarded. Only the rest of a read-only statement that gave the value is not read.
    /// </summary>
    public object? Scalar()
    {
        object? value = null;
        bool found = false;
        while (_batch.NextStatement())
        {
            bool readOnly = raw.sqlite3_stmt_readonly(_batch.Current) != 0;
            while (_batch.Step())
            {
                if (found)
                {
                    continue;
                }
                found = true;
                value = raw.sqlite3_column_count(_batch.Current) > 0 ? ReadValues(_batch.Current, 1)[0] : null;
                if (readOnly)
                {
                    break;
                }
            }
        }
        return value;
    }

    private static object?[] ReadValues(sqlite3_stmt statement, int count)
    {
        var values = new object?[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = raw.sqlite3_column_type(statement, i) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(statement, i),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(statement, i),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(statement, i).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(statement, i).ToArray(),
                _ => null,
            };
        }
        return values;
    }

    /// <summary>Finalizes the statement and closes the database.</summary>
    public void Dispose()
    {
        _batch.Dispose();
        _interrupt.Dispose();
        _connection.Dispose();
    }
}
