using System;
using System.IO;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

public class ForeignBackupTests
{
    private static (string Format, string PlainSha, string? Derivation) Decode(string path, bool withPassphrase = true)
    {
        using var passphrase = withPassphrase ? CryptoTests.Secret(SeedBackups.Pass) : null;
        using ForeignBackup backup = ForeignBackup.Open(path, passphrase, CancellationToken.None);
        EncodeResult result = backup.CopyContentTo(Stream.Null, long.MaxValue, null, CancellationToken.None);
        Assert.Equal(Cli.Sha256Sum(path), result.StoredSha256);
        return (backup.Format, result.PlainSha256, backup.Derivation);
    }

    [Theory]
    [InlineData("plain", "db", null)]
    [InlineData("gzip", "db.gz", null)]
    [InlineData("seed000", "db.gz.enc", "pbkdf2 sha256 iter 10000")]
    [InlineData("pbkdf2-default-iter", "db.gz.enc", "pbkdf2 sha256 iter 10000")]
    [InlineData("pbkdf2-iter-1", "db.gz.enc", "pbkdf2 sha256 iter 1")]
    [InlineData("pbkdf2-iter-123457", "db.gz.enc", "pbkdf2 sha256 iter 123457")]
    [InlineData("legacy-md5", "db.gz.enc", "legacy md5")]
    [InlineData("legacy-default", "db.gz.enc", "legacy sha256")]
    [InlineData("encrypt-only", "db.enc", "pbkdf2 sha256 iter 10000")]
    [InlineData("encrypt-then-gzip", "db.enc.gz", "pbkdf2 sha256 iter 10000")]
    public void A_backup_made_by_the_seed_commands_decodes_to_the_exact_database(string how, string format, string? derivation)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("preroll_tracker.db"), "wal", syncRows: 3000);
        string copy = SeedBackups.SqliteBackup(db, folder.File("preroll_tracker.db.backup_20260228_060000"));
        string file = how switch
        {
            "plain" => copy,
            "gzip" => SeedBackups.Gzip(copy, folder.File("tablet_counter_20241206_020000.db.gz")),
            "seed000" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc")),
            "pbkdf2-default-iter" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc"), "-pbkdf2"),
            "pbkdf2-iter-1" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc"), "-pbkdf2", "-iter", "1", "-md", "sha256"),
            "pbkdf2-iter-123457" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc"), "-pbkdf2", "-iter", "123457", "-md", "sha256"),
            "legacy-md5" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc"), "-md", "md5"),
            "legacy-default" => SeedBackups.GzipThenEncrypt(copy, folder.File("x.enc"), "-md", "sha256"),
            "encrypt-only" => SeedBackups.Encrypt(copy, folder.File("x.enc"), "-pbkdf2", "-iter", "10000", "-md", "sha256"),
            "encrypt-then-gzip" => SeedBackups.Gzip(SeedBackups.Encrypt(copy, folder.File("x.enc"), "-pbkdf2", "-iter", "10000", "-md", "sha256"), folder.File("x.enc.gz")),
            _ => throw new ArgumentException(how),
        };

        var (actualFormat, plainSha, actualDerivation) = Decode(file);

        Assert.Equal(format, actualFormat);
        Assert.Equal(Cli.Sha256Sum(copy), plainSha);
        Assert.Equal(derivation, actualDerivation);
    }

    [Fact]
    public void The_format_comes_from_the_content_never_from_the_name()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        // A gzip file named like a plain database, and a plain database named like an encrypted one.
        string gz = SeedBackups.Gzip(db, folder.File("app_20260101_000000.db"));
        string plain = SeedBackups.SqliteBackup(db, folder.File("app_20260102_000000.db.gz.enc"));

        Assert.Equal("db.gz", Decode(gz).Format);
        Assert.Equal("db", Decode(plain).Format);
    }

    [Fact]
    public void Without_a_passphrase_an_encrypted_file_is_recognised_but_not_opened()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string enc = SeedBackups.GzipThenEncrypt(db, folder.File("app.db.gz.enc"));

        using ForeignBackup? sniffed = ForeignBackup.TrySniff(enc, CancellationToken.None);

        Assert.NotNull(sniffed);
        Assert.Equal("enc", sniffed!.Format);
        Assert.True(sniffed.Encrypted);
    }

    [Fact]
    public void A_wrong_passphrase_is_WrongPassphraseOrCorrupt()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string enc = SeedBackups.GzipThenEncrypt(db, folder.File("app.db.gz.enc"));
        using var wrong = CryptoTests.Secret("not the key");

        var ex = Assert.Throws<SqliteAdminException>(() => ForeignBackup.Open(enc, wrong, CancellationToken.None));

        Assert.Equal(ErrorIds.WrongPassphraseOrCorrupt, ex.ErrorId);
        Assert.DoesNotContain("not the key", ex.Message);
    }

    [Theory]
    [InlineData("truncate-gzip-1")]
    [InlineData("truncate-gzip-half")]
    [InlineData("flip-gzip")]
    [InlineData("truncate-enc-1")]
    [InlineData("flip-enc-last-block")]
    public void A_damaged_foreign_backup_is_reported_never_decoded_quietly(string damage)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 3000);
        string file = damage.Contains("enc") ? SeedBackups.GzipThenEncrypt(db, folder.File("app.db.gz.enc")) : SeedBackups.Gzip(db, folder.File("app.db.gz"));
        byte[] bytes = File.ReadAllBytes(file);
        bytes = damage switch
        {
            "truncate-gzip-1" or "truncate-enc-1" => bytes[..^1],
            "truncate-gzip-half" => bytes[..(bytes.Length / 2)],
            "flip-gzip" => Flip(bytes, bytes.Length / 2),
            "flip-enc-last-block" => Flip(bytes, bytes.Length - 20),
            _ => throw new ArgumentException(damage),
        };
        File.WriteAllBytes(file, bytes);

        var ex = Assert.Throws<SqliteAdminException>(() => Decode(file));

        Assert.Contains(ex.ErrorId, new[] { ErrorIds.BackupCorrupt, ErrorIds.WrongPassphraseOrCorrupt });
    }

    [Fact]
    public void A_file_that_is_none_of_the_formats_is_NotABackup_and_a_gzip_of_text_is_corrupt()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.db"), "just some text, not a database\n");
        string gz = SeedBackups.Gzip(folder.File("notes.db"), folder.File("notes.db.gz"));

        Assert.Equal(ErrorIds.NotABackup, Assert.Throws<SqliteAdminException>(() => Decode(folder.File("notes.db"))).ErrorId);
        Assert.Equal(ErrorIds.BackupCorrupt, Assert.Throws<SqliteAdminException>(() => Decode(gz)).ErrorId);
        Assert.Null(ForeignBackup.TrySniff(gz, CancellationToken.None));
    }

    [Fact]
    public void More_than_four_layers_are_refused()
    {
        using var folder = new TempFolder();
        string current = TestDatabase.Create(folder.File("app.db"));
        for (int i = 0; i < 5; i++)
        {
            current = SeedBackups.Gzip(current, current + ".gz");
        }

        var ex = Assert.Throws<SqliteAdminException>(() => Decode(current));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.Contains("layers", ex.Message);
    }

    [Fact]
    public void A_checksum_beside_the_backup_is_compared_with_the_stored_or_the_plain_bytes()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string gz = SeedBackups.Gzip(db, folder.File("app_20260101_000000.db.gz"));
        var (_, plainSha, _) = Decode(gz);
        string stored = Cli.Sha256Sum(gz);

        ChecksumFile.Check(SeedBackups.Sha256Beside(gz), gz, stored, plainSha);
        File.WriteAllText(gz + ".sha256", plainSha.ToUpperInvariant());
        ChecksumFile.Check(gz + ".sha256", gz, stored, plainSha);
        File.WriteAllText(gz + ".sha256", new string('0', 64) + "  app_20260101_000000.db.gz\n");
        Assert.Equal(ErrorIds.BackupCorrupt, Assert.Throws<SqliteAdminException>(() => ChecksumFile.Check(gz + ".sha256", gz, stored, plainSha)).ErrorId);
        File.WriteAllText(gz + ".sha256", "not a hash");
        Assert.Equal(ErrorIds.BackupCorrupt, Assert.Throws<SqliteAdminException>(() => ChecksumFile.Check(gz + ".sha256", gz, stored, plainSha)).ErrorId);
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at] ^= 0x40;
        return bytes;
    }
}
