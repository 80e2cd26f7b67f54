using System;
using System.Collections.Generic;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Core.Tests.Judging;

/// <summary>Get-SyncLogReport's verdict from figures alone: no database, no clock.</summary>
public class SyncLogJudgeTests
{
    // Monday 2026-11-23 09:00 UTC; the window is the 7 days before it.
    private static readonly DateTime Now = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>100 syncs in the window, all fine, the last success one minute ago.</summary>
    private static SyncLogFigures Healthy(Action<SyncLogFigures>? adjust = null)
    {
        var figures = new SyncLogFigures
        {
            Path = "/data/app.db",
            Table = "sync_log",
            From = Now.AddDays(-7),
            To = Now,
            TotalSyncs = 100,
            Succeeded = 100,
            LastSync = Now.AddMinutes(-1),
            LastSuccess = Now.AddMinutes(-1),
        };
        adjust?.Invoke(figures);
        return figures;
    }

    private static SyncLogRequest Limits(Action<SyncLogRequest>? adjust = null)
    {
        var limits = new SyncLogRequest { TimeZone = TimeZoneInfo.Utc };
        adjust?.Invoke(limits);
        return limits;
    }

    private static (SyncHealth Status, IReadOnlyList<string> Alerts) Judge(SyncLogFigures figures, SyncLogRequest? limits = null) =>
        SyncLogJudge.Judge(figures, limits ?? Limits());

    [Fact]
    public void Syncs_within_every_limit_are_ok_without_alerts()
    {
        var (status, alerts) = Judge(Healthy());

        Assert.Equal(SyncHealth.OK, status);
        Assert.Empty(alerts);
    }

    [Fact]
    public void Zero_syncs_in_the_window_is_critical_and_names_the_window()
    {
        var (status, alerts) = Judge(Healthy(f => { f.TotalSyncs = 0; f.Succeeded = 0; f.LastSync = null; f.LastSuccess = null; }));

        Assert.Equal(SyncHealth.Critical, status);
        Assert.Equal("No syncs were logged between 2026-11-16 09:00 +00:00 and 2026-11-23 09:00 +00:00. Check that the workstations are running and can reach the master database.",
            Assert.Single(alerts));
    }

    [Fact]
    public void An_empty_table_says_so_instead_of_an_empty_window()
    {
        var (status, alerts) = Judge(Healthy(f => { f.TableEmpty = true; f.TotalSyncs = 0; f.Succeeded = 0; f.LastSync = null; f.LastSuccess = null; }));

        Assert.Equal(SyncHealth.Critical, status);
        Assert.Equal("The sync_log table is empty: no sync has ever been logged in '/data/app.db'. Check that the application's sync runs and writes its log.", Assert.Single(alerts));
    }

    [Fact]
    public void Staleness_exactly_at_the_limit_is_critical_and_a_second_less_is_not()
    {
        var limits = Limits(l => l.StaleAfter = TimeSpan.FromHours(4));

        var (atLimit, alerts) = Judge(Healthy(f => f.LastSuccess = Now.AddHours(-4)), limits);
        var (justUnder, _) = Judge(Healthy(f => f.LastSuccess = Now.AddHours(-4).AddSeconds(1)), limits);

        Assert.Equal(SyncHealth.Critical, atLimit);
        Assert.Equal("No successful sync for 4h (last success 2026-11-23 05:00 +00:00); one is expected at least every 4h.", Assert.Single(alerts));
        Assert.Equal(SyncHealth.OK, justUnder);
    }

    [Fact]
    public void No_success_in_the_window_is_stale_since_the_window_began()
    {
        var (status, alerts) = Judge(Healthy(f => { f.Succeeded = 0; f.LastSuccess = null; f.ConsecutiveFailures = 100; }),
            Limits(l => l.MaxFailurePercent = 100));

        Assert.Equal(SyncHealth.Critical, status);
        Assert.Equal("No successful sync between 2026-11-16 09:00 +00:00 and 2026-11-23 09:00 +00:00; one is expected at least every 4h.", alerts[0]);
        Assert.Equal("The last 100 syncs failed (latest 2026-11-23 08:59 +00:00).", alerts[1]);
    }

    [Fact]
    public void A_weekend_is_not_business_time()
    {
        // Last success Friday 17:00; business hours Mon-Fri 08:00-18:00; a success expected every 2 hours.
        var hours = BusinessHours.Parse("08:00-18:00", null, TimeZoneInfo.Utc);
        var limits = Limits(l => { l.BusinessHours = hours; l.StaleAfter = TimeSpan.FromHours(2); });
        DateTime friday = new(2026, 11, 20, 17, 0, 0, DateTimeKind.Utc);

        // Monday 08:30: 1 h on Friday + 30 min on Monday of business time, though 2 days 15.5 hours passed.
        var (mondayEarly, _) = Judge(Healthy(f => { f.To = new DateTime(2026, 11, 23, 8, 30, 0, DateTimeKind.Utc); f.LastSuccess = friday; }), limits);
        // Monday 09:00: exactly 2 h of business time.
        var (mondayNine, alerts) = Judge(Healthy(f => f.LastSuccess = friday), limits);

        Assert.Equal(SyncHealth.OK, mondayEarly);
        Assert.Equal(SyncHealth.Critical, mondayNine);
        Assert.Equal("No successful sync for 2d 16h (last success 2026-11-20 17:00 +00:00); one is expected at least every 2h during business hours (Mon-Fri 08:00-18:00).",
            Assert.Single(alerts));
    }

    [Fact]
    public void A_quiet_night_before_business_hours_open_is_not_stale()
    {
        var limits = Limits(l => { l.BusinessHours = BusinessHours.Parse("08:00-18:00", null, TimeZoneInfo.Utc); l.StaleAfter = TimeSpan.FromMinutes(30); });

        // Last success Monday 17:59, now Tuesday 07:59: one minute of business time.
        var (status, _) = Judge(Healthy(f =>
        {
            f.To = new DateTime(2026, 11, 24, 7, 59, 0, DateTimeKind.Utc);
            f.LastSuccess = new DateTime(2026, 11, 23, 17, 59, 0, DateTimeKind.Utc);
        }), limits);

        Assert.Equal(SyncHealth.OK, status);
    }

    [Fact]
    public void A_failure_rate_exactly_at_the_limit_passes_and_above_it_is_critical()
    {
        // 20 of 200 failed is 10 %, the default limit; 21 of 200 is 10.5 %.
        var (atLimit, none) = Judge(Healthy(f => { f.TotalSyncs = 200; f.Succeeded = 180; }));
        var (above, alerts) = Judge(Healthy(f => { f.TotalSyncs = 200; f.Succeeded = 179; }));

        Assert.Equal(SyncHealth.OK, atLimit);
        Assert.Empty(none);
        Assert.Equal(SyncHealth.Critical, above);
        Assert.Equal("10.5 % of syncs failed (21 of 200) between 2026-11-16 09:00 +00:00 and 2026-11-23 09:00 +00:00, above the 10 % limit.", Assert.Single(alerts));
    }

    [Fact]
    public void A_conflict_rate_exactly_at_the_limit_passes_and_above_it_warns()
    {
        var (atLimit, _) = Judge(Healthy(f => { f.SyncsWithConflicts = 5; f.Conflicts = 9; }));
        var (above, alerts) = Judge(Healthy(f => { f.SyncsWithConflicts = 6; f.Conflicts = 11; }));

        Assert.Equal(SyncHealth.OK, atLimit);
        Assert.Equal(SyncHealth.Warning, above);
        Assert.Equal("6 % of syncs had conflicts (6 of 100, 11 conflicts) between 2026-11-16 09:00 +00:00 and 2026-11-23 09:00 +00:00, above the 5 % limit. Look for users editing the same records.",
            Assert.Single(alerts));
    }

    [Fact]
    public void One_failed_latest_sync_is_a_warning_in_the_reports_time_zone()
    {
        TimeZoneInfo kolkata = TimeZoneInfo.CreateCustomTimeZone("UTC+05:30", TimeSpan.FromMinutes(330), "UTC+05:30", "UTC+05:30");

        var (status, alerts) = Judge(Healthy(f => { f.Succeeded = 99; f.LastSuccess = Now.AddMinutes(-6); f.ConsecutiveFailures = 1; }),
            Limits(l => l.TimeZone = kolkata));

        Assert.Equal(SyncHealth.Warning, status);
        Assert.Equal("The latest sync (2026-11-23 14:29 +05:30) failed.", Assert.Single(alerts));
    }

    [Fact]
    public void Critical_alerts_come_before_warnings_and_unreadable_rows_are_always_reported()
    {
        var (status, alerts) = Judge(Healthy(f =>
        {
            f.Succeeded = 80;
            f.SyncsWithConflicts = 50;
            f.UnreadableTimestamps = 3;
        }));

        Assert.Equal(SyncHealth.Critical, status);
        Assert.Equal(3, alerts.Count);
        Assert.StartsWith("20 % of syncs failed (20 of 100)", alerts[0]);
        Assert.StartsWith("50 % of syncs had conflicts", alerts[1]);
        Assert.Equal("3 row(s) of sync_log have a timestamp that cannot be read as a date or Unix time; they are not in the figures.", alerts[2]);
    }

    [Fact]
    public void Unreadable_rows_alone_are_a_warning_even_in_an_empty_window()
    {
        var (status, alerts) = Judge(Healthy(f => f.UnreadableTimestamps = 2));
        var (empty, emptyAlerts) = Judge(Healthy(f => { f.TotalSyncs = 0; f.Succeeded = 0; f.LastSuccess = null; f.UnreadableTimestamps = 2; }));

        Assert.Equal(SyncHealth.Warning, status);
        Assert.Single(alerts);
        Assert.Equal(SyncHealth.Critical, empty);
        Assert.Equal(2, emptyAlerts.Count);
        Assert.StartsWith("No syncs were logged", emptyAlerts[0]);
        Assert.StartsWith("2 row(s) of sync_log", emptyAlerts[1]);
    }

    [Fact]
    public void The_rates_and_the_report_follow_from_the_counts()
    {
        SyncLogFigures figures = Healthy(f => { f.TotalSyncs = 3; f.Succeeded = 2; f.SyncsWithConflicts = 1; f.LastSuccess = Now.AddHours(-1); });

        SyncLogReport report = figures.ToReport(SyncHealth.Warning, new[] { "x" });

        Assert.Equal(1, report.Failed);
        Assert.Equal(66.67, report.SuccessRate);
        Assert.Equal(33.33, report.FailureRate);
        Assert.Equal(33.33, report.ConflictRate);
        Assert.Equal(TimeSpan.FromHours(1), report.SinceLastSuccess);
        Assert.Equal(SyncHealth.Warning, report.Status);
        Assert.Equal(new[] { "x" }, report.Alerts);
        Assert.Equal(0, new SyncLogFigures().FailureRate);
        Assert.Equal(TimeSpan.FromDays(7), Healthy(f => f.LastSuccess = null).SinceLastSuccess);
    }
}
