using System;
using System.Collections.Generic;
using System.IO;
using System.Security;
using System.Text;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

public class CryptoTests
{
    internal static Passphrase Secret(string text)
    {
        var secure = new SecureString();
        foreach (char c in text)
        {
            secure.AppendChar(c);
        }
        return Passphrase.FromSecureString(secure);
    }

    [Fact]
    public void Pbkdf2_matches_the_openssl_test_vector()
    {
        byte[] derived = Pbkdf2.DeriveSha256(Encoding.UTF8.GetBytes("password"), Convert.FromHexString("0001020304050607"), 10000, 48);

        Assert.Equal("6827BD488A4C5D38D28131175369843DC41C73284EFF746252231B58FE384B1E", Convert.ToHexString(derived, 0, 32));
        Assert.Equal("77532013C6CB46FDA992EDA58456DDEE", Convert.ToHexString(derived, 32, 16));
    }

    [Fact]
    public void Key_and_iv_agree_with_openssl_itself()
    {
        // openssl -P prints the key and IV it derives; ours must be the same for any salt and count.
        using Passphrase passphrase = Secret("correct horse battery staple");
        string output = RunOpenSslPrint("correct horse battery staple", "a1b2c3d4e5f60718", 2500);
        using OpenSslKeys keys = OpenSslEncryption.DeriveKeys(passphrase, Convert.FromHexString("a1b2c3d4e5f60718"), 2500);

        Assert.Contains("key=" + Convert.ToHexString(keys.Key), output);
        Assert.Contains("iv =" + Convert.ToHexString(keys.IV), output);
    }

    private static string RunOpenSslPrint(string pass, string saltHex, int iterations)
    {
        using var folder = new TempFolder();
        string stdout = folder.File("out.txt");
        var (exit, err) = Cli.Run("openssl", new[] { "enc", "-aes-256-cbc", "-pbkdf2", "-iter", iterations.ToString(), "-md", "sha256", "-S", saltHex, "-P", "-pass", "env:SA_PASS" },
            stdoutFile: stdout, environment: new Dictionary<string, string> { ["SA_PASS"] = pass });
        Assert.True(exit == 0, err);
        return File.ReadAllText(stdout);
    }

    [Fact]
    public void A_file_encrypted_by_openssl_decrypts_with_our_code()
    {
        using var folder = new TempFolder();
        string plain = folder.File("plain.bin");
        var bytes = new byte[3_000_001];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(plain, bytes);
        string encrypted = folder.File("plain.bin.enc");
        var (exit, err) = Cli.Run("openssl", new[] { "enc", "-aes-256-cbc", "-pbkdf2", "-iter", "10000", "-md", "sha256", "-salt", "-in", plain, "-out", encrypted, "-pass", "env:SA_PASS" },
            environment: new Dictionary<string, string> { ["SA_PASS"] = "Pässword with ünicode" });
        Assert.True(exit == 0, err);

        using Passphrase passphrase = Secret("Pässword with ünicode");
        EncodeResult result = BackupEncoding.Decode(encrypted, folder.File("decoded.bin"), compressed: false, passphrase, 10000, long.MaxValue, null, CancellationToken.None);

        Assert.Equal(bytes, File.ReadAllBytes(folder.File("decoded.bin")));
        Assert.Equal(Cli.Sha256Sum(plain), result.PlainSha256);
    }

    [Fact]
    public void A_file_gzipped_and_encrypted_by_the_guides_pipeline_decodes_with_our_code()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string gz = folder.File("app.db.gz");
        Assert.Equal(0, Cli.Run("gzip", new[] { "-6", "-c", db }, stdoutFile: gz).ExitCode);
        string enc = folder.File("app.db.gz.enc");
        Assert.Equal(0, Cli.Run("openssl", new[] { "enc", "-aes-256-cbc", "-pbkdf2", "-iter", "10000", "-md", "sha256", "-in", gz, "-out", enc, "-pass", "env:SA_PASS" },
            environment: new Dictionary<string, string> { ["SA_PASS"] = "s3cret" }).ExitCode);

        using Passphrase passphrase = Secret("s3cret");
        EncodeResult result = BackupEncoding.Decode(enc, folder.File("out.db"), compressed: true, passphrase, 10000, long.MaxValue, null, CancellationToken.None);

        Assert.Equal(Cli.Sha256Sum(db), result.PlainSha256);
        Assert.Equal(new FileInfo(db).Length, result.PlainSizeBytes);
    }

    [Fact]
    public void Wrong_passphrases_always_fail_as_wrong_passphrase_or_corrupt_and_leave_no_output()
    {
        // About 1 in 256 wrong keys produces valid-looking PKCS#7 padding; with gzip inside, the
        // decompressor rejects those. Every try must fail the same way, with nothing left behind.
        using var folder = new TempFolder();
        string plain = folder.File("data.bin");
        File.WriteAllBytes(plain, Encoding.ASCII.GetBytes(new string('x', 100_000)));
        using Passphrase right = Secret("right");
        BackupEncoding.Encode(plain, folder.File("data.gz.enc"), compress: true, System.IO.Compression.CompressionLevel.Fastest,
            OpenSslEncryption.DeriveKeys(right, OpenSslEncryption.NewSalt(), 1000), null, CancellationToken.None);

        for (int i = 0; i < 600; i++)
        {
            using Passphrase wrong = Secret("wrong-" + i);
            string output = folder.File("out.bin");
            var ex = Assert.Throws<SqliteAdminException>(() =>
                BackupEncoding.Decode(folder.File("data.gz.enc"), output, compressed: true, wrong, 1000, 200_000, null, CancellationToken.None));
            Assert.Equal(ErrorIds.WrongPassphraseOrCorrupt, ex.ErrorId);
            Assert.DoesNotContain("wrong-" + i, ex.Message);
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public void A_file_without_the_Salted_header_is_a_clear_error()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("x.enc"), "this is not openssl output at all");
        using Passphrase passphrase = Secret("p");

        var ex = Assert.Throws<SqliteAdminException>(() =>
            BackupEncoding.Decode(folder.File("x.enc"), folder.File("out"), false, passphrase, 10000, long.MaxValue, null, CancellationToken.None));

        Assert.Equal(ErrorIds.NotEncrypted, ex.ErrorId);
        Assert.False(File.Exists(folder.File("out")));
    }

    [Fact]
    public void A_decompression_bomb_is_stopped_at_the_expected_size()
    {
        using var folder = new TempFolder();
        string zeros = folder.File("zeros");
        using (var stream = File.Create(zeros))
        {
            stream.SetLength(64L * 1024 * 1024);
        }
        string gz = folder.File("zeros.gz");
        Assert.Equal(0, Cli.Run("gzip", new[] { "-9", "-c", zeros }, stdoutFile: gz).ExitCode);
        Assert.True(new FileInfo(gz).Length < 200_000);

        var ex = Assert.Throws<SqliteAdminException>(() =>
            BackupEncoding.Decode(gz, folder.File("out"), compressed: true, null, 0, 4 * 1024 * 1024, null, CancellationToken.None));

        Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
        Assert.False(File.Exists(folder.File("out")));
    }

    [Fact]
    public void A_truncated_gzip_decodes_short_and_the_size_check_is_what_catches_it()
    {
        // .NET's GZipStream does not report truncation: this is why every decode is checked
        // against the manifest's size and SHA-256.
        using var folder = new TempFolder();
        string data = folder.File("data");
        File.WriteAllBytes(data, Encoding.ASCII.GetBytes(string.Join(",", System.Linq.Enumerable.Range(0, 200_000))));
        string gz = folder.File("data.gz");
        Assert.Equal(0, Cli.Run("gzip", new[] { "-c", data }, stdoutFile: gz).ExitCode);
        using (var stream = new FileStream(gz, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        EncodeResult result;
        try
        {
            result = BackupEncoding.Decode(gz, folder.File("out"), compressed: true, null, 0, long.MaxValue, null, CancellationToken.None);
        }
        catch (SqliteAdminException ex)
        {
            Assert.Equal(ErrorIds.BackupCorrupt, ex.ErrorId);
            return;
        }
        Assert.NotEqual(new FileInfo(data).Length, result.PlainSizeBytes);
        Assert.NotEqual(Cli.Sha256Sum(data), result.PlainSha256);
    }

    [Fact]
    public void An_unset_passphrase_variable_or_an_empty_secure_string_is_refused()
    {
        // .NET removes a variable set to "" (SetEnvironmentVariable(name, "") deletes it), so an
        // in-process "empty" variable is really an unset one; the empty one is tested in a child below.
        var unset = Assert.Throws<SqliteAdminException>(() => Passphrase.FromEnvironmentVariable("SA_TEST_UNSET_PASS_" + Guid.NewGuid().ToString("N")));
        var secure = Assert.Throws<SqliteAdminException>(() => Passphrase.FromSecureString(new SecureString())); // -Passphrase of length 0

        Assert.Equal(ErrorIds.EmptyPassphrase, unset.ErrorId);
        Assert.Equal(ErrorIds.EmptyPassphrase, secure.ErrorId);
    }

    [Fact]
    public void A_passphrase_variable_that_is_set_but_empty_is_refused_and_nothing_is_written()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string dest = folder.File("b");

        // The shell exports the variable with an empty value (set, not unset) and proves it before starting the backup.
        using var host = BackupFaultTests.StartHost("export SA_TEST_EMPTY_PASS=; [ \"${SA_TEST_EMPTY_PASS+set}\" = set ] || exit 9;",
            "backup", db, dest, "--encrypt-var", "SA_TEST_EMPTY_PASS");
        string output = host.StandardOutput.ReadToEnd();
        host.WaitForExit();

        Assert.Equal(1, host.ExitCode);
        Assert.StartsWith("error: " + ErrorIds.EmptyPassphrase + ":", output.Trim());
        Assert.Contains("SA_TEST_EMPTY_PASS", output);
        Assert.False(Directory.Exists(dest) && Directory.EnumerateFileSystemEntries(dest).GetEnumerator().MoveNext(), "nothing was written");
    }

    [Fact]
    public void A_passphrase_never_prints()
    {
        using Passphrase passphrase = Secret("hunter2");

        Assert.Equal("********", passphrase.ToString());
        Assert.DoesNotContain("hunter2", $"{passphrase}");
    }
}
