using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Tests.Infrastructure;
using SqliteAdmin.Core.Tests.Restore;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>
/// The HMAC key (PBKDF2-HMAC-SHA256 output bytes 48–79, past the 48 bytes OpenSSL uses for key and IV)
/// and the manifest's HMAC, computed independently by the openssl CLI (<c>openssl kdf</c>, <c>openssl dgst -mac HMAC</c>).
/// </summary>
public class HmacKeyTests
{
    /// <summary>PBKDF2-HMAC-SHA256 bytes as openssl derives them, upper-case hex.</summary>
    private static string OpenSslPbkdf2(string pass, string saltHex, int iterations, int length) =>
        Cli.Output("openssl", "kdf", "-keylen", length.ToString(), "-kdfopt", "digest:SHA256", "-kdfopt", "pass:" + pass,
            "-kdfopt", "hexsalt:" + saltHex, "-kdfopt", "iter:" + iterations, "PBKDF2").Replace(":", "").Trim();

    [Theory]
    [InlineData("password", "0001020304050607", 10000)]
    [InlineData("Pässword with ünicode", "a1b2c3d4e5f60718", 2500)]
    [InlineData("x", "ffffffffffffffff", 1)]
    public void The_hmac_key_is_pbkdf2_bytes_48_to_79_as_openssl_derives_them(string pass, string saltHex, int iterations)
    {
        string expected = OpenSslPbkdf2(pass, saltHex, iterations, 80);

        using Passphrase passphrase = CryptoTests.Secret(pass);
        using OpenSslKeys keys = OpenSslEncryption.DeriveKeys(passphrase, Convert.FromHexString(saltHex), iterations);

        Assert.Equal(160, expected.Length);
        Assert.Equal(expected.Substring(0, 64), Convert.ToHexString(keys.Key));
        Assert.Equal(expected.Substring(64, 32), Convert.ToHexString(keys.IV));
        Assert.Equal(expected.Substring(96, 64), Convert.ToHexString(keys.HmacKey));
    }

    [Fact]
    public void The_manifest_hmac_of_an_encrypted_backup_is_what_openssl_computes_over_the_stored_file()
    {
        using var folder = new TempFolder();
        BackupInfo backup = RestoreTests.Backup(RestoreTests.Db(folder.File("source.db"), "x", rows: 500), folder.Path + "/b", compress: true, encrypt: true);
        byte[] head = File.ReadAllBytes(backup.Path).Take(16).ToArray();
        string saltHex = Convert.ToHexString(head, 8, 8);
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(backup.ManifestPath!));
        JsonElement encryption = manifest.RootElement.GetProperty("encryption");
        int iterations = encryption.GetProperty("iterations").GetInt32();
        string hmac = encryption.GetProperty("hmac").GetProperty("value").GetString()!;

        string hmacKey = OpenSslPbkdf2("restore test passphrase", saltHex, iterations, 80).Substring(96, 64);
        string dgst = Cli.Output("openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + hmacKey, "-r", backup.Path).Split(' ')[0];

        Assert.Equal(saltHex, encryption.GetProperty("salt").GetString()!.ToUpperInvariant());
        Assert.Equal(dgst, hmac, ignoreCase: true);
    }
}
