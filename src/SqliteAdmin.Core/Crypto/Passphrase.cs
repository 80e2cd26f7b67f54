using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace SqliteAdmin.Core.Crypto;

/// <summary>
/// A backup passphrase. Held as a SecureString; turned into UTF-8 bytes only for the key
/// derivation, and those bytes are zeroed at once. It never prints: ToString() is a mask.
/// </summary>
internal sealed class Passphrase : IDisposable
{
    private readonly SecureString _secret;

    private Passphrase(SecureString secret)
    {
        _secret = secret;
        _secret.MakeReadOnly();
    }

    /// <summary>From a SecureString (-Passphrase, or a PSCredential's Password). The string is copied.</summary>
    public static Passphrase FromSecureString(SecureString secret)
    {
        if (secret == null || secret.Length == 0)
        {
            throw Empty("The passphrase is empty.");
        }
        return new Passphrase(secret.Copy());
    }

    /// <summary>From the environment variable named <paramref name="variableName"/> (-PassphraseVariable). Only the name ever appears in messages.</summary>
    public static Passphrase FromEnvironmentVariable(string variableName)
    {
        string? value = Environment.GetEnvironmentVariable(variableName);
        if (string.IsNullOrEmpty(value))
        {
            throw Empty($"The environment variable '{variableName}' that should hold the passphrase is not set or is empty.");
        }
        var secure = new SecureString();
        foreach (char c in value!)
        {
            secure.AppendChar(c);
        }
        return new Passphrase(secure);
    }

    /// <summary>The passphrase as UTF-8 bytes, as openssl reads it from a terminal. The caller zeroes the array.</summary>
    internal byte[] ToUtf8()
    {
        IntPtr unmanaged = Marshal.SecureStringToGlobalAllocUnicode(_secret);
        char[] chars = new char[_secret.Length];
        try
        {
            Marshal.Copy(unmanaged, chars, 0, chars.Length);
            return Encoding.UTF8.GetBytes(chars);
        }
        finally
        {
            Array.Clear(chars, 0, chars.Length);
            Marshal.ZeroFreeGlobalAllocUnicode(unmanaged);
        }
    }

    /// <summary>Never the secret.</summary>
    public override string ToString() => "********";

    /// <summary>Disposes the SecureString.</summary>
    public void Dispose() => _secret.Dispose();

    private static SqliteAdminException Empty(string message) =>
        new(ErrorIds.EmptyPassphrase, SqliteAdminErrorCategory.InvalidArgument, message);
}
