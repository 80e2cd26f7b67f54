using System;
using System.Collections.Generic;
using System.IO.Compression;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Integrity;

namespace SqliteAdmin.Core.Backups;

/// <summary>Everything Backup-SqliteDatabase was asked to do for one database.</summary>
internal sealed class BackupRequest
{
    /// <summary>The database to back up.</summary>
    public string SourcePath { get; set; } = "";
    /// <summary>Folder the backup is written to; created if missing.</summary>
    public string Destination { get; set; } = "";
    /// <summary>
    /// Series name that starts every backup file name; null for the database's file name. Two
    /// databases with the same file name backed up to one folder need different names.
    /// </summary>
    public string? Name { get; set; }
    /// <summary>Tier recorded in the name and manifest.</summary>
    public BackupTier Tier { get; set; } = BackupTier.Manual;
    /// <summary>How the copy is taken.</summary>
    public BackupMethod Method { get; set; } = BackupMethod.OnlineBackup;
    /// <summary>Pages copied per backup step (between steps: progress, cancellation, writers).</summary>
    public int PagesPerStep { get; set; } = 4096;
    /// <summary>Restarts tolerated before the copy finishes inside one read snapshot.</summary>
    public int MaxRestarts { get; set; } = 3;
    /// <summary>
    /// Longest the backup may hold a rollback-journal database's writers off (the final copy under
    /// one read lock, or a VACUUM INTO); past it the backup stops with WriterBlockLimit. Null: no limit.
    /// </summary>
    public TimeSpan? MaxWriterBlock { get; set; }
    /// <summary>gzip the backup.</summary>
    public bool Compress { get; set; }
    /// <summary>gzip level.</summary>
    public CompressionLevel CompressionLevel { get; set; } = CompressionLevel.Optimal;
    /// <summary>Encrypt with this passphrase (OpenSSL format); null for no encryption.</summary>
    public Passphrase? Passphrase { get; set; }
    /// <summary>PBKDF2 iterations for encryption.</summary>
    public int Iterations { get; set; } = OpenSslEncryption.DefaultIterations;
    /// <summary>How the copy is checked before it is kept.</summary>
    public IntegrityMode Verify { get; set; } = IntegrityMode.Quick;
    /// <summary>Folders that receive a copy of the finished backup.</summary>
    public IList<string> CopyTo { get; set; } = new List<string>();
    /// <summary>Side files stored with the backup.</summary>
    public IList<string> IncludeFiles { get; set; } = new List<string>();
    /// <summary>How long to wait for another process's lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The module version written to the manifest.</summary>
    public string ModuleVersion { get; set; } = typeof(BackupRequest).Assembly.GetName().Version?.ToString(3) ?? "";
    /// <summary>The clock (UTC); tests set it to force same-second collisions.</summary>
    public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
}

/// <summary>The result of one backup: the backup, and any -CopyTo folder that failed.</summary>
internal sealed class BackupOutcome
{
    internal BackupOutcome(BackupInfo backup, IReadOnlyList<SqliteAdminException> copyFailures)
    {
        Backup = backup;
        CopyFailures = copyFailures;
    }

    /// <summary>The backup made.</summary>
    public BackupInfo Backup { get; }

    /// <summary>Copies that failed; the primary backup is complete regardless.</summary>
    public IReadOnlyList<SqliteAdminException> CopyFailures { get; }

    /// <summary>What the user should know about how the backup was made (a hot journal rolled back first).</summary>
    public IReadOnlyList<string> Warnings { get; internal set; } = Array.Empty<string>();
}
