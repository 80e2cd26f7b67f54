using System;
using System.Collections.Generic;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>
/// What one read of a sync log measured over a window: counts, durations and times, nothing
/// judged. <see cref="SyncLogAnalyzer"/> fills it, <see cref="SyncLogJudge"/> judges it.
/// </summary>
internal sealed class SyncLogFigures
{
    /// <summary>The database and the log table as the schema spells it.</summary>
    public string Path = "", Table = "";
    /// <summary>The window: From inclusive, To exclusive (the time of the report), both UTC.</summary>
    public DateTime From, To;
    /// <summary>How the timestamps are stored, as found.</summary>
    public string TimestampFormat = "";
    /// <summary>The table has no row at all, in the window or outside it.</summary>
    public bool TableEmpty;
    /// <summary>Counts over the window's syncs; <see cref="UnreadableTimestamps"/> counts the rows outside every window.</summary>
    public long TotalSyncs, Succeeded, SyncsWithConflicts, Conflicts, RecordsPulled, RecordsPushed, ConsecutiveFailures, UnreadableTimestamps;
    /// <summary>Durations in milliseconds (null without durations).</summary>
    public double? AvgDurationMs, P95DurationMs, MaxDurationMs;
    /// <summary>The latest sync and the latest successful sync of the window (UTC).</summary>
    public DateTime? LastSync, LastSuccess;

    /// <summary>Syncs with any status but the success status.</summary>
    public long Failed => TotalSyncs - Succeeded;
    /// <summary>Percentages of <see cref="TotalSyncs"/>, rounded to two decimals (0 without syncs).</summary>
    public double SuccessRate => Percent(Succeeded, TotalSyncs);
    /// <inheritdoc cref="SuccessRate"/>
    public double FailureRate => Percent(Failed, TotalSyncs);
    /// <inheritdoc cref="SuccessRate"/>
    public double ConflictRate => Percent(SyncsWithConflicts, TotalSyncs);
    /// <summary>Time since the latest success, or since <see cref="From"/> when there was none.</summary>
    public TimeSpan SinceLastSuccess => To - (LastSuccess ?? From);

    /// <summary><paramref name="part"/> as a percentage of <paramref name="whole"/>, two decimals; 0 when whole is 0.</summary>
    public static double Percent(long part, long whole) => whole == 0 ? 0 : Math.Round(100.0 * part / whole, 2);

    /// <summary>The report: these figures with their judgement.</summary>
    public SyncLogReport ToReport(SyncHealth status, IReadOnlyList<string> alerts) => new SyncLogReport
    {
        Path = Path,
        Table = Table,
        From = From,
        To = To,
        TimestampFormat = TimestampFormat,
        TotalSyncs = TotalSyncs,
        Succeeded = Succeeded,
        Failed = Failed,
        SuccessRate = SuccessRate,
        FailureRate = FailureRate,
        SyncsWithConflicts = SyncsWithConflicts,
        ConflictRate = ConflictRate,
        Conflicts = Conflicts,
        RecordsPulled = RecordsPulled,
        RecordsPushed = RecordsPushed,
        AvgDurationMs = AvgDurationMs,
        P95DurationMs = P95DurationMs,
        MaxDurationMs = MaxDurationMs,
        LastSync = LastSync,
        LastSuccess = LastSuccess,
        SinceLastSuccess = SinceLastSuccess,
        ConsecutiveFailures = ConsecutiveFailures,
        UnreadableTimestamps = UnreadableTimestamps,
        Status = status,
        Alerts = alerts,
    };
}
