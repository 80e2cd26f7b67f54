using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SqliteAdmin.Core.Retention;

namespace SqliteAdmin.Core.Tests.Retention;

public class RetentionPlannerTests
{
    private static readonly TimeZoneInfo Utc = TimeZoneInfo.Utc;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTime Now = new(2027, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static DateTime U(string text) => DateTime.ParseExact(text, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    /// <summary>"time=reasons" for every item, newest first; removed items show "-".</summary>
    private static string[] Plan(RetentionPolicy policy, TimeZoneInfo zone, params string[] utcTimes) =>
        RetentionPlanner.Apply(utcTimes.Select(U), t => t, t => t.ToString("O"), policy, Now, zone)
            .Select(v => $"{v.Item:yyyy-MM-dd HH:mm}={(v.Keep ? string.Join(",", v.Reasons) : "-")}").ToArray();

    [Fact]
    public void KeepDaily_keeps_the_newest_of_each_of_the_last_n_days_that_have_backups()
    {
        // Days 1, 2, 5, 9, 10 (a gap): the last three days with backups are 10, 9 and 5.
        string[] plan = Plan(new RetentionPolicy { KeepDaily = 3 }, Utc,
            "2026-11-01 02:00", "2026-11-02 02:00", "2026-11-05 02:00", "2026-11-09 02:00", "2026-11-10 02:00", "2026-11-10 14:00");

        Assert.Equal(new[]
        {
            "2026-11-10 14:00=daily snapshot",
            "2026-11-10 02:00=-",
            "2026-11-09 02:00=daily snapshot",
            "2026-11-05 02:00=daily snapshot",
            "2026-11-02 02:00=-",
            "2026-11-01 02:00=-",
        }, plan);
    }

    [Fact]
    public void A_rule_with_count_left_keeps_the_oldest_backup_too()
    {
        string[] plan = Plan(new RetentionPolicy { KeepDaily = 5 }, Utc,
            "2026-11-01 02:00", "2026-11-01 14:00", "2026-11-02 02:00", "2026-11-03 02:00");

        Assert.Equal(new[]
        {
            "2026-11-03 02:00=daily snapshot",
            "2026-11-02 02:00=daily snapshot",
            "2026-11-01 14:00=daily snapshot",
            "2026-11-01 02:00=oldest daily snapshot",
        }, plan);
    }

    [Fact]
    public void Weekly_buckets_are_ISO_weeks_across_the_year_boundary()
    {
        // 2026-12-28 (Mon) and 2027-01-03 (Sun) are both in ISO week 2026-W53; 2027-01-04 starts 2027-W01.
        string[] plan = Plan(new RetentionPolicy { KeepWeekly = 2 }, Utc, "2026-12-28 02:00", "2027-01-03 02:00", "2027-01-04 02:00");

        Assert.Equal(new[] { "2027-01-04 02:00=weekly snapshot", "2027-01-03 02:00=weekly snapshot", "2026-12-28 02:00=-" }, plan);
        Assert.Equal(202653, RetentionPlanner.IsoYearWeek(new DateTime(2027, 1, 3)));
        Assert.Equal(202701, RetentionPlanner.IsoYearWeek(new DateTime(2027, 1, 4)));
        Assert.Equal(202601, RetentionPlanner.IsoYearWeek(new DateTime(2025, 12, 29)));
    }

    [Fact]
    public void Buckets_use_local_time_so_new_year_in_Berlin_is_not_new_year_in_UTC()
    {
        // 2024-12-31 23:30 UTC is already 2025 in Berlin.
        var policy = new RetentionPolicy { KeepYearly = 2 };

        Assert.Equal(new[] { "2025-06-01 10:00=yearly snapshot", "2025-01-01 00:30=-", "2024-12-31 23:30=yearly snapshot" },
            Plan(policy, Utc, "2024-12-31 23:30", "2025-01-01 00:30", "2025-06-01 10:00"));
        Assert.Equal(new[] { "2025-06-01 10:00=yearly snapshot", "2025-01-01 00:30=-", "2024-12-31 23:30=oldest yearly snapshot" },
            Plan(policy, Berlin, "2024-12-31 23:30", "2025-01-01 00:30", "2025-06-01 10:00"));
    }

    [Fact]
    public void Hourly_buckets_follow_the_clock_through_both_DST_changes()
    {
        var policy = new RetentionPolicy { KeepHourly = 10 };
        // Spring: 00:00, 01:00, 02:00 UTC are 01:00, 03:00, 04:00 in Berlin: three different hours.
        Assert.All(Plan(policy, Berlin, "2026-03-29 00:00", "2026-03-29 01:00", "2026-03-29 02:00"), p => Assert.EndsWith("hourly snapshot", p));
        // Autumn: 00:30 UTC (02:30 CEST) and 01:30 UTC (02:30 CET) fall in the same local hour, 02:00-03:00.
        Assert.Equal(new[] { "2026-10-25 01:30=hourly snapshot", "2026-10-25 00:30=-", "2026-10-24 23:30=hourly snapshot" },
            Plan(policy, Berlin, "2026-10-24 23:30", "2026-10-25 00:30", "2026-10-25 01:30"));
    }

    [Fact]
    public void KeepWithin_counts_from_the_newest_backup_that_is_not_in_the_future()
    {
        // Now is 2027-06-01 12:00; a backup dated 2027-06-05 (clock skew) must not shift the window.
        string[] plan = Plan(new RetentionPolicy { KeepWithin = Duration.Parse("2d") }, Utc,
            "2027-05-25 12:00", "2027-05-29 11:00", "2027-05-30 12:00", "2027-05-31 12:00", "2027-06-05 12:00");

        Assert.Equal(new[]
        {
            "2027-06-05 12:00=within 2d",
            "2027-05-31 12:00=within 2d",
            "2027-05-30 12:00=within 2d",
            "2027-05-29 11:00=-",
            "2027-05-25 12:00=-",
        }, plan);
    }

    [Fact]
    public void Rules_are_ORed_and_every_matching_reason_is_recorded()
    {
        string[] plan = Plan(new RetentionPolicy { KeepLast = 2, KeepMonthly = 2 }, Utc,
            "2026-09-15 02:00", "2026-10-01 02:00", "2026-10-20 02:00", "2026-11-01 02:00", "2026-11-02 02:00");

        Assert.Equal(new[]
        {
            "2026-11-02 02:00=last snapshot,monthly snapshot",
            "2026-11-01 02:00=last snapshot",
            "2026-10-20 02:00=monthly snapshot",
            "2026-10-01 02:00=-",
            "2026-09-15 02:00=-",
        }, plan);
    }

    [Fact]
    public void OlderThan_keeps_what_is_newer_than_the_span_before_now()
    {
        string[] plan = Plan(new RetentionPolicy { OlderThan = Duration.Parse("30d") }, Utc, "2027-04-01 12:00", "2027-05-01 11:00", "2027-05-20 12:00");

        Assert.Equal(new[] { "2027-05-20 12:00=newer than 30d", "2027-05-01 11:00=-", "2027-04-01 12:00=-" }, plan);
    }

    [Fact]
    public void Ties_within_a_bucket_are_ordered_reproducibly()
    {
        var items = new[] { ("b", U("2026-11-01 02:00")), ("a", U("2026-11-01 02:00")), ("c", U("2026-11-01 02:00")) };
        var verdicts = RetentionPlanner.Apply(items, i => i.Item2, i => i.Item1, new RetentionPolicy { KeepDaily = 1 }, Now, Utc);

        Assert.Equal(new[] { "c", "b", "a" }, verdicts.Select(v => v.Item.Item1));
        Assert.Equal(new[] { true, false, false }, verdicts.Select(v => v.Keep));
    }

    [Theory]
    [InlineData("30d", 0, 0, 30, 0)]
    [InlineData("12h", 0, 0, 0, 12)]
    [InlineData("2w", 0, 0, 14, 0)]
    [InlineData("6m", 0, 6, 0, 0)]
    [InlineData("1y2m", 1, 2, 0, 0)]
    [InlineData("30.00:00:00", 0, 0, 30, 0)]
    [InlineData("1.12:00:00", 0, 0, 1, 12)]
    public void Spans_are_read_as_restic_writes_them_or_as_TimeSpans(string text, int y, int m, int d, int h)
    {
        Duration span = Duration.Parse(text);

        Assert.Equal((y, m, TimeSpan.FromDays(d) + TimeSpan.FromHours(h)), (span.Years, span.Months, span.Exact));
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("3x")]
    [InlineData("-1d")]
    [InlineData("d30")]
    public void A_span_that_is_not_one_is_a_clear_error(string text)
    {
        var ex = Assert.Throws<SqliteAdminException>(() => Duration.Parse(text));

        Assert.Equal(ErrorIds.InvalidSpan, ex.ErrorId);
    }
}
