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
}
