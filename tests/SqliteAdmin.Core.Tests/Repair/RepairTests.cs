using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Repair;
using SqliteAdmin.Core.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SqliteAdmin.Core.Tests.Repair;

public class RepairTests
{
    private readonly ITestOutputHelper _output;

    public RepairTests(ITestOutputHelper output) => _output = output;

    private static List<RepairResult> Repair(string source, string? destination, Action<RepairRequest>? adjust = null)
    {
        var request = new RepairRequest { Source = source, Destination = destination, BusyTimeout = TimeSpan.FromSeconds(5) };
        adjust?.Invoke(request);
        return DatabaseRepair.Run(request, null, CancellationToken.None);
    }

    private static string Sha(string path) => FileHash.Compute(path, null, null, CancellationToken.None).Sha256;

    [Theory]
    [InlineData("leaf")]
    [InlineData("two-leaves")]
    [InlineData("leaf-pointers")]
    [InlineData("leaf-content")]
    [InlineData("interior")]
    [InlineData("index")]
    [InlineData("truncated")]
    [InlineData("schema-row")]
    public void Recovers_at_least_what_dump_recovers_and_never_invents_a_row(string kind)
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), kind);
        string damagedSha = Sha(damaged);
        Dictionary<string, long> inOriginal = DamagedDatabase.CountRows(original);

        List<RepairResult> results = Repair(damaged, folder.File("salvaged.db"));

        Assert.Equal(damagedSha, Sha(damaged)); // the original is never written
        Assert.Equal(new[] { "damaged.db", "original.db", "salvaged.db" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
        Assert.Equal("ok", SqliteCli.Run(folder.File("salvaged.db"), "PRAGMA integrity_check;"));
        Dictionary<string, long> ours = DamagedDatabase.CountRows(folder.File("salvaged.db"));
        (string dumped, string script) = DamagedDatabase.DumpInto(damaged, folder.File("dumped.db"));
        Dictionary<string, long> dump = DamagedDatabase.CountRows(dumped);
        Dictionary<string, (long Read, long Genuine)> dumpRead = DamagedDatabase.RowsIn(script, original, folder.File("dump-rows.db"));
        (string recovered, _) = DamagedDatabase.DumpInto(damaged, folder.File("recovered.db"), ".recover");
        Dictionary<string, long> recover = DamagedDatabase.CountRows(recovered);
        Dictionary<string, long> invented = DamagedDatabase.InventedRows(folder.File("salvaged.db"), original);

        foreach ((string table, _) in DamagedDatabase.Tables)
        {
            _output.WriteLine($"| {kind} | {table} | {ours[table]} | {dump[table]} | {dumpRead[table].Read} ({dumpRead[table].Read - dumpRead[table].Genuine} invented) | {recover[table]} | {inOriginal[table]} |");
            Assert.True(ours[table] >= dump[table], $"{table}: {ours[table]} < .dump's {dump[table]}");
            Assert.True(ours[table] >= dumpRead[table].Genuine, $"{table}: {ours[table]} < the {dumpRead[table].Genuine} genuine rows .dump read");
            Assert.Equal(0, invented[table]);
            RepairResult? result = results.SingleOrDefault(r => r.Type == "table" && r.Name == table);
            if (result != null)
            {
                Assert.Equal(ours[table], result.RowsRecovered);
                Assert.True(result.RowsExpected == null || result.RowsExpected == inOriginal[table], $"{table}: expected {result.RowsExpected}, original has {inOriginal[table]}");
                Assert.Equal(result.RowsRecovered == inOriginal[table] ? RepairStatus.Complete : result.RowsRecovered == 0 ? RepairStatus.Failed : RepairStatus.Partial, result.Status);
            }
        }
    }

    [Fact]
    public void Probing_gets_past_two_damaged_leaves_where_dump_stops_at_the_first_and_the_last()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "two-leaves");

        RepairResult items = Repair(damaged, folder.File("salvaged.db")).Single(r => r.Name == "items");
        long dumped = DamagedDatabase.RowsIn(DamagedDatabase.DumpInto(damaged, folder.File("dumped.db")).Script, original, folder.File("dump-rows.db"))["items"].Read;

        // Two leaves of about 16 rows each are lost, nothing else; .dump loses everything between them.
        Assert.InRange(items.RowsRecovered!.Value, 3000 - 2 * 20, 3000 - 2);
        Assert.True(items.RowsRecovered > dumped + 500, $"ours {items.RowsRecovered}, .dump {dumped}");
        Assert.Equal(2, items.DamagedRanges);
        Assert.Null(items.RowsExpected); // count(*) cannot walk the damaged pages either
        Assert.Equal(RepairStatus.Partial, items.Status);
        Assert.Contains("rowids", items.Message);
    }

    [Fact]
    public void A_damaged_index_costs_no_row_and_is_rebuilt()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "index");
        Assert.NotEqual("ok", SqliteCli.RunAllowingErrors(damaged, "PRAGMA integrity_check;"));

        List<RepairResult> results = Repair(damaged, folder.File("salvaged.db"));

        Assert.All(results, r => Assert.Equal(RepairStatus.Complete, r.Status));
        Assert.Equal(3000, results.Single(r => r.Name == "items").RowsExpected);
        Assert.Equal(3000, results.Single(r => r.Name == "items").RowsRecovered);
        Assert.Equal(new[] { "big_items", "events_ts", "items_log", "items_name" },
            results.Where(r => r.Type != "table").Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal));
        string salvaged = folder.File("salvaged.db");
        Assert.Equal("3000", SqliteCli.Run(salvaged, "SELECT count(*) FROM items INDEXED BY items_name WHERE name > '';"));
        // Header values, the AUTOINCREMENT counter above the highest surviving id, and the trigger works (created after the data).
        Assert.Equal("42", SqliteCli.Run(salvaged, "PRAGMA user_version;"));
        Assert.Equal("1024", SqliteCli.Run(salvaged, "PRAGMA page_size;"));
        Assert.Equal("3000", SqliteCli.Run(salvaged, "SELECT seq FROM sqlite_sequence WHERE name = 'log';"));
        Assert.Equal("2990", SqliteCli.Run(salvaged, "SELECT count(*) FROM log;"));
        Assert.Equal("3001", SqliteCli.Run(salvaged, "INSERT INTO items(name) VALUES ('new'); SELECT max(id) FROM log;"));
    }

    [Fact]
    public void An_unreadable_schema_page_is_a_clear_error_and_leaves_nothing()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "schema-page");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => Repair(damaged, folder.File("salvaged.db")));

        Assert.Equal(ErrorIds.SchemaUnreadable, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
        // The CLI's .dump gets nothing either.
        Assert.All(DamagedDatabase.RowsIn(DamagedDatabase.DumpInto(damaged, folder.File("dumped.db")).Script, original, folder.File("dump-rows.db")).Values, n => Assert.Equal(0, n.Read));
    }

    [Fact]
    public void A_garbled_schema_row_loses_that_table_only_and_says_so()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "schema-row");

        List<RepairResult> results = Repair(damaged, folder.File("salvaged.db"));

        RepairResult lost = Assert.Single(results, r => r.Status == RepairStatus.Failed);
        Assert.Equal("table", lost.Type);
        Assert.Contains("not valid SQL", lost.Message);
        Assert.Equal(new long?[] { 3000, 2000, 2990 }, new[] { "items", "events", "log" }.Select(t => results.Single(r => r.Name == t).RowsRecovered));
    }

    [Fact]
    public void An_existing_destination_is_refused_unless_forced()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "leaf");
        File.WriteAllText(folder.File("salvaged.db"), "precious");
        File.WriteAllText(folder.File("salvaged.db-journal"), "stale journal");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => Repair(damaged, folder.File("salvaged.db")));
        Assert.Equal(ErrorIds.DestinationExists, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
        var itself = Assert.Throws<SqliteAdminException>(() => Repair(damaged, damaged, r => r.Force = true));
        Assert.Equal(ErrorIds.InvalidParameterCombination, itself.ErrorId);

        Repair(damaged, folder.File("salvaged.db"), r => r.Force = true);

        Assert.False(File.Exists(folder.File("salvaged.db-journal"))); // never replayed into the new file
        Assert.Equal("ok", SqliteCli.Run(folder.File("salvaged.db"), "PRAGMA integrity_check;"));
    }

    [Fact]
    public void A_hot_journal_beside_the_damaged_database_is_rolled_back_only_in_the_private_copy()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT); CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('committed');" +
                          "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 2000) INSERT INTO t(pad) SELECT hex(randomblob(40)) FROM c;");
        SqliteCli.RunThenKill(db, "PRAGMA cache_size=1; BEGIN; UPDATE t SET pad = hex(randomblob(40)); UPDATE marker SET v = 'uncommitted';");
        Assert.True(File.Exists(db + "-journal"));
        string dbSha = Sha(db), journalSha = Sha(db + "-journal");

        List<RepairResult> results = Repair(db, folder.File("salvaged.db"));

        Assert.Equal(dbSha, Sha(db));
        Assert.Equal(journalSha, Sha(db + "-journal"));
        Assert.Equal("committed", SqliteCli.Run(folder.File("salvaged.db"), "SELECT v FROM marker;"));
        Assert.Equal(2000, results.Single(r => r.Name == "t").RowsRecovered);
        Assert.Equal(new[] { "app.db", "app.db-journal", "salvaged.db" }, Directory.GetFiles(folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Replace_swaps_the_salvaged_database_in_and_keeps_the_damaged_one_as_a_safety_copy()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("app.db"), "leaf");
        string damagedSha = Sha(damaged);

        List<RepairResult> results = Repair(damaged, null, r =>
        {
            r.Replace = true;
            r.UtcNow = () => new DateTime(2026, 12, 2, 1, 0, 0, DateTimeKind.Utc);
        });

        string safety = Path.Combine(folder.Path, "before_restore", "app.db_20261202_010000");
        Assert.All(results, r => Assert.True(r.Replaced));
        Assert.All(results, r => Assert.Equal(safety, r.SafetyCopyPath));
        Assert.All(results, r => Assert.Equal(damaged, r.Destination));
        Assert.Equal(damagedSha, Sha(Path.Combine(safety, "app.db")));
        Assert.Equal("ok", SqliteCli.Run(damaged, "PRAGMA integrity_check;"));
        Assert.Equal(results.Single(r => r.Name == "items").RowsRecovered.ToString(), SqliteCli.Run(damaged, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public void Replace_refuses_a_database_in_use_and_changes_nothing()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("app.db"), "index");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);
        System.Diagnostics.Process holder = SqliteCli.HoldLock(damaged, "BEGIN IMMEDIATE;");
        try
        {
            var ex = Assert.Throws<SqliteAdminException>(() => Repair(damaged, null, r => r.Replace = true));
            Assert.Equal(ErrorIds.DatabaseInUse, ex.ErrorId);
        }
        finally
        {
            SqliteCli.Release(holder);
        }
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }
    [Fact]
    public void Committed_rows_still_in_the_wal_are_salvaged_and_the_wal_is_left_as_it_was()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('checkpointed'); PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteCli.RunThenKill(db, "PRAGMA wal_autocheckpoint=0; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 500) INSERT INTO t(v) SELECT 'in the wal' FROM c;");
        Assert.True(new FileInfo(db + "-wal").Length > 0);
        string dbSha = Sha(db), walSha = Sha(db + "-wal");

        RepairResult t = Repair(db, folder.File("salvaged.db")).Single(r => r.Name == "t");

        Assert.Equal(501, t.RowsRecovered);
        Assert.Equal(501, t.RowsExpected);
        Assert.Equal(RepairStatus.Complete, t.Status);
        Assert.Equal(dbSha, Sha(db));
        Assert.Equal(walSha, Sha(db + "-wal"));
        Assert.Equal("delete", SqliteCli.Run(folder.File("salvaged.db"), "PRAGMA journal_mode;"));
    }

    [Fact]
    public void Stopped_midway_it_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("damaged.db"), "two-leaves");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);
        using var stop = new CancellationTokenSource();
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.StartsWith("Table events", StringComparison.Ordinal))
            {
                stop.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DatabaseRepair.Run(new RepairRequest { Source = damaged, Destination = folder.File("salvaged.db") }, progress, stop.Token));

        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void Schema_sql_with_a_second_statement_is_refused_and_nothing_of_it_runs()
    {
        using var folder = new TempFolder();
        string db = folder.File("evil.db");
        string target = Path.Combine(folder.Path, "x");
        Directory.CreateDirectory(target);
        string pwned = Path.Combine(target, "pwned.db");
        SqliteCli.Run(db, "CREATE TABLE t(a); INSERT INTO t VALUES (1); CREATE TABLE u(b); INSERT INTO u VALUES (2), (3);" +
                          "CREATE VIEW v AS SELECT * FROM u;");
        SqliteCli.Run(db, "PRAGMA writable_schema = ON; " +
            $"UPDATE sqlite_schema SET sql = 'CREATE TABLE t(a); ATTACH ''{pwned}'' AS p; CREATE TABLE p.owned(x); INSERT INTO p.owned VALUES (''arbitrary'')' WHERE name = 't';" +
            $"UPDATE sqlite_schema SET sql = 'CREATE TABLE v(a)' WHERE name = 'v';");

        List<RepairResult> results = Repair(db, folder.File("salvaged.db"));

        Assert.False(File.Exists(pwned));
        RepairResult t = results.Single(r => r.Name == "t");
        Assert.Equal(RepairStatus.Failed, t.Status);
        Assert.Contains("more than one statement", t.Message);
        RepairResult v = results.Single(r => r.Name == "v");
        Assert.Equal(RepairStatus.Failed, v.Status);
        Assert.Contains("not a CREATE VIEW", v.Message);
        Assert.Equal(2, results.Single(r => r.Name == "u").RowsRecovered);
        Assert.Equal("u", SqliteCli.Run(folder.File("salvaged.db"), "SELECT group_concat(name) FROM sqlite_schema;"));
    }

    [Fact]
    public void Replace_refuses_when_the_database_changed_while_it_was_salvaged()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = DamagedDatabase.Damage(original, folder.File("app.db"), "index");

        var ex = Assert.Throws<SqliteAdminException>(() => Repair(damaged, null, r =>
        {
            r.Replace = true;
            r.AfterCopy = () => SqliteCli.Run(damaged, "INSERT INTO tags VALUES ('written during the repair', 1);");
        }));

        Assert.Equal(ErrorIds.DatabaseChangedDuringRepair, ex.ErrorId);
        Assert.Equal("1", SqliteCli.Run(damaged, "SELECT n FROM tags WHERE tag = 'written during the repair';"));
        Assert.Equal(new[] { "app.db", "original.db" }, Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void Replace_refuses_when_a_wal_database_got_a_commit_while_it_was_salvaged()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('a'); PRAGMA wal_checkpoint(TRUNCATE);");

        var ex = Assert.Throws<SqliteAdminException>(() => Repair(db, null, r =>
        {
            r.Replace = true;
            r.AfterCopy = () => SqliteCli.RunThenKill(db, "PRAGMA wal_autocheckpoint=0; INSERT INTO t(v) VALUES ('late');");
        }));

        Assert.Equal(ErrorIds.DatabaseChangedDuringRepair, ex.ErrorId);
        Assert.Equal("2", SqliteCli.Run(db, "SELECT count(*) FROM t;"));
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "before_restore")));
    }

    [Fact]
    public void Replace_of_a_wal_database_with_commits_still_in_its_wal_is_not_taken_for_a_change()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=wal; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t(v) VALUES ('checkpointed'); PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteCli.RunThenKill(db, "PRAGMA wal_autocheckpoint=0; WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 500) INSERT INTO t(v) SELECT 'in the wal' FROM c;");
        Assert.True(new FileInfo(db + "-wal").Length > 0);

        RepairResult t = Repair(db, null, r => r.Replace = true).Single(r => r.Name == "t");

        Assert.Equal(501, t.RowsRecovered);
        Assert.Equal("501", SqliteCli.Run(db, "SELECT count(*) FROM t;"));
        Assert.Equal("wal", SqliteCli.Run(db, "PRAGMA journal_mode;"));
    }

    [Fact]
    public void An_empty_schema_page_over_data_is_refused_and_nothing_is_swapped_or_written()
    {
        using var folder = new TempFolder();
        string app = DamagedDatabase.CreateOriginal(folder.File("app.db"));
        using (var stream = new FileStream(app, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 100;
            stream.Write(new byte[] { 0x0d, 0, 0, 0, 0 }, 0, 5); // page 1: a leaf with no cells
        }
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var replace = Assert.Throws<SqliteAdminException>(() => Repair(app, null, r => r.Replace = true));
        Assert.Equal(ErrorIds.SchemaUnreadable, replace.ErrorId);
        Assert.Contains("pages", replace.Message);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));

        var destination = Assert.Throws<SqliteAdminException>(() => Repair(app, folder.File("salvaged.db")));
        Assert.Equal(ErrorIds.SchemaUnreadable, destination.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void A_table_sqlite_cannot_resolve_is_failed_and_the_repair_goes_on()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string damaged = folder.File("damaged.db");
        File.Copy(original, damaged);
        using (var stream = new FileStream(damaged, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 900;
            stream.Write(Enumerable.Repeat((byte)0xAA, 60).ToArray(), 0, 60);
        }

        List<RepairResult> results = Repair(damaged, folder.File("salvaged.db"));

        foreach (RepairResult r in results)
        {
            _output.WriteLine($"{r.Type} {r.Name} {r.Status} {r.RowsRecovered}/{r.RowsExpected} {r.Message}");
        }
        RepairResult[] unreadable = results.Where(r => r.Type == "table" && r.RowsRecovered == 0).ToArray();
        Assert.NotEmpty(unreadable);
        Assert.All(unreadable, r => Assert.Equal(RepairStatus.Failed, r.Status));
        Assert.All(unreadable, r => Assert.Null(r.RowsExpected));
        Assert.Equal("ok", SqliteCli.Run(folder.File("salvaged.db"), "PRAGMA integrity_check;"));
    }

    [Fact]
    public void A_full_destination_volume_is_destination_not_writable_naming_its_folder()
    {
        using var folder = new TempFolder();
        string damaged = DamagedDatabase.Damage(DamagedDatabase.CreateOriginal(folder.File("original.db")), folder.File("damaged.db"), "leaf");
        long size = new FileInfo(damaged).Length;
        // Room for the private copy of the damaged file, not for the salvaged one beside it.
        using var volume = new SmallVolume(size + size / 3);

        var ex = Assert.Throws<SqliteAdminException>(() => Repair(damaged, volume.File("salvaged.db")));

        Assert.Equal(ErrorIds.DestinationNotWritable, ex.ErrorId);
        Assert.Contains(volume.Path, ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(volume.Path));
    }

    [Fact]
    public void Replace_keeps_a_wal_database_in_wal_mode()
    {
        using var folder = new TempFolder();
        string original = DamagedDatabase.CreateOriginal(folder.File("original.db"));
        string app = DamagedDatabase.Damage(original, folder.File("app.db"), "index");
        SqliteCli.Run(app, "PRAGMA journal_mode=wal;");

        Repair(app, null, r => r.Replace = true);

        byte[] header = new byte[20];
        using (var stream = File.OpenRead(app))
        {
            Assert.Equal(20, stream.Read(header, 0, 20));
        }
        Assert.Equal(new byte[] { 2, 2 }, header.Skip(18).ToArray());
        Assert.Equal("wal", SqliteCli.Run(app, "PRAGMA journal_mode;"));
        Assert.Equal("3000", SqliteCli.Run(app, "SELECT count(*) FROM items;"));
    }

    [Fact]
    public void Text_that_is_not_valid_utf8_is_copied_byte_for_byte()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "CREATE TABLE x(id INTEGER PRIMARY KEY, v TEXT, w); " +
                          "INSERT INTO x VALUES (1, CAST(x'c328' AS TEXT), CAST(x'ff' AS TEXT)), (2, 'ok', CAST(x'eda080' AS TEXT)), (3, 'é', 42);");
        const string Values = "SELECT id, typeof(v), hex(v), typeof(w), hex(w) FROM x ORDER BY id;";
        string expected = SqliteCli.Run(db, Values);

        Repair(db, folder.File("salvaged.db"));

        Assert.Equal(expected, SqliteCli.Run(folder.File("salvaged.db"), Values));
    }

    [Fact]
    public void Text_of_a_utf16_database_is_copied_byte_for_byte()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "PRAGMA encoding = 'UTF-16le'; CREATE TABLE x(id INTEGER PRIMARY KEY, v TEXT); " +
                          "INSERT INTO x VALUES (1, 'plain'), (2, 'é€'), (3, CAST(x'00d8' AS TEXT));");
        const string Values = "SELECT id, typeof(v), hex(v) FROM x ORDER BY id;";
        string expected = SqliteCli.Run(db, Values);

        Repair(db, folder.File("salvaged.db"));

        Assert.Equal("UTF-16le", SqliteCli.Run(folder.File("salvaged.db"), "PRAGMA encoding;"));
        Assert.Equal(expected, SqliteCli.Run(folder.File("salvaged.db"), Values));
    }
}
