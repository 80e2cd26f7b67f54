using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Restore;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.Tests.Infrastructure;
using static SqliteAdmin.Core.Tests.Restore.RestoreTests;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>Backup-SqliteDatabase -Archive: several databases in one archive that the standard tools read back.</summary>
public class ArchiveBackupTests
{
    private const string Pass = "archive passphrase";

    private static (string Arrow, string User) Sources(TempFolder folder)
    {
        Directory.CreateDirectory(folder.File("arrow_data"));
        Directory.CreateDirectory(folder.File("user_data"));
        return (Db(folder.File("arrow_data/arrow_database.db"), "arrow", rows: 3000, journal: "wal"), Db(folder.File("user_data/user_data.db"), "user", rows: 1500));
    }

    private static BackupInfo Archive(string dest, IReadOnlyList<string> sources, bool encrypt = false, DateTime? when = null) =>
        ArchiveBackup.Run(sources, "tuner", new BackupRequest
        {
            Destination = dest,
            Compress = true,
            Passphrase = encrypt ? CryptoTests.Secret(Pass) : null,
            Iterations = 10000,
            UtcNow = when == null ? () => DateTime.UtcNow : () => when.Value,
        }, null, CancellationToken.None);

    [Fact]
    public void An_archive_of_two_databases_is_read_back_by_the_real_tar_with_a_manifest_inside_and_beside()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        string dest = folder.File("backups");

        BackupInfo archive = Archive(dest, new[] { arrow, user });

        Assert.Matches(@"^tuner_manual_\d{8}_\d{6}\.tar\.gz$", Path.GetFileName(archive.Path));
        Assert.Equal(("tar.gz", false, BackupCheckStatus.Ok), (archive.Format, archive.Foreign, archive.Status));
        Assert.Equal(new[] { "arrow_database", "user_data" }, archive.Members.Select(m => m.Database));
        string extracted = folder.File("extracted");
        Directory.CreateDirectory(extracted);
        var (exit, err) = Cli.Run("tar", new[] { "-xzf", archive.Path, "-C", extracted });
        Assert.True(exit == 0, err);
        Assert.Equal(new[] { "arrow_database.db", "sqliteadmin-archive.json", "user_data.db" }, Directory.GetFiles(extracted).Select(Path.GetFileName).OrderBy(n => n));
        foreach (ArchiveMemberInfo member in archive.Members)
        {
            string db = Path.Combine(extracted, member.Name);
            Assert.Equal(member.Sha256, Cli.Sha256Sum(db));
            Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
            Assert.Equal("delete", SqliteCli.Run(db, "PRAGMA journal_mode;"));
        }
        Assert.Equal("arrow", Marker(Path.Combine(extracted, "arrow_database.db")));
        Assert.Equal(2, BackupManifest.ParseArchiveInside(File.ReadAllText(Path.Combine(extracted, "sqliteadmin-archive.json"))).Count);
        BackupManifest beside = BackupManifest.Read(archive.ManifestPath!);
        Assert.Equal((Cli.Sha256Sum(archive.Path), 2), (beside.StoredSha256, beside.Members.Count));
        Assert.Equal(arrow, beside.Members[0].SourcePath);
        Assert.Empty(Directory.GetFiles(dest, ".sqliteadmin-tmp-*"));
        Assert.Equal("600", Cli.Output("stat", "-c", "%a", archive.Path));
    }

    [Fact]
    public void An_encrypted_archive_is_opened_by_openssl_enc_d_piped_into_tar()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        BackupInfo archive = Archive(folder.File("backups"), new[] { arrow, user }, encrypt: true);
        string extracted = folder.File("extracted");
        Directory.CreateDirectory(extracted);

        var (exit, err) = Cli.Run("bash", new[] { "-c", $"openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 -pass env:SA_PASS -in '{archive.Path}' | tar -xzf - -C '{extracted}'" },
            environment: new Dictionary<string, string> { ["SA_PASS"] = Pass });

        Assert.True(exit == 0, err);
        Assert.Equal("tar.gz.enc", archive.Format);
        Assert.Equal("user", Marker(Path.Combine(extracted, "user_data.db")));
        Assert.Equal(archive.Members.Single(m => m.Database == "user_data").Sha256, Cli.Sha256Sum(Path.Combine(extracted, "user_data.db")));
        Assert.DoesNotContain(Pass, File.ReadAllText(archive.ManifestPath!));
        Assert.Empty(Directory.GetFiles(folder.File("arrow_data"), ".sqliteadmin-tmp-*"));
    }

    [Fact]
    public void Listing_verifying_and_restoring_an_archive_of_ours_all_or_one_member()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        string dest = folder.File("backups");
        BackupInfo made = Archive(dest, new[] { arrow, user }, encrypt: true);
        SqliteCli.Run(arrow, "UPDATE marker SET v = 'arrow-changed';");
        SqliteCli.Run(user, "UPDATE marker SET v = 'user-changed';");

        BackupInfo listed = BackupCatalog.List(dest, null, false, CancellationToken.None, foreign: true).Single();
        using (var passphrase = CryptoTests.Secret(Pass))
        {
            BackupCatalog.Verify(listed, passphrase, CancellationToken.None);
        }
        var request = new RestoreRequest { BackupPath = made.Path, Passphrase = CryptoTests.Secret(Pass), Database = "user_data", BusyTimeout = TimeSpan.FromSeconds(5) };
        List<RestoreResult> one = ArchiveRestore.Run(request, new[] { user }, null, CancellationToken.None);
        Assert.Equal(("arrow-changed", "user"), (Marker(arrow), Marker(user)));
        request.Database = null;
        List<RestoreResult> all = ArchiveRestore.Run(request, new[] { arrow, user }, null, CancellationToken.None);

        Assert.Equal((BackupCheckStatus.Ok, false), (listed.Status, listed.Foreign));
        Assert.All(listed.Members, m => Assert.Equal("Ok", m.Status));
        Assert.Equal("user_data.db", one.Single().Member);
        Assert.Equal(2, all.Count);
        Assert.Equal(("arrow", "user"), (Marker(arrow), Marker(user)));
        Assert.All(all, r => Assert.Equal(made.CreatedUtc, r.BackupCreatedUtc));
        // By folder and name an archive is not taken for one database's backup: the admin is told to name it.
        var byName = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(new RestoreRequest { BackupPath = dest, Database = "tuner", BusyTimeout = TimeSpan.FromSeconds(5) },
            new[] { user }, null, CancellationToken.None));
        Assert.Equal(ErrorIds.NoBackupFound, byName.ErrorId);
        Assert.Contains("archives", byName.Message);
    }

    [Fact]
    public void A_member_altered_inside_an_archive_of_ours_is_found_by_Verify_and_refused_by_restore()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        string dest = folder.File("backups");
        BackupInfo made = Archive(dest, new[] { arrow, user });
        // A manifest edited to match a different archive file would pass the file check; the members still must match.
        BackupManifest manifest = BackupManifest.Read(made.ManifestPath!);
        manifest.Members[1].PlainSha256 = new string('0', 64);
        File.WriteAllText(made.ManifestPath!, manifest.ToJson());

        BackupInfo listed = BackupCatalog.List(dest, null, false, CancellationToken.None).Single();
        BackupCatalog.Verify(listed, null, CancellationToken.None);
        FolderSnapshot before = FolderSnapshot.Take(folder.File("arrow_data"));
        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(new RestoreRequest { BackupPath = made.Path, BusyTimeout = TimeSpan.FromSeconds(5) },
            new[] { arrow, user }, null, CancellationToken.None));

        Assert.Equal(BackupCheckStatus.Corrupt, listed.Status);
        Assert.Equal("Corrupt", listed.Members.Single(m => m.Database == "user_data").Status);
        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.File("arrow_data")));
    }

    [Fact]
    public void A_member_that_is_not_a_database_or_a_name_given_twice_leaves_nothing_behind()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        File.WriteAllText(folder.File("notes.db"), "not a database");
        string dest = folder.File("backups");
        Directory.CreateDirectory(dest);
        Directory.CreateDirectory(folder.File("other"));
        string twin = Db(folder.File("other/user_data.db"), "twin");

        var notDb = Assert.Throws<SqliteAdminException>(() => Archive(dest, new[] { arrow, folder.File("notes.db") }));
        var twice = Assert.Throws<SqliteAdminException>(() => Archive(dest, new[] { user, twin }));

        Assert.Equal(ErrorIds.NotADatabase, notDb.ErrorId);
        Assert.Equal(ErrorIds.ArchiveMemberConflict, twice.ErrorId);
        Assert.DoesNotContain(Directory.GetFiles(dest), f => !f.EndsWith(".lock", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(folder.File("arrow_data"), ".sqliteadmin-tmp-*"));
    }

    [Theory]
    [InlineData("backup_metadata.json")]
    [InlineData("sqliteadmin-archive.json")]
    public void A_database_named_like_the_archives_own_description_is_refused(string file)
    {
        using var folder = new TempFolder();
        var (arrow, _) = Sources(folder);
        Directory.CreateDirectory(folder.File("odd"));
        string named = Db(folder.File("odd/" + file), "odd");
        string dest = folder.File("backups");

        var ex = Assert.Throws<SqliteAdminException>(() => Archive(dest, new[] { arrow, named }));

        Assert.Equal(ErrorIds.ArchiveMemberConflict, ex.ErrorId);
        Assert.True(!Directory.Exists(dest) || Directory.GetFiles(dest).All(f => f.EndsWith(".lock", StringComparison.Ordinal)));
    }

    [Fact]
    public void Retention_treats_an_archive_as_one_backup_of_its_set()
    {
        using var folder = new TempFolder();
        var (arrow, user) = Sources(folder);
        string dest = folder.File("backups");
        var t0 = new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);
        BackupInfo older = Archive(dest, new[] { arrow, user }, when: t0);
        BackupInfo newer = Archive(dest, new[] { arrow, user }, when: t0.AddDays(1));

        var plan = BackupRetention.Plan(BackupRetention.Find(dest, null, false), new RetentionPolicy { KeepLast = 1 }, t0.AddDays(2), TimeZoneInfo.Utc);
        foreach (RetentionDecision expired in plan.Where(d => d.Action == RetentionAction.Remove))
        {
            BackupRetention.Remove(expired);
        }

        Assert.Equal(2, plan.Count);
        Assert.All(plan, d => Assert.Equal("tuner", d.Database));
        Assert.Equal(older.Path, plan.Single(d => d.Action == RetentionAction.Removed).Path);
        Assert.False(File.Exists(older.ManifestPath));
        Assert.True(File.Exists(newer.Path));
    }
}
