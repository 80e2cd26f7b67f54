using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.SyncLog;

public class SyncLogReportTests
{
    private static SyncLogRequest Request(string db, Action<SyncLogRequest>? adjust = null)
    {
        var request = new SyncLogRequest { Path = db, Now = SyncLogFixture.Now, TimeZone = TimeZoneInfo.Utc, BusyTimeout = TimeSpan.FromSeconds(2) };
        adjust?.Invoke(request);
        return request;
    }

    private static SyncLogReport Report(string db, Action<SyncLogRequest>? adjust = null) =>
        SyncLogAnalyzer.Report(Request(db, adjust), null, CancellationToken.None);

    private static string[] Row(string db, string sql) => SqliteCli.Run(db, sql).Split('|');

    private static double D(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void Every_summary_figure_matches_the_seeds_sql_run_by_sqlite3(int days)
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        string window = $"FROM sync_log WHERE timestamp >= datetime({SyncLogFixture.NowSql}, '-{days} days') AND timestamp < {SyncLogFixture.NowSql}";

        SyncLogReport report = Report(db, r => r.Last = Duration.Parse($"{days}d"));

        // Seed 003: "Sync activity last 24 hours", its conflict and failure checks, duration and data transferred.
        string[] seed = Row(db, "SELECT COUNT(*), SUM(status = 'success'), SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END), SUM(conflicts > 0), SUM(conflicts), " +
                                $"SUM(records_pulled), SUM(records_pushed), ROUND(AVG(duration_ms), 1), MAX(duration_ms), MAX(timestamp), MAX(CASE WHEN status = 'success' THEN timestamp END) {window};");
        Assert.Equal(long.Parse(seed[0]), report.TotalSyncs);
        Assert.Equal(long.Parse(seed[1]), report.Succeeded);
        Assert.Equal(long.Parse(seed[2]), report.Failed);
        Assert.Equal(long.Parse(seed[3]), report.SyncsWithConflicts);
        Assert.Equal(long.Parse(seed[4]), report.Conflicts);
        Assert.Equal(long.Parse(seed[5]), report.RecordsPulled);
        Assert.Equal(long.Parse(seed[6]), report.RecordsPushed);
        Assert.Equal(D(seed[7]), report.AvgDurationMs);
        Assert.Equal(D(seed[8]), report.MaxDurationMs);
        Assert.Equal(seed[9], report.LastSync!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Equal(seed[10], report.LastSuccess!.Value.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Equal(Math.Round(100.0 * long.Parse(seed[1]) / long.Parse(seed[0]), 2), report.SuccessRate);
        Assert.Equal(Math.Round(100.0 * long.Parse(seed[2]) / long.Parse(seed[0]), 2), report.FailureRate);
        Assert.Equal(Math.Round(100.0 * long.Parse(seed[3]) / long.Parse(seed[0]), 2), report.ConflictRate);
        // Nearest-rank 95th percentile: the value at position ceil(0.95 n) in ascending order.
        string p95 = SqliteCli.Run(db, $"SELECT duration_ms {window} ORDER BY duration_ms LIMIT 1 OFFSET (SELECT (COUNT(*) * 95 + 99) / 100 - 1 {window});");
        Assert.Equal(D(p95), report.P95DurationMs);
        string failuresSinceSuccess = SqliteCli.Run(db, $"SELECT COUNT(*) {window} AND timestamp > (SELECT MAX(timestamp) {window} AND status = 'success');");
        Assert.Equal(long.Parse(failuresSinceSuccess), report.ConsecutiveFailures);
        Assert.Equal(SyncLogFixture.Now - report.LastSuccess!.Value, report.SinceLastSuccess);
        Assert.Equal(SyncLogFixture.Now.AddDays(-days), report.From);
        Assert.Equal(SyncLogFixture.Now, report.To);
        Assert.Equal("text 'YYYY-MM-DD HH:MM:SS' (no zone: read as UTC)", report.TimestampFormat);
        Assert.Equal(0, report.UnreadableTimestamps);
    }

    [Fact]
    public void The_per_day_figures_match_the_seeds_conflict_summary_query()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        // Seed 003, "Conflict summary last 7 days", with its 'now' fixed.
        string seed = SqliteCli.Run(db, $@"SELECT DATE(timestamp) as date, COUNT(*) as total_syncs, SUM(conflicts) as total_conflicts, ROUND(AVG(conflicts), 2) as avg_conflicts,
    SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) as failed_syncs
FROM sync_log WHERE timestamp > datetime({SyncLogFixture.NowSql}, '-7 days') GROUP BY DATE(timestamp) ORDER BY date DESC;");

        var periods = SyncLogAnalyzer.Periods(Request(db, r => r.GroupBy = SyncLogGrouping.Day), null, CancellationToken.None);

        string ours = string.Join("\n", periods.Where(p => p.TotalSyncs > 0).OrderByDescending(p => p.Period)
            .Select(p => string.Join("|", p.Period.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), p.TotalSyncs, p.Conflicts,
                FormattableString.Invariant($"{p.AvgConflicts}"), p.Failed)));
        Assert.Equal(seed.Replace("|0.0|", "|0|"), ours);
        Assert.Equal(8, periods.Count); // a partial first day, six whole days, and today up to 06:00
        var whole = Report(db);
        Assert.Equal(whole.TotalSyncs, periods.Sum(p => p.TotalSyncs));
        Assert.Equal(whole.RecordsPulled, periods.Sum(p => p.RecordsPulled));
        Assert.Equal(whole.SyncsWithConflicts, periods.Sum(p => p.SyncsWithConflicts));
    }

    [Fact]
    public void Hours_are_local_periods_including_empty_ones_and_add_up_to_the_day()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        TimeZoneInfo kolkata = TimeZoneInfo.CreateCustomTimeZone("UTC+05:30", TimeSpan.FromMinutes(330), "UTC+05:30", "UTC+05:30");

        var hours = SyncLogAnalyzer.Periods(Request(db, r => { r.GroupBy = SyncLogGrouping.Hour; r.Last = Duration.Parse("1d"); r.TimeZone = kolkata; }), null, CancellationToken.None);

        Assert.Equal(25, hours.Count); // 24 hours, the first and last partial in a +05:30 zone
        Assert.All(hours, h => Assert.Equal(0, h.Period.Minute));
        Assert.Contains(hours, h => h.TotalSyncs == 0);
        string expected = SqliteCli.Run(db, $"SELECT COUNT(*) FROM sync_log WHERE timestamp >= datetime({SyncLogFixture.NowSql}, '-1 days') AND timestamp < {SyncLogFixture.NowSql};");
        Assert.Equal(long.Parse(expected), hours.Sum(h => h.TotalSyncs));
        // The hour 10:00-11:00 at +05:30 is 04:30-05:30 UTC.
        string hour = SqliteCli.Run(db, "SELECT COUNT(*) FROM sync_log WHERE timestamp >= '2026-11-21 04:30:00' AND timestamp < '2026-11-21 05:30:00';");
        Assert.Equal(long.Parse(hour), hours.Single(h => h.Period == new DateTime(2026, 11, 21, 10, 0, 0)).TotalSyncs);
    }

    [Theory]
    [InlineData("iso-z", "text ISO-8601 'YYYY-MM-DDTHH:MM:SS' with zone")]
    [InlineData("iso-offset", "text ISO-8601 'YYYY-MM-DDTHH:MM:SS' with zone")]
    [InlineData("iso-fraction", "text ISO-8601 'YYYY-MM-DDTHH:MM:SS' (no zone: read as UTC)")]
    [InlineData("unix", "Unix seconds (integer)")]
    [InlineData("unix-ms", "Unix milliseconds (integer)")]
    [InlineData("unix-text", "Unix seconds (text)")]
    [InlineData("unix-real", "Unix seconds (real)")]
    public void Every_timestamp_format_gives_the_same_figures_and_is_named(string format, string described)
    {
        using var folder = new TempFolder();
        string reference = SyncLogFixture.Create(folder.File("text.db"));
        string db = SyncLogFixture.Create(folder.File($"{format}.db"), format);

        SyncLogReport expected = Report(reference), actual = Report(db);

        Assert.Equal(described, actual.TimestampFormat);
        Assert.Equal(expected.TotalSyncs, actual.TotalSyncs);
        Assert.Equal(expected.Succeeded, actual.Succeeded);
        Assert.Equal(expected.Conflicts, actual.Conflicts);
        Assert.Equal(expected.RecordsPulled, actual.RecordsPulled);
        Assert.Equal(expected.P95DurationMs, actual.P95DurationMs);
        Assert.Equal(expected.ConsecutiveFailures, actual.ConsecutiveFailures);
        Assert.Equal(expected.LastSuccess!.Value, actual.LastSuccess!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(0, actual.UnreadableTimestamps);
        var days = SyncLogAnalyzer.Periods(Request(db, r => r.GroupBy = SyncLogGrouping.Day), null, CancellationToken.None);
        var referenceDays = SyncLogAnalyzer.Periods(Request(reference, r => r.GroupBy = SyncLogGrouping.Day), null, CancellationToken.None);
        Assert.Equal(referenceDays.Select(d => (d.Period, d.TotalSyncs, d.Failed)), days.Select(d => (d.Period, d.TotalSyncs, d.Failed)));
    }

    [Theory]
    [InlineData(true, "7d")]
    [InlineData(false, "7d")]
    [InlineData(true, "30d")]   // the window covers every timestamp: the whole-table pass
    public void Unreadable_timestamps_are_counted_and_reported_not_dropped_silently(bool index, string last)
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"), index: index);
        SyncLogReport clean = Report(db, r => r.Last = Duration.Parse(last));
        SqliteCli.Run(db, "INSERT INTO sync_log(timestamp, status, conflicts, records_pulled, records_pushed, duration_ms) VALUES " +
                          "('', 'success', 5, 1, 1, 99999), ('yesterday', 'success', 5, 1, 1, 99999), ('2026-11-20 25:99:00', 'error', 5, 1, 1, 99999), (x'00', 'error', 5, 1, 1, 99999), ('now', 'success', 5, 1, 1, 99999);");

        SyncLogReport report = Report(db, r => r.Last = Duration.Parse(last));

        Assert.Equal(5, report.UnreadableTimestamps);
        Assert.Equal(clean.TotalSyncs, report.TotalSyncs);
        Assert.Equal(clean.Conflicts, report.Conflicts);
        Assert.Equal(clean.MaxDurationMs, report.MaxDurationMs);
        Assert.Equal(clean.P95DurationMs, report.P95DurationMs);
        Assert.Contains(report.Alerts, a => a.StartsWith("5 row(s) of sync_log have a timestamp that cannot be read", StringComparison.Ordinal));
        Assert.NotEqual(SyncHealth.OK, report.Status);
    }

    [Fact]
    public void A_healthy_log_is_OK_and_each_threshold_raises_its_alert()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));

        SyncLogReport relaxed = Report(db, r => { r.MaxFailurePercent = 50; r.MaxConflictPercent = 50; r.Now = SyncLogFixture.Now.AddMinutes(-90); });
        Assert.Equal(SyncHealth.OK, relaxed.Status);
        Assert.Empty(relaxed.Alerts);

        SyncLogReport strict = Report(db, r => { r.MaxFailurePercent = 1; r.MaxConflictPercent = 1; r.Now = SyncLogFixture.Now.AddMinutes(-90); });
        Assert.Equal(SyncHealth.Critical, strict.Status);
        Assert.Contains(strict.Alerts, a => a.Contains("% of syncs failed") && a.Contains("above the 1 % limit"));
        Assert.Contains(strict.Alerts, a => a.Contains("% of syncs had conflicts") && a.Contains("above the 1 % limit"));

        SyncLogReport stale = Report(db, r => { r.MaxFailurePercent = 50; r.MaxConflictPercent = 50; r.Now = SyncLogFixture.Now.AddHours(6); });
        Assert.Equal(SyncHealth.Critical, stale.Status);
        Assert.Contains(stale.Alerts, a => a.StartsWith("No successful sync for ", StringComparison.Ordinal) && a.Contains("expected at least every 4h"));
    }

    [Fact]
    public void Staleness_counts_only_business_hours()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        // The last sync is Saturday 2026-11-21 about 05:00 UTC; on Monday at 09:00 only one business hour has passed.
        var monday = new DateTime(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);
        BusinessHours hours = BusinessHours.Parse("08:00-18:00", null, TimeZoneInfo.Utc);

        SyncLogReport always = Report(db, r => { r.Now = monday; r.MaxFailurePercent = 50; r.MaxConflictPercent = 50; });
        SyncLogReport business = Report(db, r => { r.Now = monday; r.MaxFailurePercent = 50; r.MaxConflictPercent = 50; r.BusinessHours = hours; });

        Assert.Contains(always.Alerts, a => a.StartsWith("No successful sync for 2d", StringComparison.Ordinal));
        Assert.DoesNotContain(business.Alerts, a => a.StartsWith("No successful sync", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromHours(1), hours.Between(always.LastSuccess!.Value, monday));
        SyncLogReport late = Report(db, r => { r.Now = monday.AddHours(4); r.MaxFailurePercent = 50; r.MaxConflictPercent = 50; r.BusinessHours = hours; });
        Assert.Contains(late.Alerts, a => a.Contains("during business hours (Mon-Fri 08:00-18:00)"));
    }

    [Fact]
    public void An_empty_table_or_window_is_a_critical_report_with_a_clear_message()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"), rows: 1);
        SqliteCli.Run(db, "DELETE FROM sync_log;");

        SyncLogReport empty = Report(db);
        Assert.Equal(SyncHealth.Critical, empty.Status);
        Assert.StartsWith("The sync_log table is empty: no sync has ever been logged", Assert.Single(empty.Alerts));
        Assert.Equal(0, empty.TotalSyncs);
        Assert.Null(empty.P95DurationMs);

        string old = SyncLogFixture.Create(folder.File("old.db"));
        SyncLogReport quiet = Report(old, r => r.Now = SyncLogFixture.Now.AddDays(30));
        Assert.StartsWith("No syncs were logged between ", Assert.Single(quiet.Alerts));
    }

    [Theory]
    [InlineData("a\"b")]
    [InlineData("x]")]
    [InlineData("\";DROP TABLE batches;--")]
    [InlineData("sync_log; DROP TABLE batches")]
    [InlineData("missing")]
    public void Hostile_or_unknown_table_names_are_rejected_and_nothing_is_executed(string table)
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        SqliteCli.Run(db, "CREATE TABLE batches(id INTEGER PRIMARY KEY); INSERT INTO batches VALUES (1);");
        var snapshot = FolderSnapshot.Take(folder.Path);

        var error = Assert.Throws<SqliteAdminException>(() => Report(db, r => r.Columns.Table = table));

        Assert.Equal(ErrorIds.TableNotFound, error.ErrorId);
        Assert.Contains($"no table named '{table}'", error.Message);
        Assert.Contains("Its tables are: batches, sync_log", error.Message);
        Assert.Equal("1", SqliteCli.Run(db, "SELECT count(*) FROM batches;"));
        Assert.Equal(snapshot.Entries.Where(e => e.Contains("app.db ")), FolderSnapshot.Take(folder.Path).Entries.Where(e => e.Contains("app.db ")));
    }

    [Theory]
    [InlineData("timestamp\"; DROP TABLE sync_log;--", "-TimestampColumn")]
    [InlineData("x]", "-StatusColumn")]
    [InlineData("records", "-PulledColumn")]
    public void Hostile_or_unknown_column_names_are_rejected_naming_the_parameter(string column, string parameter)
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));

        var error = Assert.Throws<SqliteAdminException>(() => Report(db, r =>
        {
            switch (parameter)
            {
                case "-TimestampColumn": r.Columns.Timestamp = column; break;
                case "-StatusColumn": r.Columns.Status = column; break;
                default: r.Columns.Pulled = column; break;
            }
        }));

        Assert.Equal(ErrorIds.ColumnNotFound, error.ErrorId);
        Assert.Contains($"'{column}' ({parameter})", error.Message);
        Assert.Contains("Its columns are: id, timestamp, status, records_pulled", error.Message);
        Assert.Equal("390", SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"));
    }

    [Fact]
    public void Other_names_and_the_success_status_can_be_given()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "CREATE TABLE \"Sync History\"(\"when\" TEXT, result TEXT, down INT, up INT, clashes INT, ms INT);" +
                          "INSERT INTO \"Sync History\" VALUES ('2026-11-21 05:00:00', 'OK', 3, 4, 1, 500), ('2026-11-21 05:30:00', 'FAIL', 0, 0, 0, 100);");

        SyncLogReport report = Report(db, r =>
        {
            r.Columns = new SyncLogColumns { Table = "sync history", Timestamp = "WHEN", Status = "result", Pulled = "down", Pushed = "up", Conflicts = "clashes", Duration = "ms" };
            r.SuccessStatus = "ok";
        });

        Assert.Equal("Sync History", report.Table);
        Assert.Equal(2, report.TotalSyncs);
        Assert.Equal(1, report.Succeeded);
        Assert.Equal(1, report.ConsecutiveFailures);
        Assert.Equal(3, report.RecordsPulled);
        Assert.Contains(report.Alerts, a => a.StartsWith("The latest sync (2026-11-21 05:30 +00:00) failed.", StringComparison.Ordinal));
    }

    [Fact]
    public void The_database_is_opened_read_only_and_a_writer_is_never_blocked()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));
        string before = Cli.Sha256Sum(db);
        var writer = SqliteCli.HoldLock(db, "BEGIN IMMEDIATE; INSERT INTO sync_log(timestamp, status) VALUES ('2026-11-21 05:59:00', 'success');");
        SyncLogReport report;
        try
        {
            report = Report(db);
        }
        finally
        {
            SqliteCli.Release(writer);
        }
        Assert.True(report.TotalSyncs > 0);
        Assert.Equal(before, Cli.Sha256Sum(db));
    }

    [Fact]
    public void A_since_that_is_not_in_the_past_is_a_clear_error()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("app.db"));

        var error = Assert.Throws<SqliteAdminException>(() => Report(db, r => r.Since = SyncLogFixture.Now.AddDays(1)));

        Assert.Equal(ErrorIds.InvalidParameterCombination, error.ErrorId);
    }

    [Fact]
    public void Business_hours_text_is_checked()
    {
        Assert.Equal("Mon-Fri 08:00-18:00", BusinessHours.Parse("08:00-18:00", null, TimeZoneInfo.Utc).ToString());
        Assert.Equal("Mon, Sat 07:30-12:00", BusinessHours.Parse(" 7:30 - 12:00 ", new[] { DayOfWeek.Saturday, DayOfWeek.Monday }, TimeZoneInfo.Utc).ToString());
        foreach (string bad in new[] { "18:00-08:00", "8-18", "25:00-26:00", "", "08:00-18:60" })
        {
            Assert.Equal(ErrorIds.InvalidParameterCombination, Assert.Throws<SqliteAdminException>(() => BusinessHours.Parse(bad, null, TimeZoneInfo.Utc)).ErrorId);
        }
    }
}
