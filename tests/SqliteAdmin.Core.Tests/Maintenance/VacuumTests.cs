using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Maintenance;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Maintenance;

public class VacuumTests
{
    /// <summary>
    /// The seeds' tables plus a table without INTEGER PRIMARY KEY (whose rowids VACUUM may renumber)
    /// and a filler table, then deletes: about half of the pages end up on the freelist.
    /// </summary>
    internal static string CreateFragmented(string path, string journalMode = "delete", string autoVacuum = "none", int fillerRows = 3000)
    {
        TestDatabase.Create(path, journalMode, syncRows: 2000, autoVacuum: autoVacuum);
        SqliteCli.Run(path, $@"
CREATE TABLE notes(body TEXT, n INTEGER);
CREATE TABLE filler(id INTEGER PRIMARY KEY, payload BLOB);
BEGIN;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < 3000) INSERT INTO notes SELECT 'note '||n||' '||hex(randomblob(40)), n FROM i;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < {fillerRows}) INSERT INTO filler(payload) SELECT randomblob(900) FROM i;
COMMIT;
DELETE FROM filler WHERE id % 4 <> 0;
DELETE FROM notes WHERE n % 3 = 0;
DELETE FROM sync_log WHERE id % 2 = 0;");
        return path;
    }

    /// <summary>
    /// Every user table's rows as the sqlite3 CLI prints them (quoted, sorted: rowids of tables
    /// without INTEGER PRIMARY KEY are not part of the content), plus the schema.
    /// </summary>
    internal static string Content(string db)
    {
        var parts = new List<string> { SqliteCli.Run(db, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name;") };
        foreach (string table in SqliteCli.Run(db, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name;").Split('\n'))
        {
            string rows = SqliteCli.Run(db, $".mode quote\nSELECT * FROM \"{table}\";");
            parts.Add(table + ":\n" + string.Join("\n", rows.Split('\n').OrderBy(l => l, StringComparer.Ordinal)));
        }
        return string.Join("\n", parts);
    }

    private static (long PageCount, long Freelist, long PageSize) Pages(string db)
    {
        long[] v = SqliteCli.Run(db, "PRAGMA page_count; PRAGMA freelist_count; PRAGMA page_size;").Split('\n').Select(long.Parse).ToArray();
        return (v[0], v[1], v[2]);
    }

    private static VacuumResult Vacuum(string db, Action<VacuumRequest>? adjust = null, IProgress<Progress.OperationProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        var request = new VacuumRequest { Path = db, BusyTimeout = TimeSpan.FromSeconds(1) };
        adjust?.Invoke(request);
        return DatabaseVacuum.Run(request, progress, cancellation);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("wal")]
    public void A_full_vacuum_reclaims_the_free_pages_and_keeps_every_row(string journalMode)
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), journalMode);
        string before = Content(db);
        var (pages, free, pageSize) = Pages(db);
        long sizeBefore = new FileInfo(db).Length;
        Assert.True(free * 100 / pages > 30, $"the test database should be fragmented ({free} of {pages} pages free)");

        VacuumResult result = Vacuum(db);

        Assert.True(result.Performed);
        Assert.Null(result.SkippedReason);
        Assert.Equal(VacuumMode.Full, result.Mode);
        Assert.Equal(sizeBefore, result.SizeBeforeBytes);
        Assert.Equal(Math.Round(100.0 * free / pages, 2), result.FreePercentBefore);
        var (pagesAfter, freeAfter, _) = Pages(db);
        Assert.Equal(0, freeAfter);
        Assert.Equal(0, result.FreePercentAfter);
        Assert.Equal(pagesAfter * pageSize, new FileInfo(db).Length);
        Assert.Equal(new FileInfo(db).Length, result.SizeAfterBytes);
        Assert.Equal(sizeBefore - result.SizeAfterBytes, result.ReclaimedBytes);
        Assert.True(result.ReclaimedBytes >= (free - 5) * pageSize, $"reclaimed {result.ReclaimedBytes}, free was {free * pageSize}");
        Assert.Equal(journalMode == "wal" ? new[] { MaintenanceOperation.Vacuum, MaintenanceOperation.Checkpoint } : new[] { MaintenanceOperation.Vacuum },
            result.Operations);
        Assert.Empty(result.Warnings);
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
        Assert.Equal(journalMode, SqliteCli.Run(db, "PRAGMA journal_mode;"));
        Assert.Equal(before, Content(db));
        Assert.False(File.Exists(db + "-journal"));
        if (journalMode == "wal")
        {
            Assert.True(!File.Exists(db + "-wal") || new FileInfo(db + "-wal").Length == 0, "the checkpoint empties the WAL");
        }
    }

    [Fact]
    public void Below_MinFreePercent_the_vacuum_is_skipped_with_the_reason_and_the_file_is_not_touched()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));
        var (pages, free, _) = Pages(db);
        var snapshot = FolderSnapshot.Take(folder.Path);

        VacuumResult result = Vacuum(db, r => r.MinFreePercent = 99);

        Assert.False(result.Performed);
        Assert.Contains($"{free} of {pages} pages", result.SkippedReason);
        Assert.Contains("below -MinFreePercent 99 %", result.SkippedReason);
        Assert.Empty(result.Operations);
        Assert.Equal(0, result.ReclaimedBytes);
        Assert.Equal(result.FreePercentBefore, result.FreePercentAfter);
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void Above_MinFreePercent_the_vacuum_runs_as_the_guides_25_percent_rule_expects()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));

        VacuumResult result = Vacuum(db, r => r.MinFreePercent = 25);

        Assert.True(result.Performed);
        Assert.True(result.FreePercentBefore >= 25);
        Assert.Equal("0", SqliteCli.Run(db, "PRAGMA freelist_count;"));
    }

    [Fact]
    public void A_skipped_vacuum_still_runs_the_daily_steps_asked_for()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), "wal");
        string before = Content(db);
        var (_, free, _) = Pages(db);

        VacuumResult result = Vacuum(db, r =>
        {
            r.MinFreePercent = 99;
            r.Analyze = true;
            r.Optimize = true;
            r.Reindex = true;
            r.Checkpoint = true;
        });

        Assert.False(result.Performed);
        Assert.Equal(new[] { MaintenanceOperation.Reindex, MaintenanceOperation.Analyze, MaintenanceOperation.Optimize, MaintenanceOperation.Checkpoint },
            result.Operations);
        // ANALYZE wrote the planner's statistics; the free pages are still there.
        Assert.Contains("idx_sync_log_timestamp", SqliteCli.Run(db, "SELECT idx FROM sqlite_stat1;"));
        Assert.True(long.Parse(SqliteCli.Run(db, "PRAGMA freelist_count;")) >= free - 2);
        Assert.Equal(before, Content(db));
    }

    [Fact]
    public void Checkpoint_on_a_rollback_journal_database_is_a_warning_not_an_error()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));

        VacuumResult result = Vacuum(db, r =>
        {
            r.Checkpoint = true;
            r.MinFreePercent = 50;
        });

        Assert.DoesNotContain(MaintenanceOperation.Checkpoint, result.Operations);
        Assert.Contains("not WAL", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Into_writes_a_compacted_copy_and_only_reads_the_database()
    {
        using var folder = new TempFolder();
        using var target = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));
        string before = Content(db);
        var snapshot = FolderSnapshot.Take(folder.Path);
        string copy = target.File("compact.db");

        VacuumResult result = Vacuum(db, r =>
        {
            r.Mode = VacuumMode.Into;
            r.Destination = copy;
            r.Analyze = true;
        });

        Assert.True(result.Performed);
        Assert.Equal(copy, result.Destination);
        Assert.Equal(new[] { MaintenanceOperation.Vacuum, MaintenanceOperation.Analyze }, result.Operations);
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
        Assert.Equal(new FileInfo(copy).Length, result.SizeAfterBytes);
        Assert.True(result.ReclaimedBytes > 0);
        Assert.Equal("0", SqliteCli.Run(copy, "PRAGMA freelist_count;"));
        Assert.Equal("ok", SqliteCli.Run(copy, "PRAGMA integrity_check;"));
        Assert.Equal(before, Content(copy));
        // -Analyze ran on the copy, not on the source.
        Assert.NotEqual("", SqliteCli.Run(copy, "SELECT count(*) FROM sqlite_stat1;"));
        Assert.Equal("0", SqliteCli.Run(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1';"));
        Assert.Equal(new[] { "compact.db" }, Directory.GetFileSystemEntries(target.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Into_below_MinFreePercent_makes_no_copy_and_says_why()
    {
        using var folder = new TempFolder();
        using var target = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));

        VacuumResult result = Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = target.File("copy.db"); r.MinFreePercent = 99; r.Analyze = true; });

        Assert.False(result.Performed);
        Assert.Null(result.Destination);
        Assert.Contains("below -MinFreePercent 99 %", result.SkippedReason);
        Assert.Equal(0, result.ReclaimedBytes);
        Assert.Empty(result.Operations);
        Assert.Contains("no copy was made", Assert.Single(result.Warnings));
        Assert.Empty(Directory.GetFileSystemEntries(target.Path));
    }

    [Fact]
    public void Into_never_overwrites_and_a_folder_destination_gets_the_database_name()
    {
        using var folder = new TempFolder();
        using var target = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));

        VacuumResult first = Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = target.Path; });
        Assert.Equal(target.File("app.db"), first.Destination);
        var snapshot = FolderSnapshot.Take(target.Path);

        var error = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = target.Path; }));
        Assert.Equal(ErrorIds.DestinationExists, error.ErrorId);
        Assert.Contains(target.File("app.db"), error.Message);
        Assert.Equal(snapshot, FolderSnapshot.Take(target.Path));

        var self = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = db; }));
        Assert.Equal(ErrorIds.DestinationExists, self.ErrorId);

        var noFolder = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = target.File("missing/x.db"); }));
        Assert.Equal(ErrorIds.DestinationNotWritable, noFolder.ErrorId);
    }

    [Fact]
    public void Incremental_releases_exactly_the_pages_asked_for_then_all_of_them()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), "wal", autoVacuum: "incremental");
        string before = Content(db);
        var (pages, free, pageSize) = Pages(db);
        Assert.True(free > 100);

        VacuumResult some = Vacuum(db, r => { r.Mode = VacuumMode.Incremental; r.IncrementalPages = 10; });

        var (pagesAfter, freeAfter, _) = Pages(db);
        Assert.True(some.Performed);
        Assert.Equal(free - 10, freeAfter);
        Assert.Equal(pages - 10, pagesAfter);
        Assert.Equal(10 * pageSize, some.ReclaimedBytes);

        VacuumResult rest = Vacuum(db, r => r.Mode = VacuumMode.Incremental);
        Assert.Equal("0", SqliteCli.Run(db, "PRAGMA freelist_count;"));
        // Pointer-map pages that are no longer needed go too, so at least the free pages come back.
        Assert.True(rest.ReclaimedBytes >= (free - 10) * pageSize);
        Assert.Equal(long.Parse(SqliteCli.Run(db, "PRAGMA page_count;")) * pageSize, rest.SizeAfterBytes);
        Assert.Equal(0, rest.FreePercentAfter);
        Assert.Equal(before, Content(db));
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));

        VacuumResult nothing = Vacuum(db, r => r.Mode = VacuumMode.Incremental);
        Assert.False(nothing.Performed);
        Assert.Equal("There are no free pages to release.", nothing.SkippedReason);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("full")]
    public void Incremental_on_a_database_without_incremental_auto_vacuum_is_a_clear_error_and_changes_nothing(string autoVacuum)
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), autoVacuum: autoVacuum);
        var snapshot = FolderSnapshot.Take(folder.Path);

        var error = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => r.Mode = VacuumMode.Incremental));

        Assert.Equal(ErrorIds.VacuumModeNotApplicable, error.ErrorId);
        Assert.Contains($"auto_vacuum = {autoVacuum.ToUpperInvariant()}", error.Message);
        Assert.Contains("-VacuumMode Full", error.Message);
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
    }

    [Theory]
    [InlineData("full")]
    [InlineData("incremental")]
    public void A_full_vacuum_works_whatever_the_auto_vacuum_setting(string autoVacuum)
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), autoVacuum: autoVacuum);
        string before = Content(db);

        VacuumResult result = Vacuum(db);

        Assert.True(result.Performed);
        Assert.Equal(before, Content(db));
        Assert.Equal("0", SqliteCli.Run(db, "PRAGMA freelist_count;"));
        Assert.Equal(autoVacuum == "full" ? "1" : "2", SqliteCli.Run(db, "PRAGMA auto_vacuum;"));
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
        if (autoVacuum == "full")
        {
            // auto_vacuum = FULL returns freed pages at every commit: nothing was free before either.
            Assert.Equal(0, result.FreePercentBefore);
        }
    }

    // Reliability case 20: another connection's lock or open transaction.
    [Theory]
    [InlineData("delete", "BEGIN; SELECT * FROM sync_log LIMIT 0;")]   // a reader in the middle of a transaction
    [InlineData("delete", "BEGIN IMMEDIATE;")]                        // a writer's open transaction
    [InlineData("delete", "BEGIN EXCLUSIVE;")]
    [InlineData("wal", "BEGIN IMMEDIATE;")]
    [InlineData("wal", "BEGIN EXCLUSIVE;")]
    public void A_lock_or_open_transaction_in_another_process_is_a_clear_error_after_the_busy_timeout_and_changes_nothing(string journalMode, string sql)
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), journalMode);
        string content = Content(db);
        string hash = Cli.Sha256Sum(db);
        var holder = SqliteCli.HoldLock(db, sql);
        SqliteAdminException error;
        try
        {
            error = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => r.Analyze = true));
            Assert.Equal(hash, Cli.Sha256Sum(db));
        }
        finally
        {
            SqliteCli.Release(holder);
        }

        Assert.Equal(ErrorIds.DatabaseLocked, error.ErrorId);
        Assert.Contains(db, error.Message);
        Assert.Contains("busy timeout", error.Message);
        Assert.Equal(content, Content(db));
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
        Assert.NotEqual("0", SqliteCli.Run(db, "PRAGMA freelist_count;"));
        Assert.False(File.Exists(db + "-journal"));

        // Once the other process is gone the same call works.
        Assert.True(Vacuum(db).Performed);
    }

    [Fact]
    public void In_wal_mode_a_reader_does_not_block_the_vacuum_but_its_checkpoint_waits_and_says_so()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), "wal");
        string content = Content(db);
        var reader = SqliteCli.HoldLock(db, "BEGIN; SELECT * FROM notes LIMIT 0;");
        VacuumResult result;
        try
        {
            result = Vacuum(db);
            // The reader still sees its snapshot.
            reader.StandardInput.WriteLine("SELECT count(*) FROM filler;");
            reader.StandardInput.Flush();
            Assert.Equal("750", reader.StandardOutput.ReadLine());
        }
        finally
        {
            SqliteCli.Release(reader);
        }

        Assert.True(result.Performed);
        Assert.Contains("checkpoint could not finish", Assert.Single(result.Warnings));
        Assert.Equal(content, Content(db));
        Assert.Equal("0", SqliteCli.Run(db, "PRAGMA freelist_count;"));
    }

    // Reliability case 20: too little disk.
    [Fact]
    public void Too_little_disk_for_the_vacuum_is_a_clear_error_before_anything_is_written()
    {
        using var volume = new SmallVolume(16 << 20);
        string db = CreateFragmented(volume.File("app.db"), fillerRows: 5000);
        var (pages, free, pageSize) = Pages(db);
        long used = (pages - free) * pageSize;
        // Leave less free room on the volume than the journal needs.
        long fill = volume.AvailableBytes - used / 2;
        File.WriteAllBytes(volume.File("ballast"), new byte[fill]);
        string content = Content(db);
        var snapshot = FolderSnapshot.Take(volume.Path);

        var error = Assert.Throws<SqliteAdminException>(() => Vacuum(db));

        Assert.Equal(ErrorIds.InsufficientDiskSpace, error.ErrorId);
        Assert.Contains("rollback journal", error.Message);
        Assert.Contains(volume.Path, error.Message);
        Assert.Contains("Nothing was changed", error.Message);
        Assert.Equal(snapshot, FolderSnapshot.Take(volume.Path));
        Assert.Equal(content, Content(db));
    }

    [Fact]
    public void Too_little_disk_for_a_compacted_copy_is_a_clear_error_and_leaves_no_file()
    {
        using var folder = new TempFolder();
        using var volume = new SmallVolume(1 << 20);
        string db = CreateFragmented(folder.File("app.db"));

        var error = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r => { r.Mode = VacuumMode.Into; r.Destination = volume.File("copy.db"); }));

        Assert.Equal(ErrorIds.InsufficientDiskSpace, error.ErrorId);
        Assert.Contains("compacted copy", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(volume.Path));
    }

    [Fact]
    public async Task Stopping_during_the_vacuum_rolls_it_back()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), fillerRows: 60000);
        string content = Content(db);
        string hash = Cli.Sha256Sum(db);
        using var stop = new CancellationTokenSource();
        using var polling = new ManualResetEventSlim();
        var watched = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Ctrl+C arrives while VACUUM runs: a second connection sees the vacuum's write lock, then cancels.
        // A thread of its own (not the pool, which parallel tests can starve), polling before the vacuum starts.
        var watcher = new Thread(() =>
        {
            try
            {
                using var probe = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
                probe.Open();
                SQLitePCL.raw.sqlite3_busy_timeout(probe.Handle, 0);
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (DateTime.UtcNow < deadline)
                {
                    int rc = SQLitePCL.raw.sqlite3_exec(probe.Handle, "BEGIN IMMEDIATE;");
                    if (rc == SQLitePCL.raw.SQLITE_BUSY)
                    {
                        stop.Cancel();
                        watched.SetResult(true);
                        return;
                    }
                    SQLitePCL.raw.sqlite3_exec(probe.Handle, "ROLLBACK;");
                    polling.Set();
                    Thread.Sleep(1);
                }
                watched.SetResult(false);
            }
            catch (Exception ex)
            {
                watched.SetException(ex);
            }
        }) { IsBackground = true };
        watcher.Start();
        Assert.True(polling.Wait(TimeSpan.FromSeconds(60)), "the watcher never started polling");

        Exception? thrown = Record.Exception(() => Vacuum(db, r => r.BusyTimeout = TimeSpan.FromSeconds(30), cancellation: stop.Token));
        Assert.True(await watched.Task, "the watcher never saw the vacuum's lock");
        Assert.IsAssignableFrom<OperationCanceledException>(thrown);

        Assert.Equal(hash, Cli.Sha256Sum(db));
        Assert.Equal(content, Content(db));
        Assert.False(File.Exists(db + "-journal"));
    }

    [Fact]
    public void Assess_describes_the_work_without_changing_anything()
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"), "wal");
        var snapshot = FolderSnapshot.Take(folder.Path);
        var request = new VacuumRequest { Path = db, Analyze = true };

        VacuumPlan plan = DatabaseVacuum.Assess(request);

        var (pages, free, pageSize) = Pages(db);
        Assert.Equal(pages, plan.PageCount);
        Assert.Equal(free, plan.FreelistCount);
        Assert.Equal((pages - free) * pageSize, plan.UsedBytes);
        Assert.Equal(new[] { MaintenanceOperation.Vacuum, MaintenanceOperation.Analyze, MaintenanceOperation.Checkpoint }, plan.Operations);
        string text = plan.Describe(request);
        Assert.StartsWith("VACUUM (about ", text);
        Assert.EndsWith(", ANALYZE, WAL checkpoint (TRUNCATE)", text);
        Assert.Equal(snapshot.Entries.Where(e => e.Contains("app.db ")), FolderSnapshot.Take(folder.Path).Entries.Where(e => e.Contains("app.db ")));
    }

    [Theory]
    [InlineData(VacuumMode.Into, null, null, false, "needs -Destination")]
    [InlineData(VacuumMode.Full, "x.db", null, false, "only used with -VacuumMode Into")]
    [InlineData(VacuumMode.Full, null, 5L, false, "only used with -VacuumMode Incremental")]
    [InlineData(VacuumMode.Incremental, null, 0L, false, "must be 1 or more")]
    [InlineData(VacuumMode.Into, "x.db", null, true, "-Checkpoint")]
    public void Parameters_that_do_not_fit_together_are_refused_before_the_database_is_opened(VacuumMode mode, string? destination, long? pages, bool checkpoint, string expected)
    {
        using var folder = new TempFolder();
        string db = CreateFragmented(folder.File("app.db"));
        var snapshot = FolderSnapshot.Take(folder.Path);

        var error = Assert.Throws<SqliteAdminException>(() => Vacuum(db, r =>
        {
            r.Mode = mode;
            r.Destination = destination == null ? null : folder.File(destination);
            r.IncrementalPages = pages;
            r.Checkpoint = checkpoint;
        }));

        Assert.Equal(ErrorIds.InvalidParameterCombination, error.ErrorId);
        Assert.Contains(expected, error.Message);
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void A_missing_file_or_a_file_that_is_not_a_database_is_a_clear_error_and_nothing_is_created()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.txt"), "not a database");
        var snapshot = FolderSnapshot.Take(folder.Path);

        Assert.Equal(ErrorIds.DatabaseNotFound, Assert.Throws<SqliteAdminException>(() => Vacuum(folder.File("missing.db"))).ErrorId);
        Assert.Equal(ErrorIds.NotADatabase, Assert.Throws<SqliteAdminException>(() => Vacuum(folder.File("notes.txt"))).ErrorId);
        Assert.Equal(snapshot, FolderSnapshot.Take(folder.Path));
    }
}
