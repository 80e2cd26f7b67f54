using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Commands;

/// <summary>Test-SqliteHealth: the daily health check of databases and their backups, one HealthCheck per check.</summary>
[Cmdlet(VerbsDiagnostic.Test, "SqliteHealth", DefaultParameterSetName = PathSet)]
[OutputType(typeof(HealthCheck), typeof(bool))]
public sealed class TestSqliteHealthCommand : DatabaseInputCmdlet
{
    private TimeSpan _maxBackupAge = TimeSpan.FromDays(1);
    private TimeSpan _staleAfter = TimeSpan.FromHours(4);
    private BusinessHours? _businessHours;
    private string? _backupPath;
    private int _databases;
    private bool _failed;

    /// <summary>Folder of the databases' backups (searched with its subfolders).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BackupPath { get; set; }

    /// <summary>Fail when the newest backup is older than this, such as 1d or 26h (default 1d).</summary>
    [Parameter]
    [DurationArgument]
    public Duration MaxBackupAge { get; set; } = new(0, 0, 1, 0);

    /// <summary>Warn when more than this percentage of pages is free (default 25).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxFreePercent { get; set; } = 25;

    /// <summary>Warn when the WAL file is larger than this many MB (no limit by default).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? MaxWalSizeMB { get; set; }

    /// <summary>Fail when the database's volume has less free space than this percentage (default 10).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MinDiskFreePercent { get; set; } = 10;

    /// <summary>Warn when the data grew or shrank by more than this percentage since the newest backup (default 50).</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double MaxGrowthPercent { get; set; } = 50;

    /// <summary>Quick (quick_check, default), Full (integrity_check and foreign_key_check) or None.</summary>
    [Parameter]
    public IntegrityMode IntegrityMode { get; set; } = IntegrityMode.Quick;

    /// <summary>Check this sync log table (seed 003's columns) over the last 7 days.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SyncLogTable { get; set; }

    /// <summary>With -SyncLogTable: Fail when no sync succeeded for this long (default 4h).</summary>
    [Parameter]
    [DurationArgument]
    public Duration StaleAfter { get; set; } = new(0, 0, 0, 4);

    /// <summary>With -SyncLogTable: when syncs are expected, such as 08:00-18:00 (local time).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BusinessHours { get; set; }

    /// <summary>With -BusinessHours: the days it applies to (default Monday to Friday).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public DayOfWeek[]? BusinessDays { get; set; }

    /// <summary>With -SyncLogTable: Warning above this percentage of syncs with conflicts (default 5).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxConflictPercent { get; set; } = 5;

    /// <summary>With -SyncLogTable: Fail above this percentage of failed syncs (default 10).</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxFailurePercent { get; set; } = 10;

    /// <summary>Return one $true (no check failed) or $false for everything checked, instead of the checks.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>A missing database is a Fail row of its own, not an error.</summary>
    protected override bool MissingFilesAreInput => true;

    /// <summary>Parses the spans and checks the sync parameters once.</summary>
    protected override void PrepareInvocation()
    {
        string[] syncOnly = { nameof(StaleAfter), nameof(BusinessHours), nameof(BusinessDays), nameof(MaxConflictPercent), nameof(MaxFailurePercent) };
        string? stray = syncOnly.FirstOrDefault(MyInvocation.BoundParameters.ContainsKey);
        if (SyncLogTable == null && stray != null)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                $"-{stray} is a sync-log threshold: add -SyncLogTable sync_log (the table to check).", null);
        }
        _maxBackupAge = MaxBackupAge.ToTimeSpan();
        (_staleAfter, _businessHours) = SyncThresholdParameters.Parse(StaleAfter, BusinessHours, BusinessDays);
        _backupPath = BackupPath == null ? null : FileSystemPath(BackupPath);
    }

    /// <summary>Checks each database.</summary>
    protected override void ProcessPath(string path)
    {
        _databases++;
        var request = new HealthRequest
        {
            Path = path,
            BackupPath = _backupPath,
            MaxBackupAge = _maxBackupAge,
            MaxFreePercent = MaxFreePercent,
            MaxWalSizeBytes = MaxWalSizeMB * 1024L * 1024L,
            MinDiskFreePercent = MinDiskFreePercent,
            MaxGrowthPercent = MaxGrowthPercent,
            IntegrityMode = IntegrityMode,
            BusyTimeout = BusyTimeoutSpan,
            SyncLog = SyncLogTable == null ? null : new SyncLogRequest
            {
                Columns = new SyncLogColumns { Table = SyncLogTable },
                StaleAfter = _staleAfter,
                BusinessHours = _businessHours,
                MaxConflictPercent = MaxConflictPercent,
                MaxFailurePercent = MaxFailurePercent,
            },
        };
        Emit(RunWithProgress((progress, stop) => DatabaseHealth.Test(request, progress, stop)));
    }

    /// <summary>After the error for an input that failed has been written.</summary>
    protected override void OnPathFailed(string path)
    {
        _failed = true;
    }

    /// <summary>A wildcard that matches nothing (a share that is down) must not look healthy: it is a Fail row.</summary>
    protected override void OnWildcardMatchedNothing(string path)
    {
        _databases++;
        Emit(new[] { DatabaseHealth.NothingMatched(path) });
    }

    /// <summary>A path that is not in the file system has had its error written; with -Quiet the answer is $false.</summary>
    protected override void OnPathNotResolved(string path)
    {
        _failed = true;
    }

    /// <summary>With -Quiet: the one answer for everything checked.</summary>
    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(_databases > 0 && !_failed);
        }
    }

    private void Emit(IReadOnlyList<HealthCheck> checks)
    {
        _failed |= checks.Any(c => c.Status == HealthStatus.Fail);
        if (!Quiet)
        {
            WriteObject(checks, enumerateCollection: true);
        }
    }
}
