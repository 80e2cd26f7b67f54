using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SqliteAdmin.Core.Retention;

/// <summary>
/// A calendar span as restic writes it: years, months, days and hours ("1y2m", "30d", "12h");
/// "w" is accepted as 7 days. A TimeSpan ("30.00:00:00") is accepted too.
/// Not a package: restic's span syntax is one regular expression; calendar arithmetic is DateTime's.
/// </summary>
public sealed class RetentionSpan
{
    private static readonly Regex Pattern = new(@"^(\d+[ymwdh])+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex Part = new(@"(\d+)([ymwdh])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Creates a span.</summary>
    public RetentionSpan(int years, int months, int days, int hours)
    {
        Years = years;
        Months = months;
        Days = days;
        Hours = hours;
    }

    /// <summary>Whole years.</summary>
    public int Years { get; }
    /// <summary>Whole months.</summary>
    public int Months { get; }
    /// <summary>Whole days.</summary>
    public int Days { get; }
    /// <summary>Whole hours.</summary>
    public int Hours { get; }

    /// <summary>Parses "30d", "12h", "2w", "6m", "1y2m" or a TimeSpan; a clear error otherwise.</summary>
    public static RetentionSpan Parse(string text)
    {
        string trimmed = (text ?? "").Trim();
        if (Pattern.IsMatch(trimmed))
        {
            int y = 0, m = 0, d = 0, h = 0;
            foreach (Match part in Part.Matches(trimmed))
            {
                int n = int.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
                switch (char.ToLowerInvariant(part.Groups[2].Value[0]))
                {
                    case 'y': y += n; break;
                    case 'm': m += n; break;
                    case 'w': d += 7 * n; break;
                    case 'd': d += n; break;
                    default: h += n; break;
                }
            }
            return new RetentionSpan(y, m, d, h);
        }
        // A TimeSpan needs its time part ("30.00:00:00"): a bare "30" is ambiguous (30 what?).
        if (trimmed.IndexOf(':') >= 0 && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero)
        {
            return new RetentionSpan(0, 0, span.Days, (int)Math.Ceiling(span.TotalHours - span.Days * 24.0));
        }
        throw new SqliteAdminException(ErrorIds.InvalidSpan, SqliteAdminErrorCategory.InvalidArgument,
            $"'{text}' is not a span: use a count and a unit, y (years), m (months), w (weeks), d (days), h (hours), such as 30d, 12h, 2w, 6m or 1y2m, or a TimeSpan such as 30.00:00:00.", text);
    }

    /// <summary>
    /// Parses a duration: hours, days or weeks ("4h", "1d12h", "2w") or a TimeSpan ("00:30:00").
    /// Months and years are calendar spans, not durations, and are refused.
    /// </summary>
    public static TimeSpan ParseDuration(string text)
    {
        string trimmed = (text ?? "").Trim();
        if (trimmed.IndexOf(':') >= 0 && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan span) && span > TimeSpan.Zero)
        {
            return span;
        }
        if (Pattern.IsMatch(trimmed))
        {
            RetentionSpan parsed = Parse(trimmed);
            if (parsed.Years == 0 && parsed.Months == 0 && (parsed.Days > 0 || parsed.Hours > 0))
            {
                return TimeSpan.FromDays(parsed.Days) + TimeSpan.FromHours(parsed.Hours);
            }
        }
        throw new SqliteAdminException(ErrorIds.InvalidSpan, SqliteAdminErrorCategory.InvalidArgument,
            $"'{text}' is not a duration: use hours, days or weeks, such as 4h, 1d or 2w, or a TimeSpan such as 00:30:00 for minutes.", text);
    }

    /// <summary>The moment this span before <paramref name="time"/>, on the calendar (as restic computes it).</summary>
    public DateTime Before(DateTime time) => time.AddYears(-Years).AddMonths(-Months).AddDays(-Days).AddHours(-Hours);

    /// <summary>As restic prints it: "1y2m", "30d".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Years > 0) sb.Append(Years).Append('y');
        if (Months > 0) sb.Append(Months).Append('m');
        if (Days > 0) sb.Append(Days).Append('d');
        if (Hours > 0) sb.Append(Hours).Append('h');
        return sb.Length == 0 ? "0h" : sb.ToString();
    }
}
