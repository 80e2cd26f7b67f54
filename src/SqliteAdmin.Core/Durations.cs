using System;

namespace SqliteAdmin.Core;

/// <summary>Durations as messages show them.</summary>
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
}
