namespace SqliteAdmin;

/// <summary>One database inside a multi-database archive (BackupInfo.Members).</summary>
public sealed class ArchiveMemberInfo
{
    /// <summary>Database name: the member's file name without extension (user_data for user_data.db); what -Database selects.</summary>
    public string Database { get; set; } = "";
    /// <summary>The member's file name inside the archive.</summary>
    public string Name { get; set; } = "";
    /// <summary>Size of the database in bytes.</summary>
    public long? SizeBytes { get; set; }
    /// <summary>SHA-256 of the database bytes: recorded by our manifest, or computed by -Verify.</summary>
    public string? Sha256 { get; set; }
    /// <summary>Number of tables, as the archive's metadata records it (seed 002's table_count) or our manifest.</summary>
    public long? TableCount { get; set; }
    /// <summary>Full path of the database that was backed up, when our manifest records it.</summary>
    public string? SourcePath { get; set; }
    /// <summary>What -Verify found for this member: Ok, Corrupt, Missing; null when only listed.</summary>
    public string? Status { get; set; }
}
