using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.Restore;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;
using static SqliteAdmin.Core.Tests.Restore.RestoreTests;

namespace SqliteAdmin.Core.Tests.Restore;

/// <summary>Seed 002's archives (two databases and backup_metadata.json in a tar.gz), made with the real tar, restored all or nothing.</summary>
public class ArchiveRestoreTests
{
    internal const string Metadata = """
        {
          "backup_name": "production_backup",
          "created_at": "2025-08-04T16:38:29.591353",
          "version": "1.0.0",
          "includes": {"arrow_database": true, "user_database": true},
          "arrow_db_stats": {"table_count": 2, "file_size_mb": 0.1},
          "user_db_stats": {"table_count": 2, "file_size_mb": 0.1}
        }
        """;

    /// <summary>backup_manager.py's archive: sqlite3 .backup of each database, the metadata, tar -czf.</summary>
    internal static string SeedArchive(TempFolder folder, string name = "archerytools_backup_20250804_163829.tar.gz", string metadata = Metadata,
        Action<string>? stage = null, params string[] tarOptions)
    {
        string staging = folder.File("staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        SeedBackups.SqliteBackup(Db(folder.File("arrow-src-" + Guid.NewGuid().ToString("N") + ".db"), "arrow-new"), Path.Combine(staging, "arrow_database.db"));
        SeedBackups.SqliteBackup(Db(folder.File("user-src-" + Guid.NewGuid().ToString("N") + ".db"), "user-new"), Path.Combine(staging, "user_data.db"));
        File.WriteAllText(Path.Combine(staging, "backup_metadata.json"), metadata);
        stage?.Invoke(staging);
        string archive = folder.File(name);
        var args = new List<string> { "-czf", archive };
        args.AddRange(tarOptions);
        args.AddRange(new[] { "-C", staging });
        args.AddRange(Directory.GetFileSystemEntries(staging).Select(Path.GetFileName).OrderBy(n => n)!);
        var (exit, err) = Cli.Run("tar", args);
        Assert.True(exit == 0, "tar: " + err);
        return archive;
    }

    /// <summary>The live databases: /app/arrow_data/arrow_database.db and /app/user_data/user_data.db, marker 'old'.</summary>
    private static (string Arrow, string User, string App) Live(TempFolder folder)
    {
        string app = folder.File("app");
        Directory.CreateDirectory(Path.Combine(app, "arrow_data"));
        Directory.CreateDirectory(Path.Combine(app, "user_data"));
        return (Db(Path.Combine(app, "arrow_data", "arrow_database.db"), "arrow-old"), Db(Path.Combine(app, "user_data", "user_data.db"), "user-old"), app);
    }

    private static RestoreRequest Request(string archive, string? database = null) => new()
    {
        BackupPath = archive,
        Database = database,
        AllowNoManifest = true,
        Passphrase = CryptoTests.Secret(SeedBackups.Pass),
        BusyTimeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public void Seed_002s_archive_restores_both_databases_each_to_its_own_destination_with_its_own_safety_copy()
    {
        using var folder = new TempFolder();
        string archive = SeedArchive(folder);
        var (arrow, user, _) = Live(folder);

        List<RestoreResult> results = ArchiveRestore.Run(Request(archive), new[] { arrow, user }, null, CancellationToken.None);

        Assert.Equal(("arrow-new", "user-new"), (Marker(arrow), Marker(user)));
        Assert.Equal(new[] { "arrow_database.db", "user_data.db" }, results.Select(r => r.Member).OrderBy(m => m));
        Assert.All(results, r => Assert.True(r.Verified));
        Assert.All(results, r => Assert.Equal(archive, r.BackupPath));
        Assert.All(results, r => Assert.Equal(new DateTime(2025, 8, 4, 16, 38, 29, DateTimeKind.Local).ToUniversalTime(), r.BackupCreatedUtc!.Value.AddTicks(-(r.BackupCreatedUtc!.Value.Ticks % TimeSpan.TicksPerSecond))));
        Assert.Equal("arrow-old", Marker(Path.Combine(results.Single(r => r.Member == "arrow_database.db").SafetyCopyPath!, "arrow_database.db")));
        Assert.Equal("user-old", Marker(Path.Combine(results.Single(r => r.Member == "user_data.db").SafetyCopyPath!, "user_data.db")));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(arrow)!, ".sqliteadmin-tmp-*"));
    }

    [Fact]
    public void User_db_only_restores_one_member_and_leaves_the_other_alone()
    {
        using var folder = new TempFolder();
        string archive = SeedArchive(folder);
        var (arrow, user, app) = Live(folder);
        FolderSnapshot arrowBefore = FolderSnapshot.Take(Path.GetDirectoryName(arrow)!);

        List<RestoreResult> results = ArchiveRestore.Run(Request(archive, "user_data"), new[] { user }, null, CancellationToken.None);

        Assert.Equal("user_data.db", results.Single().Member);
        Assert.Equal("user-new", Marker(user));
        Assert.Equal(arrowBefore, FolderSnapshot.Take(Path.GetDirectoryName(arrow)!));
        Assert.Equal(ErrorIds.ArchiveMemberNotFound, Assert.Throws<SqliteAdminException>(() =>
            ArchiveRestore.Run(Request(archive, "orders"), new[] { user }, null, CancellationToken.None)).ErrorId);
    }

    [Fact]
    public void An_encrypted_archive_and_a_folder_destination_restore_too()
    {
        using var folder = new TempFolder();
        string archive = SeedArchive(folder);
        string encrypted = SeedBackups.Encrypt(archive, archive + ".enc", "-pbkdf2", "-iter", "10000", "-md", "sha256");
        string restoreInto = folder.File("restored");
        Directory.CreateDirectory(restoreInto);

        ArchiveRestore.Run(Request(encrypted), new[] { restoreInto }, null, CancellationToken.None);

        Assert.Equal("arrow-new", Marker(Path.Combine(restoreInto, "arrow_database.db")));
        Assert.Equal("user-new", Marker(Path.Combine(restoreInto, "user_data.db")));
    }

    [Theory]
    [InlineData("no-override")]
    [InlineData("damaged-second-member")]
    [InlineData("locked-destination")]
    [InlineData("no-destination-for-a-member")]
    [InlineData("metadata-says-missing-database")]
    [InlineData("bad-metadata")]
    [InlineData("truncated-archive")]
    public void A_failure_of_any_member_leaves_every_destination_as_it_was(string fault)
    {
        using var folder = new TempFolder();
        string archive = fault switch
        {
            "damaged-second-member" => SeedArchive(folder, stage: staging =>
            {
                using var stream = new FileStream(Path.Combine(staging, "user_data.db"), FileMode.Open);
                stream.Position = 4096 * 2 + 10;
                stream.Write(Enumerable.Repeat((byte)0xA5, 3000).ToArray());
            }),
            "metadata-says-missing-database" => SeedArchive(folder, stage: staging => File.Delete(Path.Combine(staging, "user_data.db"))),
            "bad-metadata" => SeedArchive(folder, metadata: """{"backup_name": "x", "created_at": 5}"""),
            _ => SeedArchive(folder),
        };
        if (fault == "truncated-archive")
        {
            File.WriteAllBytes(archive, File.ReadAllBytes(archive)[..^100]);
        }
        var (arrow, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);
        RestoreRequest request = Request(archive);
        request.AllowNoManifest = fault != "no-override";
        string[] destinations = fault == "no-destination-for-a-member" ? new[] { arrow } : new[] { arrow, user };
        Process? holder = fault == "locked-destination" ? SqliteCli.HoldLock(user, "BEGIN IMMEDIATE; UPDATE marker SET v = v;") : null;
        SqliteAdminException ex;
        try
        {
            ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(request, destinations, null, CancellationToken.None));
        }
        finally
        {
            if (holder != null)
            {
                SqliteCli.Release(holder);
            }
        }

        string expected = fault switch
        {
            "no-override" => ErrorIds.NotABackup,
            "damaged-second-member" => ErrorIds.BackupVerificationFailed,
            "locked-destination" => ErrorIds.DatabaseInUse,
            "no-destination-for-a-member" => ErrorIds.ArchiveMemberNotFound,
            _ => ErrorIds.BackupCorrupt,
        };
        Assert.Equal(expected, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(app));
        Assert.Equal(("arrow-old", "user-old"), (Marker(arrow), Marker(user)));
    }

    [Fact]
    public void When_the_second_restore_is_refused_after_the_first_was_swapped_the_first_is_put_back()
    {
        using var folder = new TempFolder();
        string archive = SeedArchive(folder);
        var (arrow, user, app) = Live(folder);
        // The second destination is a link: checked only by the single restore, after the first has been restored.
        string real = folder.File("elsewhere.db");
        File.Move(user, real);
        File.CreateSymbolicLink(user, real);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { arrow, user }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationIsLink, ex.ErrorId);
        Assert.Contains("' was put back as it was", ex.Message); // one database: "was", not "were"
        Assert.Equal("arrow-old", Marker(arrow));
        Assert.Equal("user-old", Marker(real));
    }

    [Fact]
    public void An_entry_that_claims_more_bytes_than_the_disk_has_is_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        // A tar header claiming 10 TB (written by Python's tarfile), followed by a database's first bytes only.
        string archive = folder.File("bomb_20250804_163829.tar.gz");
        string script = "import tarfile,gzip,sys\n" +
                        "ti = tarfile.TarInfo('user_data.db'); ti.size = 10 * 1024 ** 4\n" +
                        "data = ti.tobuf(format=tarfile.GNU_FORMAT) + b'SQLite format 3\\x00' + bytes(496) + bytes(1024)\n" +
                        "gzip.open(sys.argv[1], 'wb').write(data)\n";
        File.WriteAllText(folder.File("bomb.py"), script);
        Cli.Output("python3", folder.File("bomb.py"), archive);
        var (arrow, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { arrow, user }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationNotWritable, ex.ErrorId);
        Assert.Contains("bytes free", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(app));
    }

    /// <summary>A plain tar (tar -cf) with no manifest and no backup_metadata.json: arrow_database.db, a database, and the given extra files.</summary>
    private static string PlainTar(TempFolder folder, Action<string> stage)
    {
        string staging = folder.File("staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        SeedBackups.SqliteBackup(Db(folder.File("arrow-src.db"), "arrow-new"), Path.Combine(staging, "arrow_database.db"));
        stage(staging);
        string archive = folder.File("plain_20250804_163829.tar");
        var args = new List<string> { "-cf", archive, "-C", staging };
        args.AddRange(Directory.GetFileSystemEntries(staging).Select(Path.GetFileName).OrderBy(n => n)!);
        var (exit, err) = Cli.Run("tar", args);
        Assert.True(exit == 0, "tar: " + err);
        return archive;
    }

    private static void RandomFile(string path, int bytes)
    {
        Assert.Equal(0, Cli.Run("head", new[] { "-c", bytes.ToString(), "/dev/urandom" }, stdoutFile: path).ExitCode);
    }

    [Fact]
    public void A_member_named_like_a_database_that_is_not_one_refuses_the_whole_archive()
    {
        using var folder = new TempFolder();
        string archive = PlainTar(folder, staging => RandomFile(Path.Combine(staging, "user_data.db"), 8192));
        var (arrow, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { arrow, user }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("user_data.db", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(app));
        Assert.Equal(("arrow-old", "user-old"), (Marker(arrow), Marker(user)));
    }

    [Fact]
    public void Other_files_of_an_archive_that_are_not_databases_are_skipped_and_reported()
    {
        using var folder = new TempFolder();
        string archive = PlainTar(folder, staging => File.WriteAllText(Path.Combine(staging, "notes.txt"), "settings\n"));
        var (arrow, _, _) = Live(folder);

        RestoreResult result = Assert.Single(ArchiveRestore.Run(Request(archive), new[] { arrow }, null, CancellationToken.None));

        Assert.Equal("arrow-new", Marker(arrow));
        Assert.Equal(new[] { "notes.txt" }, result.SkippedMembers);
    }

    [Fact]
    public void An_entry_that_claims_more_bytes_than_the_archive_holds_is_truncation_and_nothing_is_written()
    {
        using var folder = new TempFolder();
        // A real database (Python's sqlite3), its tar header claiming 64 MB, the archive ending after its data.
        string archive = folder.File("short_20250804_163829.tar.gz");
        string script = "import tarfile,gzip,sys,sqlite3,os\n" +
                        "db = sys.argv[1] + '.src.db'; c = sqlite3.connect(db); c.execute('CREATE TABLE marker(v)'); c.execute(\"INSERT INTO marker VALUES ('user-new')\"); c.commit(); c.close()\n" +
                        "data = open(db, 'rb').read(); os.remove(db)\n" +
                        "ti = tarfile.TarInfo('user_data.db'); ti.size = 64 * 1024 ** 2\n" +
                        "gzip.open(sys.argv[1], 'wb').write(ti.tobuf(format=tarfile.GNU_FORMAT) + data)\n";
        File.WriteAllText(folder.File("short.py"), script);
        Cli.Output("python3", folder.File("short.py"), archive);
        Assert.True(new FileInfo(archive).Length < 4096);
        var (arrow, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { arrow, user }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("truncated", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(app));
        Assert.Equal("user-old", Marker(user));
    }

    [Fact]
    public void An_archive_that_ends_before_its_end_of_archive_blocks_is_truncation()
    {
        using var folder = new TempFolder();
        // A whole member, then nothing: no end-of-archive blocks (GNU tar: Unexpected EOF in archive).
        string archive = folder.File("noend_20250804_163829.tar");
        string script = "import tarfile,sys,sqlite3,os\n" +
                        "db = sys.argv[1] + '.src.db'; c = sqlite3.connect(db); c.execute('CREATE TABLE marker(v)'); c.execute(\"INSERT INTO marker VALUES ('user-new')\"); c.commit(); c.close()\n" +
                        "data = open(db, 'rb').read(); os.remove(db)\n" +
                        "ti = tarfile.TarInfo('user_data.db'); ti.size = len(data)\n" +
                        "open(sys.argv[1], 'wb').write(ti.tobuf(format=tarfile.GNU_FORMAT) + data + bytes(-len(data) % 512))\n";
        File.WriteAllText(folder.File("noend.py"), script);
        Cli.Output("python3", folder.File("noend.py"), archive);
        var (_, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { user }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("truncated", ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(app));
    }

    [Theory]
    [InlineData("user_data.db-wal")]
    [InlineData("user_data.db-journal")]
    [InlineData("user_data.db-shm")]
    public void A_member_named_like_a_side_file_of_a_database_refuses_the_whole_archive(string side)
    {
        using var folder = new TempFolder();
        // A real database under the side file's name: put beside user_data.db it would be replayed into it.
        string archive = SeedArchive(folder, stage: staging => File.Copy(Path.Combine(staging, "user_data.db"), Path.Combine(staging, side)));
        var (arrow, user, app) = Live(folder);
        string into = Path.GetDirectoryName(user)!;
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { arrow, into }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.ArchiveUnsafe, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(app));
    }

    [Fact]
    public void Every_database_name_the_listing_shows_for_a_seed_archive_is_accepted_by_Database()
    {
        using var folder = new TempFolder();
        string archive = SeedArchive(folder);
        BackupInfo listed = BackupCatalog.DescribeForeign(archive, CancellationToken.None)!;
        Assert.Contains(listed.Members!, m => m.Database == "arrow");

        foreach (ArchiveMemberInfo member in listed.Members!)
        {
            string into = folder.File("into-" + member.Database);
            Directory.CreateDirectory(into);
            RestoreResult result = Assert.Single(ArchiveRestore.Run(Request(archive, member.Database), new[] { into }, null, CancellationToken.None));
            Assert.True(result.Verified);
        }
        Assert.Equal("arrow-new", Marker(Path.Combine(folder.File("into-arrow"), "arrow_database.db")));
    }

    [Theory]
    [InlineData("parent")]
    [InlineData("absolute")]
    [InlineData("symlink")]
    [InlineData("hardlink")]
    public void A_hostile_archive_is_refused_whole_and_nothing_is_written(string trick)
    {
        using var folder = new TempFolder();
        string archive = trick switch
        {
            "parent" => SeedArchive(folder, tarOptions: new[] { "--transform", "s,^user,../user," }),
            "absolute" => SeedArchive(folder, tarOptions: new[] { "-P", "--transform", "s,^user,/tmp/user," }),
            "symlink" => SeedArchive(folder, stage: staging => File.CreateSymbolicLink(Path.Combine(staging, "zz_passwd.db"), "/etc/passwd")),
            "hardlink" => SeedArchive(folder, stage: staging => Cli.Output("ln", Path.Combine(staging, "user_data.db"), Path.Combine(staging, "zz_link.db"))),
            _ => throw new ArgumentException(trick),
        };
        var (arrow, user, app) = Live(folder);
        FolderSnapshot before = FolderSnapshot.Take(app);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Request(archive), new[] { Path.GetDirectoryName(arrow)! }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.ArchiveUnsafe, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(app));
    }
}

/// <summary>Seed 002's --list and --verify, done by Get-SqliteBackup.</summary>
public class ArchiveCatalogTests
{
    [Fact]
    public void An_archive_is_listed_as_foreign_tar_gz_and_Verify_lists_and_checks_its_members()
    {
        using var folder = new TempFolder();
        string good = ArchiveRestoreTests.SeedArchive(folder);
        string userOnly = ArchiveRestoreTests.SeedArchive(folder, "user_data_only_20250804_140000.tar.gz",
            metadata: """{"backup_name": "u", "created_at": "2025-08-04T14:00:00", "version": "1.0.0", "includes": {"arrow_database": false, "user_database": true}}""",
            stage: staging => File.Delete(Path.Combine(staging, "arrow_database.db")));
        string lying = ArchiveRestoreTests.SeedArchive(folder, "production_backup.tar.gz", stage: staging => File.Delete(Path.Combine(staging, "user_data.db")));

        string backups = folder.File("backups");
        Directory.CreateDirectory(backups);
        (good, userOnly, lying) = (Move(good, backups), Move(userOnly, backups), Move(lying, backups));
        // The real tar is the judge of what the member holds.
        Assert.Equal(0, Cli.Run("tar", new[] { "-xzf", good, "-O", "user_data.db" }, stdoutFile: folder.File("judge.db")).ExitCode);

        var listed = BackupCatalog.List(backups, null, false, CancellationToken.None, foreign: true).ToDictionary(b => b.Path);
        foreach (BackupInfo info in listed.Values)
        {
            BackupCatalog.Verify(info, null, CancellationToken.None);
        }

        Assert.Equal(3, listed.Count);
        BackupInfo archive = listed[good];
        Assert.Equal(("tar.gz", true, "archerytools"), (archive.Format, archive.Foreign, archive.Database));
        Assert.Equal(BackupCheckStatus.Readable, archive.Status);
        Assert.Equal(new[] { "arrow_database", "user_data" }, archive.Members.Select(m => m.Database).OrderBy(d => d));
        Assert.All(archive.Members, m => Assert.Equal("Ok", m.Status));
        Assert.Equal(2, archive.Members.Single(m => m.Database == "user_data").TableCount);
        Assert.Equal(Cli.Sha256Sum(folder.File("judge.db")), archive.Members.Single(m => m.Database == "user_data").Sha256);
        Assert.Equal(new DateTime(2025, 8, 4, 16, 38, 29, DateTimeKind.Local).ToUniversalTime(), archive.CreatedUtc.AddTicks(-(archive.CreatedUtc.Ticks % TimeSpan.TicksPerSecond)));
        Assert.Equal(BackupCheckStatus.Readable, listed[userOnly].Status);
        Assert.Equal(new[] { "user_data" }, listed[userOnly].Members.Select(m => m.Database));
        Assert.Equal(BackupCheckStatus.Corrupt, listed[lying].Status);
        Assert.Contains("missing", listed[lying].StatusMessage);
    }

    [Fact]
    public void Test_SqliteIntegrity_checks_each_database_of_an_archive_and_reports_a_hostile_one_as_Corrupt()
    {
        using var folder = new TempFolder();
        string damaged = ArchiveRestoreTests.SeedArchive(folder, "damaged_20250804_163829.tar.gz", stage: staging =>
        {
            using var stream = new FileStream(Path.Combine(staging, "user_data.db"), FileMode.Open);
            stream.Position = 4096 * 2 + 10;
            stream.Write(Enumerable.Repeat((byte)0xA5, 3000).ToArray());
        });
        string hostile = ArchiveRestoreTests.SeedArchive(folder, "hostile_20250804_163829.tar.gz", tarOptions: new[] { "--transform", "s,^user,../user," });

        List<IntegrityResult> results = DatabaseIntegrity.CheckAll(new IntegrityRequest { Path = damaged }, null, CancellationToken.None);
        List<IntegrityResult> refused = DatabaseIntegrity.CheckAll(new IntegrityRequest { Path = hostile }, null, CancellationToken.None);

        Assert.Equal(new[] { "arrow_database.db", "user_data.db" }, results.Select(r => r.Member));
        Assert.Equal(IntegrityStatus.Ok, results[0].Status);
        Assert.NotEqual(IntegrityStatus.Ok, results[1].Status);
        Assert.All(results, r => Assert.True(r.IsBackup));
        Assert.Equal(IntegrityStatus.Corrupt, refused.Last().Status);
        Assert.Contains("climbs out", refused.Last().Errors.Single());
    }

    private static string Move(string file, string folder)
    {
        string target = Path.Combine(folder, Path.GetFileName(file));
        File.Move(file, target);
        return target;
    }
}
