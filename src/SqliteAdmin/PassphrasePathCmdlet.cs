using System.Management.Automation;
using System.Security;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Crypto;

namespace SqliteAdmin;

/// <summary>
/// Base of the path-taking cmdlets that read or write encrypted backups: -Passphrase
/// (SecureString), -Credential, -PassphraseVariable, resolved once before any input and released
/// in Dispose (which runs even after Ctrl+C).
/// </summary>
public abstract class PassphrasePathCmdlet : DatabaseInputCmdlet
{
    /// <summary>The passphrase as a SecureString.</summary>
    [Parameter]
    public SecureString? Passphrase { get; set; }

    /// <summary>The passphrase as the password of a credential (the user name is ignored).</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>The name of the environment variable that holds the passphrase.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PassphraseVariable { get; set; }

    /// <summary>The passphrase given, or null.</summary>
    private protected Passphrase? ResolvedPassphrase { get; private set; }

    /// <summary>Resolves the passphrase; a bad invocation is a terminating error.</summary>
    protected override void PrepareInvocation()
    {
        base.PrepareInvocation();
        ResolvedPassphrase = PassphraseParameters.Resolve(Passphrase, Credential, PassphraseVariable);
        ValidateInvocation();
    }

    /// <summary>Further checks of the invocation, after the passphrase is resolved; throw SqliteAdminException.</summary>
    protected virtual void ValidateInvocation()
    {
    }

    /// <summary>Releases the passphrase.</summary>
    protected override void ReleaseResources()
    {
        ResolvedPassphrase?.Dispose();
        ResolvedPassphrase = null;
    }
}
