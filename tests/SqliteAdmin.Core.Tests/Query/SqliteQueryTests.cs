using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Query;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Query;

public class SqliteQueryTests
{
    private static List<QueryRow> Run(string db, string sql, IReadOnlyDictionary<string, object?>? parameters = null, bool readWrite = false)
    {
        using SqliteQuery query = SqliteQuery.Start(new QueryRequest { Path = db, Sql = sql, Parameters = parameters, ReadWrite = readWrite }, CancellationToken.None);
        return query.Rows().ToList();
    }

    [Fact]
    public void ValuesComeAsTheirSqliteTypes()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        QueryRow row = Assert.Single(Run(db, "SELECT 42 AS i, 1.5 AS r, 'text' AS t, x'00ff' AS b, NULL AS n, 9223372036854775807 AS big;"));
        Assert.Equal(new[] { "i", "r", "t", "b", "n", "big" }, row.Columns);
        Assert.Equal(42L, row.Values[0]);
        Assert.Equal(1.5, row.Values[1]);
        Assert.Equal("text", row.Values[2]);
        Assert.Equal(new byte[] { 0, 255 }, row.Values[3]);
        Assert.Null(row.Values[4]);
        Assert.Equal(long.MaxValue, row.Values[5]);
    }

    [Fact]
    public void RepeatedColumnNamesAreMadeUnique()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        QueryRow row = Run(db, "SELECT a.id, b.id, a.ID, 1 AS \"\" FROM audit_log a JOIN batches b ON b.id = a.batch LIMIT 1;")[0];
        Assert.Equal(new[] { "id", "id_2", "id_3", "column4" }, row.Columns);
    }

    [Fact]
    public void RowsOfSeveralStatementsCarryTheirOwnColumns()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        List<QueryRow> rows = Run(db, "SELECT count(*) AS audits FROM audit_log; SELECT id, strain FROM batches ORDER BY id LIMIT 2;");
        Assert.Equal(3, rows.Count);
        Assert.Equal(new[] { "audits" }, rows[0].Columns);
        Assert.Equal(120L, rows[0].Values[0]);
        Assert.Equal(new[] { "id", "strain" }, rows[2].Columns);
        Assert.Equal(2, rows[2].Statement);
    }

    [Fact]
    public void ParametersAreBoundByNameNeverSpliced()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var values = new Dictionary<string, object?>
        {
            ["Batch"] = 3, ["field"] = "stage", ["evil"] = "x'); DROP TABLE audit_log; --", ["when"] = new DateTime(2026, 11, 3, 0, 0, 0),
        };
        List<QueryRow> rows = Run(db, "SELECT id FROM audit_log WHERE batch = @batch AND field = :field AND ts >= $when AND field <> @evil ORDER BY id;", values);
        string expected = SqliteCli.Run(db, "SELECT group_concat(id) FROM (SELECT id FROM audit_log WHERE batch = 3 AND field = 'stage' AND ts >= '2026-11-03 00:00:00' ORDER BY id);");
        Assert.Equal(expected, string.Join(",", rows.Select(r => r.Values[0])));
        Assert.Equal("120", SqliteCli.Run(db, "SELECT count(*) FROM audit_log;"));
    }

    [Theory]
    [InlineData("SELECT * FROM audit_log WHERE batch = @batch;", ErrorIds.QueryParameterMissing)]
    [InlineData("SELECT * FROM audit_log WHERE batch = ?;", ErrorIds.QueryParameterMissing)]
    [InlineData("SELECT * FROM audit_log WHERE batch = @list;", ErrorIds.QueryParameterInvalid)]
    public void AMissingOrUnbindableParameterIsAnError(string sql, string errorId)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, sql, new Dictionary<string, object?> { ["list"] = new[] { 1, 2 } }));
        Assert.Equal(errorId, ex.ErrorId);
    }

    /// <summary>Read-only by default: a write anywhere in the SQL is refused before the first statement runs.</summary>
    [Theory]
    [InlineData("DELETE FROM audit_log;")]
    [InlineData("SELECT count(*) FROM audit_log; DELETE FROM audit_log; SELECT 1;")]
    [InlineData("CREATE TABLE x(a);")]
    [InlineData("INSERT INTO audit_log(batch, ts, field) SELECT batch, ts, field FROM audit_log RETURNING id;")]
    [InlineData("PRAGMA user_version = 9;")]
    public void AWriteInReadOnlyModeChangesNothing(string sql)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string before = SqliteCli.Run(db, "SELECT count(*) FROM audit_log; PRAGMA user_version; SELECT count(*) FROM sqlite_master;");
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, sql));
        Assert.Equal(ErrorIds.WriteNotAllowed, ex.ErrorId);
        Assert.Contains("-ReadWrite", ex.Message);
        Assert.Equal(before, SqliteCli.Run(db, "SELECT count(*) FROM audit_log; PRAGMA user_version; SELECT count(*) FROM sqlite_master;"));
    }

    [Fact]
    public void ReadWriteRunsEveryStatementAndCountsChanges()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using (SqliteQuery query = SqliteQuery.Start(new QueryRequest
        {
            Path = db, ReadWrite = true,
            Sql = "CREATE TABLE archive AS SELECT * FROM audit_log WHERE 0; INSERT INTO archive SELECT * FROM audit_log WHERE batch < @cut; DELETE FROM audit_log WHERE batch < @cut;",
            Parameters = new Dictionary<string, object?> { ["cut"] = 11 },
        }, CancellationToken.None))
        {
            Assert.Empty(query.Rows());
            // batch = 1 + i % 50 for i in 1..120: 29 rows below 11, copied then deleted.
            Assert.Equal(58, query.RowsChanged);
            Assert.Equal(3, query.Statements);
        }
        Assert.Equal("29|91", SqliteCli.Run(db, "SELECT (SELECT count(*) FROM archive), (SELECT count(*) FROM audit_log);"));
    }

    [Fact]
    public void AFailingStatementIsQueryFailedWithItsText()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, "INSERT INTO batches(id) VALUES (1);", readWrite: true));
        Assert.Equal(ErrorIds.QueryFailed, ex.ErrorId);
        Assert.Contains("UNIQUE constraint failed", ex.Message);
        Assert.Contains("INSERT INTO batches(id) VALUES (1);", ex.Message);
    }

    [Fact]
    public void ASyntaxErrorNamesLineAndColumnAndNothingRuns()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, "SELECT 1;\nSELECT * FROM audit_log WHERE AND batch = 1;"));
        Assert.Equal(ErrorIds.QueryInvalid, ex.ErrorId);
        Assert.True(ex.Message.Contains("near \"AND\": syntax error (line 2, column 31)", StringComparison.Ordinal), ex.Message);
    }

    /// <summary>A query that never ends stops when the token is cancelled mid-row-stream (SQLite is interrupted).</summary>
    [Fact]
    public void CancellingStopsAnEndlessQuery()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using var stop = new CancellationTokenSource();
        using SqliteQuery query = SqliteQuery.Start(new QueryRequest
        {
            Path = db, Sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n;",
        }, stop.Token);
        // The count never yields a row: cancel from another thread once the statement is running.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(200);
            stop.Cancel();
        });
        canceller.Start();
        Assert.ThrowsAny<OperationCanceledException>(() => query.Rows().ToList());
        canceller.Join();
    }

    [Fact]
    public void ScalarRunsTheStatementsAfterItToCompletion()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        SqliteCli.Run(db, "CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1), (2);");
        using (SqliteQuery query = SqliteQuery.Start(new QueryRequest
        {
            Path = db, ReadWrite = true, Sql = "SELECT count(*) FROM t; INSERT INTO t VALUES (9); UPDATE t SET v = v + 10 WHERE v = 9 RETURNING v;",
        }, CancellationToken.None))
        {
            Assert.Equal(2L, query.Scalar());
            Assert.Equal(3, query.Statements);
            Assert.Equal(2, query.RowsChanged);
        }
        Assert.Equal("1,2,19", SqliteCli.Run(db, "SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v);"));
    }

    [Theory]
    [InlineData("INSERT INTO t VALUES (6); SELEC v FROM t;")]
    [InlineData("CREATE TABLE n(a); INSERT INTO n VALUES (1); INSERT INTO t VALUES (6); SELECT * FROM t WHERE AND v = 1;")]
    [InlineData("INSERT INTO t VALUES (6); SELECT count(*) FROM missing; SELECT 'unterminated FROM t;")]
    [InlineData("INSERT INTO t VALUES (6); SELECT cuont(*) FROM t;")]
    public void ASyntaxErrorAnywhereStopsReadWriteSqlBeforeAnythingRuns(string sql)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        SqliteCli.Run(db, "CREATE TABLE t(v INTEGER);");
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, sql, readWrite: true));
        Assert.Equal(ErrorIds.QueryInvalid, ex.ErrorId);
        Assert.Equal("0|0", SqliteCli.Run(db, "SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM sqlite_master WHERE name = 'n');"));
    }

    [Fact]
    public void StatementsOnTablesThatEarlierStatementsMakeStillRunInReadWrite()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        List<QueryRow> rows = Run(db, "CREATE TABLE n(a); INSERT INTO n VALUES (1), (2); ALTER TABLE n ADD COLUMN b; INSERT INTO n(a, b) VALUES (3, 4); DROP TABLE n; CREATE TABLE n(c); INSERT INTO n VALUES (7); SELECT c FROM n;", readWrite: true);
        Assert.Equal(7L, Assert.Single(rows).Values[0]);
    }

    [Fact]
    public void PowerShellsReservedMemberNamesAreRenamedLikeRepeats()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        QueryRow row = Assert.Single(Run(db, "SELECT 1 AS \"PSObject\", 2 AS psbase, 3 AS PSAdapted, 4 AS PSExtended, 5 AS pstypenames, 6 AS PSObject, 7 AS PSObject_2x;"));
        Assert.Equal(new[] { "PSObject_2", "psbase_2", "PSAdapted_2", "PSExtended_2", "pstypenames_2", "PSObject_3", "PSObject_2x" }, row.Columns);
    }

    [Fact]
    public void ReadOnlySqlCanQueryADatabaseItAttaches()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string other = folder.File("other.db");
        SqliteCli.Run(other, "CREATE TABLE t(v); INSERT INTO t VALUES (1), (2), (3);");
        List<QueryRow> rows = Run(db, $"ATTACH '{other}' AS o; SELECT count(*) AS n FROM o.t; DETACH o;");
        Assert.Equal(3L, Assert.Single(rows).Values[0]);

        // A write into the attached database is still refused before it runs.
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, $"ATTACH '{other}' AS o; DELETE FROM o.t;"));
        Assert.Equal(ErrorIds.WriteNotAllowed, ex.ErrorId);
        Assert.Equal("3", SqliteCli.Run(other, "SELECT count(*) FROM t;"));
    }

    [Fact]
    public void AnAttachThatFailsNamesTheAttachedFile()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string missing = folder.File("nowhere/missing.db");
        var ex = Assert.Throws<SqliteAdminException>(() => Run(db, "ATTACH @file AS o; SELECT count(*) FROM o.t;", new Dictionary<string, object?> { ["file"] = missing }));
        Assert.Contains(missing, ex.Message);
        Assert.Equal(missing, ex.Target);
        ex = Assert.Throws<SqliteAdminException>(() => Run(db, $"ATTACH DATABASE '{missing}' AS o;", readWrite: true));
        Assert.Contains(missing, ex.Message);
    }
}
