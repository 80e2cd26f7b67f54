using System;
using Xunit;

namespace SqliteAdmin.Core.Tests;

/// <summary>The one duration type every duration parameter binds to.</summary>
public class DurationTests
{
    [Theory]
    [InlineData("90m", 0, 90, 0)]            // months, not minutes: restic's unit
    [InlineData("01:30:00", 0, 0, 90)]
    [InlineData("2w3d", 0, 0, 17 * 24 * 60)]
    public void Parses_calendar_and_exact_parts(string text, int years, int months, int minutes)
    {
        Duration d = Duration.Parse(text);
        Assert.Equal(years, d.Years);
        Assert.Equal(months, d.Months);
        Assert.Equal(TimeSpan.FromMinutes(minutes), d.Exact);
    }

    [Fact]
    public void A_TimeSpan_converts_exactly_and_prints_as_the_cmdlets_show_it()
    {
        Duration fromSpan = TimeSpan.FromMinutes(90);
        Assert.Equal(TimeSpan.FromMinutes(90), fromSpan.ToTimeSpan());
        Assert.Equal("01:30:00", fromSpan.ToString());
        Assert.Equal("1d 00:30:00", new Duration(TimeSpan.FromMinutes(24 * 60 + 30)).ToString());
        Assert.Equal("1y2m3d4h", new Duration(1, 2, 3, 4).ToString());
        Assert.Equal("30d", Duration.Parse("30.00:00:00").ToString());
    }

    [Theory]
    [InlineData("1m")]
    [InlineData("1y")]
    [InlineData("1y1d")]
    public void A_calendar_span_has_no_fixed_length(string text)
    {
        var ex = Assert.Throws<SqliteAdminException>(() => Duration.Parse(text).ToTimeSpan());
        Assert.Equal(ErrorIds.InvalidSpan, ex.ErrorId);
        Assert.Contains("no fixed length", ex.Message);
    }

    [Fact]
    public void Before_steps_back_on_the_calendar_then_by_the_exact_part()
    {
        var march31 = new DateTime(2027, 3, 31, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal(new DateTime(2027, 2, 28, 12, 0, 0, DateTimeKind.Utc), Duration.Parse("1m").Before(march31));
        Assert.Equal(new DateTime(2027, 3, 31, 10, 30, 0, DateTimeKind.Utc), Duration.Parse("01:30:00").Before(march31));
    }

    [Fact]
    public void Negative_lengths_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Duration(TimeSpan.FromHours(-1)));
    }

    [Fact]
    public void Equal_values_are_equal_and_messages_quote_what_was_typed()
    {
        Assert.Equal(Duration.Parse("2w"), Duration.Parse("14d"));
        Assert.Equal(Duration.Parse("14d").GetHashCode(), Duration.Parse("2w").GetHashCode());
        Assert.NotEqual(Duration.Parse("1m"), Duration.Parse("30d"));
        var ex = Assert.Throws<SqliteAdminException>(() => Duration.Parse("0d").ToTimeSpan());
        Assert.StartsWith("'0d' is not a duration", ex.Message);
    }

    [Fact]
    public void Too_large_to_count_is_InvalidSpan_and_longer_than_the_calendar_is_its_first_moment()
    {
        Assert.Equal(ErrorIds.InvalidSpan, Assert.Throws<SqliteAdminException>(() => Duration.Parse("99999999999d")).ErrorId);
        Assert.Equal(ErrorIds.InvalidSpan, Assert.Throws<SqliteAdminException>(() => Duration.Parse("2000000000w")).ErrorId);
        var now = new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal(DateTime.MinValue, Duration.Parse("5000y").Before(now));
        Assert.Equal(DateTimeKind.Utc, Duration.Parse("3000000d").Before(now).Kind);
    }
}
