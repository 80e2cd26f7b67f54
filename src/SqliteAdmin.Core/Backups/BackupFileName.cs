using System;
using System.Globalization;
using System.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>Backup tiers; the tier is part of the file name and drives retention.</summary>
public enum BackupTier
{
    /// <summary>A backup taken by hand or without a tier.</summary>
    Manual,
    /// <summary>An hourly backup.</summary>
    Hourly,
    /// <summary>A daily backup.</summary>
    Daily,
    /// <summary>A weekly backup.</summary>
    Weekly,
    /// <summary>A monthly backup.</summary>
    Monthly,
    /// <summary>A yearly backup.</summary>
    Yearly,
}

/// <summary>
/// The one place backup files are named and recognised:
/// <c>&lt;database&gt;_&lt;tier&gt;_&lt;yyyyMMdd_HHmmss&gt;[_n].db[.gz][.enc]</c>, time in UTC,
/// <c>_n</c> only when two backups fall in the same second.
/// Not a package: the grammar is ours and no library knows it; parsed by hand (not a regular expression) for speed in folders of 100 000 backups.
/// </summary>
public sealed class BackupFileName
{
    /// <summary>Creates a name.</summary>
    public BackupFileName(string database, BackupTier tier, DateTime createdUtc, bool compressed, bool encrypted, int sequence = 0)
    {
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
    /// <summary>0, or the same-second collision suffix.</summary>
    public int Sequence { get; }

    /// <summary>The file name.</summary>
    public string FileName =>
        $"{Database}_{Tier.ToString().ToLowerInvariant()}_{CreatedUtc.ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture)}" +
        (Sequence > 0 ? "_" + Sequence.ToString(CultureInfo.InvariantCulture) : "") +
        ".db" + (Compressed ? ".gz" : "") + (Encrypted ? ".enc" : "");

    /// <summary>The manifest's file name: the backup's name plus .json.</summary>
    public string ManifestFileName => FileName + ".json";

    /// <summary>The same name with the next collision suffix.</summary>
    public BackupFileName NextSequence() => new(Database, Tier, CreatedUtc, Compressed, Encrypted, Sequence + 1);

    /// <summary>The database name a source file gets in backup names: its file name without extension.</summary>
    public static string DatabaseNameOf(string sourcePath)
    {
        string name = Path.GetFileNameWithoutExtension(sourcePath);
        return name.Length > 0 ? name : Path.GetFileName(sourcePath);
    }

    /// <summary>
    /// Recognises a backup file name exactly; anything else (temp files, foreign files) is not ours.
    /// Read right to left by hand rather than with a regular expression: retention parses every
    /// name in folders of 100 000 backups.
    /// </summary>
    public static bool TryParse(string fileName, out BackupFileName? parsed)
    {
        parsed = null;
        string rest = fileName;
        bool encrypted = StripSuffix(ref rest, ".enc");
        bool compressed = StripSuffix(ref rest, ".gz");
        if (!StripSuffix(ref rest, ".db"))
        {
            return false;
        }
        int sequence = 0;
        string? token = TakeLast(ref rest);
        if (token != null && token.Length is >= 1 and <= 4 && token[0] != '0' && AllDigits(token) && token.Length != 6)
        {
            sequence = int.Parse(token, CultureInfo.InvariantCulture);
            token = TakeLast(ref rest);
        }
        string? time = token;
        string? date = TakeLast(ref rest);
        string? tierText = TakeLast(ref rest);
        if (time is not { Length: 6 } || !AllDigits(time) || date is not { Length: 8 } || !AllDigits(date) || tierText == null || rest.Length == 0
            || !TryParseTier(tierText, out BackupTier tier)
            || !DateTime.TryParseExact(date + time, "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime created))
        {
            return false;
        }
        parsed = new BackupFileName(rest, tier, created, compressed, encrypted, sequence);
        return true;
    }

    private static bool StripSuffix(ref string text, string suffix)
    {
        if (text.Length > suffix.Length && text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            text = text.Substring(0, text.Length - suffix.Length);
            return true;
        }
        return false;
    }

    /// <summary>The text after the last '_' (removed with its '_'), or null when there is none.</summary>
    private static string? TakeLast(ref string text)
    {
        int underscore = text.LastIndexOf('_');
        if (underscore < 0)
        {
            return null;
        }
        string token = text.Substring(underscore + 1);
        text = text.Substring(0, underscore);
        return token;
    }

    private static bool AllDigits(string text)
    {
        foreach (char c in text)
        {
            if (c < '0' || c > '9')
            {
                return false;
            }
        }
        return text.Length > 0;
    }

    private static bool TryParseTier(string text, out BackupTier tier)
    {
        foreach (BackupTier candidate in (BackupTier[])Enum.GetValues(typeof(BackupTier)))
        {
            if (string.Equals(candidate.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                tier = candidate;
                return true;
            }
        }
        tier = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => FileName;
}
