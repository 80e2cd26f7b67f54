using System;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Integrity;

namespace SqliteAdmin.Commands;

/// <summary>Test-SqliteIntegrity: quick_check / integrity_check / foreign_key_check of databases and backup files.</summary>
[Cmdlet(VerbsDiagnostic.Test, "SqliteIntegrity", DefaultParameterSetName = PathSet)]
[OutputType(typeof(IntegrityResult), typeof(bool))]
public sealed class TestSqliteIntegrityCommand : PassphrasePathCmdlet
{

    /// <summary>Full (integrity_check, default) or Quick (quick_check). Alias -Mode: its 0.1.0 name, kept for one release.</summary>
    [Parameter]
    [Alias("Mode")]
    [ValidateSet(nameof(IntegrityMode.Full), nameof(IntegrityMode.Quick))]
    public IntegrityMode IntegrityMode { get; set; } = IntegrityMode.Full;

    /// <summary>Skip foreign_key_check.</summary>
    [Parameter]
    public SwitchParameter NoForeignKeys { get; set; }

    /// <summary>Collect at most this many problems.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxErrors { get; set; } = 100;

    /// <summary>Check only these tables (and their indexes).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Table { get; set; }

    /// <summary>Return only $true (healthy) or $false per input.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Checks each database or backup.</summary>
    protected override void ProcessPath(string path)
    {
        var request = new IntegrityRequest
        {
            Path = path,
            Mode = IntegrityMode,
            CheckForeignKeys = !NoForeignKeys,
            MaxErrors = MaxErrors,
            Tables = Table,
            Passphrase = ResolvedPassphrase,
            BusyTimeout = BusyTimeoutSpan,
        };
        foreach (IntegrityResult result in RunWithProgress((progress, stop) => DatabaseIntegrity.CheckAll(request, progress, stop)))
        {
            WriteObject(Quiet ? result.IsHealthy : result);
        }
    }

    /// <summary>After the error for an input that failed has been written.</summary>
    protected override void OnPathFailed(string path)
    {
        if (Quiet)
        {
            WriteObject(false);
        }
    }

    /// <summary>With -Quiet every input answers: one that does not exist is $false (its error is already written).</summary>
    protected override void OnPathNotResolved(string path)
    {
        if (Quiet)
        {
            WriteObject(false);
        }
    }

}
