using System;
using System.Globalization;
using System.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// The one place backup files are named and recognised:
/// <c>&lt;database&gt;_&lt;tier&gt;_&lt;yyyyMMdd_HHmmss&gt;[_n].db[.gz][.enc]</c>, time in UTC,
/// <c>_n</c> only when two backups fall in the same second; a multi-database archive is
/// <c>&lt;set&gt;_&lt;tier&gt;_&lt;yyyyMMdd_HHmmss&gt;[_n].tar.gz[.enc]</c>.
/// Not a package: the grammar is ours and no library knows it; parsed by hand (not a regular expression) for speed in folders of 100 000 backups.
/// </summary>
internal sealed class BackupFileName
{
    /// <summary>Creates a name.</summary>
    public BackupFileName(string database, BackupTier tier, DateTime createdUtc, bool compressed, bool encrypted, int sequence = 0, bool archive = false)
    {
        Archive = archive;
        Database = database;
        Tier = tier;
        CreatedUtc = new DateTime(createdUtc.Ticks - createdUtc.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        Compressed = compressed;
        Encrypted = encrypted;
        Sequence = sequence;
    }

    /// <summary>Database name: the source file name without its extension.</summary>
    public string Database { get; }
    /// <summary>The tier.</summary>
    public BackupTier Tier { get; }
    /// <summary>Creation time (UTC, whole seconds).</summary>
    public DateTime CreatedUtc { get; }
    /// <summary>Whether the name ends in .gz (before any .enc).</summary>
    public bool Compressed { get; }
    /// <summary>Whether the name ends in .enc.</summary>
    public bool Encrypted { get; }
    /// <summary>A multi-database archive (.tar.gz), its Database the name of the set.</summary>
    public bool Archive { get; }
    /// <summary>0, or the same-second collision suffix.</summary>
    public int Sequence { get; }

    /// <summary>The file name.</summary>
    public string FileName =>
        $"{Database}_{Tier.ToString().ToLowerInvariant()}_{CreatedUtc.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}" +
        (Sequence > 0 ? "_" + Sequence.ToString(CultureInfo.InvariantCulture) : "") +
        (Archive ? ".tar" : ".db") + (Compressed ? ".gz" : "") + (Encrypted ? ".enc" : "");

    /// <summary>The manifest's file name: the backup's name plus .json.</summary>
    public string ManifestFileName => FileName + ".json";

    /// <summary>The same name with the next collision suffix.</summary>
    public BackupFileName NextSequence() => new(Database, Tier, CreatedUtc, Compressed, Encrypted, Sequence + 1, Archive);

    /// <summary>The database name a source file gets in backup names: its file name without extension.</summary>
    public static string DatabaseNameOf(string sourcePath)
    {
        string name = Path.GetFileNameWithoutExtension(sourcePath);
        return name.Length > 0 ? name : Path.GetFileName(sourcePath);
    }

    /// <summary>
    /// Recognises a backup file name exactly; anything else (temp files, foreign files) is not ours.
    /// Read right to left by index, without a regular expression and with one allocation (the
    /// database name): retention parses every name in folders of 100 000 backups.
    /// </summary>
    public static bool TryParse(string fileName, out BackupFileName? parsed)
    {
        parsed = null;
        if (fileName == null)
        {
            return false;
        }
        int end = fileName.Length;
        bool encrypted = StripSuffix(fileName, ref end, ".enc");
        bool compressed = StripSuffix(fileName, ref end, ".gz");
        bool archive = false;
        if (!StripSuffix(fileName, ref end, ".db") && !(archive = compressed && StripSuffix(fileName, ref end, ".tar")) || !TakeLast(fileName, ref end, out int token, out int length))
        {
            return false;
        }
        int sequence = 0;
        if (length is >= 1 and <= 4 && fileName[token] != '0' && TryDigits(fileName, token, length, out sequence))
        {
            if (!TakeLast(fileName, ref end, out token, out length))
            {
                return false;
            }
        }
        if (length != 6 || !TryDigits(fileName, token, 2, out int hour) || !TryDigits(fileName, token + 2, 2, out int minute) || !TryDigits(fileName, token + 4, 2, out int second)
            || !TakeLast(fileName, ref end, out token, out length) || length != 8
            || !TryDigits(fileName, token, 4, out int year) || !TryDigits(fileName, token + 4, 2, out int month) || !TryDigits(fileName, token + 6, 2, out int day)
            || !TakeLast(fileName, ref end, out token, out length) || end == 0
            || !TryParseTier(fileName, token, length, out BackupTier tier)
            || year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        var created = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        parsed = new BackupFileName(fileName.Substring(0, end), tier, created, compressed, encrypted, sequence, archive);
        return true;
    }

    private static bool StripSuffix(string text, ref int end, string suffix)
    {
        if (end > suffix.Length && string.Compare(text, end - suffix.Length, suffix, 0, suffix.Length, StringComparison.OrdinalIgnoreCase) == 0)
        {
            end -= suffix.Length;
            return true;
        }
        return false;
    }

    /// <summary>The token after the last '_' before <paramref name="end"/>; <paramref name="end"/> moves to that '_'. False when there is none.</summary>
    private static bool TakeLast(string text, ref int end, out int start, out int length)
    {
        int underscore = end == 0 ? -1 : text.LastIndexOf('_', end - 1, end);
        if (underscore < 0)
        {
            start = length = 0;
            return false;
        }
        start = underscore + 1;
        length = end - start;
        end = underscore;
        return true;
    }

    private static bool TryDigits(string text, int start, int length, out int value)
    {
        value = 0;
        for (int i = start; i < start + length; i++)
        {
            char c = text[i];
            if (c < '0' || c > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return length > 0;
    }

    private static readonly string[] TierNames = Enum.GetNames(typeof(BackupTier));
    private static readonly BackupTier[] Tiers = (BackupTier[])Enum.GetValues(typeof(BackupTier));

    private static bool TryParseTier(string text, int start, int length, out BackupTier tier)
    {
        for (int i = 0; i < TierNames.Length; i++)
        {
            if (TierNames[i].Length == length && string.Compare(text, start, TierNames[i], 0, length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                tier = Tiers[i];
                return true;
            }
        }
        tier = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => FileName;
}
