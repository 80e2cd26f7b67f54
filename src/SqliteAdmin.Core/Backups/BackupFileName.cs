using System;
using System.Globalization;
using System.IO;
using System.Text.RegularExpressions;

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
/// </summary>
public sealed class BackupFileName
{
    private static readonly Regex Pattern = new(
        @"^(?<db>.+)_(?<tier>manual|hourly|daily|weekly|monthly|yearly)_(?<ts>\d{8}_\d{6})(?:_(?<seq>[1-9]\d{0,3}))?\.db(?<gz>\.gz)?(?<enc>\.enc)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

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

    /// <summary>Recognises a backup file name exactly; anything else (temp files, foreign files) is not ours.</summary>
    public static bool TryParse(string fileName, out BackupFileName? parsed)
    {
        parsed = null;
        Match m = Pattern.Match(fileName);
        if (!m.Success || !DateTime.TryParseExact(m.Groups["ts"].Value, "yyyyMMdd_HHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime created))
        {
            return false;
        }
        var tier = (BackupTier)Enum.Parse(typeof(BackupTier), m.Groups["tier"].Value, ignoreCase: true);
        int sequence = m.Groups["seq"].Success ? int.Parse(m.Groups["seq"].Value, CultureInfo.InvariantCulture) : 0;
        parsed = new BackupFileName(m.Groups["db"].Value, tier, created, m.Groups["gz"].Success, m.Groups["enc"].Success, sequence);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => FileName;
}
