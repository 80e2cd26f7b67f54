using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace SqliteAdmin.Core.Crypto;

/// <summary>Keys for one encrypted backup: AES key and IV as OpenSSL derives them, plus our HMAC key.</summary>
internal sealed class OpenSslKeys : IDisposable
{
    internal OpenSslKeys(byte[] salt, byte[] derived)
    {
        Salt = salt;
        Key = Slice(derived, 0, 32);
        IV = Slice(derived, 32, 16);
        HmacKey = Slice(derived, 48, 32);
        Array.Clear(derived, 0, derived.Length);
    }

    /// <summary>The 8-byte salt stored after "Salted__".</summary>
    public byte[] Salt { get; }
    /// <summary>AES-256 key: PBKDF2 output bytes 0–31.</summary>
    public byte[] Key { get; }
    /// <summary>CBC IV: PBKDF2 output bytes 32–47.</summary>
    public byte[] IV { get; }
    /// <summary>
    /// HMAC-SHA256 key: PBKDF2 output bytes 48–79, i.e. the third PBKDF2 block, which OpenSSL never
    /// computes; knowing the AES key and IV does not reveal it.
    /// </summary>
    public byte[] HmacKey { get; }

    /// <summary>Zeroes the keys.</summary>
    public void Dispose()
    {
        Array.Clear(Key, 0, Key.Length);
        Array.Clear(IV, 0, IV.Length);
        Array.Clear(HmacKey, 0, HmacKey.Length);
    }

    private static byte[] Slice(byte[] source, int offset, int count)
    {
        var result = new byte[count];
        Buffer.BlockCopy(source, offset, result, 0, count);
        return result;
    }
}

/// <summary>
/// The file format of <c>openssl enc -aes-256-cbc -pbkdf2 -iter N -md sha256</c>: "Salted__", an
/// 8-byte salt, then AES-256-CBC ciphertext with PKCS#7 padding; key and IV are the first 48 bytes
/// of PBKDF2-HMAC-SHA256(passphrase, salt, N).
/// Not a package (BouncyCastle): the format is a 16-byte header around the in-box Aes; the tests decrypt with openssl itself.
/// </summary>
internal static class OpenSslEncryption
{
    /// <summary>The 8 ASCII bytes every salted OpenSSL file starts with.</summary>
    public static readonly byte[] Magic = Encoding.ASCII.GetBytes("Salted__");

    /// <summary>Header length: magic plus salt.</summary>
    public const int HeaderLength = 16;

    /// <summary>The iteration count our backups use unless told otherwise (what the guides pass to openssl).</summary>
    public const int DefaultIterations = 10000;

    /// <summary>Derives the keys for a passphrase and salt.</summary>
    public static OpenSslKeys DeriveKeys(Passphrase passphrase, byte[] salt, int iterations)
    {
        byte[] password = passphrase.ToUtf8();
        try
        {
            return new OpenSslKeys(salt, Pbkdf2.DeriveSha256(password, salt, iterations, 80));
        }
        finally
        {
            Array.Clear(password, 0, password.Length);
        }
    }

    /// <summary>A fresh random 8-byte salt.</summary>
    public static byte[] NewSalt()
    {
        var salt = new byte[8];
        using var random = RandomNumberGenerator.Create();
        random.GetBytes(salt);
        return salt;
    }

    /// <summary>
    /// Writes the header to <paramref name="output"/> and returns a stream that encrypts into it.
    /// Disposing the returned stream writes the final padded block and disposes <paramref name="output"/>.
    /// </summary>
    public static Stream CreateEncryptor(Stream output, OpenSslKeys keys)
    {
        output.Write(Magic, 0, Magic.Length);
        output.Write(keys.Salt, 0, keys.Salt.Length);
        using Aes aes = CreateAes();
        return new CryptoStream(output, aes.CreateEncryptor(keys.Key, keys.IV), CryptoStreamMode.Write);
    }

    /// <summary>Reads and checks the header of an OpenSSL file and returns its salt.</summary>
    public static byte[] ReadHeader(Stream input, string pathForMessages)
    {
        var header = new byte[HeaderLength];
        int read = 0;
        while (read < header.Length)
        {
            int n = input.Read(header, read, header.Length - read);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        for (int i = 0; i < Magic.Length; i++)
        {
            if (read < HeaderLength || header[i] != Magic[i])
            {
                throw new SqliteAdminException(ErrorIds.NotEncrypted, SqliteAdminErrorCategory.InvalidData,
                    $"'{pathForMessages}' is not an OpenSSL-encrypted file: it does not start with 'Salted__'.", pathForMessages);
            }
        }
        var salt = new byte[8];
        Buffer.BlockCopy(header, Magic.Length, salt, 0, 8);
        return salt;
    }

    /// <summary>Returns a stream that decrypts from <paramref name="input"/>, positioned after the header.</summary>
    public static Stream CreateDecryptor(Stream input, OpenSslKeys keys)
    {
        using Aes aes = CreateAes();
        return new CryptoStream(input, aes.CreateDecryptor(keys.Key, keys.IV), CryptoStreamMode.Read);
    }

    private static Aes CreateAes()
    {
        Aes aes = Aes.Create();
        aes.KeySize = 256;
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.PKCS7;
        return aes;
    }
}
