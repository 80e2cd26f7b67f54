using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;
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
    private (int Start, string Message)? _failedPrepare;

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

    /// <summary>
    /// Prepares every statement once, without running any: finds syntax errors, missing parameters and
    /// writes. A statement whose prepare fails on something an earlier statement may change (a table
    /// it creates, a database it attaches: "no such table", "already exists"…) is skipped here and
    /// checked again in its turn; any other error (a syntax error) is reported now, before anything runs.
    /// </summary>
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
            catch (SqliteAdminException) when (_failedPrepare is { } failed && MayDependOnEarlierStatements(failed.Message))
            {
                offset = StatementEnd(failed.Start);
                continue;
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

    /// <summary>Prepare errors that an earlier statement of the same SQL can cause or cure (CREATE, DROP, ALTER, ATTACH).</summary>
    private static readonly string[] SchemaDependentErrors =
    {
        "no such table", "no such column", "no such index", "no such view", "no such trigger", "unknown database", "already exists", "there is already another", "has no column named",
        " columns but ", "duplicate column name", "ambiguous column name",
    };

    private static bool MayDependOnEarlierStatements(string message)
    {
        foreach (string pattern in SchemaDependentErrors)
        {
            if (message.IndexOf(pattern, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The byte offset just past the statement starting at <paramref name="start"/> (one that parses): its first ';' where the text so far is complete.</summary>
    private int StatementEnd(int start)
    {
        for (int i = start; i < _utf8.Length; i++)
        {
            if (_utf8[i] == (byte)';' && raw.sqlite3_complete(Encoding.UTF8.GetString(_utf8, start, i + 1 - start)) != 0)
            {
                return i + 1;
            }
        }
        return _utf8.Length;
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
                _failedPrepare = (start, raw.sqlite3_errmsg(_db).utf8_to_string() ?? "unknown error");
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
            $"The SQL would change '{_path}' ({statement}) and the database is open read-only: " +
            (StatementCount == 0 ? "nothing was run. " : "that statement was not run (only the read-only statements before it were). ") +
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
        if (AttachedFile() is { } attached && primary != raw.SQLITE_INTERRUPT)
        {
            // The file that could not be attached is the one at fault, not the database the SQL runs on.
            return new SqliteAdminException(ErrorIds.QueryFailed, SqliteAdminErrorCategory.InvalidOperation,
                $"Cannot attach '{attached}' (SQL run on '{_path}'): {message} (in: {StatementText(_statementStart, _statementEnd)})", attached, ex);
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

    private static readonly Regex AttachStatement = new(
        @"^\s*ATTACH\s+(?:DATABASE\s+)?(?:'(?<literal>(?:[^']|'')*)'|[:@$](?<parameter>[A-Za-z0-9_]+))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>When the current statement is ATTACH of a quoted file name or a named parameter: that file; otherwise null.</summary>
    private string? AttachedFile()
    {
        Match match = AttachStatement.Match(Encoding.UTF8.GetString(_utf8, _statementStart, _statementEnd - _statementStart));
        if (!match.Success)
        {
            return null;
        }
        if (match.Groups["literal"].Success)
        {
            return match.Groups["literal"].Value.Replace("''", "'");
        }
        return _parameters.TryGetValue(match.Groups["parameter"].Value, out object? value) ? value?.ToString() : null;
    }

    private int CharOffset(int byteOffset) => Encoding.UTF8.GetCharCount(_utf8, 0, byteOffset);

    /// <summary>One statement's text on one line, shortened for a message.</summary>
    private string StatementText(int start, int end)
    {
        string oneLine = Encoding.UTF8.GetString(_utf8, start, end - start).Trim().Replace("\r", " ").Replace("\n", " ");
        return oneLine.Length <= 80 ? oneLine : oneLine.Substring(0, 77) + "...";
    }
}
