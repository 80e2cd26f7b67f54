using System;
using System.Security.Cryptography;

namespace SqliteAdmin.Core.Crypto;

/// <summary>
/// PBKDF2 with HMAC-SHA256 (RFC 8018), as <c>openssl enc -pbkdf2 -md sha256</c> uses it.
/// netstandard2.0's Rfc2898DeriveBytes offers only SHA-1, so the few lines are here.
/// Not a package (Microsoft.AspNetCore.Cryptography.KeyDerivation, BouncyCastle): a shipped assembly that Windows PowerShell 5.1 must bind exactly, for twenty lines checked against RFC and openssl vectors.
/// </summary>
internal static class Pbkdf2
{
    /// <summary>Derives <paramref name="length"/> bytes from a password and salt.</summary>
    public static byte[] DeriveSha256(byte[] password, byte[] salt, int iterations, int length)
    {
        if (iterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations));
        }
        var output = new byte[length];
        using var hmac = new HMACSHA256(password);
        var block = new byte[salt.Length + 4];
        Buffer.BlockCopy(salt, 0, block, 0, salt.Length);
        int offset = 0;
        for (uint index = 1; offset < length; index++)
        {
            block[salt.Length] = (byte)(index >> 24);
            block[salt.Length + 1] = (byte)(index >> 16);
            block[salt.Length + 2] = (byte)(index >> 8);
            block[salt.Length + 3] = (byte)index;
            byte[] u = hmac.ComputeHash(block);
            byte[] t = (byte[])u.Clone();
            for (int i = 1; i < iterations; i++)
            {
                u = hmac.ComputeHash(u);
                for (int j = 0; j < t.Length; j++)
                {
                    t[j] ^= u[j];
                }
            }
            int take = Math.Min(t.Length, length - offset);
            Buffer.BlockCopy(t, 0, output, offset, take);
            offset += take;
            Array.Clear(t, 0, t.Length);
            Array.Clear(u, 0, u.Length);
        }
        return output;
    }
}
