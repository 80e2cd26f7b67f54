using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Core.Health;

/// <summary>What Test-SqliteHealth checks, and its thresholds.</summary>
internal sealed class HealthRequest
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Folder of this database's backups (searched with its subfolders); no backup checks without it.</summary>
    public string? BackupPath { get; set; }
    /// <summary>Fail when the newest backup is older than this (default 1 day).</summary>
    public TimeSpan MaxBackupAge { get; set; } = TimeSpan.FromDays(1);
    /// <summary>Warn when free pages exceed this percentage (default 25, the guides' VACUUM rule).</summary>
    public double MaxFreePercent { get; set; } = 25;
    /// <summary>Warn when the WAL file is larger than this; no limit when null.</summary>
    public long? MaxWalSizeBytes { get; set; }
    /// <summary>Fail when the database's volume has less free space than this percentage (default 10).</summary>
    public double MinDiskFreePercent { get; set; } = 10;
    /// <summary>Warn when the data grew or shrank by more than this percentage since the newest backup (default 50, seed 003's rule).</summary>
    public double MaxGrowthPercent { get; set; } = 50;
    /// <summary>Quick (quick_check, default), Full (integrity_check and foreign_key_check) or None.</summary>
    public IntegrityMode IntegrityMode { get; set; } = IntegrityMode.Quick;
    /// <summary>The sync-log report to judge (its Path is set to <see cref="Path"/>); no sync check when null.</summary>
    public SyncLogRequest? SyncLog { get; set; }
    /// <summary>How long to wait for another process's lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
    /// <summary>The time zone times are shown in (default local).</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;
    /// <summary>"Now" in UTC, for tests; the clock when null.</summary>
    public DateTime? Now { get; set; }
}

/// <summary>
/// The daily health check of seeds 001, 003 and 004 as one call: every check is a
/// <see cref="HealthCheck"/>; nothing is ever written to the database or the backups.
/// </summary>
internal static class DatabaseHealth
{
    /// <summary>
    /// Runs every check that applies to <paramref name="request"/>. Problems are reported as Fail or
    /// Warning rows, never thrown: a missing database is one Fail row (plus the backup and disk
    /// checks that still make sense). Only cancellation throws.
    /// </summary>
    public static IReadOnlyList<HealthCheck> Test(HealthRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var run = new Run(request, progress, cancellation);
        return run.All();
    }

    /// <summary>
    /// The File row for a wildcard that matched nothing: a share that is offline or a folder that
    /// was emptied must not look healthy by having no rows.
    /// </summary>
    public static HealthCheck NothingMatched(string pattern) =>
        new HealthCheck(pattern, HealthCheckNames.File, HealthStatus.Fail, "no match", FileThreshold,
            $"No file matches '{pattern}'. Is the folder or network share reachable?");

    private const string FileThreshold = "exists, opens read-only";

    private sealed class Figures
    {
        public long PageSize, PageCount, FreelistCount, FileBytes, WalBytes;
        public string JournalMode = "";
        public long UsedBytes => (PageCount - FreelistCount) * PageSize;
        public double FreePercent => PageCount == 0 ? 0 : Math.Round(100.0 * FreelistCount / PageCount, 2);
    }

    private sealed class Run
    {
        private readonly HealthRequest _request;
        private readonly IProgress<OperationProgress>? _progress;
        private readonly CancellationToken _cancellation;
        private readonly string _path;
        private readonly string _activity;
        private readonly DateTime _now;
        private readonly List<HealthCheck> _checks = new List<HealthCheck>();

        public Run(HealthRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
        {
            _request = request;
            _progress = progress;
            _cancellation = cancellation;
            _path = System.IO.Path.GetFullPath(request.Path);
            _activity = $"Checking the health of {System.IO.Path.GetFileName(_path)}";
            _now = request.Now ?? DateTime.UtcNow;
        }

        public IReadOnlyList<HealthCheck> All()
        {
            Step("Opening the database", 0);
            Figures? figures = CheckFile();
            List<BackupInfo>? backups = null;
            if (_request.BackupPath != null)
            {
                Step("Listing backups", 5);
                backups = Guard(HealthCheckNames.BackupAge, "", ListOwnBackups, out _backupListFailure);
            }
            if (figures != null)
            {
                if (_request.IntegrityMode != IntegrityMode.None)
                {
                    Step(_request.IntegrityMode == IntegrityMode.Quick ? "quick_check" : "integrity_check", 10);
                    Check(HealthCheckNames.Integrity, CheckIntegrity);
                }
                Step("Size, WAL, free pages, journal mode", 60);
                Check(HealthCheckNames.Size, () => CheckSize(figures, backups?.FirstOrDefault(b => b.ManifestPath != null && b.Status != BackupCheckStatus.ManifestInvalid)));
                Add(CheckWal(figures));
                Add(CheckFreePages(figures));
            }
            bool folderExists = Directory.Exists(FolderOf(_path));
            VolumeSpace? volume = folderExists ? DiskSpace.Of(FolderOf(_path)) : null;
            if (figures != null)
            {
                Add(CheckJournalMode(figures, volume));
            }
            if (folderExists)
            {
                Add(CheckDiskSpace(volume, figures));
            }
            if (_request.BackupPath != null)
            {
                Step("Checking the newest backup", 70);
                CheckBackups(backups);
            }
            CheckTempFiles();
            if (figures != null && _request.SyncLog != null)
            {
                Step("Reading the sync log", 85);
                Check(HealthCheckNames.SyncLog, CheckSyncLog);
            }
            _progress?.Report(new OperationProgress(_activity, "Done", 100) { Completed = true });
            return _checks;
        }

        private HealthCheck? _backupListFailure;
        private List<string> _otherSources = new();

        /// <summary>
        /// The backups of this database, under its own name or a -Name, whose manifests record this
        /// database as their source. Backups of another database with the same file name never count.
        /// </summary>
        private List<BackupInfo> ListOwnBackups()
        {
            if (!Directory.Exists(BackupFolder))
            {
                // One backup file named directly: it is the one to judge.
                return BackupCatalog.List(BackupFolder, BackupFileName.DatabaseNameOf(_path), recurse: false, _cancellation);
            }
            List<BackupInfo> own = BackupSeries.ListOf(BackupFolder, _path, recurse: true, _cancellation);
            if (own.Count == 0)
            {
                List<BackupInfo> named = BackupCatalog.List(BackupFolder, BackupFileName.DatabaseNameOf(_path), recurse: true, _cancellation);
                _otherSources = BackupSeries.SourcesOf(named).Where(s => !BackupSeries.IsOf(s, _path)).ToList();
            }
            return own;
        }

        private void Step(string what, int percent)
        {
            _cancellation.ThrowIfCancellationRequested();
            _progress?.Report(new OperationProgress(_activity, what, percent));
        }

        private void Add(HealthCheck check) => _checks.Add(check);

        private HealthCheck Row(string check, HealthStatus status, string value, string threshold, string message) =>
            new HealthCheck(_path, check, status, value, threshold, message);

        /// <summary>Runs one check that makes its own row; an error becomes the row instead.</summary>
        private void Check(string check, Func<HealthCheck> work)
        {
            HealthCheck? row = Guard(check, "", work, out HealthCheck? failure);
            Add(row ?? failure!);
        }

        /// <summary>
        /// Runs <paramref name="work"/>; an error it meets becomes <paramref name="failure"/>: a lock is a
        /// Warning (the check could not run, nothing is known to be wrong), anything else a Fail.
        /// </summary>
        private T? Guard<T>(string check, string threshold, Func<T> work, out HealthCheck? failure) where T : class
        {
            failure = null;
            try
            {
                return work();
            }
            catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.DatabaseLocked)
            {
                failure = Row(check, HealthStatus.Warning, ex.ErrorId, threshold, $"Could not run the check: {ex.Message}");
            }
            catch (SqliteAdminException ex)
            {
                failure = Row(check, HealthStatus.Fail, ex.ErrorId, threshold, ex.Message);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                failure = Row(check, HealthStatus.Fail, "unreadable", threshold, $"Could not run the check: {ex.Message}");
            }
            return null;
        }

        private Figures? CheckFile()
        {
            const string threshold = FileThreshold;
            if (!File.Exists(_path))
            {
                string folder = FolderOf(_path);
                string message = Directory.Exists(_path)
                    ? $"'{_path}' is a folder, not a database file."
                    : Directory.Exists(folder)
                        ? $"The database file '{_path}' does not exist. If it was deleted or moved, restore the newest verified backup with Restore-SqliteDatabase."
                        : $"The folder '{folder}' does not exist or cannot be reached: is the disk mounted or the network share online?";
                Add(Row(HealthCheckNames.File, HealthStatus.Fail, Directory.Exists(_path) ? "folder" : "missing", threshold, message));
                return null;
            }
            Figures? figures = Guard(HealthCheckNames.File, threshold, ReadFigures, out HealthCheck? failure);
            if (figures == null && failure!.Value == ErrorIds.HotJournal)
            {
                // Its own finding: the health check never writes, so it reports the journal instead of
                // rolling it back, and the checks that read the database cannot run until it is.
                long bytes = new FileInfo(_path + "-journal") is { Exists: true } journal ? journal.Length : 0;
                Add(Row(HealthCheckNames.File, HealthStatus.Fail, ErrorIds.HotJournal, threshold,
                    "The database cannot be read until its hot journal is rolled back (see the HotJournal check)."));
                Add(Row(HealthCheckNames.HotJournal, HealthStatus.Fail, $"hot journal ({DiskSpace.Format(bytes)})", "no hot journal", failure.Message));
                return null;
            }
            Add(figures == null
                ? failure!
                : Row(HealthCheckNames.File, HealthStatus.Pass, "ok", threshold, $"Opened read-only: {figures.PageCount} pages of {figures.PageSize} bytes."));
            return figures;
        }

        /// <summary>The page figures and journal mode, from one read transaction on a read-only connection.</summary>
        private Figures ReadFigures()
        {
            using SqliteConnection connection = SqliteConnectionFactory.OpenReadOnly(_path, _request.BusyTimeout);
            using CancellationTokenRegistration interrupt = connection.InterruptOn(_cancellation);
            var figures = new Figures();
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
                figures.PageSize = connection.ExecuteScalar<long>("PRAGMA page_size;");
                figures.PageCount = connection.ExecuteScalar<long>("PRAGMA page_count;");
                figures.FreelistCount = connection.ExecuteScalar<long>("PRAGMA freelist_count;");
                figures.JournalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode;").ToLowerInvariant();
                transaction.Commit();
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, _path, _cancellation);
            }
            figures.FileBytes = new FileInfo(_path).Length;
            var wal = new FileInfo(_path + "-wal");
            figures.WalBytes = wal.Exists ? wal.Length : 0;
            return figures;
        }

        private HealthCheck CheckIntegrity()
        {
            IntegrityMode mode = _request.IntegrityMode;
            string pragma = mode == IntegrityMode.Quick ? "quick_check" : "integrity_check";
            IntegrityResult result = DatabaseIntegrity.Check(new IntegrityRequest
            {
                Path = _path,
                Mode = mode,
                CheckForeignKeys = mode == IntegrityMode.Full,
                MaxErrors = 20,
                BusyTimeout = _request.BusyTimeout,
            }, null, _cancellation);
            string threshold = mode == IntegrityMode.Full ? "integrity_check and foreign_key_check ok" : "quick_check ok";
            if (result.IsHealthy)
            {
                return Row(HealthCheckNames.Integrity, HealthStatus.Pass, "ok", threshold,
                    $"PRAGMA {pragma}{(mode == IntegrityMode.Full ? " and foreign_key_check" : "")} found no problem ({result.Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s).");
            }
            var problems = result.Errors.Concat(result.ForeignKeyViolations.Select(v => "foreign key: " + v)).ToList();
            if (result.Status == IntegrityStatus.Inconsistent)
            {
                // Sound file, inconsistent rows: restoring would throw good data away with the bad rows.
                return Row(HealthCheckNames.Integrity, HealthStatus.Warning, result.Status.ToString(), threshold,
                    $"{IntegrityCheck.Summarize(problems, mode)}. The file is not damaged: do not restore it; run Test-SqliteIntegrity -IntegrityMode Full for the rows and fix or remove them in the application.");
            }
            return Row(HealthCheckNames.Integrity, HealthStatus.Fail, result.Status.ToString(), threshold,
                $"{IntegrityCheck.Summarize(problems, mode)}. Stop the application, run Test-SqliteIntegrity -IntegrityMode Full for the details, and restore the newest verified backup with Restore-SqliteDatabase; where there is none, salvage what the file still holds with Repair-SqliteDatabase -Destination <new file> (the damaged file is never written).");
        }

        private HealthCheck CheckSize(Figures figures, BackupInfo? newest)
        {
            string size = $"{DiskSpace.Format(figures.FileBytes)} ({DiskSpace.Format(figures.UsedBytes)} of data)";
            string threshold = string.Format(CultureInfo.InvariantCulture, "change <= {0:0.##} % since the newest backup", _request.MaxGrowthPercent);
            if (newest?.ManifestPath == null)
            {
                return Row(HealthCheckNames.Size, HealthStatus.Pass, size, threshold,
                    _request.BackupPath == null
                        ? $"The file is {DiskSpace.Format(figures.FileBytes)}. Give -BackupPath to compare it with the newest backup."
                        : $"The file is {DiskSpace.Format(figures.FileBytes)}; there is no backup manifest to compare it with.");
            }
            BackupManifest manifest = BackupManifest.Read(newest.ManifestPath);
            long then = (manifest.PageCount - manifest.FreelistCount) * manifest.PageSize;
            if (then <= 0)
            {
                return Row(HealthCheckNames.Size, HealthStatus.Pass, size, threshold, $"The file is {DiskSpace.Format(figures.FileBytes)}; the newest backup was empty.");
            }
            double change = Math.Round(100.0 * (figures.UsedBytes - then) / then, 2);
            string since = $"since the backup of {Show(newest.CreatedUtc)} ({DiskSpace.Format(then)} of data then, {DiskSpace.Format(figures.UsedBytes)} now)";
            string value = size + string.Format(CultureInfo.InvariantCulture, ", {0:+0.##;-0.##;0} %", change);
            if (Math.Abs(change) > _request.MaxGrowthPercent)
            {
                string text = change > 0
                    ? string.Format(CultureInfo.InvariantCulture, "The data grew {0:0.##} % {1}, more than {2:0.##} %. Check for a runaway import, a log table that is never pruned, or a bulk load.", change, since, _request.MaxGrowthPercent)
                    : string.Format(CultureInfo.InvariantCulture, "The data shrank {0:0.##} % {1}, more than {2:0.##} %. Check that nothing was deleted by mistake before the next backups replace the old ones.", -change, since, _request.MaxGrowthPercent);
                return Row(HealthCheckNames.Size, HealthStatus.Warning, value, threshold, text);
            }
            return Row(HealthCheckNames.Size, HealthStatus.Pass, value, threshold,
                string.Format(CultureInfo.InvariantCulture, "The data changed {0:+0.##;-0.##;0} % {1}.", change, since));
        }

        private HealthCheck CheckWal(Figures figures)
        {
            string threshold = _request.MaxWalSizeBytes is long max ? "<= " + DiskSpace.Format(max) : "no limit";
            if (figures.JournalMode != "wal")
            {
                return Row(HealthCheckNames.WalSize, HealthStatus.Pass, "no WAL", threshold, $"Journal mode {figures.JournalMode}: the database has no write-ahead log.");
            }
            string value = DiskSpace.Format(figures.WalBytes);
            if (_request.MaxWalSizeBytes is long limit && figures.WalBytes > limit)
            {
                return Row(HealthCheckNames.WalSize, HealthStatus.Warning, value, threshold,
                    $"The WAL is {value}, above {DiskSpace.Format(limit)}: checkpoints are not keeping up, usually because a connection stays open in a read transaction. " +
                    "Run Invoke-SqliteVacuum -VacuumMode Incremental -Checkpoint off-hours, or restart the application's long-lived readers.");
            }
            return Row(HealthCheckNames.WalSize, HealthStatus.Pass, value, threshold, $"The WAL is {value}.");
        }

        private HealthCheck CheckFreePages(Figures figures)
        {
            string value = figures.FreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " %";
            string threshold = "<= " + _request.MaxFreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " %";
            string pages = $"{figures.FreelistCount} of {figures.PageCount} pages, about {DiskSpace.Format(figures.FreelistCount * figures.PageSize)}";
            if (figures.FreePercent > _request.MaxFreePercent)
            {
                return Row(HealthCheckNames.FreePages, HealthStatus.Warning, value, threshold,
                    $"{value} of the pages are free ({pages}). Reclaim them off-hours: Invoke-SqliteVacuum -MinFreePercent {_request.MaxFreePercent.ToString("0.##", CultureInfo.InvariantCulture)}.");
            }
            return Row(HealthCheckNames.FreePages, HealthStatus.Pass, value, threshold, $"{value} of the pages are free ({pages}).");
        }

        private HealthCheck CheckJournalMode(Figures figures, VolumeSpace? volume)
        {
            string mode = figures.JournalMode;
            bool network = DiskSpace.IsUncPath(_path) || volume?.IsNetwork == true;
            string where = DiskSpace.IsUncPath(_path)
                ? "a network share (UNC path)"
                : network ? $"a network file system ({volume!.FileSystem ?? "network drive"} at {volume.Volume})"
                : volume?.FileSystem is string fs ? $"a local file system ({fs})" : "a local disk";
            const string threshold = "not WAL on a network share";
            if (mode == "wal" && network)
            {
                return Row(HealthCheckNames.JournalMode, HealthStatus.Warning, mode, threshold,
                    $"The database is in WAL mode on {where}. WAL needs shared memory that machines cannot share over a network, so other computers can read stale or damaged data. " +
                    "Switch it with PRAGMA journal_mode=DELETE while the application is closed, or keep the database on a local disk.");
            }
            return Row(HealthCheckNames.JournalMode, HealthStatus.Pass, mode, threshold, $"Journal mode {mode} on {where}.");
        }

        private HealthCheck CheckDiskSpace(VolumeSpace? volume, Figures? figures)
        {
            string threshold = ">= " + _request.MinDiskFreePercent.ToString("0.##", CultureInfo.InvariantCulture) + " % free";
            if (volume == null)
            {
                return Row(HealthCheckNames.DiskSpace, HealthStatus.Warning, "unknown", threshold,
                    $"The free space of the volume holding '{FolderOf(_path)}' cannot be read on this system.");
            }
            string value = $"{volume.AvailablePercent.ToString("0.##", CultureInfo.InvariantCulture)} % ({DiskSpace.Format(volume.AvailableBytes)} of {DiskSpace.Format(volume.TotalBytes)})";
            if (volume.AvailablePercent < _request.MinDiskFreePercent)
            {
                return Row(HealthCheckNames.DiskSpace, HealthStatus.Fail, value, threshold,
                    $"Only {value} is free on '{volume.Volume}'. When it fills up, writes fail and the application stops saving data: free some space or move old backups away.");
            }
            long needed = figures == null ? 0 : figures.FileBytes + figures.WalBytes;
            if (volume.AvailableBytes < needed)
            {
                return Row(HealthCheckNames.DiskSpace, HealthStatus.Warning, value, threshold,
                    $"{DiskSpace.Format(volume.AvailableBytes)} is free on '{volume.Volume}', less than the database's {DiskSpace.Format(needed)}: a VACUUM or a restore beside it will not fit.");
            }
            return Row(HealthCheckNames.DiskSpace, HealthStatus.Pass, value, threshold, $"{value} free on '{volume.Volume}'.");
        }

        private void CheckBackups(List<BackupInfo>? backups)
        {
            if (_backupListFailure != null)
            {
                Add(_backupListFailure);
                return;
            }
            string name = BackupFileName.DatabaseNameOf(_path);
            string ageThreshold = "<= " + Durations.Short(_request.MaxBackupAge);
            BackupInfo? newest = backups?.FirstOrDefault();
            if (newest == null)
            {
                string others = _otherSources.Count == 0 ? ""
                    : $" (the backups named '{name}' there are of another database: {string.Join(", ", _otherSources.Select(o => "'" + o + "'"))}; back this one up with its own -Name)";
                Add(Row(HealthCheckNames.BackupAge, HealthStatus.Fail, "none", ageThreshold,
                    $"There is no backup of '{name}' in '{BackupFolder}'{others}. Schedule Backup-SqliteDatabase (see about_SqliteAdmin)."));
                return;
            }
            TimeSpan age = _now - newest.CreatedUtc;
            string ageText = Durations.Short(age);
            Add(age > _request.MaxBackupAge
                ? Row(HealthCheckNames.BackupAge, HealthStatus.Fail, ageText, ageThreshold,
                    $"The newest backup of '{name}' is {ageText} old ({Show(newest.CreatedUtc)}, {System.IO.Path.GetFileName(newest.Path)}), older than {Durations.Short(_request.MaxBackupAge)}. " +
                    "Check the backup task's last result and its error output.")
                : Row(HealthCheckNames.BackupAge, HealthStatus.Pass, ageText, ageThreshold,
                    $"The newest backup is {ageText} old ({Show(newest.CreatedUtc)}, {System.IO.Path.GetFileName(newest.Path)})."));
            Check(HealthCheckNames.BackupVerified, () => CheckBackupVerified(newest, backups!));
        }

        /// <summary>
        /// Temp files an interrupted run left beside the database (the plain copy of an encrypted
        /// backup is made there) or in the backup folder: reported only when there are some.
        /// </summary>
        private void CheckTempFiles()
        {
            var folders = new List<string> { FolderOf(_path) };
            if (_request.BackupPath != null && Directory.Exists(BackupFolder))
            {
                folders.Add(BackupFolder);
            }
            List<FileInfo> leftovers = folders.Distinct().SelectMany(f => StaleTempFiles.Find(f, _now)).ToList();
            if (leftovers.Count > 0)
            {
                Add(Row(HealthCheckNames.TempFiles, HealthStatus.Warning, $"{leftovers.Count} left", "none older than " + Durations.Short(StaleTempFiles.Age),
                    $"{leftovers.Count} temp file(s) of an interrupted SqliteAdmin run ({DiskSpace.Format(leftovers.Sum(f => f.Length))}, e.g. {leftovers[0].FullName}): " +
                    "they may hold a plain copy of the database. The next Backup-SqliteDatabase of this database (or into that folder) removes them; check why the run was interrupted."));
            }
        }

        private HealthCheck CheckBackupVerified(BackupInfo newest, List<BackupInfo> backups)
        {
            const string threshold = "verified when made; size and SHA-256 match the manifest";
            string file = System.IO.Path.GetFileName(newest.Path);
            if (newest.Status == BackupCheckStatus.NotChecked)
            {
                // Re-read now: a backup that was fine when made can have rotted or been truncated since.
                BackupCatalog.Verify(newest, null, _cancellation);
            }
            string fallback = OlderGoodBackup(newest, backups);
            switch (newest.Status)
            {
                case BackupCheckStatus.Ok when newest.Verified:
                    return Row(HealthCheckNames.BackupVerified, HealthStatus.Pass, "Ok", threshold,
                        $"{file} passed {newest.VerifyMode} verification when it was made, and its size and SHA-256 still match its manifest.");
                case BackupCheckStatus.Ok:
                    return Row(HealthCheckNames.BackupVerified, HealthStatus.Warning, "not verified", threshold,
                        $"{file} was made with -IntegrityMode None: its SHA-256 matches its manifest, but nobody has checked that it can be restored. " +
                        $"Run Test-SqliteIntegrity on it, or back up without -IntegrityMode None.{fallback}");
                case BackupCheckStatus.NoManifest:
                    return Row(HealthCheckNames.BackupVerified, HealthStatus.Warning, newest.Status.ToString(), threshold,
                        $"{file} has no manifest (made by another tool, or interrupted), so it cannot be verified.{fallback}");
                default:
                    return Row(HealthCheckNames.BackupVerified, HealthStatus.Fail, newest.Status.ToString(), threshold,
                        $"{file}: {newest.StatusMessage}{fallback}");
            }
        }

        /// <summary>" The newest backup verified when made is X (age)." or a warning that there is none.</summary>
        private string OlderGoodBackup(BackupInfo newest, List<BackupInfo> backups)
        {
            BackupInfo? good = backups.FirstOrDefault(b => b != newest && b.Verified && b.Status == BackupCheckStatus.NotChecked);
            return good == null
                ? " No older backup was verified when it was made."
                : $" The newest older backup verified when made is {System.IO.Path.GetFileName(good.Path)} ({Durations.Short(_now - good.CreatedUtc)} old).";
        }

        private HealthCheck CheckSyncLog()
        {
            SyncLogRequest sync = _request.SyncLog!;
            sync.Path = _path;
            sync.BusyTimeout = _request.BusyTimeout;
            sync.Now ??= _request.Now;
            SyncLogReport report = SyncLogAnalyzer.Report(sync, null, _cancellation);
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
                : $"{report.TotalSyncs} syncs of {report.Table} between {Show(report.From)} and {Show(report.To)} are within every limit.";
            return Row(HealthCheckNames.SyncLog, status, value, threshold, message);
        }

        private string Show(DateTime utc)
        {
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _request.TimeZone);
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _request.TimeZone.GetUtcOffset(utc))
                .ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        }

        private string BackupFolder => System.IO.Path.GetFullPath(_request.BackupPath!);

        private static string FolderOf(string path) => System.IO.Path.GetDirectoryName(path) ?? path;
    }
}
