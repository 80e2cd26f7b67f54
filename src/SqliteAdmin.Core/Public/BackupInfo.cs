using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>What Get-SqliteBackup found when it looked at a backup.</summary>
public enum BackupCheckStatus
{
    /// <summary>Listed from its manifest; contents not re-read (use -Verify).</summary>
    NotChecked,
    /// <summary>Re-hashed: size and SHA-256 (and HMAC when a passphrase was given) match the manifest.</summary>
    Ok,
    /// <summary>A file with a backup name but no manifest beside it.</summary>
    NoManifest,
    /// <summary>The manifest cannot be read or does not describe this file.</summary>
    ManifestInvalid,
    /// <summary>The size or SHA-256 differs from the manifest: damaged or truncated.</summary>
    Corrupt,
    /// <summary>The HMAC differs: wrong passphrase, or the file was tampered with.</summary>
    HmacMismatch,
    /// <summary>The backup itself failed verification when it was made.</summary>
    FailedVerification,
    /// <summary>A foreign backup read to its end without damage (gzip CRC-32, cipher padding, SQLite header), but with no manifest or .sha256 to compare it with.</summary>
    Readable,
}

/// <summary>One backup: what Backup-SqliteDatabase made, or what Get-SqliteBackup found.</summary>
public sealed class BackupInfo
{
    /// <summary>Database name (source file name without extension).</summary>
    public string Database { get; set; } = "";
    /// <summary>Full path of the database that was backed up.</summary>
    public string? SourcePath { get; set; }
    /// <summary>Full path of the backup file.</summary>
    public string Path { get; set; } = "";
    /// <summary>
    /// Made by another tool (sqlite3 .backup, gzip, openssl enc, tar), or by this module without its
    /// manifest: nothing records what it holds; Format is read from its content.
    /// </summary>
    public bool Foreign { get; set; }
    /// <summary>
    /// What the file is, read from its content, as a file name would spell it: db, db.gz, db.gz.enc,
    /// db.enc.gz, tar.gz; "enc" when it is encrypted and no passphrase was given to look inside.
    /// </summary>
    public string? Format { get; set; }
    /// <summary>
    /// The databases inside a multi-database archive (empty for a single backup): from its manifest,
    /// from the archive's metadata when that comes first, or, with -Verify, from every entry.
    /// </summary>
    public IReadOnlyList<ArchiveMemberInfo> Members { get; set; } = Array.Empty<ArchiveMemberInfo>();
    /// <summary>A .sha256 file beside a foreign backup, compared by -Verify and by restore; null when there is none.</summary>
    public string? ChecksumPath { get; set; }
    /// <summary>Full path of its manifest, or null when there is none.</summary>
    public string? ManifestPath { get; set; }
    /// <summary>Whether a readable manifest describes this backup.</summary>
    public bool HasManifest => ManifestPath != null;
    /// <summary>Tier from the file name.</summary>
    public BackupTier Tier { get; set; }
    /// <summary>How the copy was taken: OnlineBackup or VacuumInto.</summary>
    public string? Method { get; set; }
    /// <summary>When the backup was taken (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
    /// <summary>How long taking it took.</summary>
    public TimeSpan? Duration { get; set; }
    /// <summary>Size of the source database file when it was backed up.</summary>
    public long? SourceSizeBytes { get; set; }
    /// <summary>Size of the backup file as stored.</summary>
    public long SizeBytes { get; set; }
    /// <summary>Size of the database inside the backup, after decrypting and decompressing.</summary>
    public long? PlainSizeBytes { get; set; }
    /// <summary>SizeBytes / PlainSizeBytes (1 for an uncompressed, unencrypted backup).</summary>
    public double? CompressionRatio => PlainSizeBytes is > 0 ? Math.Round((double)SizeBytes / PlainSizeBytes.Value, 4) : null;
    /// <summary>Whether the backup is gzip-compressed.</summary>
    public bool Compressed { get; set; }
    /// <summary>Whether the backup is OpenSSL-encrypted.</summary>
    public bool Encrypted { get; set; }
    /// <summary>SHA-256 of the backup file as stored (what sha256sum prints).</summary>
    public string? Sha256 { get; set; }
    /// <summary>SHA-256 of the database bytes inside the backup.</summary>
    public string? PlainSha256 { get; set; }
    /// <summary>Whether the copy passed its integrity check when it was made (from the manifest; see Status for what the file is now).</summary>
    public bool Verified { get; set; }
    /// <summary>Quick, Full or None.</summary>
    public string? VerifyMode { get; set; }
    /// <summary>
    /// The check made with the backup, in words: "quick ok", "full ok", "not run", or "-" when the
    /// manifest says it failed or is missing. Status says what the file is now.
    /// </summary>
    public string WhenMade => Verified ? (VerifyMode ?? "").ToLowerInvariant() + " ok" : string.Equals(VerifyMode, "None", StringComparison.OrdinalIgnoreCase) ? "not run" : "-";
    /// <summary>What the integrity check said ("ok", or the first problems found).</summary>
    public string? IntegrityResult { get; set; }
    /// <summary>How often writers forced the online backup to start over.</summary>
    public int Restarts { get; set; }
    /// <summary>
    /// How long the backup held the database's writers off (a rollback-journal database copied under
    /// one read lock after too many restarts, or VACUUM INTO); zero for WAL databases. Known for a
    /// backup just made, not for one listed later.
    /// </summary>
    public TimeSpan WritersBlocked { get; set; }
    /// <summary>Where copies of the backup were written (-CopyTo).</summary>
    public IReadOnlyList<string> Copies { get; set; } = Array.Empty<string>();
    /// <summary>Side files stored with the backup (-IncludeFile), as paths.</summary>
    public IReadOnlyList<string> IncludedFiles { get; set; } = Array.Empty<string>();
    /// <summary>Version of SQLite that made the backup.</summary>
    public string? SqliteVersion { get; set; }
    /// <summary>PBKDF2 iterations of an encrypted backup.</summary>
    public int? Iterations { get; set; }
    /// <summary>What Get-SqliteBackup found; Ok for a backup just made.</summary>
    public BackupCheckStatus Status { get; set; }
    /// <summary>When the file itself was last re-read and compared with its manifest (made, or -Verify); null when only listed.</summary>
    public DateTime? CheckedUtc { get; set; }
    /// <summary>Why Status is not Ok, if it is not.</summary>
    public string? StatusMessage { get; set; }
}

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

/// <summary>How the copy is taken.</summary>
public enum BackupMethod
{
    /// <summary>SQLite's online backup API, stepped: progress, cancellation, restart handling.</summary>
    OnlineBackup,
    /// <summary>VACUUM INTO: a compacted copy (no free pages) in one statement.</summary>
    VacuumInto,
}
