using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Core.Health;

/// <summary>
/// Judges what <see cref="DatabaseHealth"/> measured: one function a check, from figures and the
/// request's thresholds to a <see cref="HealthCheck"/> row (status, value, threshold, message).
/// Pure: no SQLite, no file system, no clock (now is passed in).
/// </summary>
internal static class HealthJudge
{
    /// <summary>The File check's threshold.</summary>
    public const string FileThreshold = "exists, opens read-only";

    /// <summary>
    /// The File row for a wildcard that matched nothing: a share that is offline or a folder that
    /// was emptied must not look healthy by having no rows.
    /// </summary>
    public static HealthCheck NothingMatched(string pattern) =>
        new HealthCheck(pattern, HealthCheckNames.File, HealthStatus.Fail, "no match", FileThreshold,
            $"No file matches '{pattern}'. Is the folder or network share reachable?");

    /// <summary>The File row when there is no file at <paramref name="path"/>: a folder there, no such file, or no such folder.</summary>
    public static HealthCheck Missing(string path, string folder, bool pathIsFolder, bool folderExists)
    {
        string message = pathIsFolder
            ? $"'{path}' is a folder, not a database file."
            : folderExists
                ? $"The database file '{path}' does not exist. If it was deleted or moved, restore the newest verified backup with Restore-SqliteDatabase."
                : $"The folder '{folder}' does not exist or cannot be reached: is the disk mounted or the network share online?";
        return new HealthCheck(path, HealthCheckNames.File, HealthStatus.Fail, pathIsFolder ? "folder" : "missing", FileThreshold, message);
    }

    /// <summary>The File row of a database that opened.</summary>
    public static HealthCheck Opened(string path, DatabaseFigures figures) =>
        new HealthCheck(path, HealthCheckNames.File, HealthStatus.Pass, "ok", FileThreshold, $"Opened read-only: {figures.PageCount} pages of {figures.PageSize} bytes.");

    /// <summary>
    /// The File and HotJournal rows of a database that cannot be read until its hot journal of
    /// <paramref name="journalBytes"/> is rolled back; <paramref name="finding"/> is the open's error message.
    /// </summary>
    public static (HealthCheck File, HealthCheck HotJournal) HotJournal(string path, long journalBytes, string finding) =>
        (new HealthCheck(path, HealthCheckNames.File, HealthStatus.Fail, ErrorIds.HotJournal, FileThreshold,
                "The database cannot be read until its hot journal is rolled back (see the HotJournal check)."),
            new HealthCheck(path, HealthCheckNames.HotJournal, HealthStatus.Fail, $"hot journal ({DiskSpace.Format(journalBytes)})", "no hot journal", finding));

    /// <summary>
    /// The row of a check that met <paramref name="error"/>: a lock is a Warning (the check could not
    /// run, nothing is known to be wrong), anything else a Fail.
    /// </summary>
    public static HealthCheck CouldNotRun(string path, string check, string threshold, Exception error) => error switch
    {
        SqliteAdminException { ErrorId: ErrorIds.DatabaseLocked } locked =>
            new HealthCheck(path, check, HealthStatus.Warning, locked.ErrorId, threshold, $"Could not run the check: {locked.Message}"),
        SqliteAdminException failed => new HealthCheck(path, check, HealthStatus.Fail, failed.ErrorId, threshold, failed.Message),
        _ => new HealthCheck(path, check, HealthStatus.Fail, "unreadable", threshold, $"Could not run the check: {error.Message}"),
    };

    /// <summary>The Integrity row of a quick or full check's result.</summary>
    public static HealthCheck Integrity(string path, IntegrityMode mode, IntegrityResult result)
    {
        string pragma = mode == IntegrityMode.Quick ? "quick_check" : "integrity_check";
        string threshold = mode == IntegrityMode.Full ? "integrity_check and foreign_key_check ok" : "quick_check ok";
        if (result.IsHealthy)
        {
            return new HealthCheck(path, HealthCheckNames.Integrity, HealthStatus.Pass, "ok", threshold,
                $"PRAGMA {pragma}{(mode == IntegrityMode.Full ? " and foreign_key_check" : "")} found no problem ({result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s).");
        }
        var problems = result.Errors.Concat(result.ForeignKeyViolations.Select(v => "foreign key: " + v)).ToList();
        if (result.Status == IntegrityStatus.Inconsistent)
        {
            // Sound file, inconsistent rows: still a Fail (act now; -Quiet is $false, as before), but
            // restoring would throw good data away with the bad rows, so the advice differs.
            return new HealthCheck(path, HealthCheckNames.Integrity, HealthStatus.Fail, result.Status.ToString(), threshold,
                $"{IntegrityCheck.Summarize(problems, mode)}. The file is not damaged: do not restore it; run Test-SqliteIntegrity -IntegrityMode Full for the rows and fix or remove them in the application.");
        }
        return new HealthCheck(path, HealthCheckNames.Integrity, HealthStatus.Fail, result.Status.ToString(), threshold,
            $"{IntegrityCheck.Summarize(problems, mode)}. Stop the application, run Test-SqliteIntegrity -IntegrityMode Full for the details, and restore the newest verified backup with Restore-SqliteDatabase; where there is none, salvage what the file still holds with Repair-SqliteDatabase -Destination <new file> (the damaged file is never written).");
    }

    /// <summary>
    /// The Size row: the data's growth since <paramref name="newestBackup"/> (when it was made and the
    /// bytes of data its manifest records), against MaxGrowthPercent; null when there is no manifest.
    /// </summary>
    public static HealthCheck Size(string path, HealthRequest limits, DatabaseFigures figures, (DateTime CreatedUtc, long DataBytes)? newestBackup)
    {
        string size = $"{DiskSpace.Format(figures.FileBytes)} ({DiskSpace.Format(figures.UsedBytes)} of data)";
        string threshold = string.Format(CultureInfo.InvariantCulture, "change <= {0:0.##} % since the newest backup", limits.MaxGrowthPercent);
        if (newestBackup is not (DateTime created, long then))
        {
            return new HealthCheck(path, HealthCheckNames.Size, HealthStatus.Pass, size, threshold,
                limits.BackupPath == null
                    ? $"The file is {DiskSpace.Format(figures.FileBytes)}. Give -BackupPath to compare it with the newest backup."
                    : $"The file is {DiskSpace.Format(figures.FileBytes)}; there is no backup manifest to compare it with.");
        }
        if (then <= 0)
        {
            return new HealthCheck(path, HealthCheckNames.Size, HealthStatus.Pass, size, threshold, $"The file is {DiskSpace.Format(figures.FileBytes)}; the newest backup was empty.");
        }
        double change = Math.Round(100.0 * (figures.UsedBytes - then) / then, 2);
        string since = $"since the backup of {Durations.At(created, limits.TimeZone)} ({DiskSpace.Format(then)} of data then, {DiskSpace.Format(figures.UsedBytes)} now)";
        string value = size + string.Format(CultureInfo.InvariantCulture, ", {0:+0.##;-0.##;0} %", change);
        if (Math.Abs(change) > limits.MaxGrowthPercent)
        {
            string text = change > 0
                ? string.Format(CultureInfo.InvariantCulture, "The data grew {0:0.##} % {1}, more than {2:0.##} %. Check for a runaway import, a log table that is never pruned, or a bulk load.", change, since, limits.MaxGrowthPercent)
                : string.Format(CultureInfo.InvariantCulture, "The data shrank {0:0.##} % {1}, more than {2:0.##} %. Check that nothing was deleted by mistake before the next backups replace the old ones.", -change, since, limits.MaxGrowthPercent);
            return new HealthCheck(path, HealthCheckNames.Size, HealthStatus.Warning, value, threshold, text);
        }
        return new HealthCheck(path, HealthCheckNames.Size, HealthStatus.Pass, value, threshold,
            string.Format(CultureInfo.InvariantCulture, "The data changed {0:+0.##;-0.##;0} % {1}.", change, since));
    }

    /// <summary>The WalSize row, against MaxWalSizeBytes.</summary>
    public static HealthCheck Wal(string path, HealthRequest limits, DatabaseFigures figures)
    {
        string threshold = limits.MaxWalSizeBytes is long max ? "<= " + DiskSpace.Format(max) : "no limit";
        if (figures.JournalMode != "wal")
        {
            return new HealthCheck(path, HealthCheckNames.WalSize, HealthStatus.Pass, "no WAL", threshold, $"Journal mode {figures.JournalMode}: the database has no write-ahead log.");
        }
        string value = DiskSpace.Format(figures.WalBytes);
        if (limits.MaxWalSizeBytes is long limit && figures.WalBytes > limit)
        {
            return new HealthCheck(path, HealthCheckNames.WalSize, HealthStatus.Warning, value, threshold,
                $"The WAL is {value}, above {DiskSpace.Format(limit)}: checkpoints are not keeping up, usually because a connection stays open in a read transaction. " +
                "Run Invoke-SqliteVacuum -VacuumMode Incremental -Checkpoint off-hours, or restart the application's long-lived readers.");
        }
        return new HealthCheck(path, HealthCheckNames.WalSize, HealthStatus.Pass, value, threshold, $"The WAL is {value}.");
    }

    /// <summary>The FreePages row, against MaxFreePercent.</summary>
    public static HealthCheck FreePages(string path, HealthRequest limits, DatabaseFigures figures)
    {
        string value = figures.FreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " %";
        string threshold = "<= " + limits.MaxFreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " %";
        string pages = $"{figures.FreelistCount} of {figures.PageCount} pages, about {DiskSpace.Format(figures.FreelistCount * figures.PageSize)}";
        if (figures.FreePercent > limits.MaxFreePercent)
        {
            return new HealthCheck(path, HealthCheckNames.FreePages, HealthStatus.Warning, value, threshold,
                $"{value} of the pages are free ({pages}). Reclaim them off-hours: Invoke-SqliteVacuum -MinFreePercent {limits.MaxFreePercent.ToString("0.##", CultureInfo.InvariantCulture)}.");
        }
        return new HealthCheck(path, HealthCheckNames.FreePages, HealthStatus.Pass, value, threshold, $"{value} of the pages are free ({pages}).");
    }

    /// <summary>The JournalMode row: WAL on a network share (a UNC path or a network <paramref name="volume"/>) is a Warning.</summary>
    public static HealthCheck JournalMode(string path, DatabaseFigures figures, VolumeSpace? volume)
    {
        string mode = figures.JournalMode;
        bool network = DiskSpace.IsUncPath(path) || volume?.IsNetwork == true;
        string where = DiskSpace.IsUncPath(path)
            ? "a network share (UNC path)"
            : network ? $"a network file system ({volume!.FileSystem ?? "network drive"} at {volume.Volume})"
            : volume?.FileSystem is string fs ? $"a local file system ({fs})" : "a local disk";
        const string threshold = "not WAL on a network share";
        if (mode == "wal" && network)
        {
            return new HealthCheck(path, HealthCheckNames.JournalMode, HealthStatus.Warning, mode, threshold,
                $"The database is in WAL mode on {where}. WAL needs shared memory that machines cannot share over a network, so other computers can read stale or damaged data. " +
                "Switch it with PRAGMA journal_mode=DELETE while the application is closed, or keep the database on a local disk.");
        }
        return new HealthCheck(path, HealthCheckNames.JournalMode, HealthStatus.Pass, mode, threshold, $"Journal mode {mode} on {where}.");
    }

    /// <summary>
    /// The DiskSpace row of the volume holding <paramref name="folder"/> (null when it cannot be read),
    /// against MinDiskFreePercent and the room a VACUUM or a restore of the database beside it needs.
    /// </summary>
    public static HealthCheck Disk(string path, string folder, HealthRequest limits, VolumeSpace? volume, DatabaseFigures? figures)
    {
        string threshold = ">= " + limits.MinDiskFreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " % free";
        if (volume == null)
        {
            return new HealthCheck(path, HealthCheckNames.DiskSpace, HealthStatus.Warning, "unknown", threshold,
                $"The free space of the volume holding '{folder}' cannot be read on this system.");
        }
        string value = $"{volume.AvailablePercent.ToString("0.##", CultureInfo.InvariantCulture)} % ({DiskSpace.Format(volume.AvailableBytes)} of {DiskSpace.Format(volume.TotalBytes)})";
        if (volume.AvailablePercent < limits.MinDiskFreePercent)
        {
            return new HealthCheck(path, HealthCheckNames.DiskSpace, HealthStatus.Fail, value, threshold,
                $"Only {value} is free on '{volume.Volume}'. When it fills up, writes fail and the application stops saving data: free some space or move old backups away.");
        }
        long needed = figures == null ? 0 : figures.FileBytes + figures.WalBytes;
        if (volume.AvailableBytes < needed)
        {
            return new HealthCheck(path, HealthCheckNames.DiskSpace, HealthStatus.Warning, value, threshold,
                $"{DiskSpace.Format(volume.AvailableBytes)} is free on '{volume.Volume}', less than the database's {DiskSpace.Format(needed)}: a VACUUM or a restore beside it will not fit.");
        }
        return new HealthCheck(path, HealthCheckNames.DiskSpace, HealthStatus.Pass, value, threshold, $"{value} free on '{volume.Volume}'.");
    }

    /// <summary>
    /// The BackupAge row: <paramref name="newest"/> backup in <paramref name="backupFolder"/> (null: none)
    /// against MaxBackupAge at <paramref name="now"/>; <paramref name="otherSources"/> are the other
    /// databases whose backups carry this one's name there.
    /// </summary>
    public static HealthCheck BackupAge(string path, string backupFolder, HealthRequest limits, BackupInfo? newest, IReadOnlyList<string> otherSources, DateTime now)
    {
        string name = BackupFileName.DatabaseNameOf(path);
        string ageThreshold = "<= " + Durations.Short(limits.MaxBackupAge);
        if (newest == null)
        {
            string others = otherSources.Count == 0 ? ""
                : $" (the backups named '{name}' there are of another database: {string.Join(", ", otherSources.Select(o => "'" + o + "'"))}; back this one up with its own -Name)";
            return new HealthCheck(path, HealthCheckNames.BackupAge, HealthStatus.Fail, "none", ageThreshold,
                $"There is no backup of '{name}' in '{backupFolder}'{others}. Schedule Backup-SqliteDatabase (see about_SqliteAdmin).");
        }
        TimeSpan age = now - newest.CreatedUtc;
        string ageText = Durations.Short(age);
        return age > limits.MaxBackupAge
            ? new HealthCheck(path, HealthCheckNames.BackupAge, HealthStatus.Fail, ageText, ageThreshold,
                $"The newest backup of '{name}' is {ageText} old ({Durations.At(newest.CreatedUtc, limits.TimeZone)}, {System.IO.Path.GetFileName(newest.Path)}), older than {Durations.Short(limits.MaxBackupAge)}. " +
                "Check the backup task's last result and its error output.")
            : new HealthCheck(path, HealthCheckNames.BackupAge, HealthStatus.Pass, ageText, ageThreshold,
                $"The newest backup is {ageText} old ({Durations.At(newest.CreatedUtc, limits.TimeZone)}, {System.IO.Path.GetFileName(newest.Path)}).");
    }

    /// <summary>
    /// The BackupVerified row of <paramref name="newest"/> as last checked, naming the newest older
    /// backup of <paramref name="backups"/> that was verified when made.
    /// </summary>
    public static HealthCheck BackupVerified(string path, BackupInfo newest, IReadOnlyList<BackupInfo> backups, DateTime now)
    {
        const string threshold = "verified when made; size and SHA-256 match the manifest";
        string file = System.IO.Path.GetFileName(newest.Path);
        string fallback = OlderGoodBackup(newest, backups, now);
        switch (newest.Status)
        {
            case BackupCheckStatus.Ok when newest.Verified:
                return new HealthCheck(path, HealthCheckNames.BackupVerified, HealthStatus.Pass, "Ok", threshold,
                    $"{file} passed {newest.VerifyMode} verification when it was made, and its size and SHA-256 still match its manifest.");
            case BackupCheckStatus.Ok:
                return new HealthCheck(path, HealthCheckNames.BackupVerified, HealthStatus.Warning, "not verified", threshold,
                    $"{file} was made with -IntegrityMode None: its SHA-256 matches its manifest, but nobody has checked that it can be restored. " +
                    $"Run Test-SqliteIntegrity on it, or back up without -IntegrityMode None.{fallback}");
            case BackupCheckStatus.NoManifest:
                return new HealthCheck(path, HealthCheckNames.BackupVerified, HealthStatus.Warning, newest.Status.ToString(), threshold,
                    $"{file} has no manifest (made by another tool, or interrupted), so it cannot be verified.{fallback}");
            default:
                return new HealthCheck(path, HealthCheckNames.BackupVerified, HealthStatus.Fail, newest.Status.ToString(), threshold,
                    $"{file}: {newest.StatusMessage}{fallback}");
        }
    }

    /// <summary>" The newest older backup verified when made is X (age)." or a warning that there is none.</summary>
    private static string OlderGoodBackup(BackupInfo newest, IReadOnlyList<BackupInfo> backups, DateTime now)
    {
        BackupInfo? good = backups.FirstOrDefault(b => b != newest && b.Verified && b.Status == BackupCheckStatus.NotChecked);
        return good == null
            ? " No older backup was verified when it was made."
            : $" The newest older backup verified when made is {System.IO.Path.GetFileName(good.Path)} ({Durations.Short(now - good.CreatedUtc)} old).";
    }

    /// <summary>
    /// The TempFiles row for <paramref name="count"/> stale temp files of <paramref name="bytes"/> in all,
    /// <paramref name="example"/> one of them; null when there are none.
    /// </summary>
    public static HealthCheck? TempFiles(string path, int count, long bytes, string example) =>
        count == 0 ? null
            : new HealthCheck(path, HealthCheckNames.TempFiles, HealthStatus.Warning, $"{count} left", "none older than " + Durations.Short(StaleTempFiles.Age),
                $"{count} temp file(s) of an interrupted SqliteAdmin run ({DiskSpace.Format(bytes)}, e.g. {example}): " +
                "they may hold a plain copy of the database. The next Backup-SqliteDatabase of this database (or into that folder) removes them; check why the run was interrupted.");

    /// <summary>The SyncLog row: <see cref="SyncLogJudge"/>'s status and alerts of <paramref name="report"/>, under the limits of <paramref name="limits"/>.SyncLog.</summary>
    public static HealthCheck SyncLog(string path, HealthRequest limits, SyncLogReport report)
    {
        SyncLogRequest sync = limits.SyncLog!;
        string value = string.Format(CultureInfo.InvariantCulture, "{0} syncs, {1:0.##} % failed, {2:0.##} % with conflicts, last success {3}",
            report.TotalSyncs, report.FailureRate, report.ConflictRate,
            report.LastSuccess is DateTime last ? Durations.Short(report.To - last) + " ago" : "none");
        string threshold = string.Format(CultureInfo.InvariantCulture, "a success every {0}{1}, failures <= {2:0.##} %, conflicts <= {3:0.##} %",
            Durations.Short(sync.StaleAfter), sync.BusinessHours is BusinessHours hours ? $" ({hours})" : "", sync.MaxFailurePercent, sync.MaxConflictPercent);
        HealthStatus status = report.Status switch
        {
            SyncHealth.Critical => HealthStatus.Fail,
            SyncHealth.Warning => HealthStatus.Warning,
            _ => HealthStatus.Pass,
        };
        string message = report.Alerts.Count > 0
            ? string.Join(" ", report.Alerts)
            : $"{report.TotalSyncs} syncs of {report.Table} between {Durations.At(report.From, limits.TimeZone)} and {Durations.At(report.To, limits.TimeZone)} are within every limit.";
        return new HealthCheck(path, HealthCheckNames.SyncLog, status, value, threshold, message);
    }
}
