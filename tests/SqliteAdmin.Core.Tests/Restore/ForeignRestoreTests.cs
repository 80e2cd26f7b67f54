using System.Collections.Generic;
using System;
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

/// <summary>Backups the seed runbooks already made, restored through the same checked path as ours.</summary>
public class ForeignRestoreTests
{
    private static RestoreRequest Foreign(string backup, string destination, bool withPassphrase = true) => new()
    {
        BackupPath = backup,
        Destination = destination,
        AllowNoManifest = true,
        Passphrase = withPassphrase ? CryptoTests.Secret(SeedBackups.Pass) : null,
        BusyTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>A folder with the live database (marker 'old') and a seed-made copy of another one (marker 'new').</summary>
    private static (string Target, string Copy) Setup(TempFolder folder)
    {
        string source = Db(folder.File("source.db"), "new", rows: 3000);
        string copy = SeedBackups.SqliteBackup(source, folder.File("preroll_tracker.db.backup_20260228_060000"));
        Directory.CreateDirectory(folder.File("live"));
        string target = Db(folder.File("live/preroll_tracker.db"), "old");
        return (target, copy);
    }

    [Theory]
    [InlineData("-pbkdf2", "-iter", "10000", "-md", "sha256")]
    [InlineData("-pbkdf2", "-iter", "250000", "-md", "sha256")]
    [InlineData("-md", "md5")]
    public void Seed_000s_encrypted_backup_restores_verified_with_a_safety_copy(params string[] keyOptions)
    {
        using var folder = new TempFolder();
        var (target, copy) = Setup(folder);
        string enc = SeedBackups.GzipThenEncrypt(copy, copy + ".enc", keyOptions);

        RestoreResult result = DatabaseRestore.Run(Foreign(enc, target), null, CancellationToken.None);

        Assert.Equal("new", Marker(target));
        Assert.True(result.Verified);
        Assert.Equal("ok", result.IntegrityResult);
        Assert.Equal(Cli.Sha256Sum(copy), Cli.Sha256Sum(target));
        Assert.Equal(new DateTime(2026, 2, 28, 6, 0, 0, DateTimeKind.Local).ToUniversalTime(), result.BackupCreatedUtc);
        Assert.Equal("old", Marker(Path.Combine(result.SafetyCopyPath!, "preroll_tracker.db")));
        Assert.Empty(Directory.GetFiles(folder.File("live"), ".sqliteadmin-tmp-*"));
    }

    [Fact]
    public void Seed_001s_gzip_with_its_checksum_restores_and_a_plain_copy_restores()
    {
        using var folder = new TempFolder();
        var (target, copy) = Setup(folder);
        string gz = SeedBackups.Gzip(copy, folder.File("tablet_counter_daily_20241206_020000.db.gz"));
        SeedBackups.Sha256Beside(gz);

        DatabaseRestore.Run(Foreign(gz, target, withPassphrase: false), null, CancellationToken.None);
        Assert.Equal("new", Marker(target));

        SqliteCli.Run(target, "UPDATE marker SET v = 'changed';");
        DatabaseRestore.Run(Foreign(copy, target, withPassphrase: false), null, CancellationToken.None);
        Assert.Equal("new", Marker(target));
    }

    [Theory]
    [InlineData("no-override")]
    [InlineData("no-passphrase")]
    [InlineData("wrong-passphrase")]
    [InlineData("checksum-mismatch")]
    [InlineData("truncated")]
    [InlineData("damaged-database-inside")]
    [InlineData("text-inside-gzip")]
    public void A_foreign_backup_that_cannot_be_trusted_leaves_the_destination_as_it_was(string fault)
    {
        using var folder = new TempFolder();
        var (target, copy) = Setup(folder);
        string file = folder.File("preroll_tracker_20260228_060000.db.gz");
        switch (fault)
        {
            case "damaged-database-inside":
                // A page in the middle of the copy overwritten: decodes cleanly, fails integrity_check.
                using (var stream = new FileStream(copy, FileMode.Open))
                {
                    stream.Position = 4096 * 3 + 100;
                    stream.Write(Enumerable.Repeat((byte)0x5A, 2000).ToArray());
                }
                SeedBackups.Gzip(copy, file);
                break;
            case "text-inside-gzip":
                File.WriteAllText(copy, "not a database");
                SeedBackups.Gzip(copy, file);
                break;
            case "no-passphrase":
            case "wrong-passphrase":
                file = SeedBackups.GzipThenEncrypt(copy, file + ".enc");
                break;
            default:
                SeedBackups.Gzip(copy, file);
                break;
        }
        if (fault == "checksum-mismatch")
        {
            File.WriteAllText(file + ".sha256", new string('a', 64) + "  " + Path.GetFileName(file) + "\n");
        }
        if (fault == "truncated")
        {
            byte[] bytes = File.ReadAllBytes(file);
            File.WriteAllBytes(file, bytes[..^4]);
        }
        RestoreRequest request = Foreign(file, target, withPassphrase: fault != "no-passphrase");
        if (fault == "no-override")
        {
            request.AllowNoManifest = false;
        }
        if (fault == "wrong-passphrase")
        {
            request.Passphrase = CryptoTests.Secret("wrong key");
        }
        FolderSnapshot before = FolderSnapshot.Take(folder.File("live"));

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(request, null, CancellationToken.None));

        string expected = fault switch
        {
            "no-override" => ErrorIds.NotABackup,
            "no-passphrase" => ErrorIds.PassphraseRequired,
            "wrong-passphrase" => ErrorIds.WrongPassphraseOrCorrupt,
            "damaged-database-inside" => ErrorIds.BackupVerificationFailed,
            _ => ErrorIds.BackupCorrupt,
        };
        Assert.Equal(expected, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.File("live")));
        Assert.Equal("old", Marker(target));
    }

    [Theory]
    [InlineData("itself")]
    [InlineData("itself-through-a-symlinked-folder")]
    [InlineData("its-sha256")]
    [InlineData("its-manifest")]
    public void A_restore_onto_the_backup_or_a_file_that_goes_with_it_is_refused_and_destroys_nothing(string onto)
    {
        using var folder = new TempFolder();
        var (_, copy) = Setup(folder);
        string backups = folder.File("bk");
        Directory.CreateDirectory(backups);
        string gz = SeedBackups.Gzip(copy, Path.Combine(backups, "a.db.gz"));
        string sha = SeedBackups.Sha256Beside(gz);
        File.Copy(gz, gz + ".json"); // a file with the manifest's name: never overwritten either
        Directory.CreateSymbolicLink(folder.File("alias"), backups);
        string destination = onto switch
        {
            "itself" => gz,
            "itself-through-a-symlinked-folder" => Path.Combine(folder.File("alias"), "a.db.gz"),
            "its-sha256" => sha,
            _ => gz + ".json",
        };
        FolderSnapshot before = FolderSnapshot.Take(backups);

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(Foreign(gz, destination), new[] { destination }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationIsBackup, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(backups));
    }

    [Fact]
    public void A_restore_of_an_archive_member_onto_the_archive_is_refused_and_destroys_nothing()
    {
        using var folder = new TempFolder();
        string archive = ArchiveRestoreTests.SeedArchive(folder);
        string hash = Cli.Sha256Sum(archive);
        RestoreRequest request = Foreign(archive, archive);
        request.Database = "user_data";

        var ex = Assert.Throws<SqliteAdminException>(() => ArchiveRestore.Run(request, new[] { archive }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationIsBackup, ex.ErrorId);
        Assert.Equal(hash, Cli.Sha256Sum(archive));
    }

    [Fact]
    public void Test_SqliteIntegrity_reads_a_foreign_backup_by_its_content()
    {
        using var folder = new TempFolder();
        var (_, copy) = Setup(folder);
        string enc = SeedBackups.GzipThenEncrypt(copy, folder.File("x.bin"));
        string gz = SeedBackups.Gzip(copy, folder.File("y.bin"));
        File.WriteAllBytes(folder.File("z.bin"), File.ReadAllBytes(gz)[..^10]);

        IntegrityResult encrypted = DatabaseIntegrity.Check(new IntegrityRequest { Path = enc, Passphrase = CryptoTests.Secret(SeedBackups.Pass) }, null, CancellationToken.None);
        IntegrityResult compressed = DatabaseIntegrity.Check(new IntegrityRequest { Path = gz }, null, CancellationToken.None);
        IntegrityResult truncated = DatabaseIntegrity.Check(new IntegrityRequest { Path = folder.File("z.bin") }, null, CancellationToken.None);

        Assert.True(encrypted.IsBackup);
        Assert.Equal(IntegrityStatus.Ok, encrypted.Status);
        Assert.Equal(IntegrityStatus.Ok, compressed.Status);
        Assert.Equal(IntegrityStatus.Corrupt, truncated.Status);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    [InlineData("tar.gz")]
    public void Test_SqliteIntegrity_reports_a_foreign_backup_whose_sha256_beside_it_disagrees_as_Corrupt(string kind)
    {
        using var folder = new TempFolder();
        var (_, copy) = Setup(folder);
        string backup = kind switch
        {
            "plain" => copy,
            "gzip" => SeedBackups.Gzip(copy, folder.File("preroll_20260228_060000.db.gz")),
            _ => ArchiveRestoreTests.SeedArchive(folder),
        };
        // sha256sum of another file, under this backup's name: a lying checksum.
        string other = folder.File("other.bin");
        File.WriteAllText(other, "something else");
        File.WriteAllText(backup + ".sha256", Cli.Sha256Sum(other) + "  " + Path.GetFileName(backup) + "\n");

        List<IntegrityResult> results = DatabaseIntegrity.CheckAll(new IntegrityRequest { Path = backup }, null, CancellationToken.None);

        Assert.All(results, r => Assert.Equal(IntegrityStatus.Corrupt, r.Status));
        Assert.All(results, r => Assert.Contains(r.Errors, e => e.Contains("SHA-256", StringComparison.Ordinal)));
    }
}
