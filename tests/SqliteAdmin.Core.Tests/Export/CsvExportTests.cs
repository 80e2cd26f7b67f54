using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SqliteAdmin.Core.Export;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Export;

/// <summary>CSV exports judged byte for byte by the real sqlite3 shell (3.40) on the same database and SQL.</summary>
public class CsvExportTests
{
    /// <summary>A table with every awkward value: all 255 single bytes, quotes, separators, line ends, spaces, NUL inside text and blobs, invalid UTF-8, emoji, huge text, every kind of number.</summary>
    internal static string CreateAwkward(string path, string encoding = "UTF-8")
    {
        var sql = new StringBuilder();
        sql.AppendLine($"PRAGMA encoding='{encoding}';");
        sql.AppendLine("CREATE TABLE awkward(id INTEGER PRIMARY KEY, label TEXT, v, r REAL, n NUMERIC, \"odd, \"\"name\"\"\" TEXT, \"é t\", \" lead\");");
        sql.AppendLine("BEGIN;");
        for (int b = 1; b < 128; b++)
        {
            sql.AppendLine($"INSERT INTO awkward(label, v) VALUES ('byte {b}', char({b}));");
            sql.AppendLine($"INSERT INTO awkward(label, v) VALUES ('byte {b} inside', 'a' || char({b}) || 'b');");
        }
        for (int b = 128; b < 256; b++)
        {
            // Single bytes above 127 are not UTF-8: stored as TEXT as they are, and as BLOBs.
            sql.AppendLine($"INSERT INTO awkward(label, v) VALUES ('raw {b}', CAST(x'{b:X2}' AS TEXT));");
            sql.AppendLine($"INSERT INTO awkward(label, v) VALUES ('blob {b}', x'41{b:X2}42');");
        }
        string[] texts =
        {
            "''", "' '", "'  padded  '", "' lead'", "'trail '", "'\"'", "'\"\"'", "'a\"b'", "'''single'''", "'a,b'", "',,'", "'a;b'", "'a|b'", "'a||b'",
            "'line1' || char(10) || 'line2'", "'cr' || char(13) || 'lf' || char(10)", "char(13) || char(10)", "'tab' || char(9)",
            "'é'", "'naïve café'", "'日本語'", "'😀 emoji'", "char(65279) || 'bom'", "'zero' || char(8203) || 'width'", "'עברית'",
            "'NULL'", "'null'", "'007'", "'1e5'", "' 1'", "'-0'", "'Inf'", "'1,5'", "'=1+1'", "'x' || char(0) || 'hidden'", "char(0) || 'x'",
            "x''", "x'00'", "x'0041'", "x'4100'", "x'22'", "x'2C'", "x'0A'", "x'DEADBEEF'", "zeroblob(3)",
            "replace(hex(zeroblob(60000)), '00', 'ab')", "replace(hex(zeroblob(700000)), '00', 'a\"')",
            "NULL", "0", "-1", "9223372036854775807", "-9223372036854775808", "1.0", "-0.0", "0.1", "1e15", "1e16", "123456789.123456789",
            "1e308", "-1e308", "1e999", "-1e999", "4.9e-324", "2.2250738585072014e-308", "0.30000000000000004", "1.0/3", "100.0", "3.14159265358979",
        };
        foreach (string text in texts)
        {
            sql.AppendLine($"INSERT INTO awkward(label, v, r, n) VALUES ({Quote(text)}, {text}, {text}, {text});");
        }
        sql.AppendLine("INSERT INTO awkward(label, v, \"odd, \"\"name\"\"\", \"é t\", \" lead\") VALUES ('other columns', 1, 'x,y', 'é', ' ');");
        sql.AppendLine("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) " +
                       "INSERT INTO awkward(label, v, r, n) SELECT 'random ' || i, abs(random()) % 100000 / 7.0, random() / 3.0, random() FROM n;");
        sql.AppendLine("COMMIT;");
        SqliteCli.Run(path, sql.ToString());
        return path;
    }

    private static string Quote(string sqlText) => "'" + sqlText.Replace("'", "''") + "'";

    /// <summary>What the real shell writes for <paramref name="sql"/>, as bytes.</summary>
    internal static byte[] Shell(string database, string sql, params string[] options)
    {
        var info = new ProcessStartInfo("sqlite3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string option in options)
        {
            info.ArgumentList.Add(option);
        }
        info.ArgumentList.Add(database);
        info.ArgumentList.Add(sql);
        using Process process = Process.Start(info)!;
        using var output = new MemoryStream();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"sqlite3 failed: {error.Result}");
        return output.ToArray();
    }

    private static void AssertSameBytes(byte[] expected, string file)
    {
        byte[] actual = File.ReadAllBytes(file);
        int at = 0;
        while (at < Math.Min(expected.Length, actual.Length) && expected[at] == actual[at])
        {
            at++;
        }
        if (at == expected.Length && at == actual.Length)
        {
            return;
        }
        string Around(byte[] bytes) => Encoding.UTF8.GetString(bytes, Math.Max(0, at - 60), Math.Min(bytes.Length, at + 40) - Math.Max(0, at - 60));
        Assert.Fail($"first difference at byte {at} of {expected.Length} (shell) / {actual.Length} (ours)\nshell: {Around(expected)}\nours:  {Around(actual)}");
    }

    /// <summary>Fields larger than the 1 MB buffer (64 MB each, quoted with a doubled quote and plain) go through the buffer in chunks; the bytes are still the shell's.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFieldOfSixtyFourMegabytesIsWhatTheShellWrites(bool throughSqlitePclRaw)
    {
        using var folder = new TempFolder();
        string db = folder.File("big.db");
        SqliteCli.Run(db, "CREATE TABLE big(id INTEGER, v); INSERT INTO big VALUES (1, '\"' || hex(randomblob(33554432)) || ' \"end'), (2, hex(randomblob(33554432))), (3, 'small');");
        Export(db, folder.File("big.csv"), table: "big", change: r => r.ThroughSqlitePclRaw = throughSqlitePclRaw);
        AssertSameBytes(Shell(db, "SELECT * FROM \"big\";", "-header", "-csv"), folder.File("big.csv"));
        Assert.True(new FileInfo(folder.File("big.csv")).Length > 2 * 64 * 1024 * 1024);
    }

    private static ExportResult Export(string db, string destination, string? query = null, string? table = null, Action<ExportRequest>? change = null)
    {
        var request = new ExportRequest { Path = db, Query = query, Table = table, Destination = destination };
        change?.Invoke(request);
        return CsvExport.Run(request, null, CancellationToken.None);
    }

    /// <summary>The export loop calls SQLite directly here; if it could not, exports would silently be twice as slow.</summary>
    [Fact]
    public void DirectCallsFindTheLibrarySqlitePclRawUses()
    {
        Assert.NotNull(SqliteAdmin.Core.Native.SqliteDirectCalls.Current);
    }

    [Theory]
    [InlineData("UTF-8", false)]
    [InlineData("UTF-16le", false)]
    [InlineData("UTF-8", true)]
    [InlineData("UTF-16le", true)]
    public void EveryAwkwardValueIsWrittenAsTheShellWritesIt(string encoding, bool throughSqlitePclRaw)
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"), encoding);
        const string Sql = "SELECT * FROM awkward ORDER BY id;";
        ExportResult result = Export(db, folder.File("out.csv"), Sql, change: r => r.ThroughSqlitePclRaw = throughSqlitePclRaw);
        AssertSameBytes(Shell(db, Sql, "-header", "-csv"), folder.File("out.csv"));
        Assert.Equal(SqliteCli.Run(db, "SELECT count(*) FROM awkward;"), result.Rows.ToString());
        Assert.Equal(new FileInfo(folder.File("out.csv")).Length, result.SizeBytes);
    }

    [Fact]
    public void ATableIsWhatTheShellWritesForSelectStar()
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"));
        ExportResult result = Export(db, folder.File("t.csv"), table: "AWKWARD");
        Assert.Equal("awkward", result.Table);
        AssertSameBytes(Shell(db, "SELECT * FROM \"awkward\";", "-header", "-csv"), folder.File("t.csv"));
    }

    [Theory]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("||")]
    [InlineData("0")]
    [InlineData("é")]
    public void AnotherDelimiterIsTheShellsSeparator(string delimiter)
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"));
        const string Sql = "SELECT * FROM awkward ORDER BY id;";
        Export(db, folder.File("out.csv"), Sql, change: r => r.Delimiter = delimiter);
        AssertSameBytes(Shell(db, Sql, "-header", "-csv", "-separator", delimiter), folder.File("out.csv"));
    }

    [Fact]
    public void WithoutHeaderAndWithByteOrderMark()
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"));
        const string Sql = "SELECT id, label, v FROM awkward ORDER BY id;";
        Export(db, folder.File("plain.csv"), Sql, change: r => r.Header = false);
        AssertSameBytes(Shell(db, Sql, "-csv"), folder.File("plain.csv"));
        Export(db, folder.File("bom.csv"), Sql, change: r => r.ByteOrderMark = true);
        AssertSameBytes(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Shell(db, Sql, "-header", "-csv")).ToArray(), folder.File("bom.csv"));
    }

    [Theory]
    [InlineData("SELECT * FROM awkward WHERE 0;")]
    [InlineData("SELECT 1 AS x; SELECT 2 AS y, 3 AS \"\"; SELECT label FROM awkward WHERE 0; SELECT 'last' AS z")]
    [InlineData("SELECT a.id, b.id, a.label AS \"x\"\"y\" FROM awkward a JOIN awkward b ON a.id = b.id + 1 ORDER BY a.id LIMIT 50 -- trailing comment")]
    // Not length(v) or v || '': SQL that turns a REAL into text runs in the engine, and 3.53 spells REALs differently from 3.40.
    [InlineData("SELECT typeof(v), v, r * 1.5, n / 3, -r FROM awkward ORDER BY id")]
    public void EmptyResultsSeveralStatementsAndExpressionsAreAsTheShellWritesThem(string sql)
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"));
        Export(db, folder.File("out.csv"), sql);
        AssertSameBytes(Shell(db, sql, "-header", "-csv"), folder.File("out.csv"));
    }

    [Fact]
    public void ParametersAreBoundNotSpliced()
    {
        using var folder = new TempFolder();
        string db = CreateAwkward(folder.File("awkward.db"));
        var parameters = new Dictionary<string, object?> { ["label"] = "a,b", ["@min"] = 1L, ["evil"] = "'; DROP TABLE awkward; --" };
        ExportResult result = Export(db, folder.File("p.csv"), "SELECT id, v FROM awkward WHERE (v = @label OR v = :evil) AND id >= $min;",
            change: r => r.Parameters = parameters);
        Assert.Equal(2, result.Rows); // 'a,b' itself and 'a' || char(44) || 'b'
        AssertSameBytes(Shell(db, "SELECT id, v FROM awkward WHERE v = 'a,b';", "-header", "-csv"), folder.File("p.csv"));
        Assert.NotEqual("0", SqliteCli.Run(db, "SELECT count(*) FROM awkward;"));
    }

    [Fact]
    public void AnExistingFileIsKeptWithoutForceAndReplacedWithIt()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string csv = folder.File("audit.csv");
        File.WriteAllText(csv, "keep me");
        var ex = Assert.Throws<SqliteAdminException>(() => Export(db, csv, table: "audit_log"));
        Assert.Equal(ErrorIds.DestinationExists, ex.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(csv));

        ExportResult result = Export(db, csv, table: "audit_log", change: r => r.Force = true);
        Assert.True(result.Replaced);
        AssertSameBytes(Shell(db, "SELECT * FROM \"audit_log\";", "-header", "-csv"), csv);
        Assert.Equal(new[] { "app.db", "audit.csv" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).OrderBy(n => n));
    }

    [Fact]
    public void AFolderDestinationNamesTheFileAfterDatabaseAndTable()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        Directory.CreateDirectory(folder.File("exports"));
        ExportResult result = Export(db, folder.File("exports"), table: "sync_log");
        Assert.Equal(folder.File(Path.Combine("exports", "app_sync_log.csv")), result.Destination);
        Assert.Equal(200, result.Rows);
    }

    [Theory]
    [InlineData("DELETE FROM audit_log;")]
    [InlineData("SELECT 1; UPDATE audit_log SET field = 'x';")]
    [InlineData("DELETE FROM audit_log RETURNING *;")]
    public void AWriteIsRefusedAndNothingRunsOrIsWritten(string sql)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string before = SqliteCli.Run(db, "SELECT count(*), group_concat(field) FROM audit_log;");
        var ex = Assert.Throws<SqliteAdminException>(() => Export(db, folder.File("x.csv"), sql));
        Assert.Equal(ErrorIds.WriteNotAllowed, ex.ErrorId);
        Assert.Equal(before, SqliteCli.Run(db, "SELECT count(*), group_concat(field) FROM audit_log;"));
        Assert.Equal(new[] { "app.db" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ASyntaxErrorSaysWhereAndLeavesNoFile()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var ex = Assert.Throws<SqliteAdminException>(() => Export(db, folder.File("x.csv"), "SELECT ts,\n       field\n  FORM audit_log;" /* FORM is taken for an alias of field */));
        Assert.Equal(ErrorIds.QueryInvalid, ex.ErrorId);
        Assert.True(ex.Message.Contains("near \"audit_log\": syntax error (line 3, column 8)", StringComparison.Ordinal), ex.Message);
        Assert.Equal(new[] { "app.db" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AnUnknownTableListsTheTables()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var ex = Assert.Throws<SqliteAdminException>(() => Export(db, folder.File("x.csv"), table: "audit\"; DROP TABLE audit_log; --"));
        Assert.Equal(ErrorIds.TableNotFound, ex.ErrorId);
        Assert.Contains("audit_log, batches, sync_log", ex.Message);
    }

    /// <summary>
    /// A writer killed mid-transaction (rollback journal): its half-done DELETE leaves a hot journal.
    /// The export rolls it back first, as SQLite's next writable open does, and exports the committed rows.
    /// </summary>
    [Fact]
    public void AHotJournalIsRolledBackAndTheCommittedRowsAreExported()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        byte[] committed = Shell(db, "SELECT * FROM audit_log;", "-header", "-csv");
        SqliteCli.RunThenKill(db, "PRAGMA cache_size=1; BEGIN; DELETE FROM audit_log; UPDATE batches SET notes = hex(randomblob(300));");
        Assert.True(File.Exists(db + "-journal"), "the killed writer left no journal: the test sets nothing up");

        ExportResult result = Export(db, folder.File("audit.csv"), table: "audit_log");

        Assert.True(result.RolledBackHotJournal);
        Assert.Equal(120, result.Rows);
        AssertSameBytes(committed, folder.File("audit.csv"));
    }

    /// <summary>Stopped after the first progress report of an endless query: no file under the name, no temp file.</summary>
    [Fact]
    public void CancellingLeavesNoFile()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using var stop = new CancellationTokenSource();
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.Contains("rows,", StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        });
        var request = new ExportRequest
        {
            Path = db, Destination = folder.File("endless.csv"),
            Query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i, 'row ' || i FROM n;",
        };
        Assert.ThrowsAny<OperationCanceledException>(() => CsvExport.Run(request, progress, stop.Token));
        Assert.Equal(new[] { "app.db" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void ADiskFullLeavesNoFileUnderTheName()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using var volume = new SmallVolume(1 << 20);
        var ex = Assert.Throws<SqliteAdminException>(() => Export(db, volume.File("big.csv"),
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000) SELECT i, hex(randomblob(20)) FROM n;"));
        Assert.Equal(ErrorIds.ExportWriteFailed, ex.ErrorId);
        Assert.Empty(Directory.GetFiles(volume.Path));
    }
}
