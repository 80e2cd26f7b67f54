using System;

namespace SqliteAdmin;

/// <summary>One finished CSV export: where from, where to, how many rows and bytes.</summary>
public sealed class ExportResult
{
    /// <summary>The database the rows came from.</summary>
    public string Path { get; set; } = "";

    /// <summary>The CSV file written.</summary>
    public string Destination { get; set; } = "";

    /// <summary>The table exported, or null for a query.</summary>
    public string? Table { get; set; }

    /// <summary>The SQL that was run (SELECT * FROM the table for -Table).</summary>
    public string Query { get; set; } = "";

    /// <summary>Data rows written (the header not counted).</summary>
    public long Rows { get; set; }

    /// <summary>Columns of the (last) result.</summary>
    public int Columns { get; set; }

    /// <summary>The size of the file written.</summary>
    public long SizeBytes { get; set; }

    /// <summary>True when an existing file was replaced (-Force).</summary>
    public bool Replaced { get; set; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; set; }

    /// <summary>True when a hot journal left by an interrupted writer was rolled back before reading.</summary>
    public bool RolledBackHotJournal { get; set; }
}
