using System.Management.Automation;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin;

/// <summary>Base of the sync-log cmdlets: the table and column names (seed 003's by default), shared so one splat serves both.</summary>
public abstract class SyncLogCmdlet : DatabaseInputCmdlet
{
    /// <summary>The sync log table (as Test-SqliteHealth names it). Alias -Table: its 0.1.0 name, kept for one release.</summary>
    [Parameter]
    [Alias("Table")]
    [ValidateNotNullOrEmpty]
    public string SyncLogTable { get; set; } = "sync_log";

    /// <summary>Column with the time of each sync.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TimestampColumn { get; set; } = "timestamp";

    /// <summary>Column with the outcome.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string StatusColumn { get; set; } = "status";

    /// <summary>Column with records pulled.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PulledColumn { get; set; } = "records_pulled";

    /// <summary>Column with records pushed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string PushedColumn { get; set; } = "records_pushed";

    /// <summary>Column with the conflict count.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ConflictsColumn { get; set; } = "conflicts";

    /// <summary>Column with the duration in milliseconds.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string DurationColumn { get; set; } = "duration_ms";

    /// <summary>Timestamps written without a zone are local time (default: UTC).</summary>
    [Parameter]
    public SwitchParameter LocalTimestamps { get; set; }

    /// <summary>The names as Core takes them.</summary>
    private protected SyncLogColumns Columns => new()
    {
        Table = SyncLogTable,
        Timestamp = TimestampColumn,
        Status = StatusColumn,
        Pulled = PulledColumn,
        Pushed = PushedColumn,
        Conflicts = ConflictsColumn,
        Duration = DurationColumn,
    };
}
