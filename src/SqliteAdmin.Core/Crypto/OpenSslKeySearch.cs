using System;
using System.Security.Cryptography;
using System.Threading;

namespace SqliteAdmin.Core.Crypto;

/// <summary>
/// Finds how a foreign <c>openssl enc -aes-256-cbc</c> file was keyed. The file records only its
/// salt, not the key derivation: PBKDF2-HMAC-SHA256 with the iteration count the script passed
/// (<c>-pbkdf2 -iter N</c>), or the legacy single-round EVP_BytesToKey of scripts that omit
/// <c>-pbkdf2</c> (MD5 before OpenSSL 1.1, SHA-256 since). Each candidate key decrypts a few chosen
/// blocks, and is taken only when the caller recognises a known format's header in them. PBKDF2 is computed once, up to
/// <see cref="MaxIterations"/>, checking every count on the way: T(c) = T(c-1) XOR U(c).
/// </summary>
internal static class OpenSslKeySearch
{
    /// <summary>The largest -iter tried (OWASP's 600 000 and openssl's 10 000 default are inside).</summary>
    public const int MaxIterations = 1_000_000;

    /// <summary>The ciphertext a candidate is checked against: blocks 0 and 1, and, when present, blocks 15 and 16 (where a tar header says "ustar").</summary>
    public const int SampleLength = 17 * 16;

    /// <summary>How a file turned out to be keyed.</summary>
    internal sealed class Found : IDisposable
    {
        internal Found(byte[] key, byte[] iv, string derivation)
        {
            Key = key;
            IV = iv;
            Derivation = derivation;
        }

        /// <summary>AES-256 key.</summary>
        public byte[] Key { get; }
        /// <summary>CBC IV.</summary>
        public byte[] IV { get; }
        /// <summary>"pbkdf2 sha256 iter 10000", "legacy md5", "legacy sha256": never secret.</summary>
        public string Derivation { get; }

        /// <summary>Zeroes the key.</summary>
        public void Dispose()
        {
            Array.Clear(Key, 0, Key.Length);
            Array.Clear(IV, 0, IV.Length);
        }
    }

    /// <summary>
    /// The key and IV under which <paramref name="sample"/> (the ciphertext after the 16-byte header,
    /// at most <see cref="SampleLength"/> bytes) decrypts to a known header; null when none does.
    /// </summary>
    /// <remarks>
    /// <paramref name="recognizes"/> says whether decrypted bytes start a known format: it gets the
    /// first blocks (and their length), and the 16 bytes at offset 256 (null for a short file).
    /// </remarks>
    public static Found? Find(Passphrase passphrase, byte[] salt, byte[] sample, int sampleLength, Func<byte[], int, byte[]?, bool> recognizes, CancellationToken cancellation)
    {
        if (sampleLength < 16 || sampleLength % 16 != 0)
        {
            return null; // not whole AES blocks: not an aes-256-cbc file
        }
        byte[] password = passphrase.ToUtf8();
        using Aes aes = Aes.Create();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        try
        {
            foreach ((HashAlgorithm md, string name) in new (HashAlgorithm, string)[] { (MD5.Create(), "legacy md5"), (SHA256.Create(), "legacy sha256") })
            {
                using (md)
                {
                    byte[] derived = BytesToKey(md, password, salt);
                    if (Accept(aes, derived, sample, sampleLength, recognizes))
                    {
                        return Take(derived, name);
                    }
                    Array.Clear(derived, 0, derived.Length);
                }
            }
            return SearchPbkdf2(aes, password, salt, sample, sampleLength, recognizes, cancellation);
        }
        finally
        {
            Array.Clear(password, 0, password.Length);
        }
    }

    private static Found? SearchPbkdf2(Aes aes, byte[] password, byte[] salt, byte[] sample, int sampleLength, Func<byte[], int, byte[]?, bool> recognizes, CancellationToken cancellation)
    {
        using var hmac = new HMACSHA256(password);
        // Two PBKDF2 blocks give the 48 bytes of key and IV.
        var u1 = hmac.ComputeHash(Block(salt, 1));
        var u2 = hmac.ComputeHash(Block(salt, 2));
        var derived = new byte[64];
        Buffer.BlockCopy(u1, 0, derived, 0, 32);
        Buffer.BlockCopy(u2, 0, derived, 32, 32);
        try
        {
            for (int iterations = 1; iterations <= MaxIterations; iterations++)
            {
                if (iterations > 1)
                {
                    u1 = hmac.ComputeHash(u1);
                    u2 = hmac.ComputeHash(u2);
                    for (int j = 0; j < 32; j++)
                    {
                        derived[j] ^= u1[j];
                        derived[32 + j] ^= u2[j];
                    }
                }
                if (Accept(aes, derived, sample, sampleLength, recognizes))
                {
                    return Take(derived, $"pbkdf2 sha256 iter {iterations}");
                }
                if ((iterations & 0xFFFF) == 0)
                {
                    cancellation.ThrowIfCancellationRequested();
                }
            }
            return null;
        }
        finally
        {
            Array.Clear(derived, 0, derived.Length);
            Array.Clear(u1, 0, u1.Length);
            Array.Clear(u2, 0, u2.Length);
        }
    }

    /// <summary>EVP_BytesToKey with one round: D1 = H(pass||salt), Di = H(Di-1||pass||salt), key||IV = D1||D2||…</summary>
    private static byte[] BytesToKey(HashAlgorithm md, byte[] password, byte[] salt)
    {
        var derived = new byte[48 + 64];
        byte[] previous = Array.Empty<byte>();
        int offset = 0;
        while (offset < 48)
        {
            var input = new byte[previous.Length + password.Length + salt.Length];
            Buffer.BlockCopy(previous, 0, input, 0, previous.Length);
            Buffer.BlockCopy(password, 0, input, previous.Length, password.Length);
            Buffer.BlockCopy(salt, 0, input, previous.Length + password.Length, salt.Length);
            Array.Clear(previous, 0, previous.Length);
            previous = md.ComputeHash(input);
            Array.Clear(input, 0, input.Length);
            Buffer.BlockCopy(previous, 0, derived, offset, previous.Length);
            offset += previous.Length;
        }
        Array.Clear(previous, 0, previous.Length);
        return derived;
    }

    private static Found Take(byte[] derived, string name)
    {
        var key = new byte[32];
        var iv = new byte[16];
        Buffer.BlockCopy(derived, 0, key, 0, 32);
        Buffer.BlockCopy(derived, 32, iv, 0, 16);
        Array.Clear(derived, 0, derived.Length);
        return new Found(key, iv, name);
    }

    private static byte[] Block(byte[] salt, uint index)
    {
        var block = new byte[salt.Length + 4];
        Buffer.BlockCopy(salt, 0, block, 0, salt.Length);
        block[salt.Length] = (byte)(index >> 24);
        block[salt.Length + 1] = (byte)(index >> 16);
        block[salt.Length + 2] = (byte)(index >> 8);
        block[salt.Length + 3] = (byte)index;
        return block;
    }

    /// <summary>Decrypts blocks 0, 1 (and 16) under the candidate and asks whether they start a known format.</summary>
    private static bool Accept(Aes aes, byte[] derived, byte[] sample, int sampleLength, Func<byte[], int, byte[]?, bool> recognizes)
    {
        var key = new byte[32];
        Buffer.BlockCopy(derived, 0, key, 0, 32);
        bool tarBlock = sampleLength >= SampleLength;
        int blocks = Math.Min(2, sampleLength / 16);
        var cipher = new byte[(blocks + (tarBlock ? 1 : 0)) * 16];
        Buffer.BlockCopy(sample, 0, cipher, 0, blocks * 16);
        if (tarBlock)
        {
            Buffer.BlockCopy(sample, 16 * 16, cipher, blocks * 16, 16);
        }
        var plain = new byte[cipher.Length];
        try
        {
            using (ICryptoTransform decryptor = aes.CreateDecryptor(key, null))
            {
                decryptor.TransformBlock(cipher, 0, cipher.Length, plain, 0);
            }
            // CBC: each decrypted block is XORed with the previous ciphertext block (the IV for block 0).
            for (int j = 0; j < 16; j++)
            {
                plain[j] ^= derived[32 + j];
                if (blocks > 1)
                {
                    plain[16 + j] ^= sample[j];
                }
                if (tarBlock)
                {
                    plain[blocks * 16 + j] ^= sample[15 * 16 + j];
                }
            }
            byte[]? at256 = null;
            if (tarBlock)
            {
                // Block 16 holds offsets 256-271, where a tar header says "ustar".
                at256 = new byte[16];
                Buffer.BlockCopy(plain, blocks * 16, at256, 0, 16);
            }
            return recognizes(plain, blocks * 16, at256);
        }
        finally
        {
            Array.Clear(key, 0, key.Length);
            Array.Clear(plain, 0, plain.Length);
        }
    }
}
