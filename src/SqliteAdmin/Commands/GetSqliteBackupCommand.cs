using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Commands;

/// <summary>Get-SqliteBackup: lists backups in folders from their manifests, newest first; -Verify re-hashes them.</summary>
[Cmdlet(VerbsCommon.Get, "SqliteBackup", DefaultParameterSetName = PathSet)]
[OutputType(typeof(BackupInfo))]
public sealed class GetSqliteBackupCommand : SqliteAdminCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private Passphrase? _passphrase;

    /// <summary>Folder(s) holding backups; wildcards allowed. Default: the current location.</summary>
    [Parameter(Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Path { get; set; }

    /// <summary>Folder(s) holding backups, used exactly as typed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[]? LiteralPath { get; set; }

    /// <summary>Only backups of this database (the source file name without extension).</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>Also look in subfolders (links are not followed).</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Re-read every backup and compare size, SHA-256 (and HMAC, with a passphrase) with its manifest.</summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    /// <summary>Passphrase (SecureString) to check the HMAC of encrypted backups with -Verify.</summary>
    [Parameter]
    public SecureString? Passphrase { get; set; }

    /// <summary>Passphrase as the password of a credential.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Name of the environment variable that holds the passphrase.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PassphraseVariable { get; set; }

    /// <summary>Checks the passphrase parameters once.</summary>
    protected override void PrepareInvocation()
    {
        _passphrase = PassphraseParameters.Resolve(Passphrase, Credential, PassphraseVariable);
    }

    /// <summary>Lists (and with -Verify checks) the backups in each folder.</summary>
    protected override void ProcessRecord()
    {
        string[] folders = ParameterSetName == LiteralPathSet ? LiteralPath! : Path ?? new[] { "." };
        ForEachPath(ResolveFileSystemPaths(folders, ParameterSetName == LiteralPathSet, ErrorIds.BackupFolderNotFound), ListFolder);
    }

    private void ListFolder(string folder)
    {
        bool reported = false;
        try
        {
            List<BackupInfo> backups = BackupCatalog.List(folder, Database, Recurse, StopToken, foreign: true);
            for (int i = 0; i < backups.Count; i++)
            {
                BackupInfo backup = backups[i];
                if (Verify)
                {
                    int done = i;
                    reported = true;
                    RunWithProgress((progress, stop) =>
                    {
                        progress.Report(new OperationProgress("Verifying backups",
                            $"Backup {done + 1} of {backups.Count}: {System.IO.Path.GetFileName(backup.Path)}", 100 * done / backups.Count));
                        BackupCatalog.Verify(backup, _passphrase, stop);
                        return backup;
                    });
                    if (backup.Status is BackupCheckStatus.Corrupt or BackupCheckStatus.HmacMismatch)
                    {
                        WriteFailure(new SqliteAdminException(
                            backup.Status == BackupCheckStatus.HmacMismatch ? ErrorIds.WrongPassphraseOrCorrupt : ErrorIds.BackupCorrupt,
                            SqliteAdminErrorCategory.InvalidData, $"Backup '{backup.Path}': {backup.StatusMessage}", backup.Path), backup.Path);
                    }
                }
                WriteObject(backup);
            }
            var leftovers = Core.IO.StaleTempFiles.Find(folder);
            if (leftovers.Count > 0)
            {
                WriteWarning($"{leftovers.Count} temp file(s) of an interrupted SqliteAdmin run are in '{folder}' (e.g. {leftovers[0].Name}): " +
                    "the next Backup-SqliteDatabase into this folder removes them.");
            }
        }
        finally
        {
            if (reported && !StopToken.IsCancellationRequested)
            {
                // Close the bar, or the host keeps showing the last backup verified.
                RunWithProgress((progress, stop) =>
                {
                    progress.Report(new OperationProgress("Verifying backups", "Done", 100) { Completed = true });
                    return true;
                });
            }
        }
    }

    /// <summary>Releases the passphrase.</summary>
    protected override void ReleaseResources()
    {
        _passphrase?.Dispose();
        _passphrase = null;
    }
}
