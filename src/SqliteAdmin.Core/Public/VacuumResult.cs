using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>How Invoke-SqliteVacuum reclaims space.</summary>
public enum VacuumMode
{
    /// <summary>VACUUM in place: rebuilds the whole file without free pages (needs an exclusive lock and temporary disk space).</summary>
    Full,
    /// <summary>VACUUM INTO: writes a compacted copy to a new file; the database itself is only read.</summary>
    Into,
    /// <summary>PRAGMA incremental_vacuum: returns free pages to the file system (auto_vacuum = INCREMENTAL databases only).</summary>
    Incremental,
}

/// <summary>One maintenance step Invoke-SqliteVacuum ran, in the order they run.</summary>
public enum MaintenanceOperation
{
    /// <summary>VACUUM, VACUUM INTO or incremental_vacuum.</summary>
    Vacuum,
    /// <summary>REINDEX: rebuilds every index.</summary>
    Reindex,
    /// <summary>ANALYZE: refreshes the query planner's statistics.</summary>
    Analyze,
    /// <summary>PRAGMA optimize.</summary>
    Optimize,
    /// <summary>PRAGMA wal_checkpoint(TRUNCATE): WAL content moved into the database, WAL file emptied.</summary>
    Checkpoint,
}

/// <summary>What Invoke-SqliteVacuum did to one database.</summary>
public sealed class VacuumResult
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Full, Into or Incremental.</summary>
    public VacuumMode Mode { get; set; }
    /// <summary>The compacted copy (Into only).</summary>
    public string? Destination { get; set; }
    /// <summary>True when the vacuum itself ran (false when skipped by -MinFreePercent).</summary>
    public bool Performed { get; set; }
    /// <summary>Why the vacuum was skipped, as a sentence; null when it ran.</summary>
    public string? SkippedReason { get; set; }
    /// <summary>Size of the database file before (bytes, without -wal).</summary>
    public long SizeBeforeBytes { get; set; }
    /// <summary>Size afterwards: of the database, or of the copy with Into.</summary>
    public long SizeAfterBytes { get; set; }
    /// <summary>SizeBeforeBytes - SizeAfterBytes.</summary>
    public long ReclaimedBytes => SizeBeforeBytes - SizeAfterBytes;
    /// <summary>Free pages as a percentage of all pages, before.</summary>
    public double FreePercentBefore { get; set; }
    /// <summary>Free pages as a percentage of all pages, afterwards (of the copy with Into).</summary>
    public double FreePercentAfter { get; set; }
    /// <summary>The steps that ran, in order.</summary>
    public IReadOnlyList<MaintenanceOperation> Operations { get; set; } = Array.Empty<MaintenanceOperation>();
    /// <summary>Things the admin should know that did not stop the work (e.g. a checkpoint blocked by a reader).</summary>
    public IReadOnlyList<string> Warnings { get; set; } = Array.Empty<string>();
    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }
}
