using System;
using System.Globalization;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.SyncLog;

public class SyncLogPruneTests
{
    private static SyncLogPruneRequest Request(string db, string? olderThan, long? keepLast) => new()
    {
        Path = db,
        OlderThan = olderThan == null ? null : Duration.Parse(olderThan),
        KeepLast = keepLast,
        Now = SyncLogFixture.Now,
        BusyTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public void Older_than_removes_what_the_seeds_delete_removes()
    {
        using var folder = new TempFolder();
        string ours = SyncLogFixture.Create(folder.File("ours.db"));
        string seed = SyncLogFixture.Create(folder.File("seed.db"));
        // Seed 003: "Delete sync logs older than 90 days", here with 3 days and a fixed now.
        SqliteCli.Run(seed, $"DELETE FROM sync_log WHERE timestamp < datetime({SyncLogFixture.NowSql}, '-3 days');");

        SyncLogPrunePlan plan = SyncLogPruner.Plan(Request(ours, "3d", null));
        SyncLogPruneResult result = SyncLogPruner.Remove(Request(ours, "3d", null));

        string left = SqliteCli.Run(seed, "SELECT count(*), min(timestamp), max(timestamp) FROM sync_log;");
        Assert.Equal(left, SqliteCli.Run(ours, "SELECT count(*), min(timestamp), max(timestamp) FROM sync_log;"));
        Assert.Equal(390 - long.Parse(left.Split('|')[0]), result.Removed);
        Assert.Equal(plan.ToRemove, result.Removed);
        Assert.Equal(390, plan.Total);
        Assert.Equal(long.Parse(left.Split('|')[0]), result.Remaining);
        Assert.Equal(left.Split('|')[1], result.OldestKept!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Equal(left.Split('|')[2], result.NewestKept!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Equal(SyncLogFixture.Now.AddDays(-3), result.Cutoff);
        Assert.Equal("ok", SqliteCli.Run(ours, "PRAGMA integrity_check;"));
    }

    [Fact]
    public void Remove_reports_its_stages_and_closes_with_a_completed_report()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("log.db"));
        var reports = new System.Collections.Generic.List<Progress.OperationProgress>();

        SyncLogPruner.Remove(Request(db, "3d", null), new CallbackProgress(reports.Add));

        Assert.True(reports.Count >= 3);
        Assert.All(reports, r => Assert.InRange(r.PercentComplete, 0, 100));
        Assert.Contains(reports, r => r.Status.StartsWith("Removing ", StringComparison.Ordinal));
        Assert.True(reports[reports.Count - 1].Completed);
        Assert.Single(reports, r => r.Completed);
    }

    [Fact]
    public void Keep_last_removes_what_the_seeds_keep_10000_delete_removes()
    {
        using var folder = new TempFolder();
        string ours = SyncLogFixture.Create(folder.File("ours.db"));
        string seed = SyncLogFixture.Create(folder.File("seed.db"));
        SqliteCli.Run(seed, "DELETE FROM sync_log WHERE id NOT IN (SELECT id FROM sync_log ORDER BY timestamp DESC LIMIT 100);");

        SyncLogPruneResult result = SyncLogPruner.Remove(Request(ours, null, 100));

        Assert.Equal(290, result.Removed);
        Assert.Equal(100, result.Remaining);
        Assert.Equal(SqliteCli.Run(seed, "SELECT group_concat(id) FROM (SELECT id FROM sync_log ORDER BY id);"),
            SqliteCli.Run(ours, "SELECT group_concat(id) FROM (SELECT id FROM sync_log ORDER BY id);"));
    }

    [Fact]
    public void Keep_last_keeps_exactly_that_many_rows_with_distinct_times()
    {
        // Times at irregular seconds, where reading them back as floating-point seconds and rounding
        // to a DateTime would move the cutoff past the last row to keep.
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT, status TEXT);" +
                          "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 1999) " +
                          "INSERT INTO sync_log(timestamp, status) SELECT datetime(1794895200 - i * 2400 - (i * 7919) % 900, 'unixepoch'), 'success' FROM n;");

        foreach (long keep in new long[] { 1500, 1000, 999, 500, 137, 1 })
        {
            SyncLogPruneResult result = SyncLogPruner.Remove(Request(db, null, keep));
            Assert.Equal(keep, result.Remaining);
            Assert.Equal(keep.ToString(CultureInfo.InvariantCulture), SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
        }
    }

    [Fact]
    public void Both_rules_together_remove_what_either_removes_and_unreadable_rows_stay()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        SqliteCli.Run(db, "INSERT INTO sync_log(timestamp, status) VALUES ('never', 'error'), ('', 'error');");

        SyncLogPruneResult result = SyncLogPruner.Remove(Request(db, "5d", 50));

        Assert.Equal(52, result.Remaining);
        Assert.Equal(2, result.UnreadableKept);
        Assert.Equal("2", SqliteCli.Run(db, "SELECT count(*) FROM sync_log WHERE timestamp IN ('never', '');"));
    }

    [Fact]
    public void Nothing_to_remove_changes_nothing()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        string before = SqliteCli.Run(db, "SELECT count(*) FROM sync_log;");

        SyncLogPrunePlan plan = SyncLogPruner.Plan(Request(db, "1y", 1000));
        SyncLogPruneResult result = SyncLogPruner.Remove(Request(db, "1y", 1000));

        Assert.Equal(0, plan.ToRemove);
        Assert.Null(plan.Cutoff);
        Assert.Equal(0, result.Removed);
        Assert.Equal(before, SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
    }

    [Fact]
    public void A_lock_held_by_the_application_is_a_clear_error_and_nothing_is_removed()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        var holder = SqliteCli.HoldLock(db, "BEGIN IMMEDIATE;");
        SqliteAdminException error;
        try
        {
            error = Assert.Throws<SqliteAdminException>(() => SyncLogPruner.Remove(Request(db, "1d", null)));
        }
        finally
        {
            SqliteCli.Release(holder);
        }
        Assert.Equal(ErrorIds.DatabaseLocked, error.ErrorId);
        Assert.Equal("390", SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
    }

    [Theory]
    [InlineData(null, null, "Say what to remove")]
    [InlineData(null, 0L, "-KeepLast must be 1 or more")]
    public void A_request_without_a_rule_is_refused(string? olderThan, long? keepLast, string expected)
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));

        var error = Assert.Throws<SqliteAdminException>(() => SyncLogPruner.Remove(Request(db, olderThan, keepLast)));

        Assert.Equal(ErrorIds.InvalidParameterCombination, error.ErrorId);
        Assert.Contains(expected, error.Message);
        Assert.Equal("390", SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
    }

    [Fact]
    public void A_hostile_table_name_is_rejected_and_nothing_is_removed()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        var request = Request(db, "1d", null);
        request.Columns.Table = "sync_log\"; DELETE FROM sync_log; --";

        Assert.Equal(ErrorIds.TableNotFound, Assert.Throws<SqliteAdminException>(() => SyncLogPruner.Remove(request)).ErrorId);
        Assert.Equal("390", SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
    }
}
