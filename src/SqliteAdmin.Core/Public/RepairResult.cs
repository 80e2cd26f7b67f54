using System;


namespace SqliteAdmin;

/// <summary>What became of one schema object of a damaged database in its salvaged copy.</summary>
public enum RepairStatus
{
    /// <summary>Recreated; for a table, every row was read without meeting damage.</summary>
    Complete,
    /// <summary>A table whose scan met unreadable pages: the rows around them were recovered, the rows on them are lost.</summary>
    Partial,
    /// <summary>Not recreated (its definition is unreadable or no longer valid), or no row of the table could be read.</summary>
    Failed,
}

/// <summary>
/// One schema object (table, index, view or trigger) of a database salvaged by Repair-SqliteDatabase:
/// for a table, the rows recovered and, where the damaged original can still count them, the rows expected.
/// </summary>
public sealed class RepairResult
{
    /// <summary>The damaged database that was read (never written).</summary>
    public string Database { get; set; } = "";
    /// <summary>Where the salvaged database is: -Destination, or the database itself after -Replace.</summary>
    public string Destination { get; set; } = "";
    /// <summary>The object's name.</summary>
    public string Name { get; set; } = "";
    /// <summary>table, index, view or trigger.</summary>
    public string Type { get; set; } = "";
    /// <summary>Complete, Partial or Failed.</summary>
    public RepairStatus Status { get; set; }
    /// <summary>Rows copied into the salvaged database (tables only).</summary>
    public long? RowsRecovered { get; set; }
    /// <summary>Rows the damaged original says the table has (count(*) over the table's own b-tree); null when it cannot count them any more.</summary>
    public long? RowsExpected { get; set; }
    /// <summary>Rows read that the salvaged table refused (out of order, duplicate key, constraint): taken for garbage from a damaged page and left out.</summary>
    public long RowsRejected { get; set; }
    /// <summary>Unreadable stretches met while reading the table.</summary>
    public int DamagedRanges { get; set; }
    /// <summary>What was lost and why, or empty.</summary>
    public string Message { get; set; } = "";
    /// <summary>integrity_check of the salvaged database ("ok").</summary>
    public string Integrity { get; set; } = "";
    /// <summary>With -Replace: the folder holding the damaged database as it was before the swap.</summary>
    public string? SafetyCopyPath { get; set; }
    /// <summary>The salvaged database replaced the damaged one (-Replace).</summary>
    public bool Replaced { get; set; }
    /// <summary>How long the whole repair took.</summary>
    public TimeSpan Duration { get; set; }
}
