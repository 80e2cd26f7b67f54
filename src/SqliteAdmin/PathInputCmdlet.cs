using System;
using System.Collections.Generic;
using System.Management.Automation;
using SqliteAdmin.Core;

namespace SqliteAdmin;

/// <summary>
/// Base of the cmdlets that take files or folders: -Path (wildcards, pipeline by value and by
/// property name) and -LiteralPath (aliases PSPath, LP, FullName).
/// </summary>
public abstract class PathInputCmdlet : SqliteAdminCmdlet
{
    /// <summary>Parameter set name for -Path.</summary>
    protected const string PathSet = "Path";
    /// <summary>Parameter set name for -LiteralPath.</summary>
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>Path(s) of the input files; wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Path(s) of the input files used exactly as typed: no wildcard expansion.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>The error id for a -Path that does not exist.</summary>
    protected virtual string NotFoundErrorId => ErrorIds.DatabaseNotFound;

    /// <summary>The files named by -Path or -LiteralPath, resolved through the provider.</summary>
    protected IEnumerable<string> InputPaths =>
        ParameterSetName == LiteralPathSet
            ? ResolveFileSystemPaths(LiteralPath, literal: true, NotFoundErrorId)
            : ResolveFileSystemPaths(Path, literal: false, NotFoundErrorId);

    /// <summary>Every input path goes to <see cref="ProcessPath"/> through the shared per-input loop.</summary>
    protected override void ProcessRecord() => ForEachPath(InputPaths, ProcessPath, OnPathFailed);

    /// <summary>One input's work: resolve, call Core inside RunWithProgress, write the result.</summary>
    protected abstract void ProcessPath(string path);

    /// <summary>Called after the error for an input whose work failed has been written (e.g. -Quiet answers $false).</summary>
    protected virtual void OnPathFailed(string path)
    {
    }
}

/// <summary>Base of the cmdlets that open databases: adds -BusyTimeout.</summary>
public abstract class DatabaseInputCmdlet : PathInputCmdlet
{
    /// <summary>Seconds to wait for another process's lock to clear before failing with DatabaseLocked (default 30).</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int BusyTimeout { get; set; } = 30;

    /// <summary>The busy timeout as a TimeSpan for Core.</summary>
    protected TimeSpan BusyTimeoutSpan => TimeSpan.FromSeconds(BusyTimeout);
}
