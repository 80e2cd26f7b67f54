using System;
using System.Collections.Generic;
using System.Management.Automation;
using SqliteAdmin.Core;

namespace SqliteAdmin;

/// <summary>
/// Base of the cmdlets that take database files: -Path (wildcards, pipeline by value and by
/// property name), -LiteralPath (aliases PSPath, LP, FullName) and -BusyTimeout.
/// </summary>
public abstract class DatabasePathCmdlet : SqliteAdminCmdlet
{
    /// <summary>Parameter set name for -Path.</summary>
    protected const string PathSet = "Path";
    /// <summary>Parameter set name for -LiteralPath.</summary>
    protected const string LiteralPathSet = "LiteralPath";

    /// <summary>Database path(s); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Database path(s) used exactly as typed: no wildcard expansion.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Seconds to wait for another process's lock to clear before failing with DatabaseLocked (default 30).</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int BusyTimeout { get; set; } = 30;

    /// <summary>The busy timeout as a TimeSpan for Core.</summary>
    protected TimeSpan BusyTimeoutSpan => TimeSpan.FromSeconds(BusyTimeout);

    /// <summary>The database files named by -Path or -LiteralPath, resolved through the provider.</summary>
    protected IEnumerable<string> DatabasePaths =>
        ParameterSetName == LiteralPathSet
            ? ResolveFileSystemPaths(LiteralPath, literal: true, ErrorIds.DatabaseNotFound)
            : ResolveFileSystemPaths(Path, literal: false, ErrorIds.DatabaseNotFound);
}
