using System.Management.Automation;
using System.Security;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Crypto;

namespace SqliteAdmin;

/// <summary>
/// The three ways a passphrase can reach a cmdlet (-Passphrase SecureString, -Credential, or the
/// name of an environment variable) turned into one Core <see cref="Passphrase"/>. A plain-text
/// passphrase parameter is deliberately absent: PSReadLine would save it to the history file.
/// </summary>
internal static class PassphraseParameters
{
    /// <summary>The passphrase given, or null when none was; more than one source is a bad invocation.</summary>
    public static Passphrase? Resolve(SecureString? passphrase, PSCredential? credential, string? variable)
    {
        int given = (passphrase != null ? 1 : 0) + (credential != null ? 1 : 0) + (string.IsNullOrEmpty(variable) ? 0 : 1);
        if (given > 1)
        {
            throw new SqliteAdminException(ErrorIds.AmbiguousPassphrase, SqliteAdminErrorCategory.InvalidArgument,
                "Give the passphrase one way only: -Passphrase, -Credential or -PassphraseVariable.");
        }
        if (passphrase != null)
        {
            return Passphrase.FromSecureString(passphrase);
        }
        if (credential != null)
        {
            return Passphrase.FromSecureString(credential.Password);
        }
        return string.IsNullOrEmpty(variable) ? null : Passphrase.FromEnvironmentVariable(variable!);
    }
}
