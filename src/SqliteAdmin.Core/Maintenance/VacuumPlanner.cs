using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Maintenance;

/// <summary>A database's figures and what a vacuum request would do with them: decided before anything is changed.</summary>
internal sealed class VacuumPlan : DatabaseFigures
{
    /// <summary>A plan on <paramref name="figures"/>, with nothing decided yet.</summary>
    public VacuumPlan(DatabaseFigures figures) : base(figures)
    {
    }

    /// <summary>Why the vacuum itself would be skipped; null when it would run.</summary>
    public string? SkipReason { get; set; }
    /// <summary>The steps that would run.</summary>
    public List<MaintenanceOperation> Operations { get; } = new List<MaintenanceOperation>();
    /// <summary>What the admin should be told whatever happens (a step asked for that cannot apply).</summary>
    public List<string> Warnings { get; } = new List<string>();

    /// <summary>What will be done, in words, for -WhatIf and -Confirm.</summary>
    public string Describe(VacuumRequest request)
    {
        var parts = new List<string>();
        foreach (MaintenanceOperation operation in Operations)
        {
            parts.Add(operation switch
            {
                MaintenanceOperation.Vacuum when request.Mode == VacuumMode.Into =>
                    $"VACUUM INTO a compacted copy ({DiskSpace.Format(UsedBytes)}, {FreePercent.ToString("0.##", CultureInfo.InvariantCulture)} % free now)",
                MaintenanceOperation.Vacuum when request.Mode == VacuumMode.Incremental =>
                    $"incremental vacuum of {(request.IncrementalPages is long n ? Math.Min(n, FreelistCount) : FreelistCount)} of {FreelistCount} free pages",
                MaintenanceOperation.Vacuum =>
                    $"VACUUM (about {DiskSpace.Format(FileBytes - UsedBytes)} to reclaim, {FreePercent.ToString("0.##", CultureInfo.InvariantCulture)} % free)",
                MaintenanceOperation.Checkpoint => "WAL checkpoint (TRUNCATE)",
                _ => operation.ToString().ToUpperInvariant(),
            });
        }
        return string.Join(", ", parts);
    }
}

/// <summary>Disk space a vacuum step needs in a folder, and the volume that folder is on (null when the platform cannot tell).</summary>
internal readonly struct SpaceNeed
{
    /// <summary>Creates a need.</summary>
    public SpaceNeed(VolumeSpace? volume, long bytes, string purpose)
    {
        Volume = volume;
        Bytes = bytes;
        Purpose = purpose;
    }

    /// <summary>The volume and its free space, as measured.</summary>
    public VolumeSpace? Volume { get; }
    /// <summary>Bytes needed.</summary>
    public long Bytes { get; }
    /// <summary>What for, as the message names it.</summary>
    public string Purpose { get; }
}

/// <summary>
/// Decides what a vacuum request does to a database with given figures: refused parameter
/// combinations, the -MinFreePercent skip, the steps, the disk space verdict. Pure: no SQLite,
/// no file system.
/// </summary>
internal static class VacuumPlanner
{
    /// <summary>Refuses parameter combinations that do not fit, before anything is opened.</summary>
    /// <exception cref="SqliteAdminException">InvalidParameterCombination.</exception>
    public static void Validate(VacuumRequest request)
    {
        string? problem = null;
        if (request.Mode == VacuumMode.Into && string.IsNullOrWhiteSpace(request.Destination))
        {
            problem = "-VacuumMode Into needs -Destination: the file (or folder) for the compacted copy.";
        }
        else if (request.Mode != VacuumMode.Into && request.Destination != null)
        {
            problem = "-Destination is only used with -VacuumMode Into.";
        }
        else if (request.Mode != VacuumMode.Incremental && request.IncrementalPages != null)
        {
            problem = "-IncrementalPages is only used with -VacuumMode Incremental.";
        }
        else if (request.IncrementalPages is long pages && pages < 1)
        {
            problem = "-IncrementalPages must be 1 or more.";
        }
        else if (request.Mode == VacuumMode.Into && request.Checkpoint)
        {
            problem = "-Checkpoint changes the database in place; with -VacuumMode Into the database is only read. Run the checkpoint separately.";
        }
        else if (request.MinFreePercent is double min && (min < 0 || min > 100 || double.IsNaN(min)))
        {
            problem = "-MinFreePercent must be between 0 and 100.";
        }
        if (problem != null)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument, problem, request.Path);
        }
    }

    /// <summary>What <paramref name="request"/> would do to a database with <paramref name="figures"/>.</summary>
    /// <exception cref="SqliteAdminException">VacuumModeNotApplicable: an incremental vacuum of a database without auto_vacuum = INCREMENTAL.</exception>
    public static VacuumPlan Plan(DatabaseFigures figures, VacuumRequest request)
    {
        var plan = new VacuumPlan(figures);
        if (request.Mode == VacuumMode.Incremental && plan.AutoVacuum != 2)
        {
            throw new SqliteAdminException(ErrorIds.VacuumModeNotApplicable, SqliteAdminErrorCategory.InvalidOperation,
                $"'{plan.Path}' has auto_vacuum = {(plan.AutoVacuum == 1 ? "FULL" : "NONE")}; an incremental vacuum works only on auto_vacuum = INCREMENTAL databases. " +
                "Use -VacuumMode Full, or set PRAGMA auto_vacuum = INCREMENTAL and run one full vacuum to enable it.", plan.Path);
        }
        if (request.MinFreePercent is double min && plan.FreePercent < min)
        {
            plan.SkipReason = string.Format(CultureInfo.InvariantCulture,
                "Free pages are {0:0.##} % of the database ({1} of {2} pages), below -MinFreePercent {3:0.##} %: the vacuum is not worth it yet.",
                plan.FreePercent, plan.FreelistCount, plan.PageCount, min);
        }
        else if (request.Mode == VacuumMode.Incremental && plan.FreelistCount == 0)
        {
            plan.SkipReason = "There are no free pages to release.";
        }
        if (plan.SkipReason == null)
        {
            plan.Operations.Add(MaintenanceOperation.Vacuum);
        }
        if (request.Reindex && (plan.SkipReason == null || request.Mode != VacuumMode.Into))
        {
            plan.Operations.Add(MaintenanceOperation.Reindex);
        }
        if (request.Analyze && (plan.SkipReason == null || request.Mode != VacuumMode.Into))
        {
            plan.Operations.Add(MaintenanceOperation.Analyze);
        }
        if (request.Optimize && (plan.SkipReason == null || request.Mode != VacuumMode.Into))
        {
            plan.Operations.Add(MaintenanceOperation.Optimize);
        }
        if (plan.IsWal && request.Mode != VacuumMode.Into && (request.Checkpoint || plan.SkipReason == null))
        {
            plan.Operations.Add(MaintenanceOperation.Checkpoint);
        }
        if (request.Mode == VacuumMode.Into && plan.SkipReason != null && (request.Analyze || request.Optimize || request.Reindex))
        {
            plan.Warnings.Add("With -VacuumMode Into, -Analyze, -Optimize and -Reindex apply to the new copy; no copy was made, so they did not run.");
        }
        if (request.Checkpoint && !plan.IsWal)
        {
            plan.Warnings.Add($"The database is in journal mode '{plan.JournalMode}', not WAL: there is no WAL to checkpoint.");
        }
        return plan;
    }

    /// <summary>
    /// The InsufficientDiskSpace error when a volume has less free space than the needs on it add
    /// up to; null when everything fits (or no volume could be measured: SQLite's own SQLITE_FULL
    /// handling still protects the database).
    /// </summary>
    public static SqliteAdminException? SpaceShortfall(string path, IEnumerable<SpaceNeed> needs)
    {
        var byVolume = new Dictionary<string, (VolumeSpace Space, long Bytes, List<string> Purposes)>(StringComparer.Ordinal);
        foreach (SpaceNeed need in needs)
        {
            if (need.Volume is not VolumeSpace space)
            {
                continue;
            }
            byVolume.TryGetValue(space.Volume, out var entry);
            byVolume[space.Volume] = (space, entry.Bytes + need.Bytes, (entry.Purposes ?? new List<string>()).Append(need.Purpose).ToList());
        }
        foreach (var (space, bytes, purposes) in byVolume.Values)
        {
            if (space.AvailableBytes < bytes)
            {
                return new SqliteAdminException(ErrorIds.InsufficientDiskSpace, SqliteAdminErrorCategory.ResourceUnavailable,
                    $"Not enough disk space to vacuum '{path}': {string.Join(" and ", purposes)} need about {DiskSpace.Format(bytes)} on '{space.Volume}', " +
                    $"but only {DiskSpace.Format(space.AvailableBytes)} is free. Nothing was changed. Free some space, or write a compacted copy to another volume with -VacuumMode Into -Destination.",
                    path);
            }
        }
        return null;
    }
}
