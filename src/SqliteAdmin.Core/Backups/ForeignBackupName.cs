using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// The database (or series) and time a foreign backup's name suggests, as the seeds' scripts name
/// them: <c>preroll_tracker.db.backup_20260228_060000[.enc]</c>, <c>tablet_counter_daily_20241206_020000.db.gz</c>,
/// <c>ora_20240101_020000.db.gz</c>, <c>archerytools_backup_20250804_163829.tar.gz</c>,
/// <c>daily_20250804.tar.gz</c>. The time in a name is the local time of the machine that made it
/// (the scripts use <c>date</c> and <c>datetime.now()</c>); without one, the file's last write time.
/// Only for naming and grouping: a name is never trusted for the format.
/// </summary>
internal sealed class ForeignBackupName
{
    private static readonly Regex Stamp = new(@"(?<![0-9])(?<date>(?:19|20)[0-9]{2}-?[01][0-9]-?[0-3][0-9])(?:[_\-T.]?(?<time>[0-2][0-9][:\-]?[0-5][0-9][:\-]?[0-5][0-9]))?(?![0-9])",
        RegexOptions.CultureInvariant | RegexOptions.RightToLeft);

    private static readonly string[] Extensions = { ".enc", ".gz", ".tgz", ".tar", ".db", ".sqlite", ".sqlite3", ".backup", ".bak" };
    private static readonly string[] Words = { "backup", "bak", "hourly", "daily", "weekly", "monthly", "yearly", "manual" };

    private ForeignBackupName(string database, DateTime createdUtc, bool timeFromName)
    {
        Database = database;
        CreatedUtc = createdUtc;
        TimeFromName = timeFromName;
    }

    /// <summary>The database or series the name is of.</summary>
    public string Database { get; }
    /// <summary>When it was made (UTC).</summary>
    public DateTime CreatedUtc { get; }
    /// <summary>Whether the time came from the name (else from the file's last write time).</summary>
    public bool TimeFromName { get; }

    /// <summary>Reads a foreign backup's file name.</summary>
    public static ForeignBackupName Parse(string path)
    {
        string name = Path.GetFileName(path);
        Match match = Stamp.Match(name);
        DateTime? local = null;
        string head = name;
        if (match.Success && TryTime(match, out DateTime parsed))
        {
            local = parsed;
            head = name.Substring(0, match.Index);
        }
        string database = Clean(head);
        if (database.Length == 0)
        {
            database = Clean(StripExtensions(name));
        }
        if (database.Length == 0)
        {
            database = "backup";
        }
        DateTime created = local.HasValue ? DateTime.SpecifyKind(local.Value, DateTimeKind.Local).ToUniversalTime() : File.GetLastWriteTimeUtc(path);
        return new ForeignBackupName(database, new DateTime(created.Ticks - created.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc), local.HasValue);
    }

    private static bool TryTime(Match match, out DateTime value)
    {
        string date = match.Groups["date"].Value.Replace("-", "");
        string time = match.Groups["time"].Success ? new string(match.Groups["time"].Value.Where(char.IsDigit).ToArray()) : "000000";
        return DateTime.TryParseExact(date + time, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>Drops separators, known extensions and words like "backup" or a tier from the end (never down to nothing).</summary>
    private static string Clean(string head)
    {
        string current = head;
        while (true)
        {
            string trimmed = current.TrimEnd('_', '-', '.', ' ');
            string stripped = StripExtensions(trimmed);
            foreach (string word in Words)
            {
                if (stripped.EndsWith(word, StringComparison.OrdinalIgnoreCase) && stripped.Length > word.Length
                    && stripped[stripped.Length - word.Length - 1] is '_' or '-' or '.')
                {
                    stripped = stripped.Substring(0, stripped.Length - word.Length);
                    break;
                }
            }
            stripped = stripped.TrimEnd('_', '-', '.', ' ');
            if (stripped == current || stripped.Length == 0)
            {
                return stripped.Length == 0 ? trimmed : stripped;
            }
            current = stripped;
        }
    }

    private static string StripExtensions(string name)
    {
        bool stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (string extension in Extensions)
            {
                if (name.Length > extension.Length && name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                {
                    name = name.Substring(0, name.Length - extension.Length);
                    stripped = true;
                }
            }
        }
        return name;
    }
}
