namespace SqliteAdmin;

/// <summary>Outcome of one health check.</summary>
public enum HealthStatus
{
    /// <summary>Within its threshold.</summary>
    Pass,
    /// <summary>Needs attention soon (fragmentation, a large WAL, a check that could not run), not yet a failure.</summary>
    Warning,
    /// <summary>Needs action now: missing or damaged database, stale or damaged backup, disk nearly full, sync failing.</summary>
    Fail,
}

/// <summary>One health check of one database, as Test-SqliteHealth emits it.</summary>
public sealed class HealthCheck
{
    /// <summary>Creates a check result.</summary>
    public HealthCheck(string database, string check, HealthStatus status, string value, string threshold, string message)
    {
        Database = database;
        Check = check;
        Status = status;
        Value = value;
        Threshold = threshold;
        Message = message;
    }

    /// <summary>Full path of the database checked.</summary>
    public string Database { get; }

    /// <summary>The check: one of the names in <see cref="HealthCheckNames"/>.</summary>
    public string Check { get; }

    /// <summary>Pass, Warning or Fail.</summary>
    public HealthStatus Status { get; }

    /// <summary>What was measured, as text (for example "59.83 %" or "2d 3h").</summary>
    public string Value { get; }

    /// <summary>The limit it was compared with, as text ("" when the check has none).</summary>
    public string Threshold { get; }

    /// <summary>A sentence an admin can act on.</summary>
    public string Message { get; }

    /// <summary>"Check: Status - Message", for logs.</summary>
    public override string ToString() => $"{Check}: {Status} - {Message}";
}

/// <summary>The names of the checks, in the order they are reported.</summary>
public static class HealthCheckNames
{
    /// <summary>The database file exists and opens read-only as an SQLite database.</summary>
    public const string File = "File";
    /// <summary>A hot -journal left by an interrupted transaction (reported only when there is one).</summary>
    public const string HotJournal = "HotJournal";
    /// <summary>PRAGMA quick_check or integrity_check.</summary>
    public const string Integrity = "Integrity";
    /// <summary>Size, and growth of the data since the newest backup's manifest.</summary>
    public const string Size = "Size";
    /// <summary>Size of the -wal file.</summary>
    public const string WalSize = "WalSize";
    /// <summary>Free pages as a percentage of all pages (what VACUUM would reclaim).</summary>
    public const string FreePages = "FreePages";
    /// <summary>The journal mode, and WAL on a network share.</summary>
    public const string JournalMode = "JournalMode";
    /// <summary>Free space on the database's volume.</summary>
    public const string DiskSpace = "DiskSpace";
    /// <summary>Age of the newest backup.</summary>
    public const string BackupAge = "BackupAge";
    /// <summary>The newest backup was verified when made and still matches its manifest.</summary>
    public const string BackupVerified = "BackupVerified";
    /// <summary>Temp files that an interrupted SqliteAdmin run left in the backup folder (reported only when there are some).</summary>
    public const string TempFiles = "TempFiles";
    /// <summary>Sync staleness, failure and conflict rates from the sync log.</summary>
    public const string SyncLog = "SyncLog";
}
