using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>Overall outcome of an integrity check.</summary>
public enum IntegrityStatus
{
    /// <summary>No problem found.</summary>
    Ok,
    /// <summary>The file is damaged: SQLite's check found broken pages, records or indexes. Restore or repair it.</summary>
    Corrupt = 1,
    /// <summary>The file could not be read as a database at all (bad header, unreadable schema).</summary>
    Unreadable = 2,
    /// <summary>
    /// The file is sound but its data is not: foreign-key violations only (rows whose parent is
    /// missing). Restoring a backup would lose good data; fix the rows instead. (Added after 0.1.0;
    /// the other values keep their numbers.)
    /// </summary>
    Inconsistent = 3,
}

/// <summary>A row whose foreign key points at a missing parent.</summary>
public sealed class ForeignKeyViolation
{
    /// <summary>Creates a violation.</summary>
    public ForeignKeyViolation(string table, long? rowId, string parent, long foreignKeyIndex)
    {
        Table = table;
        RowId = rowId;
        Parent = parent;
        ForeignKeyIndex = foreignKeyIndex;
    }

    /// <summary>The table holding the row.</summary>
    public string Table { get; }
    /// <summary>Its rowid (null for WITHOUT ROWID tables).</summary>
    public long? RowId { get; }
    /// <summary>The table the foreign key refers to.</summary>
    public string Parent { get; }
    /// <summary>Which foreign key of the table (PRAGMA foreign_key_list id).</summary>
    public long ForeignKeyIndex { get; }

    /// <summary>One line for tables and logs.</summary>
    public override string ToString() => $"{Table} rowid {RowId?.ToString() ?? "?"} -> {Parent} (fk {ForeignKeyIndex})";
}

/// <summary>What Test-SqliteIntegrity found in one database or backup.</summary>
public sealed class IntegrityResult
{
    /// <summary>The database or backup file checked.</summary>
    public string Path { get; set; } = "";
    /// <summary>Quick or Full.</summary>
    public IntegrityMode Mode { get; set; }
    /// <summary>True when Status is Ok.</summary>
    public bool IsHealthy => Status == IntegrityStatus.Ok;
    /// <summary>Ok, Corrupt (damaged file), Inconsistent (foreign-key violations only) or Unreadable.</summary>
    public IntegrityStatus Status { get; set; }
    /// <summary>The problems found, as SQLite words them (at most MaxErrors).</summary>
    public IReadOnlyList<string> Errors { get; set; } = Array.Empty<string>();
    /// <summary>Rows whose parent is missing.</summary>
    public IReadOnlyList<ForeignKeyViolation> ForeignKeyViolations { get; set; } = Array.Empty<ForeignKeyViolation>();
    /// <summary>Whether the file checked was a backup (decoded to a temp file first).</summary>
    public bool IsBackup { get; set; }
    /// <summary>The database inside a multi-database archive this result is for (one result per member); null otherwise.</summary>
    public string? Member { get; set; }
    /// <summary>How long the check took.</summary>
    public TimeSpan Duration { get; set; }
}

/// <summary>How thoroughly to check a database.</summary>
public enum IntegrityMode
{
    /// <summary>PRAGMA quick_check: page structure and record format, no index-vs-table cross-check. Fast.</summary>
    Quick,
    /// <summary>PRAGMA integrity_check: everything quick_check does plus every index against its table.</summary>
    Full,
    /// <summary>No check.</summary>
    None,
}
