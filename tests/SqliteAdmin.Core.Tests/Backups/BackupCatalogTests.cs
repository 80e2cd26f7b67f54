using System;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

public class BackupCatalogTests
{
    private static BackupInfo Backup(string db, string dest, DateTime when, bool compress = false, Passphrase? passphrase = null, BackupTier tier = BackupTier.Manual) =>
        DatabaseBackup.Run(new BackupRequest
        {
            SourcePath = db,
            Destination = dest,
            UtcNow = () => when,
            Compress = compress,
            Passphrase = passphrase,
            Iterations = 1000,
            Tier = tier,
        }, null, CancellationToken.None).Backup;

    [Fact]
    public void Lists_only_our_backups_newest_first_from_their_manifests()
    {
        using var folder = new TempFolder();
        string orders = TestDatabase.Create(folder.File("orders.db"));
        string quotes = TestDatabase.Create(folder.File("quotes.db"));
        string dest = Path.Combine(folder.Path, "b");
        var t0 = new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);
        Backup(orders, dest, t0, tier: BackupTier.Daily);
        Backup(orders, dest, t0.AddDays(1), compress: true, tier: BackupTier.Daily);
        Backup(quotes, dest, t0.AddHours(5));
        // Foreign files, a temp file, a side file and a near-miss name: none is a backup.
        File.WriteAllText(Path.Combine(dest, "notes.txt"), "x");
        File.WriteAllText(Path.Combine(dest, "orders.db"), "x");
        File.WriteAllText(Path.Combine(dest, "orders_daily_20261101.db"), "x");
        File.WriteAllText(Path.Combine(dest, DurableFileTemp()), "x");
        File.WriteAllText(Path.Combine(dest, "orders_sometier_20261101_020000.db"), "x");

        var all = BackupCatalog.List(dest, null, recurse: false, CancellationToken.None);
        var ordersOnly = BackupCatalog.List(dest, "ORDERS", recurse: false, CancellationToken.None);

        Assert.Equal(new[] { "orders_daily_20261102_020000.db.gz", "quotes_manual_20261101_070000.db", "orders_daily_20261101_020000.db" },
            all.Select(b => Path.GetFileName(b.Path)));
        Assert.All(all, b => Assert.Equal(BackupCheckStatus.NotChecked, b.Status));
        Assert.All(all, b => Assert.True(b.HasManifest && b.Verified && b.Sha256 != null));
        Assert.Equal(2, ordersOnly.Count);
        Assert.True(ordersOnly[0].Compressed);
        Assert.Equal(BackupTier.Daily, ordersOnly[0].Tier);
        Assert.Equal(Path.GetFullPath(orders), ordersOnly[0].SourcePath);
    }

    private static string DurableFileTemp() => SqliteAdmin.Core.IO.DurableFile.TempPrefix + "db-abc";

    [Fact]
    public void A_backup_name_without_a_manifest_is_listed_as_such()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        File.Copy(db, folder.File("app_daily_20261120_020000.db"));

        BackupInfo listed = Assert.Single(BackupCatalog.List(folder.Path, null, false, CancellationToken.None));

        Assert.Equal(BackupCheckStatus.NoManifest, listed.Status);
        Assert.False(listed.HasManifest);
        Assert.Equal("app", listed.Database);
        Assert.Equal(new DateTime(2026, 11, 20, 2, 0, 0, DateTimeKind.Utc), listed.CreatedUtc);
    }

    [Fact]
    public void An_edited_or_foreign_manifest_is_reported_invalid()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var t0 = new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);
        BackupInfo first = Backup(db, folder.Path + "/b", t0);
        BackupInfo second = Backup(db, folder.Path + "/b", t0.AddHours(1));
        // The second backup gets the first one's manifest; a third gets a broken one.
        File.Copy(first.ManifestPath!, second.ManifestPath!, overwrite: true);
        BackupInfo third = Backup(db, folder.Path + "/b", t0.AddHours(2));
        File.WriteAllText(third.ManifestPath!, "{ \"formatVersion\": 1, ");

        var listed = BackupCatalog.List(folder.Path + "/b", null, false, CancellationToken.None).ToDictionary(b => Path.GetFileName(b.Path));

        Assert.Equal(BackupCheckStatus.ManifestInvalid, listed[Path.GetFileName(second.Path)].Status);
        Assert.Contains(Path.GetFileName(first.Path), listed[Path.GetFileName(second.Path)].StatusMessage);
        Assert.Equal(BackupCheckStatus.ManifestInvalid, listed[Path.GetFileName(third.Path)].Status);
        Assert.Equal(BackupCheckStatus.NotChecked, listed[Path.GetFileName(first.Path)].Status);
    }

    [Fact]
    public void Links_are_not_taken_for_backups_nor_followed_when_recursing()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string dest = Path.Combine(folder.Path, "b");
        BackupInfo real = Backup(db, Path.Combine(folder.Path, "elsewhere"), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc));
        Directory.CreateDirectory(dest);
        File.CreateSymbolicLink(Path.Combine(dest, Path.GetFileName(real.Path)), real.Path);
        Directory.CreateSymbolicLink(Path.Combine(dest, "linked-folder"), Path.Combine(folder.Path, "elsewhere"));
        BackupInfo nested = Backup(db, Path.Combine(dest, "sub"), new DateTime(2026, 11, 2, 0, 0, 0, DateTimeKind.Utc));

        var listed = BackupCatalog.List(dest, null, recurse: true, CancellationToken.None);

        Assert.Equal(nested.Path, Assert.Single(listed).Path);
    }

    [Fact]
    public void Verify_passes_an_intact_backup_and_its_hmac()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using Passphrase passphrase = CryptoTests.Secret("pw");
        Backup(db, folder.Path + "/b", DateTime.UtcNow, compress: true, passphrase: passphrase);
        BackupInfo listed = Assert.Single(BackupCatalog.List(folder.Path + "/b", null, false, CancellationToken.None));

        BackupCatalog.Verify(listed, passphrase, CancellationToken.None);

        Assert.Equal(BackupCheckStatus.Ok, listed.Status);
        Assert.Null(listed.StatusMessage);
    }

    [Theory]
    [InlineData("flip-first")]
    [InlineData("flip-middle")]
    [InlineData("flip-last")]
    [InlineData("truncate-1")]
    [InlineData("truncate-half")]
    public void Verify_finds_one_flipped_bit_or_a_truncation_anywhere(string damage)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 5000);
        using Passphrase passphrase = CryptoTests.Secret("pw");
        BackupInfo made = Backup(db, folder.Path + "/b", DateTime.UtcNow, compress: true, passphrase: passphrase);
        Damage(made.Path, damage);
        BackupInfo listed = Assert.Single(BackupCatalog.List(folder.Path + "/b", null, false, CancellationToken.None));

        BackupCatalog.Verify(listed, null, CancellationToken.None);

        Assert.Equal(BackupCheckStatus.Corrupt, listed.Status);
        Assert.NotNull(listed.StatusMessage);
    }

    [Fact]
    public void Verify_with_the_wrong_passphrase_reports_an_hmac_mismatch()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        using Passphrase right = CryptoTests.Secret("right");
        using Passphrase wrong = CryptoTests.Secret("wrong");
        Backup(db, folder.Path + "/b", DateTime.UtcNow, passphrase: right);
        BackupInfo listed = Assert.Single(BackupCatalog.List(folder.Path + "/b", null, false, CancellationToken.None));

        BackupCatalog.Verify(listed, wrong, CancellationToken.None);

        Assert.Equal(BackupCheckStatus.HmacMismatch, listed.Status);
        Assert.DoesNotContain("wrong", listed.StatusMessage!.Replace("wrong passphrase", ""));
    }

    [Fact]
    public void Verify_finds_a_missing_side_file()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        File.WriteAllText(folder.File("app.env"), "K=V");
        BackupInfo made = DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.Path + "/b", IncludeFiles = { folder.File("app.env") } }, null, CancellationToken.None).Backup;
        File.Delete(made.IncludedFiles[0]);
        BackupInfo listed = Assert.Single(BackupCatalog.List(folder.Path + "/b", null, false, CancellationToken.None));

        BackupCatalog.Verify(listed, null, CancellationToken.None);

        Assert.Equal(BackupCheckStatus.Corrupt, listed.Status);
        Assert.Contains("missing", listed.StatusMessage);
    }

    [Fact]
    public void A_missing_folder_is_a_clear_error()
    {
        using var folder = new TempFolder();

        var ex = Assert.Throws<SqliteAdminException>(() => BackupCatalog.List(folder.File("nope"), null, false, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupFolderNotFound, ex.ErrorId);
    }

    [Fact]
    public void A_single_backup_file_can_be_named_and_a_foreign_file_cannot()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        BackupInfo made = Backup(db, folder.Path + "/b", DateTime.UtcNow);

        BackupInfo listed = Assert.Single(BackupCatalog.List(made.Path, null, false, CancellationToken.None));
        var ex = Assert.Throws<SqliteAdminException>(() => BackupCatalog.List(db, null, false, CancellationToken.None));

        Assert.Equal(made.Path, listed.Path);
        Assert.Equal(ErrorIds.NotABackup, ex.ErrorId);
    }

    internal static void Damage(string path, string how)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        long length = stream.Length;
        switch (how)
        {
            case "truncate-1":
                stream.SetLength(length - 1);
                return;
            case "truncate-half":
                stream.SetLength(length / 2);
                return;
        }
        long at = how switch { "flip-first" => 0, "flip-middle" => length / 2, _ => length - 1 };
        stream.Position = at;
        int b = stream.ReadByte();
        stream.Position = at;
        stream.WriteByte((byte)(b ^ 0x01));
    }
}
