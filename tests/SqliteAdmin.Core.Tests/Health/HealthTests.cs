using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;
using SqliteAdmin.Core.Tests.Maintenance;
using SqliteAdmin.Core.Tests.SyncLog;
using Xunit;

namespace SqliteAdmin.Core.Tests.Health;

public class HealthTests
{
    private static readonly DateTime Now = SyncLogFixture.Now;

    private static IReadOnlyList<HealthCheck> Test(string db, Action<HealthRequest>? adjust = null, CancellationToken cancellation = default)
    {
        var request = new HealthRequest { Path = db, Now = Now, TimeZone = TimeZoneInfo.Utc, BusyTimeout = TimeSpan.FromSeconds(2) };
        adjust?.Invoke(request);
        return DatabaseHealth.Test(request, null, cancellation);
    }

    private static HealthCheck Row(IReadOnlyList<HealthCheck> checks, string name) => Assert.Single(checks, c => c.Check == name);

    private static BackupInfo Backup(string db, string destination, DateTime when, IntegrityMode verify = IntegrityMode.Quick) =>
        DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = destination, Verify = verify, UtcNow = () => when }, null, CancellationToken.None).Backup;

    private static double SqliteFreePercent(string db) =>
        double.Parse(SqliteCli.Run(db, "SELECT round(100.0 * (SELECT freelist_count FROM pragma_freelist_count()) / (SELECT page_count FROM pragma_page_count()), 2);"), CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("delete")]
    [InlineData("wal")]
    public void A_healthy_database_passes_every_check_and_is_not_changed(string journalMode)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"), journalMode, syncRows: 2000);
        Backup(db, folder.File("backups"), Now.AddHours(-4));
        string hash = Cli.Sha256Sum(db);
        var before = FolderSnapshot.Take(folder.Path);

        IReadOnlyList<HealthCheck> checks = Test(db, r => r.BackupPath = folder.File("backups"));

        Assert.Equal(new[] { "File", "Integrity", "Size", "WalSize", "FreePages", "JournalMode", "DiskSpace", "BackupAge", "BackupVerified" }, checks.Select(c => c.Check));
        Assert.All(checks, c => Assert.True(c.Status == HealthStatus.Pass, c.ToString()));
        Assert.All(checks, c => Assert.Equal(Path.GetFullPath(db), c.Database));
        Assert.Equal("ok", Row(checks, "Integrity").Value);
        Assert.Equal(journalMode, Row(checks, "JournalMode").Value);
        Assert.Equal("4h", Row(checks, "BackupAge").Value);
        Assert.Equal("<= 1d", Row(checks, "BackupAge").Threshold);
        Assert.EndsWith(", 0 %", Row(checks, "Size").Value);
        Assert.Equal(SqliteFreePercent(db).ToString("0.##", CultureInfo.InvariantCulture) + " %", Row(checks, "FreePages").Value);
        Assert.Equal("<= 25 %", Row(checks, "FreePages").Threshold);
        VolumeSpace space = DiskSpace.Of(folder.Path)!;
        // Other processes write to the disk meanwhile: the figure is the volume's, within a tenth of a percent.
        string shown = Row(checks, "DiskSpace").Value;
        double percent = double.Parse(shown.Substring(0, shown.IndexOf(" %", StringComparison.Ordinal)), CultureInfo.InvariantCulture);
        Assert.InRange(percent, space.AvailablePercent - 0.1, space.AvailablePercent + 0.1);
        Assert.Contains($"on a local file system ({space.FileSystem})", Row(checks, "JournalMode").Message);
        // Read-only: the database is byte for byte the same and nothing was left beside it.
        Assert.Equal(hash, Cli.Sha256Sum(db));
        if (journalMode == "delete")
        {
            Assert.Equal(before, FolderSnapshot.Take(folder.Path));
        }
    }

    [Fact]
    public void A_missing_database_is_one_fail_row_and_the_backup_and_disk_checks_still_run()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        Backup(db, folder.File("backups"), Now.AddHours(-2));
        File.Delete(db);

        IReadOnlyList<HealthCheck> checks = Test(db, r => r.BackupPath = folder.File("backups"));

        Assert.Equal(new[] { "File", "DiskSpace", "BackupAge", "BackupVerified" }, checks.Select(c => c.Check));
        HealthCheck file = Row(checks, "File");
        Assert.Equal(HealthStatus.Fail, file.Status);
        Assert.Equal("missing", file.Value);
        Assert.Contains("does not exist", file.Message);
        Assert.Contains("Restore-SqliteDatabase", file.Message);
        Assert.Equal(HealthStatus.Pass, Row(checks, "BackupVerified").Status);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void A_missing_folder_or_share_says_it_cannot_be_reached()
    {
        using var folder = new TempFolder();
        string db = folder.File("nas/share/orders.db");

        IReadOnlyList<HealthCheck> checks = Test(db);

        HealthCheck file = Assert.Single(checks);
        Assert.Equal(HealthStatus.Fail, file.Status);
        Assert.Contains($"The folder '{folder.File("nas/share")}' does not exist or cannot be reached", file.Message);
        Assert.False(Directory.Exists(folder.File("nas")));
    }

    [Fact]
    public void A_pattern_that_matched_nothing_is_a_file_failure()
    {
        HealthCheck row = DatabaseHealth.NothingMatched(@"\\nas\apps\*.db");

        Assert.Equal((@"\\nas\apps\*.db", "File", HealthStatus.Fail, "no match"), (row.Database, row.Check, row.Status, row.Value));
        Assert.Contains("Is the folder or network share reachable?", row.Message);
    }

    [Theory]
    [InlineData("text", "NotADatabase")]
    [InlineData("empty", "NotADatabase")]
    [InlineData("folder", "folder")]
    public void Something_that_is_not_a_database_fails_the_file_check(string what, string value)
    {
        using var folder = new TempFolder();
        string path = folder.File("orders.db");
        switch (what)
        {
            case "text": File.WriteAllText(path, "id,name\n1,widget\n"); break;
            case "empty": File.WriteAllBytes(path, Array.Empty<byte>()); break;
            default: Directory.CreateDirectory(path); break;
        }

        IReadOnlyList<HealthCheck> checks = Test(path);

        HealthCheck file = Row(checks, "File");
        Assert.Equal(HealthStatus.Fail, file.Status);
        Assert.Equal(value, file.Value);
        Assert.DoesNotContain(checks, c => c.Check == "Integrity");
    }

    [Fact]
    public void A_stale_backup_fails_with_its_age_and_name()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        BackupInfo old = Backup(db, folder.File("backups"), Now.AddDays(-3).AddHours(-2));

        IReadOnlyList<HealthCheck> checks = Test(db, r => r.BackupPath = folder.File("backups"));
        IReadOnlyList<HealthCheck> relaxed = Test(db, r => { r.BackupPath = folder.File("backups"); r.MaxBackupAge = TimeSpan.FromDays(7); });

        HealthCheck age = Row(checks, "BackupAge");
        Assert.Equal(HealthStatus.Fail, age.Status);
        Assert.Equal("3d 2h", age.Value);
        Assert.Contains(Path.GetFileName(old.Path), age.Message);
        Assert.Contains("2026-11-18 04:00 +00:00", age.Message);
        Assert.Equal(HealthStatus.Pass, Row(checks, "BackupVerified").Status);
        Assert.Equal(HealthStatus.Pass, Row(relaxed, "BackupAge").Status);
    }

    [Fact]
    public void No_backup_at_all_and_a_missing_backup_folder_both_fail()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        string other = TestDatabase.Create(folder.File("quotes.db"));
        Backup(other, folder.File("backups"), Now.AddHours(-1));

        HealthCheck none = Row(Test(db, r => r.BackupPath = folder.File("backups")), "BackupAge");
        HealthCheck noFolder = Row(Test(db, r => r.BackupPath = folder.File("nowhere")), "BackupAge");

        Assert.Equal(HealthStatus.Fail, none.Status);
        Assert.Equal("none", none.Value);
        Assert.Contains("There is no backup of 'orders'", none.Message);
        Assert.Equal(HealthStatus.Fail, noFolder.Status);
        Assert.Equal(ErrorIds.BackupFolderNotFound, noFolder.Value);
        Assert.False(Directory.Exists(folder.File("nowhere")));
    }

    [Fact]
    public void Backups_in_subfolders_count_and_the_newest_is_judged()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        Backup(db, folder.File("backups/weekly"), Now.AddDays(-5));
        BackupInfo daily = Backup(db, folder.File("backups/daily"), Now.AddHours(-20));

        HealthCheck age = Row(Test(db, r => r.BackupPath = folder.File("backups")), "BackupAge");

        Assert.Equal(HealthStatus.Pass, age.Status);
        Assert.Equal("20h", age.Value);
        Assert.Contains(Path.GetFileName(daily.Path), age.Message);
    }

    [Fact]
    public void A_damaged_newest_backup_fails_and_names_the_older_good_one()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        BackupInfo older = Backup(db, folder.File("backups"), Now.AddHours(-26));
        BackupInfo newest = Backup(db, folder.File("backups"), Now.AddHours(-2));
        BackupCatalogTests.Damage(newest.Path, "flip-middle");

        HealthCheck verified = Row(Test(db, r => r.BackupPath = folder.File("backups")), "BackupVerified");

        Assert.Equal(HealthStatus.Fail, verified.Status);
        Assert.Equal("Corrupt", verified.Value);
        Assert.Contains(Path.GetFileName(newest.Path), verified.Message);
        Assert.Contains($"The newest older backup verified when made is {Path.GetFileName(older.Path)} (1d 2h old).", verified.Message);
        // The judge: the file no longer has the SHA-256 its manifest records.
        Assert.NotEqual(BackupManifest.Read(newest.Path + ".json").StoredSha256, Cli.Sha256Sum(newest.Path));
    }

    [Fact]
    public void A_backup_made_without_verification_or_without_manifest_is_a_warning()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        Backup(db, folder.File("unverified"), Now.AddHours(-2), IntegrityMode.None);
        BackupInfo bare = Backup(db, folder.File("bare"), Now.AddHours(-2));
        File.Delete(bare.Path + ".json");

        HealthCheck unverified = Row(Test(db, r => r.BackupPath = folder.File("unverified")), "BackupVerified");
        HealthCheck noManifest = Row(Test(db, r => r.BackupPath = folder.File("bare")), "BackupVerified");

        Assert.Equal(HealthStatus.Warning, unverified.Status);
        Assert.Contains("-IntegrityMode None", unverified.Message);
        Assert.Equal(HealthStatus.Warning, noManifest.Status);
        Assert.Equal("NoManifest", noManifest.Value);

        // Unverified is no excuse for damage: the file is still re-hashed against its manifest.
        BackupCatalogTests.Damage(Assert.Single(Directory.GetFiles(folder.File("unverified"), "*.db")), "truncate-1");
        HealthCheck damaged = Row(Test(db, r => r.BackupPath = folder.File("unverified")), "BackupVerified");
        Assert.Equal(HealthStatus.Fail, damaged.Status);
        Assert.Equal("Corrupt", damaged.Value);
    }

    [Fact]
    public void A_fragmented_database_warns_with_sqlite3s_free_page_figure()
    {
        using var folder = new TempFolder();
        string db = VacuumTests.CreateFragmented(folder.File("tracker.db"), fillerRows: 8000);
        double free = SqliteFreePercent(db);
        Assert.True(free > 25, $"the fixture should be fragmented, is {free} %");

        HealthCheck warned = Row(Test(db), "FreePages");
        HealthCheck relaxed = Row(Test(db, r => r.MaxFreePercent = 90), "FreePages");

        Assert.Equal(HealthStatus.Warning, warned.Status);
        Assert.Equal(free.ToString("0.##", CultureInfo.InvariantCulture) + " %", warned.Value);
        Assert.Contains("Invoke-SqliteVacuum -MinFreePercent 25", warned.Message);
        Assert.Equal(HealthStatus.Pass, relaxed.Status);
        Assert.Equal("<= 90 %", relaxed.Threshold);
    }

    [Fact]
    public void Growth_and_shrinkage_since_the_newest_backup_are_measured_on_the_data()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"), syncRows: 2000);
        BackupInfo backup = Backup(db, folder.File("backups"), Now.AddHours(-3));
        BackupManifest manifest = BackupManifest.Read(backup.ManifestPath!);
        long then = (manifest.PageCount - manifest.FreelistCount) * manifest.PageSize;

        SqliteCli.Run(db, "INSERT INTO batches(strain, notes) SELECT 'bulk', hex(randomblob(1500)) FROM sync_log;");
        long grown = long.Parse(SqliteCli.Run(db, "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count(), pragma_freelist_count(), pragma_page_size();"), CultureInfo.InvariantCulture);
        HealthCheck growth = Row(Test(db, r => r.BackupPath = folder.File("backups")), "Size");

        SqliteCli.Run(db, "DELETE FROM batches; DELETE FROM sync_log;");
        HealthCheck shrink = Row(Test(db, r => r.BackupPath = folder.File("backups")), "Size");

        double expected = Math.Round(100.0 * (grown - then) / then, 2);
        Assert.True(expected > 50, $"fixture growth {expected} %");
        Assert.Equal(HealthStatus.Warning, growth.Status);
        Assert.Contains(string.Format(CultureInfo.InvariantCulture, "The data grew {0:0.##} % since the backup of 2026-11-21 03:00 +00:00", expected), growth.Message);
        Assert.Equal(HealthStatus.Warning, shrink.Status);
        Assert.Contains("The data shrank", shrink.Message);
        Assert.Equal(HealthStatus.Pass, Row(Test(db, r => { r.BackupPath = folder.File("backups"); r.MaxGrowthPercent = 1000; }), "Size").Status);
    }

    [Fact]
    public void A_large_wal_held_open_by_a_reader_warns_above_the_limit()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"), "wal");
        // A second process keeps its connection open with checkpoints off, so the WAL stays as it is.
        var writer = SqliteCli.HoldLock(db, ".output /dev/null\nPRAGMA wal_autocheckpoint=0;\n.output stdout\nINSERT INTO batches(strain, notes) SELECT 'w', hex(randomblob(2000)) FROM sync_log;");
        try
        {
            long wal = new FileInfo(db + "-wal").Length;
            Assert.True(wal > 512 * 1024, $"WAL {wal}");

            HealthCheck over = Row(Test(db, r => r.MaxWalSizeBytes = 256 * 1024), "WalSize");
            HealthCheck noLimit = Row(Test(db), "WalSize");

            Assert.Equal(HealthStatus.Warning, over.Status);
            Assert.Equal(DiskSpace.Format(wal), over.Value);
            Assert.Equal("<= 256 KB", over.Threshold);
            Assert.Contains("checkpoints are not keeping up", over.Message);
            Assert.Equal(HealthStatus.Pass, noLimit.Status);
        }
        finally
        {
            SqliteCli.Release(writer);
        }
    }

    [Fact]
    public void A_nearly_full_volume_fails_and_one_smaller_than_the_database_warns()
    {
        using var volume = new SmallVolume(8 * 1024 * 1024);
        string db = TestDatabase.Create(volume.File("orders.db"), syncRows: 5000);
        long dbSize = new FileInfo(db).Length;
        // Leave less free space than the database takes, but still more than 5 % of the volume.
        using (var filler = new FileStream(volume.File("filler"), FileMode.CreateNew))
        {
            var chunk = new byte[64 * 1024];
            while (volume.AvailableBytes > dbSize - 256 * 1024)
            {
                filler.Write(chunk, 0, chunk.Length);
                filler.Flush();
            }
        }
        Assert.True(volume.AvailableBytes < dbSize);

        HealthCheck warned = Row(Test(db, r => r.MinDiskFreePercent = 0), "DiskSpace");
        HealthCheck failed = Row(Test(db, r => r.MinDiskFreePercent = 50), "DiskSpace");

        Assert.Equal(HealthStatus.Warning, warned.Status);
        Assert.Contains("a VACUUM or a restore beside it will not fit", warned.Message);
        Assert.Equal(HealthStatus.Fail, failed.Status);
        Assert.Equal(">= 50 % free", failed.Threshold);
        VolumeSpace space = DiskSpace.Of(volume.Path)!;
        Assert.Equal("tmpfs", space.FileSystem);
        Assert.False(space.IsNetwork);
        Assert.StartsWith(space.AvailablePercent.ToString("0.##", CultureInfo.InvariantCulture) + " % (", failed.Value);
    }

    [Fact]
    public void Damage_fails_the_integrity_check_as_sqlite3s_own_check_does()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"), syncRows: 20000);
        BackupTests.CorruptIndexPage(db, "idx_sync_log_timestamp");
        Assert.NotEqual("ok", SqliteCli.RunAllowingErrors(db, "PRAGMA integrity_check;"));

        HealthCheck full = Row(Test(db, r => r.IntegrityMode = IntegrityMode.Full), "Integrity");

        Assert.Equal(HealthStatus.Fail, full.Status);
        Assert.Equal("Corrupt", full.Value);
        Assert.Contains("Restore-SqliteDatabase", full.Message);
        Assert.Contains("where there is none, salvage what the file still holds with Repair-SqliteDatabase", full.Message);
        // One line for an e-mail: SQLite's multi-line report is flattened, its header left out. The
        // wording is our SQLite's (3.53 says "Tree 3 page 3 cell 0", the CLI's older one "On tree page 3 cell 0").
        string firstProblem = IntegrityReportOfShippedSqlite(db).Split('\n').First(l => !l.StartsWith("*** in database"));
        Assert.StartsWith(firstProblem.Trim() + "; ", full.Message);
        Assert.DoesNotContain("\n", full.Message);
        Assert.DoesNotContain("*** in database", full.Message);
        Assert.DoesNotContain(Test(db, r => r.IntegrityMode = IntegrityMode.None), c => c.Check == "Integrity");
    }

    [Fact]
    public void Foreign_key_violations_fail_only_the_full_check_and_say_the_file_is_not_damaged()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        SqliteCli.Run(db, "PRAGMA foreign_keys=OFF; INSERT INTO audit_log(id, batch, field) VALUES (9001, 777, 'x');");

        HealthCheck quick = Row(Test(db), "Integrity");
        HealthCheck full = Row(Test(db, r => r.IntegrityMode = IntegrityMode.Full), "Integrity");

        Assert.Equal(HealthStatus.Pass, quick.Status);
        Assert.Equal("quick_check ok", quick.Threshold);
        Assert.Equal(HealthStatus.Fail, full.Status);
        Assert.Equal("Inconsistent", full.Value);
        Assert.Contains("audit_log rowid 9001 -> batches", full.Message);
        Assert.Contains("not damaged: do not restore", full.Message);
    }

    [Fact]
    public void A_database_locked_by_another_process_is_a_warning_not_an_exception()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        var holder = SqliteCli.HoldLock(db, "BEGIN EXCLUSIVE; INSERT INTO batches(strain) VALUES ('locked');");
        try
        {
            IReadOnlyList<HealthCheck> checks = Test(db, r => r.BusyTimeout = TimeSpan.Zero);

            HealthCheck file = Row(checks, "File");
            Assert.Equal(HealthStatus.Warning, file.Status);
            Assert.Equal(ErrorIds.DatabaseLocked, file.Value);
            Assert.StartsWith("Could not run the check: ", file.Message);
            Assert.Contains(checks, c => c.Check == "DiskSpace");
        }
        finally
        {
            SqliteCli.Release(holder);
        }
        Assert.Equal("0", SqliteCli.Run(db, "SELECT count(*) FROM batches WHERE strain = 'locked';"));
    }

    [Fact]
    public void The_sync_log_check_is_get_synclogreports_judgement()
    {
        using var folder = new TempFolder();
        string db = SyncLogFixture.Create(folder.File("server.db"));
        SyncLogRequest Strict() => new() { Last = Duration.Parse("7d"), StaleAfter = TimeSpan.FromMinutes(10), MaxFailurePercent = 1, MaxConflictPercent = 1, TimeZone = TimeZoneInfo.Utc };

        HealthCheck strict = Row(Test(db, r => r.SyncLog = Strict()), "SyncLog");
        SyncLogRequest reference = Strict();
        reference.Path = db;
        reference.Now = Now;
        SyncLogReport report = SyncLogAnalyzer.Report(reference, null, CancellationToken.None);
        HealthCheck relaxed = Row(Test(db, r => r.SyncLog = new SyncLogRequest { Last = Duration.Parse("7d"), StaleAfter = TimeSpan.FromHours(6), MaxFailurePercent = 50, MaxConflictPercent = 50, TimeZone = TimeZoneInfo.Utc }), "SyncLog");

        Assert.Equal(SyncHealth.Critical, report.Status);
        Assert.Equal(HealthStatus.Fail, strict.Status);
        Assert.Equal(string.Join(" ", report.Alerts), strict.Message);
        Assert.StartsWith($"{report.TotalSyncs} syncs, {report.FailureRate.ToString("0.##", CultureInfo.InvariantCulture)} % failed", strict.Value);
        Assert.Equal("a success every 10m, failures <= 1 %, conflicts <= 1 %", strict.Threshold);
        Assert.Equal(HealthStatus.Pass, relaxed.Status);
        Assert.Contains("are within every limit", relaxed.Message);
    }

    [Fact]
    public void A_missing_sync_log_table_fails_that_check_only()
    {
        using var folder = new TempFolder();
        string db = VacuumTests.CreateFragmented(folder.File("app.db"));
        SqliteCli.Run(db, "DROP TABLE sync_log;");

        IReadOnlyList<HealthCheck> checks = Test(db, r => { r.SyncLog = new SyncLogRequest(); r.MaxFreePercent = 100; });

        HealthCheck sync = Row(checks, "SyncLog");
        Assert.Equal(HealthStatus.Fail, sync.Status);
        Assert.Equal(ErrorIds.TableNotFound, sync.Value);
        Assert.Contains("batches", sync.Message);
        Assert.All(checks.Where(c => c.Check != "SyncLog"), c => Assert.Equal(HealthStatus.Pass, c.Status));
    }

    [Fact]
    public void Stopping_ends_the_check_with_a_cancellation()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"));
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => Test(db, cancellation: stop.Token));
    }

    [Theory]
    [InlineData(@"\\nas\share\server.db", true)]
    [InlineData(@"\\192.168.1.99\CraftAuto-Sales\CACPQDB\database\server.db", true)]
    [InlineData(@"\\?\UNC\nas\share\server.db", true)]
    [InlineData(@"\\?\C:\data\server.db", false)]
    [InlineData(@"\\.\PhysicalDrive0", false)]
    [InlineData(@"C:\data\server.db", false)]
    [InlineData("/srv/data/server.db", false)]
    public void Unc_paths_are_network_shares(string path, bool unc) => Assert.Equal(unc, DiskSpace.IsUncPath(path));

    [Theory]
    [InlineData("nfs", true)]
    [InlineData("nfs4", true)]
    [InlineData("cifs", true)]
    [InlineData("smb3", true)]
    [InlineData("smbfs", true)]
    [InlineData("fuse.sshfs", true)]
    [InlineData("9p", true)]
    [InlineData("ext4", false)]
    [InlineData("xfs", false)]
    [InlineData("tmpfs", false)]
    [InlineData("overlay", false)]
    [InlineData("NTFS", false)]
    [InlineData(null, false)]
    public void Network_file_systems_are_recognised_by_type(string? type, bool network) => Assert.Equal(network, DiskSpace.IsNetworkFileSystem(type));

    private static string IntegrityReportOfShippedSqlite(string db)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        using var reader = command.ExecuteReader();
        var lines = new List<string>();
        try
        {
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException) when (lines.Count > 0)
        {
            // SQLite 3.53 may end the report with SQLITE_CORRUPT after its problem rows.
        }
        return string.Join("\n", lines);
    }
}
