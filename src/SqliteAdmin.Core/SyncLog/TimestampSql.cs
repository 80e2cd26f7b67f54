using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>
/// SQL that reads a timestamp column however it is stored: SQLite text ('YYYY-MM-DD HH:MM:SS',
/// ISO-8601 with 'T', fractional seconds, with or without a zone) or Unix seconds/milliseconds
/// (as numbers or as digits in text), as Unix seconds (REAL). Anything else is NULL: unreadable.
/// </summary>
internal sealed class TimestampSql
{
    // Unix times at or above this are milliseconds (1e11 seconds would be the year 5138).
    private const string MillisecondsFrom = "100000000000";
    private readonly string _column;
    private readonly bool _zonelessIsLocal;

    public TimestampSql(string quotedColumn, bool zonelessIsLocal)
    {
        _column = quotedColumn;
        _zonelessIsLocal = zonelessIsLocal;
    }

    /// <summary>The column as Unix seconds, or NULL when it cannot be read.</summary>
    public string Seconds => Normalize(_column);

    /// <summary>The same reading applied to any SQL value (a bound parameter, min(...)).</summary>
    /// <remarks>
    /// julianday() reads every date text SQLite knows (and REAL Julian day numbers) and is NULL for
    /// anything else, including the Unix times, which are too large to be Julian days; those take
    /// the second branch. Text that is not a date ('yesterday', '2026-11-20 25:99') stays NULL.
    /// </remarks>
    public string Normalize(string c)
    {
        string julian = _zonelessIsLocal
            ? $"(CASE WHEN {c} GLOB '*[Zz]' OR {c} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' THEN julianday(nullif({c}, 'now')) ELSE julianday(nullif({c}, 'now'), 'utc') END)"
            : $"julianday(nullif({c}, 'now'))";
        return $"coalesce(({julian} - 2440587.5) * 86400.0, CASE " +
               $"WHEN typeof({c}) IN ('integer', 'real') THEN (CASE WHEN {c} >= {MillisecondsFrom} THEN {c} / 1000.0 ELSE {c} + 0.0 END) " +
               $"WHEN typeof({c}) = 'text' AND {c} <> '' AND {c} NOT GLOB '*[^0-9.]*' THEN (CASE WHEN CAST({c} AS REAL) >= {MillisecondsFrom} THEN CAST({c} AS REAL) / 1000.0 ELSE CAST({c} AS REAL) END) " +
               "END)";
    }

    /// <summary>
    /// A condition an index on the column can serve that every row in [from, to) meets, whatever
    /// its storage: a range of Unix seconds, of milliseconds, and of date text (two days wider on
    /// each side, for zones). Exact filtering on <see cref="Seconds"/> follows.
    /// </summary>
    public string Window(string prefix) =>
        $"(({_column} >= ${prefix}s0 AND {_column} < ${prefix}s1) OR ({_column} >= ${prefix}m0 AND {_column} < ${prefix}m1) OR ({_column} >= ${prefix}t0 AND {_column} < ${prefix}t1))";

    /// <summary>Rows whose timestamp has no date or number shape at all: NULL, empty, words, blobs (also served by an index).</summary>
    public string Shapeless => $"({_column} IS NULL OR ({_column} >= '' AND {_column} < '0') OR {_column} >= ':')";

    /// <summary>Binds the parameters of <see cref="Window"/>.</summary>
    public static void BindWindow(SqliteCommand command, string prefix, double fromSeconds, double toSeconds)
    {
        long s0 = (long)Math.Floor(fromSeconds) - 1, s1 = (long)Math.Ceiling(toSeconds) + 1;
        command.Parameters.AddWithValue($"${prefix}s0", s0);
        command.Parameters.AddWithValue($"${prefix}s1", s1);
        command.Parameters.AddWithValue($"${prefix}m0", s0 * 1000);
        command.Parameters.AddWithValue($"${prefix}m1", s1 * 1000);
        command.Parameters.AddWithValue($"${prefix}t0", ToUtc(fromSeconds).AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue($"${prefix}t1", ToUtc(Math.Min(toSeconds, 253_000_000_000)).AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>Unix seconds of a time (local or unspecified times are converted from local time).</summary>
    public static double ToSeconds(DateTime time) =>
        ((time.Kind == DateTimeKind.Utc ? time : time.ToUniversalTime()).Ticks - UnixEpochTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>The UTC time of Unix seconds (to the millisecond).</summary>
    public static DateTime ToUtc(double seconds) =>
        new DateTime(UnixEpochTicks, DateTimeKind.Utc).AddMilliseconds(Math.Round(seconds * 1000.0));

    private const long UnixEpochTicks = 621355968000000000;

    /// <summary>Describes how timestamps are stored, from a sample of values.</summary>
    public static string Describe(IEnumerable<object?> sample, bool zonelessIsLocal)
    {
        var kinds = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (object? value in sample)
        {
            string kind = Classify(value, zonelessIsLocal);
            kinds[kind] = kinds.TryGetValue(kind, out int n) ? n + 1 : 1;
        }
        if (kinds.Count == 0)
        {
            return "no timestamps";
        }
        if (kinds.Count == 1)
        {
            return kinds.Keys.First();
        }
        return "mixed: " + string.Join("; ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} ({k.Value} of {kinds.Values.Sum()} sampled)"));
    }

    private static string Classify(object? value, bool zonelessIsLocal)
    {
        string zoneless = zonelessIsLocal ? "no zone: read as local time" : "no zone: read as UTC";
        switch (value)
        {
            case long l:
                return l >= 100_000_000_000 ? "Unix milliseconds (integer)" : "Unix seconds (integer)";
            case double d:
                return d >= 100_000_000_000 ? "Unix milliseconds (real)" : "Unix seconds (real)";
            case string s when s.Length >= 10 && s[4] == '-':
                string shape = s.Length == 10 ? "'YYYY-MM-DD'" : s.Length > 10 && s[10] == 'T' ? "ISO-8601 'YYYY-MM-DDTHH:MM:SS'" : "'YYYY-MM-DD HH:MM:SS'";
                bool zoned = s.EndsWith("Z", StringComparison.OrdinalIgnoreCase) ||
                             (s.Length > 16 && (s[s.Length - 6] == '+' || s[s.Length - 6] == '-') && s[s.Length - 3] == ':');
                return $"text {shape}" + (zoned ? " with zone" : $" ({zoneless})");
            case string s when s.Length > 0 && s.All(ch => char.IsDigit(ch) || ch == '.'):
                return double.Parse(s, CultureInfo.InvariantCulture) >= 100_000_000_000 ? "Unix milliseconds (text)" : "Unix seconds (text)";
            default:
                return "unreadable";
        }
    }
}
