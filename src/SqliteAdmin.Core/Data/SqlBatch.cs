using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using SqliteAdmin.Core.Native;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// A user's SQL text run statement by statement through SQLite's C API, each statement's parameters
/// bound by name from a dictionary (never spliced into the text). In read-only mode every statement is
/// prepared and checked with sqlite3_stmt_readonly before the first one runs, so a write anywhere in
/// the text is a <see cref="ErrorIds.WriteNotAllowed"/> error and nothing runs at all.
/// </summary>
internal sealed class SqlBatch : IDisposable
{
    private readonly sqlite3 _db;
    private readonly string _path;
    private readonly string _sql;
    private readonly byte[] _utf8;
    private readonly IReadOnlyDictionary<string, object?> _parameters;
    private readonly bool _allowWrites;
    private readonly CancellationToken _cancellation;
    private int _offset;
    private int _statementStart;
    private int _statementEnd;
    private int _totalChangesBefore;
    private sqlite3_stmt? _current;
    private IntPtr _currentHandle;
    private readonly SqliteDirectCalls? _direct = SqliteDirectCalls.Current;

    private SqlBatch(SqliteConnection connection, string path, string sql, IReadOnlyDictionary<string, object?>? parameters, bool allowWrites, CancellationToken cancellation)
    {
        _db = connection.Handle!;
        _path = path;
        _sql = sql;
        _utf8 = Encoding.UTF8.GetBytes(sql);
        _parameters = SqlParameterValues.Normalize(parameters);
        _allowWrites = allowWrites;
        _cancellation = cancellation;
    }

    /// <summary>
    /// Checks the SQL and returns the batch, positioned before its first statement. Syntax errors,
    /// missing parameters and (unless <paramref name="allowWrites"/>) writes are found here, before
    /// anything runs, where the text allows (a statement that needs an earlier one to have run, such as
    /// a SELECT from a table that an earlier CREATE makes, is checked when its turn comes).
    /// </summary>
    public static SqlBatch Open(SqliteConnection connection, string path, string sql, IReadOnlyDictionary<string, object?>? parameters, bool allowWrites, CancellationToken cancellation)
    {
        var batch = new SqlBatch(connection, path, sql, parameters, allowWrites, cancellation);
        try
        {
            batch.CheckAhead();
            return batch;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>The statement being run; valid after <see cref="NextStatement"/> returned true.</summary>
    public sqlite3_stmt Current => _current ?? throw new InvalidOperationException("no current statement");

    /// <summary>The current statement's native handle, for <see cref="SqliteDirectCalls"/>.</summary>
    public IntPtr CurrentHandle => _currentHandle;

    /// <summary>How many statements have started.</summary>
    public int StatementCount { get; private set; }

    /// <summary>Rows inserted, updated or deleted so far (by triggers and foreign-key actions too).</summary>
    public long RowsChanged { get; private set; }

    /// <summary>The current statement's column names, as SQLite names them.</summary>
    public string[] ColumnNames()
    {
        int count = raw.sqlite3_column_count(Current);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = raw.sqlite3_column_name(Current, i).utf8_to_string() ?? "";
        }
        return names;
    }

    /// <summary>Prepares the next statement and binds its parameters; false when none is left.</summary>
    public bool NextStatement()
    {
        FinishCurrent();
        _cancellation.ThrowIfCancellationRequested();
        _current = PrepareNext(ref _offset, out _statementStart);
        _statementEnd = _offset;
        if (_current == null)
        {
            return false;
        }
        if (!_allowWrites && raw.sqlite3_stmt_readonly(_current) == 0)
        {
            throw WriteRefused(_statementStart, _statementEnd);
        }
        SqlParameterValues.Bind(_current, _parameters, _path);
        _totalChangesBefore = raw.sqlite3_total_changes(_db);
        _currentHandle = _current.DangerousGetHandle();
        StatementCount++;
        return true;
    }

    /// <summary>Steps the current statement: true with a row ready, false when it is done.</summary>
    public bool Step()
    {
        int rc = _direct != null ? _direct.Step(_currentHandle) : raw.sqlite3_step(Current);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }
        if (rc == raw.SQLITE_DONE)
        {
            return false;
        }
        throw Failure(rc);
    }

    /// <summary>Finalizes the current statement.</summary>
    public void Dispose() => FinishCurrent();

    private void FinishCurrent()
    {
        if (_current != null)
        {
            _current.Dispose();
            _currentHandle = IntPtr.Zero;
            // total_changes, not changes: after a CREATE or DROP, changes() still holds the last INSERT's count.
            RowsChanged += raw.sqlite3_total_changes(_db) - _totalChangesBefore;
            _current = null;
        }
    }

    /// <summary>Prepares every statement once, without running any: finds syntax errors, missing parameters and writes.</summary>
    private void CheckAhead()
    {
        int offset = 0;
        while (true)
        {
            sqlite3_stmt? statement;
            int start;
            try
            {
                statement = PrepareNext(ref offset, out start);
            }
            catch (SqliteAdminException) when (_allowWrites)
            {
                // May depend on an earlier statement having run (CREATE TABLE, then INSERT); reported in its turn.
                return;
            }
            if (statement == null)
            {
                return;
            }
            using (statement)
            {
                if (!_allowWrites && raw.sqlite3_stmt_readonly(statement) == 0)
                {
                    throw WriteRefused(start, offset);
                }
                SqlParameterValues.Bind(statement, _parameters, _path);
            }
        }
    }

    private sqlite3_stmt? PrepareNext(ref int offset, out int start)
    {
        while (offset < _utf8.Length)
        {
            start = offset;
            ReadOnlySpan<byte> rest = new ReadOnlySpan<byte>(_utf8, offset, _utf8.Length - offset);
            int rc = raw.sqlite3_prepare_v2(_db, rest, out sqlite3_stmt statement, out ReadOnlySpan<byte> tail);
            if (rc != raw.SQLITE_OK)
            {
                statement?.Dispose();
                throw Invalid(start);
            }
            offset = _utf8.Length - tail.Length;
            if (statement != null && !statement.IsInvalid)
            {
                return statement;
            }
            statement?.Dispose();
            if (tail.Length == rest.Length)
            {
                break;
            }
        }
        start = offset;
        return null;
    }

    private SqliteAdminException Invalid(int start)
    {
        string message = raw.sqlite3_errmsg(_db).utf8_to_string() ?? "unknown error";
        return new SqliteAdminException(ErrorIds.QueryInvalid, SqliteAdminErrorCategory.InvalidArgument,
            $"Invalid SQL for '{_path}': {message}{SqlErrorPosition.Describe(_sql, CharOffset(start), message)}", _path);
    }

    private SqliteAdminException WriteRefused(int start, int end)
    {
        string statement = StatementText(start, end);
        return new SqliteAdminException(ErrorIds.WriteNotAllowed, SqliteAdminErrorCategory.PermissionDenied,
            $"The SQL would change '{_path}' ({statement}) and the database is open read-only: nothing was run. " +
            "Give -ReadWrite to run statements that write.", _path);
    }

    private Exception Failure(int rc)
    {
        int primary = rc & 0xFF;
        string message = raw.sqlite3_errmsg(_db).utf8_to_string() ?? "unknown error";
        var ex = new SqliteException(message, rc, raw.sqlite3_extended_errcode(_db));
        if (primary == raw.SQLITE_READONLY && !_allowWrites)
        {
            return WriteRefused(_statementStart, _statementEnd);
        }
        if (primary is raw.SQLITE_INTERRUPT or raw.SQLITE_BUSY or raw.SQLITE_LOCKED or raw.SQLITE_CORRUPT or raw.SQLITE_NOTADB
            or raw.SQLITE_IOERR or raw.SQLITE_FULL or raw.SQLITE_CANTOPEN)
        {
            if (primary == raw.SQLITE_INTERRUPT)
            {
                _cancellation.ThrowIfCancellationRequested();
            }
            return SqliteErrors.Translate(ex, _path, _cancellation);
        }
        return new SqliteAdminException(ErrorIds.QueryFailed, SqliteAdminErrorCategory.InvalidOperation,
            $"The SQL failed on '{_path}': {message} (in: {StatementText(_statementStart, _statementEnd)})", _path, ex);
    }

    private int CharOffset(int byteOffset) => Encoding.UTF8.GetCharCount(_utf8, 0, byteOffset);

    /// <summary>One statement's text on one line, shortened for a message.</summary>
    private string StatementText(int start, int end)
    {
        string oneLine = Encoding.UTF8.GetString(_utf8, start, end - start).Trim().Replace("\r", " ").Replace("\n", " ");
        return oneLine.Length <= 80 ? oneLine : oneLine.Substring(0, 77) + "...";
    }
}
