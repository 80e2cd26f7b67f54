using System;

namespace SqliteAdmin;

/// <summary>What Restore-SqliteDatabase did.</summary>
public sealed class RestoreResult
{
    /// <summary>The database that was restored.</summary>
    public string Destination { get; set; } = "";
    /// <summary>The backup it was restored from.</summary>
    public string BackupPath { get; set; } = "";
    /// <summary>The database inside a multi-database archive that was restored here (user_data.db); null for a single backup.</summary>
    public string? Member { get; set; }
    /// <summary>When that backup was taken (UTC).</summary>
    public DateTime? BackupCreatedUtc { get; set; }
    /// <summary>Folder holding the previous database and its side files; null when there was none.</summary>
    public string? SafetyCopyPath { get; set; }
    /// <summary>The restored file's SHA-256 equals the backup's.</summary>
    public bool Verified { get; set; }
    /// <summary>integrity_check of the restored database ("ok").</summary>
    public string IntegrityResult { get; set; } = "";
    /// <summary>SHA-256 of the restored database.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Files of the archive that are not databases and were not restored (a settings file, a log); empty for a single backup.</summary>
    public string[] SkippedMembers { get; set; } = Array.Empty<string>();
    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }
}
