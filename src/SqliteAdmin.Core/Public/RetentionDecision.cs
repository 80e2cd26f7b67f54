using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>What happens to a backup under a retention policy.</summary>
public enum RetentionAction
{
    /// <summary>A rule keeps it.</summary>
    Keep,
    /// <summary>No rule keeps it; it was not removed (yet): -WhatIf, a declined prompt, or a plan.</summary>
    Remove,
    /// <summary>It was removed, with its manifest and side files.</summary>
    Removed,
}

/// <summary>One backup considered by Remove-ExpiredBackup, and why it was kept or removed.</summary>
public sealed class RetentionDecision
{
    /// <summary>Database name.</summary>
    public string Database { get; set; } = "";
    /// <summary>The backup file.</summary>
    public string Path { get; set; } = "";
    /// <summary>When it was taken (UTC).</summary>
    public DateTime CreatedUtc { get; set; }
    /// <summary>Tier from its name.</summary>
    public BackupTier Tier { get; set; }
    /// <summary>Made by another tool and considered because -IncludeForeign named it; its .sha256 goes with it.</summary>
    public bool Foreign { get; set; }
    /// <summary>Bytes of the backup and its side files (its manifest, a few KB, is removed with it but not counted).</summary>
    public long SizeBytes { get; set; }
    /// <summary>Keep, Remove (planned) or Removed.</summary>
    public RetentionAction Action { get; set; }
    /// <summary>The rules that keep it (restic's words), or why it goes.</summary>
    public IReadOnlyList<string> Reasons { get; set; } = Array.Empty<string>();
    /// <summary>Side files found with the backup when the folder was listed (null: look them up when removing).</summary>
    internal IReadOnlyList<string>? SideFiles { get; set; }
}
