using System;
using System.IO;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin.Core.Tests.Judging;

/// <summary>Test-SqliteHealth's rows from figures alone: no database, no disk, no clock.</summary>
public class HealthJudgeTests
{
    private const string Db = "/data/app.db";
    private static readonly DateTime Now = new(2026, 11, 23, 9, 0, 0, DateTimeKind.Utc);

    private static HealthRequest Limits(Action<HealthRequest>? adjust = null)
    {
        var limits = new HealthRequest { Path = Db, TimeZone = TimeZoneInfo.Utc };
        adjust?.Invoke(limits);
        return limits;
    }

    /// <summary>1000 pages of 4 KB, 100 free (10 %), in WAL mode with a 64 KB WAL.</summary>
    private static DatabaseFigures Figures(Action<DatabaseFigures>? adjust = null)
    {
        var figures = new DatabaseFigures { Path = Db, PageSize = 4096, PageCount = 1000, FreelistCount = 100, JournalMode = "wal", FileBytes = 4_096_000, WalBytes = 65_536 };
        adjust?.Invoke(figures);
        return figures;
    }

    private static BackupInfo Backup(string name, DateTime created, BackupCheckStatus status = BackupCheckStatus.Ok, bool verified = true) =>
        new BackupInfo { Path = "/b/" + name, CreatedUtc = created, Status = status, Verified = verified, VerifyMode = verified ? "Quick" : "None" };

    [Fact]
    public void Free_pages_exactly_at_MaxFreePercent_pass_and_above_warn_with_the_vacuum_to_run()
    {
        HealthCheck at = HealthJudge.FreePages(Db, Limits(l => l.MaxFreePercent = 10), Figures());
        HealthCheck above = HealthJudge.FreePages(Db, Limits(l => l.MaxFreePercent = 10), Figures(f => f.FreelistCount = 101));

        Assert.Equal(HealthStatus.Pass, at.Status);
        Assert.Equal("10 %", at.Value);
        Assert.Equal("<= 10 %", at.Threshold);
        Assert.Equal("10 % of the pages are free (100 of 1000 pages, about 400 KB).", at.Message);
        Assert.Equal(HealthStatus.Warning, above.Status);
        Assert.Equal("10.1 % of the pages are free (101 of 1000 pages, about 404 KB). Reclaim them off-hours: Invoke-SqliteVacuum -MinFreePercent 10.", above.Message);
    }

    [Fact]
    public void No_backup_fails_and_names_other_databases_backups_under_the_same_name()
    {
        HealthCheck none = HealthJudge.BackupAge(Db, "/b", Limits(), null, Array.Empty<string>(), Now);
        HealthCheck others = HealthJudge.BackupAge(Db, "/b", Limits(), null, new[] { "/site2/app.db" }, Now);

        Assert.Equal(HealthStatus.Fail, none.Status);
        Assert.Equal("none", none.Value);
        Assert.Equal("There is no backup of 'app' in '/b'. Schedule Backup-SqliteDatabase (see about_SqliteAdmin).", none.Message);
        Assert.Contains("(the backups named 'app' there are of another database: '/site2/app.db'; back this one up with its own -Name)", others.Message);
    }

    [Fact]
    public void A_backup_exactly_MaxBackupAge_old_passes_and_a_minute_older_fails()
    {
        HealthCheck at = HealthJudge.BackupAge(Db, "/b", Limits(), Backup("app_1.db", Now.AddDays(-1)), Array.Empty<string>(), Now);
        HealthCheck older = HealthJudge.BackupAge(Db, "/b", Limits(), Backup("app_1.db", Now.AddDays(-1).AddMinutes(-1)), Array.Empty<string>(), Now);

        Assert.Equal(HealthStatus.Pass, at.Status);
        Assert.Equal("<= 1d", at.Threshold);
        Assert.Equal("The newest backup is 1d old (2026-11-22 09:00 +00:00, app_1.db).", at.Message);
        Assert.Equal(HealthStatus.Fail, older.Status);
        Assert.Equal("The newest backup of 'app' is 1d old (2026-11-22 08:59 +00:00, app_1.db), older than 1d. Check the backup task's last result and its error output.", older.Message);
    }

    [Fact]
    public void The_newest_backup_is_judged_by_its_check_and_points_to_an_older_good_one()
    {
        BackupInfo older = Backup("app_older.db", Now.AddDays(-2), BackupCheckStatus.NotChecked);
        BackupInfo corrupt = Backup("app_new.db", Now.AddHours(-1), BackupCheckStatus.Corrupt);
        corrupt.StatusMessage = "SHA-256 differs from the manifest.";
        BackupInfo unverified = Backup("app_new.db", Now.AddHours(-1), verified: false);
        BackupInfo good = Backup("app_new.db", Now.AddHours(-1));

        HealthCheck fail = HealthJudge.BackupVerified(Db, corrupt, new[] { corrupt, older }, Now);
        HealthCheck warn = HealthJudge.BackupVerified(Db, unverified, new[] { unverified }, Now);
        HealthCheck pass = HealthJudge.BackupVerified(Db, good, new[] { good }, Now);

        Assert.Equal(HealthStatus.Fail, fail.Status);
        Assert.Equal("Corrupt", fail.Value);
        Assert.Equal("app_new.db: SHA-256 differs from the manifest. The newest older backup verified when made is app_older.db (2d old).", fail.Message);
        Assert.Equal(HealthStatus.Warning, warn.Status);
        Assert.Equal("not verified", warn.Value);
        Assert.EndsWith("Run Test-SqliteIntegrity on it, or back up without -IntegrityMode None. No older backup was verified when it was made.", warn.Message);
        Assert.Equal(HealthStatus.Pass, pass.Status);
        Assert.Equal("app_new.db passed Quick verification when it was made, and its size and SHA-256 still match its manifest.", pass.Message);
    }

    [Fact]
    public void A_backup_without_manifest_cannot_be_verified()
    {
        BackupInfo bare = Backup("app_new.db", Now.AddHours(-1), BackupCheckStatus.NoManifest, verified: false);

        HealthCheck row = HealthJudge.BackupVerified(Db, bare, new[] { bare }, Now);

        Assert.Equal(HealthStatus.Warning, row.Status);
        Assert.Equal("NoManifest", row.Value);
        Assert.StartsWith("app_new.db has no manifest (made by another tool, or interrupted), so it cannot be verified.", row.Message);
    }

    [Fact]
    public void Disk_space_exactly_at_MinDiskFreePercent_passes_below_fails_and_too_little_for_the_database_warns()
    {
        HealthRequest limits = Limits(l => l.MinDiskFreePercent = 10);

        HealthCheck at = HealthJudge.Disk(Db, "/data", limits, new VolumeSpace("/", 10_000_000, 100_000_000), Figures());
        HealthCheck below = HealthJudge.Disk(Db, "/data", limits, new VolumeSpace("/", 9_990_000, 100_000_000), Figures());
        HealthCheck small = HealthJudge.Disk(Db, "/data", limits, new VolumeSpace("/", 4_000_000, 8_000_000), Figures());
        HealthCheck unknown = HealthJudge.Disk(Db, "/data", limits, null, Figures());

        Assert.Equal(HealthStatus.Pass, at.Status);
        Assert.Equal("10 % (9.5 MB of 95.4 MB)", at.Value);
        Assert.Equal(">= 10 % free", at.Threshold);
        Assert.Equal(HealthStatus.Fail, below.Status);
        Assert.StartsWith("Only 9.99 % (9.5 MB of 95.4 MB) is free on '/'. When it fills up, writes fail", below.Message);
        Assert.Equal(HealthStatus.Warning, small.Status);
        Assert.Equal("3.8 MB is free on '/', less than the database's 4.0 MB: a VACUUM or a restore beside it will not fit.", small.Message);
        Assert.Equal(HealthStatus.Warning, unknown.Status);
        Assert.Equal("unknown", unknown.Value);
        Assert.Equal("The free space of the volume holding '/data' cannot be read on this system.", unknown.Message);
    }

    [Fact]
    public void A_wal_at_its_limit_passes_above_it_warns_and_without_wal_there_is_nothing_to_measure()
    {
        HealthRequest limits = Limits(l => l.MaxWalSizeBytes = 65_536);

        HealthCheck at = HealthJudge.Wal(Db, limits, Figures());
        HealthCheck above = HealthJudge.Wal(Db, limits, Figures(f => f.WalBytes = 65_537));
        HealthCheck noWal = HealthJudge.Wal(Db, Limits(), Figures(f => f.JournalMode = "delete"));

        Assert.Equal(HealthStatus.Pass, at.Status);
        Assert.Equal("The WAL is 64.0 KB.", at.Message);
        Assert.Equal(HealthStatus.Warning, above.Status);
        Assert.StartsWith("The WAL is 64.0 KB, above 64.0 KB: checkpoints are not keeping up", above.Message);
        Assert.Equal("no WAL", noWal.Value);
        Assert.Equal("no limit", noWal.Threshold);
        Assert.Equal("Journal mode delete: the database has no write-ahead log.", noWal.Message);
    }

    [Fact]
    public void Wal_on_a_network_share_warns_and_elsewhere_passes()
    {
        HealthCheck unc = HealthJudge.JournalMode(@"\\nas\apps\app.db", Figures(), null);
        HealthCheck nfs = HealthJudge.JournalMode(Db, Figures(), new VolumeSpace("/mnt/apps", 1, 2, "nfs4", isNetwork: true));
        HealthCheck deleteOnNfs = HealthJudge.JournalMode(Db, Figures(f => f.JournalMode = "delete"), new VolumeSpace("/mnt/apps", 1, 2, "nfs4", isNetwork: true));
        HealthCheck local = HealthJudge.JournalMode(Db, Figures(), new VolumeSpace("/", 1, 2, "ext4"));

        Assert.Equal(HealthStatus.Warning, unc.Status);
        Assert.StartsWith("The database is in WAL mode on a network share (UNC path).", unc.Message);
        Assert.Equal(HealthStatus.Warning, nfs.Status);
        Assert.StartsWith("The database is in WAL mode on a network file system (nfs4 at /mnt/apps).", nfs.Message);
        Assert.Equal(HealthStatus.Pass, deleteOnNfs.Status);
        Assert.Equal("Journal mode delete on a network file system (nfs4 at /mnt/apps).", deleteOnNfs.Message);
        Assert.Equal("Journal mode wal on a local file system (ext4).", local.Message);
    }

    [Fact]
    public void Growth_exactly_at_MaxGrowthPercent_passes_and_beyond_it_either_way_warns()
    {
        HealthRequest limits = Limits(l => { l.MaxGrowthPercent = 50; l.BackupPath = "/b"; });
        DateTime made = Now.AddHours(-3);
        long now = Figures().UsedBytes; // 900 pages of 4 KB

        HealthCheck at = HealthJudge.Size(Db, limits, Figures(), (made, now * 2 / 3));
        HealthCheck grew = HealthJudge.Size(Db, limits, Figures(), (made, now * 2 / 3 - 4096));
        HealthCheck shrank = HealthJudge.Size(Db, limits, Figures(), (made, now * 3));

        Assert.Equal(HealthStatus.Pass, at.Status);
        Assert.Equal("3.9 MB (3.5 MB of data), +50 %", at.Value);
        Assert.Equal("The data changed +50 % since the backup of 2026-11-23 06:00 +00:00 (2.3 MB of data then, 3.5 MB now).", at.Message);
        Assert.Equal(HealthStatus.Warning, grew.Status);
        Assert.StartsWith("The data grew 50.25 % since the backup of", grew.Message);
        Assert.Equal(HealthStatus.Warning, shrank.Status);
        Assert.StartsWith("The data shrank 66.67 % since the backup", shrank.Message);
        Assert.EndsWith("Check that nothing was deleted by mistake before the next backups replace the old ones.", shrank.Message);
    }

    [Fact]
    public void Without_a_manifest_or_with_an_empty_backup_the_size_is_only_reported()
    {
        HealthCheck noBackupPath = HealthJudge.Size(Db, Limits(), Figures(), null);
        HealthCheck noManifest = HealthJudge.Size(Db, Limits(l => l.BackupPath = "/b"), Figures(), null);
        HealthCheck empty = HealthJudge.Size(Db, Limits(l => l.BackupPath = "/b"), Figures(), (Now, 0));

        Assert.All(new[] { noBackupPath, noManifest, empty }, r => Assert.Equal(HealthStatus.Pass, r.Status));
        Assert.Equal("The file is 3.9 MB. Give -BackupPath to compare it with the newest backup.", noBackupPath.Message);
        Assert.Equal("The file is 3.9 MB; there is no backup manifest to compare it with.", noManifest.Message);
        Assert.Equal("The file is 3.9 MB; the newest backup was empty.", empty.Message);
    }

    [Fact]
    public void Damage_and_inconsistent_rows_fail_with_different_advice_and_a_clean_check_passes()
    {
        var corrupt = new IntegrityResult { Status = IntegrityStatus.Corrupt, Errors = new[] { "row 5 missing from index i1" } };
        var inconsistent = new IntegrityResult { Status = IntegrityStatus.Inconsistent, ForeignKeyViolations = new[] { new ForeignKeyViolation("orders", 7, "customers", 0) } };
        var ok = new IntegrityResult { Status = IntegrityStatus.Ok, Duration = TimeSpan.FromSeconds(2) };

        HealthCheck fail = HealthJudge.Integrity(Db, IntegrityMode.Quick, corrupt);
        HealthCheck inconsistentRow = HealthJudge.Integrity(Db, IntegrityMode.Full, inconsistent);
        HealthCheck pass = HealthJudge.Integrity(Db, IntegrityMode.Full, ok);

        Assert.Equal(HealthStatus.Fail, fail.Status);
        Assert.Equal("Corrupt", fail.Value);
        Assert.Equal("quick_check ok", fail.Threshold);
        Assert.StartsWith("row 5 missing from index i1. Stop the application", fail.Message);
        Assert.Contains("restore the newest verified backup with Restore-SqliteDatabase", fail.Message);
        Assert.Equal(HealthStatus.Fail, inconsistentRow.Status);
        Assert.Equal("Inconsistent", inconsistentRow.Value);
        Assert.StartsWith("foreign key: orders rowid 7 -> customers (fk 0). The file is not damaged: do not restore it;", inconsistentRow.Message);
        Assert.Equal(HealthStatus.Pass, pass.Status);
        Assert.Equal("integrity_check and foreign_key_check ok", pass.Threshold);
        Assert.Equal("PRAGMA integrity_check and foreign_key_check found no problem (2.0 s).", pass.Message);
    }

    [Fact]
    public void A_lock_is_a_warning_and_any_other_error_a_failure()
    {
        var locked = new SqliteAdminException(ErrorIds.DatabaseLocked, SqliteAdminErrorCategory.ResourceBusy, "'app.db' is locked.", Db);
        var notDb = new SqliteAdminException(ErrorIds.NotADatabase, SqliteAdminErrorCategory.InvalidData, "'app.db' is not a database.", Db);

        HealthCheck warn = HealthJudge.CouldNotRun(Db, HealthCheckNames.Integrity, "", locked);
        HealthCheck fail = HealthJudge.CouldNotRun(Db, HealthCheckNames.File, HealthJudge.FileThreshold, notDb);
        HealthCheck io = HealthJudge.CouldNotRun(Db, HealthCheckNames.Size, "", new IOException("Input/output error"));

        Assert.Equal((HealthStatus.Warning, ErrorIds.DatabaseLocked, "Could not run the check: 'app.db' is locked."), (warn.Status, warn.Value, warn.Message));
        Assert.Equal((HealthStatus.Fail, ErrorIds.NotADatabase, "'app.db' is not a database."), (fail.Status, fail.Value, fail.Message));
        Assert.Equal((HealthStatus.Fail, "unreadable", "Could not run the check: Input/output error"), (io.Status, io.Value, io.Message));
    }

    [Theory]
    [InlineData(true, true, "folder", "'/data/app.db' is a folder, not a database file.")]
    [InlineData(false, true, "missing", "The database file '/data/app.db' does not exist. If it was deleted or moved, restore the newest verified backup with Restore-SqliteDatabase.")]
    [InlineData(false, false, "missing", "The folder '/data' does not exist or cannot be reached: is the disk mounted or the network share online?")]
    public void A_missing_file_says_what_is_there_instead(bool pathIsFolder, bool folderExists, string value, string message)
    {
        HealthCheck row = HealthJudge.Missing(Db, "/data", pathIsFolder, folderExists);

        Assert.Equal((HealthStatus.Fail, HealthCheckNames.File, value, message), (row.Status, row.Check, row.Value, row.Message));
    }

    [Fact]
    public void A_hot_journal_fails_the_file_and_is_its_own_finding()
    {
        var (file, journal) = HealthJudge.HotJournal(Db, 8192, "A hot journal was left by an interrupted transaction.");

        Assert.Equal((HealthStatus.Fail, ErrorIds.HotJournal), (file.Status, file.Value));
        Assert.Equal((HealthCheckNames.HotJournal, HealthStatus.Fail, "hot journal (8.0 KB)", "A hot journal was left by an interrupted transaction."),
            (journal.Check, journal.Status, journal.Value, journal.Message));
    }

    [Fact]
    public void Temp_files_are_a_row_only_when_there_are_some()
    {
        Assert.Null(HealthJudge.TempFiles(Db, 0, 0, ""));

        HealthCheck row = HealthJudge.TempFiles(Db, 2, 3072, "/data/.app.db.sqliteadmin-tmp")!;

        Assert.Equal(HealthStatus.Warning, row.Status);
        Assert.Equal("2 left", row.Value);
        Assert.Equal("none older than 6h", row.Threshold);
        Assert.StartsWith("2 temp file(s) of an interrupted SqliteAdmin run (3.0 KB, e.g. /data/.app.db.sqliteadmin-tmp): they may hold a plain copy", row.Message);
    }

    [Fact]
    public void The_sync_log_row_carries_the_reports_verdict_and_limits()
    {
        HealthRequest limits = Limits(l => l.SyncLog = new SyncLogRequest
        {
            BusinessHours = BusinessHours.Parse("08:00-18:00", null, TimeZoneInfo.Utc),
            MaxFailurePercent = 10,
            MaxConflictPercent = 5,
        });
        var critical = new SyncLogReport
        {
            Table = "sync_log", From = Now.AddDays(-7), To = Now, TotalSyncs = 10, FailureRate = 50, ConflictRate = 0,
            Status = SyncHealth.Critical, Alerts = new[] { "First.", "Second." },
        };
        var ok = new SyncLogReport { Table = "sync_log", From = Now.AddDays(-7), To = Now, TotalSyncs = 10, LastSuccess = Now.AddMinutes(-90), Status = SyncHealth.OK };

        HealthCheck fail = HealthJudge.SyncLog(Db, limits, critical);
        HealthCheck pass = HealthJudge.SyncLog(Db, limits, ok);

        Assert.Equal(HealthStatus.Fail, fail.Status);
        Assert.Equal("10 syncs, 50 % failed, 0 % with conflicts, last success none", fail.Value);
        Assert.Equal("a success every 4h (Mon-Fri 08:00-18:00), failures <= 10 %, conflicts <= 5 %", fail.Threshold);
        Assert.Equal("First. Second.", fail.Message);
        Assert.Equal(HealthStatus.Pass, pass.Status);
        Assert.Equal("10 syncs, 0 % failed, 0 % with conflicts, last success 1h 30m ago", pass.Value);
        Assert.Equal("10 syncs of sync_log between 2026-11-16 09:00 +00:00 and 2026-11-23 09:00 +00:00 are within every limit.", pass.Message);
    }

    [Fact]
    public void A_wildcard_that_matched_nothing_fails_rather_than_passing_silently()
    {
        HealthCheck row = HealthJudge.NothingMatched("/mnt/nas/*.db");

        Assert.Equal(("/mnt/nas/*.db", HealthStatus.Fail, "no match"), (row.Database, row.Status, row.Value));
        Assert.Equal("No file matches '/mnt/nas/*.db'. Is the folder or network share reachable?", row.Message);
    }
}
