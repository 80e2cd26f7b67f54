using System;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Commands;

/// <summary>Remove-SyncLogEntry: prunes a sync log (older than a span, beyond the newest n rows) in one transaction.</summary>
[Cmdlet(VerbsCommon.Remove, "SyncLogEntry", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(SyncLogPruneResult))]
public sealed class RemoveSyncLogEntryCommand : SyncLogCmdlet
{

    /// <summary>Remove rows older than this span before now, such as 90d.</summary>
    [Parameter]
    [DurationArgument]
    public Duration? OlderThan { get; set; }

    /// <summary>Keep at most this many of the newest rows.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? KeepLast { get; set; }

    /// <summary>Skip the confirmation prompt (and nothing else).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Parses the span once.</summary>
    protected override void PrepareInvocation()
    {
        if (OlderThan == null && KeepLast == null)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "Say what to remove: -OlderThan <span> (such as 90d), -KeepLast <n> (such as 10000), or both.", null);
        }
    }

    /// <summary>Prunes each database's log.</summary>
    protected override void ProcessPath(string path)
    {
        var request = new SyncLogPruneRequest
        {
            Path = path,
            Columns = Columns,
            OlderThan = OlderThan,
            KeepLast = KeepLast,
            ZonelessTimestampsAreLocal = LocalTimestamps,
            BusyTimeout = BusyTimeoutSpan,
        };
        SyncLogPrunePlan plan = SyncLogPruner.Plan(request, StopToken);
        string action = plan.Cutoff is DateTime cutoff
            ? $"Remove {plan.ToRemove} of {plan.Total} rows of {plan.Table} with a timestamp before {cutoff:yyyy-MM-dd HH:mm:ss} UTC"
            : $"Remove nothing from {plan.Table} ({plan.Total} rows, none past the limits)";
        if (!ShouldProcessUnlessForced(Force, path, action))
        {
            return;
        }
        WriteObject(RunWithProgress((progress, stop) => SyncLogPruner.Remove(request, progress, stop)));
    }
}
