using System;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Commands;

/// <summary>Get-SyncLogReport: the sync health of a multi-user SQLite application from its sync_log, with OK/Warning/Critical and alerts.</summary>
[Cmdlet(VerbsCommon.Get, "SyncLogReport", DefaultParameterSetName = PathSet)]
[OutputType(typeof(SyncLogReport), typeof(SyncLogPeriod))]
public sealed class GetSyncLogReportCommand : SyncLogCmdlet
{
    private TimeSpan _staleAfter = TimeSpan.FromHours(4);
    private BusinessHours? _businessHours;

    /// <summary>The status of a successful sync (compared without regard to case).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string SuccessStatus { get; set; } = "success";

    /// <summary>Start of the window.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>The window before now, such as 24h, 7d, 1m (default 7d).</summary>
    [Parameter]
    [DurationArgument]
    public Duration Last { get; set; } = new(0, 0, 7, 0);

    /// <summary>None (one summary), Hour or Day.</summary>
    [Parameter]
    public SyncLogGrouping GroupBy { get; set; } = SyncLogGrouping.None;

    /// <summary>Critical when no sync succeeded for this long (default 4h).</summary>
    [Parameter]
    [DurationArgument]
    public Duration StaleAfter { get; set; } = new(0, 0, 0, 4);

    /// <summary>Warning above this percentage of syncs with conflicts (default 5).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxConflictPercent { get; set; } = 5;

    /// <summary>Critical above this percentage of failed syncs (default 10).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxFailurePercent { get; set; } = 10;

    /// <summary>When syncs are expected, such as 08:00-18:00 (local time); staleness counts only these hours.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BusinessHours { get; set; }

    /// <summary>The days -BusinessHours applies to (default Monday to Friday).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public DayOfWeek[]? BusinessDays { get; set; }

    /// <summary>Parses the spans and business hours once.</summary>
    protected override void PrepareInvocation()
    {
        if (Since != null && MyInvocation.BoundParameters.ContainsKey(nameof(Last)))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "Use -Since or -Last, not both.", Last.ToString());
        }
        (_staleAfter, _businessHours) = SyncThresholdParameters.Parse(StaleAfter, BusinessHours, BusinessDays);
    }

    /// <summary>Reports on each database.</summary>
    protected override void ProcessPath(string path)
    {
        var request = new SyncLogRequest
        {
            Path = path,
            Columns = Columns,
            SuccessStatus = SuccessStatus,
            Since = Since,
            Last = Last,
            GroupBy = GroupBy,
            StaleAfter = _staleAfter,
            MaxConflictPercent = MaxConflictPercent,
            MaxFailurePercent = MaxFailurePercent,
            BusinessHours = _businessHours,
            ZonelessTimestampsAreLocal = LocalTimestamps,
            BusyTimeout = BusyTimeoutSpan,
        };
        if (GroupBy == SyncLogGrouping.None)
        {
            WriteObject(RunWithProgress((progress, stop) => SyncLogAnalyzer.Report(request, progress, stop)));
        }
        else
        {
            WriteObject(RunWithProgress((progress, stop) => SyncLogAnalyzer.Periods(request, progress, stop)), enumerateCollection: true);
        }
    }
}
