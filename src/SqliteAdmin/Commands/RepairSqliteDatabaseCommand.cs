using System;
using System.Collections.Generic;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Repair;

namespace SqliteAdmin.Commands;

/// <summary>Repair-SqliteDatabase: salvages a damaged database into a new file (or, with -Replace, in its place, with a safety copy), never writing the original.</summary>
[Cmdlet(VerbsDiagnostic.Repair, "SqliteDatabase", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RepairResult))]
public sealed class RepairSqliteDatabaseCommand : DatabaseInputCmdlet
{
    private string? _destination;

    /// <summary>The new database file to build, or an existing folder (the file then takes the damaged database's name).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    /// <summary>Swap the salvaged database in for the damaged one, as Restore-SqliteDatabase does: the damaged database is kept as a safety copy, and put back if anything fails.</summary>
    [Parameter]
    public SwitchParameter Replace { get; set; }

    /// <summary>With -Replace: folder for the safety copy of the damaged database (default: before_restore beside it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SafetyCopyPath { get; set; }

    /// <summary>Do it without asking, and replace an existing -Destination file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Exactly one of -Destination and -Replace; -SafetyCopyPath only with -Replace.</summary>
    protected override void PrepareInvocation()
    {
        if (Replace == (Destination != null) || (SafetyCopyPath != null && !Replace))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                Replace ? "-Replace puts the salvaged database in the damaged one's place; do not give -Destination with it."
                        : SafetyCopyPath != null && Destination != null ? "-SafetyCopyPath is for -Replace only: with -Destination the damaged database is not touched."
                        : "Give -Destination (a new file for the salvaged database) or -Replace.", null);
        }
        _destination = Destination == null ? null : FileSystemPath(Destination);
    }

    /// <summary>Salvages each damaged database.</summary>
    protected override void ProcessPath(string path)
    {
        string target = Replace ? path : DatabaseRepair.DestinationFor(path, _destination!);
        // Two inputs with one destination file: even with -Force the second must not replace the first's salvage.
        ClaimDestination(target, path, "was not repaired. Give -Destination a folder.");
        string action = Replace
            ? "Replace with a database salvaged from it (the damaged database is kept as a safety copy)"
            : $"Salvage into '{target}'";
        if (!ShouldProcessUnlessForced(Force, path, action))
        {
            ReleaseDestination(target);
            return;
        }
        var request = new RepairRequest
        {
            Source = path,
            Destination = _destination,
            Force = Force,
            Replace = Replace,
            SafetyCopyFolder = SafetyCopyPath == null ? null : FileSystemPath(SafetyCopyPath),
            BusyTimeout = BusyTimeoutSpan,
        };
        WriteObject(RunWithProgress((progress, stop) => DatabaseRepair.Run(request, progress, stop)), enumerateCollection: true);
    }
}
