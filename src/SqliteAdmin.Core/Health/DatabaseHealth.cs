using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Databases;
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
/// <see cref="HealthCheck"/>; nothing is ever written to the database or the backups. This
/// measures (SQLite, files, volumes, backups); <see cref="HealthJudge"/> judges.
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

    /// <inheritdoc cref="HealthJudge.NothingMatched"/>
    public static HealthCheck NothingMatched(string pattern) => HealthJudge.NothingMatched(pattern);

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
            DatabaseFigures? figures = CheckFile();
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
                Add(HealthJudge.Wal(_path, _request, figures));
                Add(HealthJudge.FreePages(_path, _request, figures));
            }
            bool folderExists = Directory.Exists(FolderOf(_path));
            VolumeSpace? volume = folderExists ? DiskSpace.Of(FolderOf(_path)) : null;
            if (figures != null)
            {
                Add(HealthJudge.JournalMode(_path, figures, volume));
            }
            if (folderExists)
            {
                Add(HealthJudge.Disk(_path, FolderOf(_path), _request, volume, figures));
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

        /// <summary>Runs one check that makes its own row; an error becomes the row instead.</summary>
        private void Check(string check, Func<HealthCheck> work)
        {
            HealthCheck? row = Guard(check, "", work, out HealthCheck? failure);
            Add(row ?? failure!);
        }

        /// <summary>
        /// Runs <paramref name="work"/>; an error it meets becomes <paramref name="failure"/>
        /// (<see cref="HealthJudge.CouldNotRun"/>).
        /// </summary>
        private T? Guard<T>(string check, string threshold, Func<T> work, out HealthCheck? failure) where T : class
        {
            failure = null;
            try
            {
                return work();
            }
            catch (Exception ex) when (ex is SqliteAdminException || ex is IOException || ex is UnauthorizedAccessException)
            {
                failure = HealthJudge.CouldNotRun(_path, check, threshold, ex);
            }
            return null;
        }

        private DatabaseFigures? CheckFile()
        {
            if (!File.Exists(_path))
            {
                Add(HealthJudge.Missing(_path, FolderOf(_path), Directory.Exists(_path), Directory.Exists(FolderOf(_path))));
                return null;
            }
            DatabaseFigures? figures = Guard(HealthCheckNames.File, HealthJudge.FileThreshold, ReadFigures, out HealthCheck? failure);
            if (figures == null && failure!.Value == ErrorIds.HotJournal)
            {
                // Its own finding: the health check never writes, so it reports the journal instead of
                // rolling it back, and the checks that read the database cannot run until it is.
                long bytes = new FileInfo(_path + "-journal") is { Exists: true } journal ? journal.Length : 0;
                var (file, hotJournal) = HealthJudge.HotJournal(_path, bytes, failure.Message);
                Add(file);
                Add(hotJournal);
                return null;
            }
            Add(figures == null ? failure! : HealthJudge.Opened(_path, figures));
            return figures;
        }

        /// <summary>The page figures and journal mode, from one read transaction on a read-only connection.</summary>
        private DatabaseFigures ReadFigures()
        {
            using SqliteConnection connection = SqliteConnectionFactory.OpenReadOnly(_path, _request.BusyTimeout);
            using CancellationTokenRegistration interrupt = connection.InterruptOn(_cancellation);
            try
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
                DatabaseFigures figures = DatabaseFigures.Read(connection, _path);
                transaction.Commit();
                return figures;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, _path, _cancellation);
            }
        }

        private HealthCheck CheckIntegrity()
        {
            IntegrityMode mode = _request.IntegrityMode;
            IntegrityResult result = DatabaseIntegrity.Check(new IntegrityRequest
            {
                Path = _path,
                Mode = mode,
                CheckForeignKeys = mode == IntegrityMode.Full,
                MaxErrors = 20,
                BusyTimeout = _request.BusyTimeout,
            }, null, _cancellation);
            return HealthJudge.Integrity(_path, mode, result);
        }

        /// <summary>The Size row: the data now against the data the newest backup's manifest records.</summary>
        private HealthCheck CheckSize(DatabaseFigures figures, BackupInfo? newest)
        {
            (DateTime, long)? backup = null;
            if (newest?.ManifestPath != null)
            {
                BackupManifest manifest = BackupManifest.Read(newest.ManifestPath);
                backup = (newest.CreatedUtc, (manifest.PageCount - manifest.FreelistCount) * manifest.PageSize);
            }
            return HealthJudge.Size(_path, _request, figures, backup);
        }

        private void CheckBackups(List<BackupInfo>? backups)
        {
            if (_backupListFailure != null)
            {
                Add(_backupListFailure);
                return;
            }
            BackupInfo? newest = backups?.FirstOrDefault();
            Add(HealthJudge.BackupAge(_path, BackupFolder, _request, newest, _otherSources, _now));
            if (newest != null)
            {
                Check(HealthCheckNames.BackupVerified, () => CheckBackupVerified(newest, backups!));
            }
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
            if (HealthJudge.TempFiles(_path, leftovers.Count, leftovers.Sum(f => f.Length), leftovers.FirstOrDefault()?.FullName ?? "") is HealthCheck row)
            {
                Add(row);
            }
        }

        private HealthCheck CheckBackupVerified(BackupInfo newest, List<BackupInfo> backups)
        {
            if (newest.Status == BackupCheckStatus.NotChecked)
            {
                // Re-read now: a backup that was fine when made can have rotted or been truncated since.
                BackupCatalog.Verify(newest, null, _cancellation);
            }
            return HealthJudge.BackupVerified(_path, newest, backups, _now);
        }

        private HealthCheck CheckSyncLog()
        {
            SyncLogRequest sync = _request.SyncLog!;
            sync.Path = _path;
            sync.BusyTimeout = _request.BusyTimeout;
            sync.Now ??= _request.Now;
            return HealthJudge.SyncLog(_path, _request, SyncLogAnalyzer.Report(sync, null, _cancellation));
        }

        private string BackupFolder => System.IO.Path.GetFullPath(_request.BackupPath!);

        private static string FolderOf(string path) => System.IO.Path.GetDirectoryName(path) ?? path;
    }
}
