using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>
/// When syncs are expected: a daily time range on some days of the week, in a time zone. Staleness
/// is judged by the business time elapsed, so a quiet night or weekend is not an alert.
/// </summary>
internal sealed class BusinessHours
{
    private static readonly Regex Range = new(@"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$", RegexOptions.CultureInvariant);

    /// <summary>Creates business hours.</summary>
    public BusinessHours(TimeSpan start, TimeSpan end, IEnumerable<DayOfWeek> days, TimeZoneInfo zone)
    {
        Start = start;
        End = end;
        Days = new HashSet<DayOfWeek>(days);
        Zone = zone;
    }

    /// <summary>Start of the working day (local time of <see cref="Zone"/>).</summary>
    public TimeSpan Start { get; }
    /// <summary>End of the working day.</summary>
    public TimeSpan End { get; }
    /// <summary>Working days.</summary>
    public ISet<DayOfWeek> Days { get; }
    /// <summary>The zone the hours are in.</summary>
    public TimeZoneInfo Zone { get; }

    /// <summary>Monday to Friday.</summary>
    public static readonly DayOfWeek[] Weekdays = { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };

    /// <summary>Parses "08:00-18:00"; a clear error otherwise.</summary>
    public static BusinessHours Parse(string text, IEnumerable<DayOfWeek>? days, TimeZoneInfo zone)
    {
        Match match = Range.Match(text ?? "");
        TimeSpan start = default, end = default;
        bool valid = match.Success &&
                     TryTime(match.Groups[1].Value, match.Groups[2].Value, out start) &&
                     TryTime(match.Groups[3].Value, match.Groups[4].Value, out end) &&
                     start < end;
        List<DayOfWeek> dayList = (days ?? Weekdays).Distinct().ToList();
        if (!valid || dayList.Count == 0)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                $"'{text}' is not a business-hours range: write it as start-end in 24-hour time on one day, such as 08:00-18:00, with at least one business day.", text);
        }
        return new BusinessHours(start, end, dayList, zone);
    }

    /// <summary>How much business time lies between two UTC instants.</summary>
    public TimeSpan Between(DateTime fromUtc, DateTime toUtc)
    {
        if (toUtc <= fromUtc)
        {
            return TimeSpan.Zero;
        }
        DateTime firstDay = TimeZoneInfo.ConvertTimeFromUtc(fromUtc, Zone).Date;
        DateTime lastDay = TimeZoneInfo.ConvertTimeFromUtc(toUtc, Zone).Date;
        TimeSpan total = TimeSpan.Zero;
        for (DateTime day = firstDay; day <= lastDay; day = day.AddDays(1))
        {
            if (!Days.Contains(day.DayOfWeek))
            {
                continue;
            }
            DateTime open = ToUtc(day + Start), close = ToUtc(day + End);
            DateTime a = open > fromUtc ? open : fromUtc, b = close < toUtc ? close : toUtc;
            if (b > a)
            {
                total += b - a;
            }
        }
        return total;
    }

    /// <summary>"Mon-Fri 08:00-18:00" or "Mon, Wed 09:00-17:00".</summary>
    public override string ToString()
    {
        var order = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday };
        string days = Days.SetEquals(Weekdays) ? "Mon-Fri" : string.Join(", ", order.Where(Days.Contains).Select(d => d.ToString().Substring(0, 3)));
        return string.Format(CultureInfo.InvariantCulture, "{0} {1:hh\\:mm}-{2:hh\\:mm}", days, Start, End);
    }

    private DateTime ToUtc(DateTime local)
    {
        // A time skipped by a daylight-saving change does not exist; the first valid moment after it counts.
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), Zone);
    }

    private static bool TryTime(string hours, string minutes, out TimeSpan time)
    {
        int h = int.Parse(hours, CultureInfo.InvariantCulture), m = int.Parse(minutes, CultureInfo.InvariantCulture);
        time = new TimeSpan(h, m, 0);
        return (h < 24 && m < 60) || (h == 24 && m == 0);
    }
}
