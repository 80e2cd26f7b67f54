using System;
using SqliteAdmin.Core.Crypto;

namespace SqliteAdmin.Core.Restore;

/// <summary>Everything Restore-SqliteDatabase was asked to do.</summary>
internal sealed class RestoreRequest
{
    /// <summary>A backup file, or a folder of backups (then <see cref="Database"/> is required).</summary>
    public string BackupPath { get; set; } = "";
    /// <summary>With a folder: the database whose backup to restore.</summary>
    public string? Database { get; set; }
    /// <summary>With a folder: pick the newest verified backup at or before this time.</summary>
    public DateTime? Before { get; set; }
    /// <summary>The database file to restore (created if missing).</summary>
    public string Destination { get; set; } = "";
    /// <summary>Passphrase of an encrypted backup.</summary>
    public Passphrase? Passphrase { get; set; }
    /// <summary>Folder for the safety copy of the current database; default <c>before_restore</c> beside it.</summary>
    public string? SafetyCopyFolder { get; set; }
    /// <summary>Restore a plain SQLite file that has no manifest (its integrity check still runs).</summary>
    public bool AllowNoManifest { get; set; }
    /// <summary>How long to wait for locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The clock (UTC), for the safety copy's folder name.</summary>
    public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
}

