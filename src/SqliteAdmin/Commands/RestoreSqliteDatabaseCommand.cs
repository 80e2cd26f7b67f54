using System;
using System.Linq;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Restore;

namespace SqliteAdmin.Commands;

/// <summary>Restore-SqliteDatabase: restores a backup over or beside a database, checked before and after, with a safety copy and rollback.</summary>
[Cmdlet(VerbsData.Restore, "SqliteDatabase", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RestoreResult))]
public sealed class RestoreSqliteDatabaseCommand : PassphrasePathCmdlet
{
    private string[] _destinations = Array.Empty<string>();
    private int _restores;

    /// <summary>
    /// The database file to restore; created if missing. For an archive of several databases: a
    /// folder that receives them under their own names, or the database file named like one of them.
    /// </summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>For an archive: further database files, each named like the member it receives (seed 002 keeps its two databases in two folders).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? MemberDestination { get; set; }

    /// <summary>With a folder as -Path: whose backup to restore. With an archive: which database in it (user_data for user_data.db).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>With a folder as -Path: the newest verified backup at or before this time.</summary>
    [Parameter]
    public DateTime? Before { get; set; }

    /// <summary>Folder for the safety copy of the current database (default: before_restore beside it).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SafetyCopyPath { get; set; }

    /// <summary>Restore a plain SQLite file that has no manifest; its integrity check still runs.</summary>
    [Parameter]
    public SwitchParameter AllowNoManifest { get; set; }

    /// <summary>Skip the confirmation prompt (and nothing else).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Backups that do not exist are BackupNotFound.</summary>
    protected override string NotFoundErrorId => ErrorIds.BackupNotFound;

    /// <summary>Resolves the destination once.</summary>
    protected override void ValidateInvocation()
    {
        _destinations = new[] { Destination }.Concat(MemberDestination ?? Array.Empty<string>()).Select(FileSystemPath).ToArray();
    }

    /// <summary>Restores the backup named (one per destination).</summary>
    protected override void ProcessPath(string backup)
    {
        if (++_restores > 1)
        {
            // Piping every backup in a folder would restore each in turn and leave the oldest.
            WriteFailure(new SqliteAdminException(ErrorIds.MoreThanOneBackup, SqliteAdminErrorCategory.InvalidArgument,
                $"More than one backup was given for '{string.Join("', '", _destinations)}'; '{backup}' was not restored. Pick one, e.g. Get-SqliteBackup ... | Select-Object -First 1.", backup), backup);
            return;
        }
        if (!ShouldProcessUnlessForced(Force, string.Join(", ", _destinations), $"Restore from '{backup}' (the current database is kept as a safety copy)"))
        {
            return;
        }
        var request = new RestoreRequest
        {
            BackupPath = backup,
            Database = Database,
            Before = Before,

            Passphrase = ResolvedPassphrase,
            SafetyCopyFolder = SafetyCopyPath == null ? null : FileSystemPath(SafetyCopyPath),
            AllowNoManifest = AllowNoManifest,
            BusyTimeout = BusyTimeoutSpan,
        };
        var results = RunWithProgress((progress, stop) => ArchiveRestore.Run(request, _destinations, progress, stop));
        string[] skipped = results.SelectMany(r => r.SkippedMembers).Distinct().ToArray();
        if (skipped.Length > 0)
        {
            WriteWarning($"Not restored, as they are not SQLite databases: {string.Join(", ", skipped)} (in SkippedMembers).");
        }
        WriteObject(results, enumerateCollection: true);
    }

}
