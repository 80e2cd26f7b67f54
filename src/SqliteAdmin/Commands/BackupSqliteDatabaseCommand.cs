using System;
using System.IO.Compression;
using System.Linq;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Integrity;

namespace SqliteAdmin.Commands;

/// <summary>Backup-SqliteDatabase: consistent, verified, optionally compressed and encrypted backups with a manifest.</summary>
[Cmdlet(VerbsData.Backup, "SqliteDatabase", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(BackupInfo))]
public sealed class BackupSqliteDatabaseCommand : PassphrasePathCmdlet
{
    private string _destination = "";

    /// <summary>Folder the backups are written to; created if missing.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>
    /// Series name that starts every backup file name (default: the database's file name). Two
    /// databases with the same file name (site1/app.db, site2/app.db) backed up to one folder need
    /// their own names: the second is refused with BackupSeriesConflict until it has one.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>
    /// Seconds the backup may hold a rollback-journal database's writers off. When writers keep
    /// committing, the copy restarts up to three times, then finishes under one read lock, during
    /// which writers wait (on their own busy timeout); past this limit the backup stops with
    /// WriterBlockLimit and keeps nothing. Default: no limit (WritersBlocked on the result says how long it was).
    /// </summary>
    [Parameter]
    [ValidateRange(0.001, 86400)]
    public double MaxWriterBlock { get; set; }

    /// <summary>
    /// Put every database given (-Path, the pipeline) into one archive of this name,
    /// &lt;name&gt;_&lt;tier&gt;_&lt;time&gt;.tar.gz[.enc], instead of one backup each.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Archive { get; set; }

    /// <summary>Tier recorded in the file name and manifest (drives retention).</summary>
    [Parameter]
    public BackupTier Tier { get; set; } = BackupTier.Manual;

    /// <summary>OnlineBackup (stepped backup API) or VacuumInto (compacted copy).</summary>
    [Parameter]
    public BackupMethod Method { get; set; } = BackupMethod.OnlineBackup;

    /// <summary>Pages copied per backup step.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int PagesPerStep { get; set; } = 4096;

    /// <summary>gzip the backup (.gz).</summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    /// <summary>gzip level: Optimal (default), Fastest or NoCompression.</summary>
    [Parameter]
    public CompressionLevel CompressionLevel { get; set; } = CompressionLevel.Optimal;

    /// <summary>Encrypt the backup (.enc) in the format of openssl enc -aes-256-cbc -pbkdf2.</summary>
    [Parameter]
    public SwitchParameter Encrypt { get; set; }

    /// <summary>PBKDF2 iterations (default 10000, recorded in the manifest).</summary>
    [Parameter]
    [ValidateRange(1000, 100_000_000)]
    public int Iterations { get; set; } = OpenSslEncryption.DefaultIterations;

    /// <summary>Check of the copy before it is kept: Quick (default), Full or None. Alias -Verify: its 0.1.0 name, kept for one release.</summary>
    [Parameter]
    [Alias("Verify")]
    public IntegrityMode IntegrityMode { get; set; } = IntegrityMode.Quick;

    /// <summary>Further folders that receive a copy of each finished backup, re-hashed.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? CopyTo { get; set; }

    /// <summary>Side files (.env, settings) stored with each backup, encrypted when the backup is.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? IncludeFile { get; set; }

    /// <summary>Checks the invocation once: -Encrypt with exactly one passphrase, the destination.</summary>
    protected override void ValidateInvocation()
    {
        if (Encrypt && ResolvedPassphrase == null)
        {
            throw new SqliteAdminException(ErrorIds.PassphraseRequired, SqliteAdminErrorCategory.InvalidArgument,
                "-Encrypt needs a passphrase: -Passphrase (Read-Host -AsSecureString), -Credential, or -PassphraseVariable NAME.");
        }
        if (!Encrypt && ResolvedPassphrase != null)
        {
            throw new SqliteAdminException(ErrorIds.AmbiguousPassphrase, SqliteAdminErrorCategory.InvalidArgument,
                "A passphrase was given without -Encrypt. Add -Encrypt to encrypt the backup.");
        }
        if (Archive != null && (CopyTo != null || IncludeFile != null))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "-CopyTo and -IncludeFile are not supported with -Archive yet: back up the archive, then copy it.", Archive);
        }
        _destination = FileSystemPath(Destination);
    }

    /// <summary>Backs up each database; a failure on one is a non-terminating error and the rest continue.</summary>
    protected override void ProcessPath(string path)
    {
        if (Archive != null)
        {
            _archiveMembers.Add(path); // archived together once every input is known
            return;
        }
        if (!ShouldProcess(path, $"Back up to '{_destination}'"))
        {
            return;
        }
        BackupRequest request = Request(path);
        BackupOutcome outcome = RunWithProgress((progress, stop) => DatabaseBackup.Run(request, progress, stop));
        foreach (string warning in outcome.Warnings)
        {
            WriteWarning(warning);
        }
        foreach (SqliteAdminException failure in outcome.CopyFailures)
        {
            WriteFailure(failure, failure.Target);
        }
        WriteObject(outcome.Backup);
    }

    /// <summary>With -Archive: one archive of every database given.</summary>
    protected override void EndProcessing()
    {
        if (Archive == null || _archiveMembers.Count == 0 || StopToken.IsCancellationRequested)
        {
            return;
        }
        if (!ShouldProcess(string.Join(", ", _archiveMembers), $"Back up into one archive '{Archive}' in '{_destination}'"))
        {
            return;
        }
        BackupRequest request = Request(_archiveMembers[0]);
        request.Compress = true;
        Attempt(Archive, () => WriteObject(RunWithProgress((progress, stop) => ArchiveBackup.Run(_archiveMembers, Archive, request, progress, stop))));
    }

    private readonly System.Collections.Generic.List<string> _archiveMembers = new();

    private BackupRequest Request(string path) =>
        new()
        {
            SourcePath = path,
            Destination = _destination,
            Name = Name,
            MaxWriterBlock = MyInvocation.BoundParameters.ContainsKey(nameof(MaxWriterBlock)) ? TimeSpan.FromSeconds(MaxWriterBlock) : null,
            Tier = Tier,
            Method = Method,
            PagesPerStep = PagesPerStep,
            Compress = Compress,
            CompressionLevel = CompressionLevel,
            Passphrase = ResolvedPassphrase,
            Iterations = Iterations,
            Verify = IntegrityMode,
            CopyTo = (CopyTo ?? Array.Empty<string>()).Select(FileSystemPath).ToList(),
            IncludeFiles = (IncludeFile ?? Array.Empty<string>()).Select(FileSystemPath).ToList(),
            BusyTimeout = BusyTimeoutSpan,
        };

}
