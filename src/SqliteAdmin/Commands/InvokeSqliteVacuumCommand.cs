using System;
using System.Management.Automation;
using SqliteAdmin.Core.Maintenance;

namespace SqliteAdmin.Commands;

/// <summary>Invoke-SqliteVacuum: VACUUM (in place, INTO a new file, incremental) with a free-space threshold, plus ANALYZE, PRAGMA optimize, REINDEX and a WAL checkpoint.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SqliteVacuum", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(VacuumResult))]
public sealed class InvokeSqliteVacuumCommand : DatabaseInputCmdlet
{
    /// <summary>Full (VACUUM in place, default), Into (a compacted copy at -Destination) or Incremental.</summary>
    [Parameter]
    [Alias("Mode")]
    public VacuumMode VacuumMode { get; set; } = VacuumMode.Full;

    /// <summary>With -VacuumMode Into: the new file, or an existing folder (the copy takes the database's name).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>With -VacuumMode Incremental: how many free pages to release (default: all).</summary>
    [Parameter]
    public long? IncrementalPages { get; set; }

    /// <summary>Skip the vacuum (not the other steps) when fewer than this percentage of pages are free.</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double? MinFreePercent { get; set; }

    /// <summary>Run ANALYZE afterwards.</summary>
    [Parameter]
    public SwitchParameter Analyze { get; set; }

    /// <summary>Run PRAGMA optimize afterwards.</summary>
    [Parameter]
    public SwitchParameter Optimize { get; set; }

    /// <summary>Run REINDEX afterwards.</summary>
    [Parameter]
    public SwitchParameter Reindex { get; set; }

    /// <summary>Run PRAGMA wal_checkpoint(TRUNCATE) at the end.</summary>
    [Parameter]
    public SwitchParameter Checkpoint { get; set; }

    /// <summary>Vacuums each database.</summary>
    protected override void ProcessPath(string path)
    {
        var request = new VacuumRequest
        {
            Path = path,
            Mode = VacuumMode,
            Destination = Destination == null ? null : FileSystemPath(Destination),
            IncrementalPages = IncrementalPages,
            MinFreePercent = MinFreePercent,
            Analyze = Analyze,
            Optimize = Optimize,
            Reindex = Reindex,
            Checkpoint = Checkpoint,
            BusyTimeout = BusyTimeoutSpan,
        };
        VacuumPlan plan = DatabaseVacuum.Assess(request, StopToken);
        if (plan.Operations.Count > 0 && !ShouldProcess(path, plan.Describe(request)))
        {
            return;
        }
        VacuumResult result = RunWithProgress((progress, stop) => DatabaseVacuum.Run(request, progress, stop));
        foreach (string warning in result.Warnings)
        {
            WriteWarning($"{path}: {warning}");
        }
        WriteObject(result);
    }
}
