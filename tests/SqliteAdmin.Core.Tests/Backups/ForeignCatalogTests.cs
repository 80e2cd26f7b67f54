using System;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;
using SqliteAdmin.Core.Tests.Restore;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>Get-SqliteBackup over a folder a seed runbook has been writing for months.</summary>
public class ForeignCatalogTests
{
    [Fact]
    public void A_seed_folder_lists_each_backup_as_foreign_with_its_format_database_and_time()
    {
        using var folder = new TempFolder();
        string source = TestDatabase.Create(folder.File("preroll_tracker.db"));
        string backups = folder.File("backups");
        Directory.CreateDirectory(backups);
        string copy = SeedBackups.SqliteBackup(source, Path.Combine(backups, "preroll_tracker.db.backup_20260228_060000"));
        string enc = SeedBackups.GzipThenEncrypt(copy, Path.Combine(backups, "preroll_tracker.db.backup_20260228_120000.enc"));
        string gz = SeedBackups.Gzip(copy, Path.Combine(backups, "ora_20240101_020000.db.gz"));
        SeedBackups.Sha256Beside(gz);
        File.WriteAllText(Path.Combine(backups, "backup_alerts.log"), "2026-02-28 backup ok\n");
        File.WriteAllText(Path.Combine(backups, ".env.backup_20260228_060000"), "SECRET=1\n");
        File.WriteAllText(Path.Combine(backups, "notes.txt.gz"), "");
        SeedBackups.Gzip(Path.Combine(backups, "backup_alerts.log"), Path.Combine(backups, "alerts_20260228.gz"));
        BackupInfo ours = RestoreTests.Backup(source, backups, compress: true);

        var listed = BackupCatalog.List(backups, null, recurse: false, CancellationToken.None, foreign: true);
        var ownOnly = BackupCatalog.List(backups, null, recurse: false, CancellationToken.None);

        Assert.Equal(new[] { ours.Path }, ownOnly.Select(b => b.Path));
        Assert.Equal(4, listed.Count);
        Assert.False(listed.Single(b => b.Path == ours.Path).Foreign);
        Assert.Equal("db.gz", listed.Single(b => b.Path == ours.Path).Format);
        BackupInfo plain = listed.Single(b => b.Path == copy);
        Assert.True(plain.Foreign);
        Assert.Equal("db", plain.Format);
        Assert.Equal("preroll_tracker", plain.Database);
        Assert.Equal(new DateTime(2026, 2, 28, 6, 0, 0, DateTimeKind.Local).ToUniversalTime(), plain.CreatedUtc);
        Assert.Equal("enc", listed.Single(b => b.Path == enc).Format);
        Assert.True(listed.Single(b => b.Path == enc).Encrypted);
        BackupInfo compressed = listed.Single(b => b.Path == gz);
        Assert.Equal(("ora", "db.gz", gz + ".sha256"), (compressed.Database, compressed.Format, compressed.ChecksumPath));
        Assert.All(listed.Where(b => b.Foreign), b => Assert.Equal(BackupCheckStatus.NoManifest, b.Status));
        Assert.Equal(new[] { copy, enc, ours.Path }.OrderBy(p => p), BackupCatalog.List(backups, "preroll_tracker", false, CancellationToken.None, foreign: true).Select(b => b.Path).OrderBy(p => p));
    }

    [Fact]
    public void Verify_compares_a_foreign_backup_with_its_checksum_or_reads_it_to_its_end()
    {
        using var folder = new TempFolder();
        string source = TestDatabase.Create(folder.File("ora.db"));
        string withSum = SeedBackups.Gzip(source, folder.File("ora_20240101_020000.db.gz"));
        SeedBackups.Sha256Beside(withSum);
        string without = SeedBackups.Gzip(source, folder.File("ora_20240102_020000.db.gz"));
        string altered = SeedBackups.Gzip(source, folder.File("ora_20240103_020000.db.gz"));
        File.WriteAllText(altered + ".sha256", new string('0', 64));
        string encrypted = SeedBackups.GzipThenEncrypt(source, folder.File("ora_20240104_020000.db.gz.enc"));
        string truncated = SeedBackups.Gzip(source, folder.File("ora_20240105_020000.db.gz"));
        File.WriteAllBytes(truncated, File.ReadAllBytes(truncated)[..^3]);
        var listed = BackupCatalog.List(folder.Path, "ora", false, CancellationToken.None, foreign: true).ToDictionary(b => b.Path);

        foreach (BackupInfo info in listed.Values)
        {
            BackupCatalog.Verify(info, null, CancellationToken.None);
        }
        BackupInfo locked = listed[encrypted];
        using (var passphrase = CryptoTests.Secret(SeedBackups.Pass))
        {
            BackupInfo opened = BackupCatalog.List(encrypted, null, false, CancellationToken.None, foreign: true).Single();
            BackupCatalog.Verify(opened, passphrase, CancellationToken.None);
            Assert.Equal((BackupCheckStatus.Readable, "db.gz.enc"), (opened.Status, opened.Format));
        }

        Assert.Equal(BackupCheckStatus.Ok, listed[withSum].Status);
        Assert.Equal(BackupCheckStatus.Readable, listed[without].Status);
        Assert.Equal(BackupCheckStatus.Corrupt, listed[altered].Status);
        Assert.Equal(BackupCheckStatus.Corrupt, listed[truncated].Status);
        Assert.Equal(BackupCheckStatus.NoManifest, locked.Status);
        Assert.Contains("Passphrase", locked.StatusMessage);
        Assert.Equal(Cli.Sha256Sum(source), listed[withSum].PlainSha256);
    }
}
