using System;
using System.Globalization;

namespace SqliteAdmin.Core;

/// <summary>Durations and moments as messages show them.</summary>
internal static class Durations
{
    /// <summary>"2d", "2d 3h", "5h", "5h 20m", "45m".</summary>
    public static string Short(TimeSpan span)
    {
        if (span.TotalDays >= 1)
        {
            return span.Hours == 0 ? $"{(int)span.TotalDays}d" : $"{(int)span.TotalDays}d {span.Hours}h";
        }
        if (span.TotalHours >= 1)
        {
            return span.Minutes == 0 ? $"{(int)span.TotalHours}h" : $"{(int)span.TotalHours}h {span.Minutes}m";
        }
        return $"{Math.Max(0, (int)span.TotalMinutes)}m";
    }

    /// <summary>"2026-11-21 06:00 +01:00": a UTC instant in <paramref name="zone"/>, with its offset.</summary>
    public static string At(DateTime utc, TimeZoneInfo zone)
    {
        DateTime local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone.GetUtcOffset(utc))
            .ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
    }
}
