using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Restore;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Restore;

public class RestoreTests
{
    private const string Pass = "restore test passphrase";

    /// <summary>A database whose content says which one it is: marker 'old' or 'new', plus rows.</summary>
    internal static string Db(string path, string marker, int rows = 2000, string journal = "delete")
    {
        SqliteCli.Run(path, $"PRAGMA journal_mode={journal}; CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('{marker}');" +
                            $"CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {rows}) INSERT INTO t(pad) SELECT hex(randomblob(40)) FROM n;");
        return path;
    }

    internal static string Marker(string db) => SqliteCli.Run(db, "SELECT v FROM marker;");

    internal static BackupInfo Backup(string db, string dest, bool compress = false, bool encrypt = false, IntegrityMode verify = IntegrityMode.Quick, DateTime? when = null) =>
        DatabaseBackup.Run(new BackupRequest
        {
            SourcePath = db,
            Destination = dest,
            Compress = compress,
            Passphrase = encrypt ? CryptoTests.Secret(Pass) : null,
            Iterations = 1000,
            Verify = verify,
            UtcNow = when == null ? () => DateTime.UtcNow : () => when.Value,
        }, null, CancellationToken.None).Backup;

    /// <summary>The restore is refused as in use by <paramref name="app"/>, and nothing in <paramref name="folder"/> changed.</summary>
    internal static void AssertRefusedAsInUse(string backupPath, string restorePath, Process app, string folder)
    {
        FolderSnapshot before = FolderSnapshot.Take(folder);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backupPath, restorePath), null, CancellationToken.None));

        Assert.Equal(ErrorIds.DatabaseInUse, ex.ErrorId);
        Assert.Contains($"process {app.Id}", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(folder));
    }

    internal static RestoreRequest Request(string backup, string destination, bool withPassphrase = false) => new()
    {
        BackupPath = backup,
        Destination = destination,
        Passphrase = withPassphrase ? CryptoTests.Secret(Pass) : null,
        BusyTimeout = TimeSpan.FromSeconds(5),
    };

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Restores_a_backup_over_a_database_and_keeps_the_old_one(bool compress, bool encrypt)
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/backups", compress, encrypt);
        string target = Db(folder.File("app.db"), "old", rows: 10);
        string oldHash = Cli.Sha256Sum(target);

        RestoreResult result = DatabaseRestore.Run(Request(backup.Path, target, encrypt), null, CancellationToken.None);

        Assert.Equal("new", Marker(target));
        Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target));
        Assert.Equal(backup.PlainSha256, result.Sha256);
        Assert.True(result.Verified);
        Assert.Equal("ok", result.IntegrityResult);
        Assert.Equal(backup.CreatedUtc, result.BackupCreatedUtc);
        Assert.StartsWith(Path.Combine(folder.Path, "before_restore", "app.db_"), result.SafetyCopyPath);
        Assert.Equal(oldHash, Cli.Sha256Sum(Path.Combine(result.SafetyCopyPath!, "app.db")));
        Assert.Empty(Directory.GetFiles(folder.Path, DurableFile.TempPrefix + "*"));
        Assert.False(File.Exists(target + "-journal") || File.Exists(target + "-wal"));
    }

    [Fact]
    public void Restores_to_a_new_file_without_a_safety_copy()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b", compress: true);
        string target = Path.Combine(folder.Path, "fresh", "app.db");

        RestoreResult result = DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None);

        Assert.Equal("new", Marker(target));
        Assert.Null(result.SafetyCopyPath);
    }

    [Fact]
    public void A_symbolic_link_to_a_backup_restores_the_backup_with_its_manifest()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b", compress: true);
        string target = Db(folder.File("app.db"), "old");
        string latest = folder.File("latest.db.gz");
        File.CreateSymbolicLink(latest, backup.Path);

        RestoreResult result = DatabaseRestore.Run(Request(latest, target), null, CancellationToken.None);

        Assert.Equal("new", Marker(target));
        Assert.True(result.Verified);
    }

    [Fact]
    public void A_destination_that_is_a_symbolic_link_is_refused_and_the_real_database_is_untouched()
    {
        using var folder = new TempFolder();
        string live = Directory.CreateDirectory(folder.File("live")).FullName;
        string real = Path.Combine(live, "app.db");
        Db(real, "old");
        string backup = Backup(real, folder.Path + "/b").Path;
        SqliteCli.Run(real, "UPDATE marker SET v = 'newer';");
        string link = folder.File("current.db");
        File.CreateSymbolicLink(link, real);

        var refused = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup, link), null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationIsLink, refused.ErrorId);
        Assert.Contains(real, refused.Message);
        Assert.True(FileLinks.IsLink(link));
        Assert.Equal("newer", Marker(real));
    }

    [Fact]
    public void Picks_the_newest_verified_backup_at_or_before_a_time()
    {
        using var folder = new TempFolder();
        string source = folder.File("app.db");
        Db(source, "v1");
        var t0 = new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);
        Backup(source, folder.Path + "/b", when: t0);
        SqliteCli.Run(source, "UPDATE marker SET v = 'v2';");
        Backup(source, folder.Path + "/b", when: t0.AddDays(1));
        SqliteCli.Run(source, "UPDATE marker SET v = 'v3';");
        Backup(source, folder.Path + "/b", when: t0.AddDays(2), verify: IntegrityMode.None); // not verified: never picked
        string target = folder.File("restored.db");

        RestoreRequest request = Request(folder.Path + "/b", target);
        request.Database = "app";
        DatabaseRestore.Run(request, null, CancellationToken.None);
        Assert.Equal("v2", Marker(target));

        request.Before = t0.AddHours(12);
        DatabaseRestore.Run(request, null, CancellationToken.None);
        Assert.Equal("v1", Marker(target));

        request.Before = t0.AddDays(-1);
        var none = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(request, null, CancellationToken.None));
        Assert.Equal(ErrorIds.NoBackupFound, none.ErrorId);
    }

    public static TheoryData<string> Tampering => new() { "wrong-passphrase", "flip-first", "flip-middle", "flip-last", "truncate-1", "truncate-half", "no-passphrase" };

    [Theory]
    [MemberData(nameof(Tampering))]
    public void A_wrong_passphrase_or_a_damaged_backup_leaves_the_destination_untouched(string how)
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b", compress: true, encrypt: true);
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        if (how.StartsWith("flip", StringComparison.Ordinal) || how.StartsWith("truncate", StringComparison.Ordinal))
        {
            BackupCatalogTests.Damage(backup.Path, how);
        }
        RestoreRequest request = Request(backup.Path, target, withPassphrase: how != "no-passphrase");
        if (how == "wrong-passphrase")
        {
            request.Passphrase = CryptoTests.Secret("not the passphrase");
        }
        FolderSnapshot before = FolderSnapshot.Take(live);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(request, null, CancellationToken.None));

        string expected = how switch
        {
            "no-passphrase" => ErrorIds.PassphraseRequired,
            _ => ErrorIds.WrongPassphraseOrCorrupt, // the HMAC covers every byte, so any change fails it
        };
        Assert.Equal(expected, ex.ErrorId);
        Assert.DoesNotContain("not the passphrase", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(live));
    }

    [Theory]
    [InlineData("flip-middle")]
    [InlineData("truncate-half")]
    public void A_damaged_unencrypted_backup_is_refused_before_the_destination_is_touched(string how)
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b", compress: true);
        BackupCatalogTests.Damage(backup.Path, how);
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        FolderSnapshot before = FolderSnapshot.Take(live);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(live));
    }

    [Fact]
    public void A_backup_that_decodes_but_fails_integrity_check_is_refused()
    {
        using var folder = new TempFolder();
        string source = TestDatabase.Create(folder.File("source.db"), syncRows: 20000);
        BackupTests.CorruptIndexPage(source, "idx_sync_log_timestamp");
        BackupInfo backup = Backup(source, folder.Path + "/b", compress: true, verify: IntegrityMode.None);
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        FolderSnapshot before = FolderSnapshot.Take(live);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupVerificationFailed, ex.ErrorId);
        Assert.Contains("integrity_check", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(live));
    }

    [Fact]
    public void A_missing_edited_or_foreign_manifest_refuses_unless_overridden_for_a_plain_file()
    {
        using var folder = new TempFolder();
        string source = Db(folder.File("source.db"), "new");
        var t0 = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        BackupInfo first = Backup(source, folder.Path + "/b", when: t0);
        BackupInfo second = Backup(source, folder.Path + "/b", when: t0.AddHours(1));
        BackupInfo compressed = Backup(source, folder.Path + "/b", compress: true, when: t0.AddHours(2));
        File.Delete(first.ManifestPath!);
        File.Copy(compressed.ManifestPath!, second.ManifestPath!, overwrite: true);   // from another backup
        File.Delete(compressed.ManifestPath!);
        string target = folder.File("app.db");

        foreach (string path in new[] { first.Path, second.Path, compressed.Path })
        {
            var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(path, target), null, CancellationToken.None));
            Assert.Equal(ErrorIds.ManifestInvalid, ex.ErrorId);
            Assert.False(File.Exists(target));
        }

        RestoreRequest overridden = Request(first.Path, target);
        overridden.AllowNoManifest = true;
        DatabaseRestore.Run(overridden, null, CancellationToken.None);
        Assert.Equal("new", Marker(target));

        // With the override a compressed backup without its manifest is read from its content, like another tool's gzip.
        SqliteCli.Run(target, "UPDATE marker SET v = 'changed';");
        overridden.BackupPath = compressed.Path;
        RestoreResult fromContent = DatabaseRestore.Run(overridden, null, CancellationToken.None);
        Assert.Equal("new", Marker(target));
        Assert.Equal(compressed.PlainSha256, fromContent.Sha256);
    }

    [Fact]
    public void A_plain_sqlite3_backup_of_a_wal_database_restores_as_one_self_contained_file()
    {
        using var folder = new TempFolder();
        string source = Db(folder.File("source.db"), "cli", journal: "wal");
        string cliBackup = folder.File("made-by-sqlite3.db");
        SqliteCli.Run(source, $".backup '{cliBackup}'");
        string target = folder.File("app.db");
        RestoreRequest request = Request(cliBackup, target);

        var refused = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(request, null, CancellationToken.None));
        request.AllowNoManifest = true;
        RestoreResult result = DatabaseRestore.Run(request, null, CancellationToken.None);

        Assert.Equal(ErrorIds.NotABackup, refused.ErrorId);
        Assert.Equal("cli", Marker(target));
        Assert.Equal("delete", SqliteCli.Run(target, "PRAGMA journal_mode;"));
        Assert.Equal(result.Sha256, Cli.Sha256Sum(target));
    }

    [Fact]
    public void A_database_another_process_has_open_is_refused_and_untouched()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        // An idle application: the file is open, no lock is held.
        Process app = SqliteCli.HoldLock(target, "SELECT 1 FROM marker LIMIT 0;");
        try
        {
            AssertRefusedAsInUse(backup.Path, target, app, live);
        }
        finally
        {
            SqliteCli.Release(app);
        }
        Assert.Equal("old", Marker(target));
    }

    [Fact]
    public void A_stale_wal_beside_the_destination_is_never_replayed_into_the_restore()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b", compress: true);
        string target = Db(folder.File("app.db"), "old", journal: "wal");
        // The application committed to the WAL and was killed: the -wal holds 'changed-after-backup'.
        SqliteCli.RunThenKill(target, "PRAGMA wal_autocheckpoint=0; UPDATE marker SET v = 'changed-after-backup'; INSERT INTO t(pad) SELECT pad FROM t;");
        Assert.True(new FileInfo(target + "-wal").Length > 0);
        byte[] oldWal = File.ReadAllBytes(target + "-wal");

        RestoreResult result = DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None);

        Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target));
        Assert.Equal("new", Marker(target)); // opening it now replays nothing
        Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target));
        Assert.Equal(oldWal, File.ReadAllBytes(Path.Combine(result.SafetyCopyPath!, "app.db-wal")));
    }

    [Fact]
    public void A_hot_journal_beside_the_destination_is_never_rolled_into_the_restore()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new", rows: 3000), folder.Path + "/b");
        string target = Db(folder.File("app.db"), "old", rows: 3000);
        // A writer killed mid-transaction with its cache spilled to disk leaves a hot journal.
        SqliteCli.RunThenKill(target, "PRAGMA cache_size=1; BEGIN; UPDATE t SET pad = hex(randomblob(40)); UPDATE marker SET v = 'uncommitted';");
        Assert.True(File.Exists(target + "-journal") && new FileInfo(target + "-journal").Length > 0, "a hot journal exists");
        byte[] journal = File.ReadAllBytes(target + "-journal");

        RestoreResult result = DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None);

        Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target));
        Assert.Equal("new", Marker(target));
        Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target)); // reading it changed nothing
        Assert.False(File.Exists(target + "-journal"));
        Assert.Equal(journal, File.ReadAllBytes(Path.Combine(result.SafetyCopyPath!, "app.db-journal")));
    }

    [Fact]
    public void A_folder_destination_is_refused()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, folder.Path), null, CancellationToken.None));

        Assert.Equal(ErrorIds.PathIsDirectory, ex.ErrorId);
    }

    [Theory]
    [InlineData("Decrypting")]
    [InlineData("Checking integrity")]
    [InlineData("Checking that")]
    [InlineData("Keeping")]
    [InlineData("Replacing")]
    [InlineData("Verifying")]
    public void A_restore_killed_at_any_step_leaves_the_old_or_the_new_database_never_a_mix(string step)
    {
        using var folder = new TempFolder();
        string backupFolder = Path.Combine(folder.Path, "backups");
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new", rows: 60000), backupFolder, compress: true, encrypt: true);
        string live = Path.Combine(folder.Path, "live");   // another directory than the backup's
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old", rows: 60000, journal: "wal");

        using Process host = BackupFaultTests.StartHost("", "restore", backup.Path, target, "--encrypt-var", "SA_FAULT_PASS_RESTORE");
        bool sawStep = false;
        while (host.StandardOutput.ReadLine() is string line)
        {
            if (line.StartsWith("step: " + step, StringComparison.Ordinal) || line.StartsWith("done", StringComparison.Ordinal))
            {
                sawStep = line.StartsWith("step", StringComparison.Ordinal);
                break;
            }
        }
        host.Kill(entireProcessTree: true);
        host.WaitForExit();
        Assert.True(sawStep, $"the restore never reached '{step}'");

        // Never neither, never a mix: the path holds a whole database, and exactly the one that must be
        // there at that step: the old one until the replace step (an early swap is a bug), either one
        // while it runs (the rename may or may not have happened), the new one once it is verifying.
        Assert.True(File.Exists(target));
        Assert.Equal("ok", SqliteCli.Run(target, "PRAGMA integrity_check;"));
        string marker = Marker(target);
        string[] allowed = step switch
        {
            "Replacing" => new[] { "old", "new" },
            "Verifying" => new[] { "new" },
            _ => new[] { "old" },
        };
        Assert.Contains(marker, allowed);
        Assert.Equal("60000", SqliteCli.Run(target, "SELECT count(*) FROM t;"));
        if (marker == "new")
        {
            Assert.Equal(backup.PlainSha256, Cli.Sha256Sum(target));
        }
        // Temp files are beside the destination (same volume: an atomic rename), never beside the backup.
        Assert.Empty(Directory.GetFiles(backupFolder, DurableFile.TempPrefix + "*"));
        // Once the safety copy was started it can be found.
        if (step is "Replacing" or "Verifying")
        {
            string safety = Assert.Single(Directory.GetDirectories(Path.Combine(live, "before_restore")));
            Assert.Equal("old", Marker(Path.Combine(safety, "app.db")));
        }
    }
}
