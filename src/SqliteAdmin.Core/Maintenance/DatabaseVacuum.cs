using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Databases;
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

/// <summary>
/// VACUUM in place, VACUUM INTO a new file, or incremental vacuum, with a free-space threshold, a
/// disk-space check first, and ANALYZE / PRAGMA optimize / REINDEX / WAL checkpoint. Every step is
/// one SQLite statement in its own transaction: a lock held elsewhere, a full disk or Ctrl+C rolls
/// it back and leaves the database as it was. <see cref="VacuumPlanner"/> decides; this measures and runs.
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
        VacuumPlanner.Validate(request);
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
        VacuumPlanner.Validate(request);
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
                result.SizeBeforeBytes = plan.FileBytes;
                result.FreePercentBefore = plan.FreePercent;
                result.SkippedReason = plan.SkipReason;
                warnings.AddRange(plan.Warnings);
                if (request.Mode == VacuumMode.Into)
                {
                    temp = VacuumInto(connection, plan, request, destination!, activity, progress, operations, result, cancellation);
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
                EnsureSpace(plan.Path,
                    (DiskSpace.SqliteTempDirectory(), plan.UsedBytes, "SQLite's temporary copy"),
                    (System.IO.Path.GetDirectoryName(plan.Path)!, plan.UsedBytes, plan.IsWal ? "the write-ahead log" : "the rollback journal"));
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
        IProgress<OperationProgress>? progress, List<MaintenanceOperation> operations, VacuumResult result, CancellationToken cancellation)
    {
        if (plan.SkipReason != null)
        {
            return null;
        }
        string folder = System.IO.Path.GetDirectoryName(destination)!;
        progress?.Report(new OperationProgress(activity, "Checking free disk space", 5));
        EnsureSpace(plan.Path, (folder, plan.UsedBytes, "the compacted copy"));
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
            return; // the plan warns that there is no WAL to checkpoint
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

    private static VacuumPlan Plan(SqliteConnection connection, string path, VacuumRequest request) =>
        VacuumPlanner.Plan(DatabaseFigures.Read(connection, path), request);

    private static double FreePercentOf(SqliteConnection connection)
    {
        long pages = connection.ExecuteScalar<long>("PRAGMA page_count;");
        long free = connection.ExecuteScalar<long>("PRAGMA freelist_count;");
        return DatabaseFigures.FreePercentOf(free, pages);
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

    /// <summary>Measures the volumes of the folders and fails with InsufficientDiskSpace when the needs on one do not fit.</summary>
    private static void EnsureSpace(string path, params (string Folder, long Bytes, string Purpose)[] needs)
    {
        SqliteAdminException? shortfall = VacuumPlanner.SpaceShortfall(path, needs.Select(n => new SpaceNeed(DiskSpace.Of(n.Folder), n.Bytes, n.Purpose)).ToList());
        if (shortfall != null)
        {
            throw shortfall;
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
