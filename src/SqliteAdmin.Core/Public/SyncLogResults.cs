using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>Overall sync health.</summary>
public enum SyncHealth
{
    /// <summary>Nothing to act on.</summary>
    OK,
    /// <summary>Worth a look: conflicts above the limit, the latest sync failed, unreadable timestamps.</summary>
    Warning,
    /// <summary>Act now: no recent successful sync, too many failures, or no syncs at all.</summary>
    Critical,
}

/// <summary>Get-SyncLogReport's summary of one database's sync log over a time window.</summary>
public sealed class SyncLogReport
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>The log table.</summary>
    public string Table { get; set; } = "";
    /// <summary>Start of the window (UTC, inclusive).</summary>
    public DateTime From { get; set; }
    /// <summary>End of the window (UTC, exclusive): the time of the report.</summary>
    public DateTime To { get; set; }
    /// <summary>How the timestamps are stored, as found (e.g. "text 'YYYY-MM-DD HH:MM:SS', read as UTC").</summary>
    public string TimestampFormat { get; set; } = "";
    /// <summary>Syncs in the window.</summary>
    public long TotalSyncs { get; set; }
    /// <summary>Syncs whose status is the success status.</summary>
    public long Succeeded { get; set; }
    /// <summary>Syncs with any other status.</summary>
    public long Failed { get; set; }
    /// <summary>Succeeded as a percentage of TotalSyncs.</summary>
    public double SuccessRate { get; set; }
    /// <summary>Failed as a percentage of TotalSyncs.</summary>
    public double FailureRate { get; set; }
    /// <summary>Syncs with at least one conflict.</summary>
    public long SyncsWithConflicts { get; set; }
    /// <summary>SyncsWithConflicts as a percentage of TotalSyncs.</summary>
    public double ConflictRate { get; set; }
    /// <summary>Conflicts in total.</summary>
    public long Conflicts { get; set; }
    /// <summary>Records pulled in total.</summary>
    public long RecordsPulled { get; set; }
    /// <summary>Records pushed in total.</summary>
    public long RecordsPushed { get; set; }
    /// <summary>Average duration in milliseconds (null without durations).</summary>
    public double? AvgDurationMs { get; set; }
    /// <summary>95th percentile of the duration (nearest rank), in milliseconds.</summary>
    public double? P95DurationMs { get; set; }
    /// <summary>Longest duration in milliseconds.</summary>
    public double? MaxDurationMs { get; set; }
    /// <summary>Time of the latest sync in the window (UTC).</summary>
    public DateTime? LastSync { get; set; }
    /// <summary>Time of the latest successful sync in the window (UTC).</summary>
    public DateTime? LastSuccess { get; set; }
    /// <summary>Time since the latest successful sync (since From when there was none).</summary>
    public TimeSpan SinceLastSuccess { get; set; }
    /// <summary>Failed syncs after the latest success.</summary>
    public long ConsecutiveFailures { get; set; }
    /// <summary>Rows whose timestamp cannot be read (NULL, empty, words, impossible dates): counted, not dropped silently.</summary>
    public long UnreadableTimestamps { get; set; }
    /// <summary>OK, Warning or Critical.</summary>
    public SyncHealth Status { get; set; }
    /// <summary>Each problem as a sentence an admin can act on.</summary>
    public IReadOnlyList<string> Alerts { get; set; } = Array.Empty<string>();
}

/// <summary>One hour or day of a sync log (Get-SyncLogReport -GroupBy).</summary>
public sealed class SyncLogPeriod
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>The log table.</summary>
    public string Table { get; set; } = "";
    /// <summary>Start of the period, in the report's time zone (local time by default).</summary>
    public DateTime Period { get; set; }
    /// <summary>Syncs in the period.</summary>
    public long TotalSyncs { get; set; }
    /// <summary>Successful syncs.</summary>
    public long Succeeded { get; set; }
    /// <summary>Other syncs.</summary>
    public long Failed { get; set; }
    /// <summary>Failed as a percentage of TotalSyncs.</summary>
    public double FailureRate { get; set; }
    /// <summary>Syncs with at least one conflict.</summary>
    public long SyncsWithConflicts { get; set; }
    /// <summary>SyncsWithConflicts as a percentage of TotalSyncs.</summary>
    public double ConflictRate { get; set; }
    /// <summary>Conflicts in total.</summary>
    public long Conflicts { get; set; }
    /// <summary>Average conflicts per sync (the seed's avg_conflicts).</summary>
    public double? AvgConflicts { get; set; }
    /// <summary>Records pulled.</summary>
    public long RecordsPulled { get; set; }
    /// <summary>Records pushed.</summary>
    public long RecordsPushed { get; set; }
    /// <summary>Average duration in milliseconds.</summary>
    public double? AvgDurationMs { get; set; }
}

/// <summary>What Remove-SyncLogEntry removed from one database.</summary>
public sealed class SyncLogPruneResult
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>The log table.</summary>
    public string Table { get; set; } = "";
    /// <summary>Rows removed.</summary>
    public long Removed { get; set; }
    /// <summary>Rows left.</summary>
    public long Remaining { get; set; }
    /// <summary>Timestamp of the oldest row left (UTC).</summary>
    public DateTime? OldestKept { get; set; }
    /// <summary>Timestamp of the newest row left (UTC).</summary>
    public DateTime? NewestKept { get; set; }
    /// <summary>Rows left because their timestamp cannot be read (their age is unknown, so they are never removed).</summary>
    public long UnreadableKept { get; set; }
    /// <summary>Rows older than this (UTC) were removed; null without -OlderThan.</summary>
    public DateTime? Cutoff { get; set; }
}

/// <summary>How Get-SyncLogReport groups its figures.</summary>
public enum SyncLogGrouping
{
    /// <summary>One summary per database.</summary>
    None,
    /// <summary>One row per hour.</summary>
    Hour,
    /// <summary>One row per day.</summary>
    Day,
}
