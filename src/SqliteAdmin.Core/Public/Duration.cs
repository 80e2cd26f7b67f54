using System;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SqliteAdmin.Core;

namespace SqliteAdmin;

/// <summary>
/// The type of every duration parameter (-OlderThan, -KeepWithin, -MaxBackupAge, -Last, -StaleAfter):
/// a count and a unit as restic writes them ("30d", "12h", "2w", "6m", "1y2m"), a TimeSpan string
/// ("00:30:00", "30.00:00:00") or a [TimeSpan] (New-TimeSpan -Minutes 90), all bound the same way.
/// Years and months are calendar units (a month back from 31 March is 28 or 29 February); weeks,
/// days, hours and a TimeSpan's minutes and seconds are exact. A bare number is refused: 30 what?
/// Not a package: restic's span syntax is one regular expression; calendar arithmetic is DateTime's.
/// </summary>
public sealed class Duration : IEquatable<Duration>
{
    private static readonly Regex Pattern = new(@"^(\d+[ymwdh])+$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
    private static readonly Regex Part = new(@"(\d+)([ymwdh])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    /// <summary>Creates a duration of calendar years and months plus an exact length.</summary>
    public Duration(int years, int months, TimeSpan exact)
    {
        if (years < 0 || months < 0 || exact < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(exact), "A duration is not negative.");
        }
        Years = years;
        Months = months;
        Exact = exact;
    }

    /// <summary>Creates a duration of whole years, months, days and hours.</summary>
    public Duration(int years, int months, int days, int hours)
        : this(years, months, TimeSpan.FromDays(days) + TimeSpan.FromHours(hours))
    {
    }

    /// <summary>A [TimeSpan] as a duration (PowerShell binds New-TimeSpan through this).</summary>
    public Duration(TimeSpan span)
        : this(0, 0, span)
    {
    }

    /// <summary>Whole calendar years.</summary>
    public int Years { get; }

    /// <summary>Whole calendar months.</summary>
    public int Months { get; }

    /// <summary>The exact part: weeks, days, hours, minutes, seconds.</summary>
    public TimeSpan Exact { get; }

    /// <summary>Whether the duration has calendar units (years or months), so it has no fixed length.</summary>
    public bool IsCalendar => Years > 0 || Months > 0;

    /// <summary>A [TimeSpan] converts to a duration.</summary>
    public static implicit operator Duration(TimeSpan span) => new(span);

    /// <summary>Parses "30d", "12h", "2w", "6m", "1y2m" or a TimeSpan string ("00:30:00"); InvalidSpan otherwise.</summary>
    public static Duration Parse(string text)
    {
        string trimmed = (text ?? "").Trim();
        if (Pattern.IsMatch(trimmed))
        {
            try
            {
                checked
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
                    return new Duration(y, m, d, h) { Text = trimmed };
                }
            }
            catch (Exception ex) when (ex is OverflowException or ArgumentException)
            {
                throw Unreadable(text, "it is longer than any calendar can count back");
            }
        }
        // A TimeSpan needs its time part ("30.00:00:00"): a bare "30" is ambiguous (30 what?).
        if (trimmed.IndexOf(':') >= 0 && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out TimeSpan span) && span >= TimeSpan.Zero)
        {
            return new Duration(span) { Text = trimmed };
        }
        throw Unreadable(text);
    }

    /// <summary>
    /// A placeholder for an argument that is not a duration, so the cmdlet (not the parameter binder)
    /// reports it as InvalidSpan with the same words as everywhere else; see <see cref="Unparsed"/>.
    /// </summary>
    internal static Duration Invalid(string? text, string? why = null) => new(TimeSpan.Zero) { Unparsed = text ?? "", UnparsedWhy = why };

    /// <summary>The argument text when this is a placeholder for something unreadable; null for a real duration.</summary>
    internal string? Unparsed { get; private set; }

    /// <summary>Why the placeholder's text was refused, when there is more to say than "not a span".</summary>
    internal string? UnparsedWhy { get; private set; }

    /// <summary>The text this duration was read from, for messages that quote what the user typed.</summary>
    private string? Text { get; set; }

    /// <summary>The error for text that is not a duration (InvalidSpan), worded for every duration parameter.</summary>
    internal static SqliteAdminException Unreadable(string? text, string? why = null) =>
        new(ErrorIds.InvalidSpan, SqliteAdminErrorCategory.InvalidArgument,
            $"'{text}' is not a span{(why == null ? "" : " (" + why + ")")}: use a count and a unit, y (years), m (months), w (weeks), d (days), h (hours), such as 30d, 12h, 2w, 6m or 1y2m, a TimeSpan such as 00:30:00 or 30.00:00:00, or a [TimeSpan] (New-TimeSpan -Days 30).", text);

    /// <summary>
    /// The fixed length of a duration without calendar units, for limits that are lengths (-StaleAfter,
    /// -MaxBackupAge): months and years are refused (InvalidSpan), as is zero.
    /// </summary>
    public TimeSpan ToTimeSpan()
    {
        if (IsCalendar || Exact <= TimeSpan.Zero)
        {
            throw new SqliteAdminException(ErrorIds.InvalidSpan, SqliteAdminErrorCategory.InvalidArgument,
                $"'{Text ?? ToString()}' is not a duration: use hours, days or weeks, such as 4h, 1d or 2w, a TimeSpan such as 00:30:00 for minutes, or a [TimeSpan]; months and years have no fixed length.", Text ?? ToString());
        }
        return Exact;
    }

    /// <summary>Parses a duration that must have a fixed length (no months or years).</summary>
    internal static TimeSpan ParseLength(string text) => Parse(text).ToTimeSpan();

    /// <summary>
    /// The moment this duration before <paramref name="time"/>, on the calendar (as restic computes it).
    /// A span longer than the calendar goes back is the calendar's first moment (everything is newer).
    /// </summary>
    public DateTime Before(DateTime time)
    {
        try
        {
            return time.AddYears(-Years).AddMonths(-Months) - Exact;
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateTime.SpecifyKind(DateTime.MinValue, time.Kind);
        }
    }

    /// <summary>Equal when the years, months and exact part are (so 2w equals 14d).</summary>
    public bool Equals(Duration? other) => other is not null && Years == other.Years && Months == other.Months && Exact == other.Exact;

    /// <summary>Value equality, as for a TimeSpan.</summary>
    public override bool Equals(object? obj) => Equals(obj as Duration);

    /// <summary>A hash of the value.</summary>
    public override int GetHashCode() => (Years * 397 ^ Months) * 397 ^ Exact.GetHashCode();

    /// <summary>As restic prints it where it can ("1y2m", "30d", "2d12h"); minutes and seconds as a TimeSpan ("1d 00:30:00").</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Years > 0) sb.Append(Years).Append('y');
        if (Months > 0) sb.Append(Months).Append('m');
        TimeSpan belowDays = Exact - TimeSpan.FromDays(Exact.Days);
        bool wholeHours = belowDays.Ticks % TimeSpan.TicksPerHour == 0;
        if (Exact.Days > 0) sb.Append(Exact.Days).Append('d');
        if (wholeHours)
        {
            if (belowDays.Hours > 0) sb.Append(belowDays.Hours).Append('h');
        }
        else
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(belowDays.ToString("c", CultureInfo.InvariantCulture));
        }
        return sb.Length == 0 ? "0h" : sb.ToString();
    }
}
