using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Maintenance;

/// <summary>What Invoke-SqliteVacuum was asked to do to one database.</summary>
internal sealed class VacuumRequest
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Full (default), Into or Incremental.</summary>
    public VacuumMode Mode { get; set; } = VacuumMode.Full;
    /// <summary>Into only: the new file, or an existing folder to put it in under the database's name.</summary>
    public string? Destination { get; set; }
    /// <summary>Incremental only: how many free pages to release; null releases them all.</summary>
    public long? IncrementalPages { get; set; }
    /// <summary>Skip the vacuum (not the other steps) when less than this percentage of pages is free.</summary>
    public double? MinFreePercent { get; set; }
    /// <summary>Run ANALYZE.</summary>
    public bool Analyze { get; set; }
    /// <summary>Run PRAGMA optimize.</summary>
    public bool Optimize { get; set; }
    /// <summary>Run REINDEX.</summary>
    public bool Reindex { get; set; }
    /// <summary>Run PRAGMA wal_checkpoint(TRUNCATE).</summary>
    public bool Checkpoint { get; set; }
    /// <summary>How long to wait for other connections' locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
}

/// <summary>The page figures of a database and what a vacuum request would do with it: read before anything is changed.</summary>
internal sealed class VacuumPlan
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Size of the database file in bytes.</summary>
    public long SizeBytes { get; set; }
    /// <summary>Bytes per page.</summary>
    public long PageSize { get; set; }
    /// <summary>Pages in the database.</summary>
    public long PageCount { get; set; }
    /// <summary>Pages on the freelist.</summary>
    public long FreelistCount { get; set; }
    /// <summary>FreelistCount as a percentage of PageCount.</summary>
    public double FreePercent => PageCount == 0 ? 0 : Math.Round(100.0 * FreelistCount / PageCount, 2);
    /// <summary>Bytes in pages that hold data: what a vacuumed copy needs.</summary>
    public long UsedBytes => (PageCount - FreelistCount) * PageSize;
    /// <summary>journal_mode, lower case.</summary>
    public string JournalMode { get; set; } = "";
    /// <summary>auto_vacuum: 0 none, 1 full, 2 incremental.</summary>
    public long AutoVacuum { get; set; }
    /// <summary>Why the vacuum itself would be skipped; null when it would run.</summary>
    public string? SkipReason { get; set; }
    /// <summary>The steps that would run.</summary>
    public List<MaintenanceOperation> Operations { get; } = new List<MaintenanceOperation>();

    /// <summary>True in WAL mode.</summary>
    public bool IsWal => JournalMode == "wal";

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
                    $"VACUUM (about {DiskSpace.Format(SizeBytes - UsedBytes)} to reclaim, {FreePercent.ToString("0.##", CultureInfo.InvariantCulture)} % free)",
                MaintenanceOperation.Checkpoint => "WAL checkpoint (TRUNCATE)",
                _ => operation.ToString().ToUpperInvariant(),
            });
        }
        return string.Join(", ", parts);
    }
}

/// <summary>
/// VACUUM in place, VACUUM INTO a new file, or incremental vacuum, with a free-space threshold, a
/// disk-space check first, and ANALYZE / PRAGMA optimize / REINDEX / WAL checkpoint. Every step is
/// one SQLite statement in its own transaction: a lock held elsewhere, a full disk or Ctrl+C rolls
/// it back and leaves the database as it was.
/// </summary>
internal static class DatabaseVacuum
{
    private const int SqliteFull = 13;

    /// <summary>
    /// Reads the database's page figures (read-only) and decides what <paramref name="request"/>
    /// would do. Invalid parameter combinations and a missing or non-database file are errors.
    /// </summary>
    public static VacuumPlan Assess(VacuumRequest request, CancellationToken cancellation = default)
    {
        Validate(request);
        string path = System.IO.Path.GetFullPath(request.Path);
        using SqliteConnection connection = SqliteConnectionFactory.OpenReadOnly(path, request.BusyTimeout);
        try
        {
            return Plan(connection, path, request);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, path, cancellation);
        }
    }

    /// <summary>Runs <paramref name="request"/> on one database.</summary>
    /// <exception cref="SqliteAdminException">
    /// DatabaseLocked (another connection holds a lock or an open write transaction past the busy
    /// timeout), InsufficientDiskSpace, VacuumModeNotApplicable, DestinationExists, and the open errors.
    /// </exception>
    public static VacuumResult Run(VacuumRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        Validate(request);
        var stopwatch = Stopwatch.StartNew();
        string path = System.IO.Path.GetFullPath(request.Path);
        string activity = $"Vacuuming {System.IO.Path.GetFileName(path)}";
        progress?.Report(new OperationProgress(activity, "Reading page figures", 0));

        var result = new VacuumResult { Path = path, Mode = request.Mode };
        var warnings = new List<string>();
        var operations = new List<MaintenanceOperation>();
        string? destination = request.Mode == VacuumMode.Into ? ResolveDestination(path, request.Destination!) : null;
        string? temp = null;
        try
        {
            VacuumPlan plan;
            // Into only reads the database; the other modes change it.
            using (SqliteConnection connection = request.Mode == VacuumMode.Into
                       ? SqliteConnectionFactory.OpenReadOnly(path, request.BusyTimeout)
                       : SqliteConnectionFactory.OpenReadWrite(path, request.BusyTimeout))
            using (connection.InterruptOn(cancellation))
            {
                plan = Plan(connection, path, request);
                result.SizeBeforeBytes = plan.SizeBytes;
                result.FreePercentBefore = plan.FreePercent;
                result.SkippedReason = plan.SkipReason;
                if (request.Mode == VacuumMode.Into)
                {
                    temp = VacuumInto(connection, plan, request, destination!, activity, progress, operations, warnings, result, cancellation);
                }
                else
                {
                    VacuumInPlace(connection, plan, request, activity, progress, operations, warnings, cancellation);
                    result.FreePercentAfter = FreePercentOf(connection);
                }
            }
            if (temp != null)
            {
                progress?.Report(new OperationProgress(activity, "Moving the copy into place", 98));
                DurableFile.Flush(temp);
                MoveIntoPlace(temp, destination!);
                temp = null;
                result.Destination = destination;
            }
            if (request.Mode == VacuumMode.Into && plan.SkipReason != null)
            {
                // No copy was made: nothing changed.
                result.SizeAfterBytes = result.SizeBeforeBytes;
                result.FreePercentAfter = result.FreePercentBefore;
            }
            else
            {
                // Measured after the connection is closed: in WAL mode the file shrinks at the checkpoint.
                result.SizeAfterBytes = new FileInfo(destination ?? path).Length;
            }
            result.Performed = plan.SkipReason == null;
            result.Operations = operations;
            result.Warnings = warnings;
            result.Duration = stopwatch.Elapsed;
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return result;
        }
        catch (SqliteException ex)
        {
            throw Translate(ex, path, request, cancellation);
        }
        finally
        {
            DurableFile.TryDeleteDatabase(temp);
        }
    }

    private static void VacuumInPlace(SqliteConnection connection, VacuumPlan plan, VacuumRequest request, string activity,
        IProgress<OperationProgress>? progress, List<MaintenanceOperation> operations, List<string> warnings, CancellationToken cancellation)
    {
        if (plan.SkipReason == null)
        {
            if (request.Mode == VacuumMode.Incremental)
            {
                progress?.Report(new OperationProgress(activity, "Releasing free pages (incremental vacuum)", 10));
                cancellation.ThrowIfCancellationRequested();
                IncrementalVacuum(connection, request.IncrementalPages);
            }
            else
            {
                progress?.Report(new OperationProgress(activity, "Checking free disk space", 5));
                var needs = new List<SpaceNeed>
                {
                    new SpaceNeed(DiskSpace.SqliteTempDirectory(), plan.UsedBytes, "SQLite's temporary copy"),
                    new SpaceNeed(System.IO.Path.GetDirectoryName(plan.Path)!, plan.UsedBytes, plan.IsWal ? "the write-ahead log" : "the rollback journal"),
                };
                EnsureSpace(plan.Path, needs);
                progress?.Report(new OperationProgress(activity, $"Rebuilding {DiskSpace.Format(plan.UsedBytes)} (VACUUM)", 10));
                cancellation.ThrowIfCancellationRequested();
                connection.ExecuteNonQuery("VACUUM;");
            }
            operations.Add(MaintenanceOperation.Vacuum);
        }
        RunAfterSteps(connection, request, activity, progress, operations, cancellation);

        // A vacuum in WAL mode is only in the WAL until a checkpoint: the file shrinks then.
        bool vacuumedWal = plan.IsWal && plan.SkipReason == null;
        if (request.Checkpoint || vacuumedWal)
        {
            progress?.Report(new OperationProgress(activity, "WAL checkpoint (TRUNCATE)", 95));
            Checkpoint(connection, plan, warnings, cancellation);
            if (plan.IsWal)
            {
                operations.Add(MaintenanceOperation.Checkpoint);
            }
        }
    }

    private static string? VacuumInto(SqliteConnection source, VacuumPlan plan, VacuumRequest request, string destination, string activity,
        IProgress<OperationProgress>? progress, List<MaintenanceOperation> operations, List<string> warnings, VacuumResult result, CancellationToken cancellation)
    {
        if (plan.SkipReason != null)
        {
            if (request.Analyze || request.Optimize || request.Reindex)
            {
                warnings.Add("With -VacuumMode Into, -Analyze, -Optimize and -Reindex apply to the new copy; no copy was made, so they did not run.");
            }
            return null;
        }
        string folder = System.IO.Path.GetDirectoryName(destination)!;
        progress?.Report(new OperationProgress(activity, "Checking free disk space", 5));
        EnsureSpace(plan.Path, new List<SpaceNeed> { new SpaceNeed(folder, plan.UsedBytes, "the compacted copy") });
        string temp = DurableFile.TempPathIn(folder, "vacuum");
        try
        {
            progress?.Report(new OperationProgress(activity, $"Writing a compacted copy of {DiskSpace.Format(plan.UsedBytes)} (VACUUM INTO)", 10));
            cancellation.ThrowIfCancellationRequested();
            // VACUUM INTO accepts an existing empty file and keeps its mode: the copy is owner-only
            // from its first byte instead of SQLite's 0644 restricted afterwards.
            OwnerOnlyFile.CreateEmpty(temp);
            using (SqliteCommand vacuum = source.CreateCommand())
            {
                vacuum.CommandText = "VACUUM INTO $target;";
                vacuum.Parameters.AddWithValue("$target", temp);
                vacuum.ExecuteNonQuery();
            }
            operations.Add(MaintenanceOperation.Vacuum);
            using SqliteConnection copy = SqliteConnectionFactory.OpenReadWrite(temp, request.BusyTimeout);
            using (copy.InterruptOn(cancellation))
            {
                RunAfterSteps(copy, request, activity, progress, operations, cancellation);
                result.FreePercentAfter = FreePercentOf(copy);
            }
            return temp;
        }
        catch
        {
            DurableFile.TryDeleteDatabase(temp);
            throw;
        }
    }

    private static void RunAfterSteps(SqliteConnection connection, VacuumRequest request, string activity, IProgress<OperationProgress>? progress,
        List<MaintenanceOperation> operations, CancellationToken cancellation)
    {
        var steps = new (bool Wanted, MaintenanceOperation Operation, string Sql, int Percent)[]
        {
            (request.Reindex, MaintenanceOperation.Reindex, "REINDEX;", 70),
            (request.Analyze, MaintenanceOperation.Analyze, "ANALYZE;", 80),
            (request.Optimize, MaintenanceOperation.Optimize, "PRAGMA optimize;", 90),
        };
        foreach (var step in steps.Where(s => s.Wanted))
        {
            progress?.Report(new OperationProgress(activity, step.Sql.TrimEnd(';'), step.Percent));
            cancellation.ThrowIfCancellationRequested();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = step.Sql;
            // PRAGMA optimize may return rows; read them all so every statement runs to completion.
            using (SqliteDataReader reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                }
            }
            operations.Add(step.Operation);
        }
    }

    private static void Checkpoint(SqliteConnection connection, VacuumPlan plan, List<string> warnings, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        if (!plan.IsWal)
        {
            warnings.Add($"The database is in journal mode '{plan.JournalMode}', not WAL: there is no WAL to checkpoint.");
            return;
        }
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        using SqliteDataReader reader = command.ExecuteReader();
        if (reader.Read() && reader.GetInt64(0) != 0)
        {
            warnings.Add("The WAL checkpoint could not finish within the busy timeout because another connection is reading or writing; " +
                         "the database file shrinks and the WAL empties at the next checkpoint (when the application's connections close or idle).");
        }
    }

    private static void IncrementalVacuum(SqliteConnection connection, long? pages)
    {
        using SqliteCommand command = connection.CreateCommand();
        // PRAGMA arguments cannot be bound; the count is a validated long, formatted invariantly.
        command.CommandText = pages is long count
            ? "PRAGMA incremental_vacuum(" + count.ToString(CultureInfo.InvariantCulture) + ");"
            : "PRAGMA incremental_vacuum;";
        // The pragma frees one page per step: step it to the end.
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }

    private static VacuumPlan Plan(SqliteConnection connection, string path, VacuumRequest request)
    {
        var plan = new VacuumPlan
        {
            Path = path,
            PageSize = connection.ExecuteScalar<long>("PRAGMA page_size;"),
            PageCount = connection.ExecuteScalar<long>("PRAGMA page_count;"),
            FreelistCount = connection.ExecuteScalar<long>("PRAGMA freelist_count;"),
            JournalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode;").ToLowerInvariant(),
            AutoVacuum = connection.ExecuteScalar<long>("PRAGMA auto_vacuum;"),
            SizeBytes = new FileInfo(path).Length,
        };
        if (request.Mode == VacuumMode.Incremental && plan.AutoVacuum != 2)
        {
            throw new SqliteAdminException(ErrorIds.VacuumModeNotApplicable, SqliteAdminErrorCategory.InvalidOperation,
                $"'{path}' has auto_vacuum = {(plan.AutoVacuum == 1 ? "FULL" : "NONE")}; an incremental vacuum works only on auto_vacuum = INCREMENTAL databases. " +
                "Use -VacuumMode Full, or set PRAGMA auto_vacuum = INCREMENTAL and run one full vacuum to enable it.", path);
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
        return plan;
    }

    private static double FreePercentOf(SqliteConnection connection)
    {
        long pages = connection.ExecuteScalar<long>("PRAGMA page_count;");
        long free = connection.ExecuteScalar<long>("PRAGMA freelist_count;");
        return pages == 0 ? 0 : Math.Round(100.0 * free / pages, 2);
    }

    private static void Validate(VacuumRequest request)
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

    private static string ResolveDestination(string source, string destination)
    {
        string full = System.IO.Path.GetFullPath(destination);
        if (Directory.Exists(full))
        {
            full = System.IO.Path.Combine(full, System.IO.Path.GetFileName(source));
        }
        if (File.Exists(full) || Directory.Exists(full))
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"'{full}' already exists; Invoke-SqliteVacuum -VacuumMode Into never overwrites a file. Choose a new name or remove the old copy.", full);
        }
        string? folder = System.IO.Path.GetDirectoryName(full);
        if (folder == null || !Directory.Exists(folder))
        {
            throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                $"The folder for the compacted copy '{full}' does not exist.", full);
        }
        return full;
    }

    private static void MoveIntoPlace(string temp, string destination)
    {
        try
        {
            DurableFile.MoveNoOverwrite(temp, destination);
        }
        catch (IOException) when (File.Exists(destination))
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"'{destination}' appeared while the copy was being written; it was left as it is and the copy discarded.", destination);
        }
    }

    private readonly struct SpaceNeed
    {
        public SpaceNeed(string folder, long bytes, string purpose)
        {
            Folder = folder;
            Bytes = bytes;
            Purpose = purpose;
        }

        public string Folder { get; }
        public long Bytes { get; }
        public string Purpose { get; }
    }

    /// <summary>Fails with InsufficientDiskSpace when a volume has less free space than the needs on it add up to.</summary>
    private static void EnsureSpace(string path, List<SpaceNeed> needs)
    {
        var byVolume = new Dictionary<string, (VolumeSpace Space, long Bytes, List<string> Purposes)>(StringComparer.Ordinal);
        foreach (SpaceNeed need in needs)
        {
            VolumeSpace? space = DiskSpace.Of(need.Folder);
            if (space == null)
            {
                continue; // the platform cannot tell; SQLite's own SQLITE_FULL handling still protects the database.
            }
            byVolume.TryGetValue(space.Volume, out var entry);
            byVolume[space.Volume] = (space, entry.Bytes + need.Bytes, (entry.Purposes ?? new List<string>()).Append(need.Purpose).ToList());
        }
        foreach (var (space, bytes, purposes) in byVolume.Values)
        {
            if (space.AvailableBytes < bytes)
            {
                throw new SqliteAdminException(ErrorIds.InsufficientDiskSpace, SqliteAdminErrorCategory.ResourceUnavailable,
                    $"Not enough disk space to vacuum '{path}': {string.Join(" and ", purposes)} need about {DiskSpace.Format(bytes)} on '{space.Volume}', " +
                    $"but only {DiskSpace.Format(space.AvailableBytes)} is free. Nothing was changed. Free some space, or write a compacted copy to another volume with -VacuumMode Into -Destination.",
                    path);
            }
        }
    }

    private static Exception Translate(SqliteException ex, string path, VacuumRequest request, CancellationToken cancellation)
    {
        if ((ex.SqliteErrorCode & 0xFF) == SqliteFull)
        {
            return new SqliteAdminException(ErrorIds.InsufficientDiskSpace, SqliteAdminErrorCategory.ResourceUnavailable,
                $"The disk filled up while vacuuming '{path}'; SQLite rolled the vacuum back and the database is unchanged (SQLite: {ex.Message}).", path, ex);
        }
        Exception translated = SqliteErrors.Translate(ex, path, cancellation);
        if (translated is SqliteAdminException admin && admin.ErrorId == ErrorIds.DatabaseLocked)
        {
            return new SqliteAdminException(ErrorIds.DatabaseLocked, SqliteAdminErrorCategory.ResourceBusy,
                $"Cannot vacuum '{path}': another connection holds a lock or an open transaction, and it did not end within the busy timeout " +
                $"({request.BusyTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s). The database is unchanged. " +
                "Vacuum when the application is idle or stopped, or raise -BusyTimeout.", path, ex);
        }
        return translated;
    }
}
