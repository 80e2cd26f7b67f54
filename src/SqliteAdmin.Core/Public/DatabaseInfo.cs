using System;
using System.Collections.Generic;

namespace SqliteAdmin;

/// <summary>Facts about one SQLite database, as Get-SqliteDatabase emits them.</summary>
public sealed class DatabaseInfo
{
    /// <summary>Full path of the database file.</summary>
    public string Path { get; set; } = "";
    /// <summary>File name without folder.</summary>
    public string Name => System.IO.Path.GetFileName(Path);
    /// <summary>Size of the main database file in bytes.</summary>
    public long SizeBytes { get; set; }
    /// <summary>Size of the <c>-wal</c> file beside it, 0 when there is none.</summary>
    public long WalSizeBytes { get; set; }
    /// <summary>Page size in bytes.</summary>
    public int PageSize { get; set; }
    /// <summary>Number of pages.</summary>
    public long PageCount { get; set; }
    /// <summary>Number of unused pages on the freelist.</summary>
    public long FreelistCount { get; set; }
    /// <summary>Freelist pages as a percentage of all pages (what VACUUM would reclaim), two decimals.</summary>
    public double FreePercent { get; set; }
    /// <summary>Journal mode: delete, wal, truncate, persist, memory or off.</summary>
    public string JournalMode { get; set; } = "";
    /// <summary>auto_vacuum setting: None, Full or Incremental.</summary>
    public string AutoVacuum { get; set; } = "";
    /// <summary>PRAGMA user_version (the application's schema version).</summary>
    public long UserVersion { get; set; }
    /// <summary>PRAGMA application_id.</summary>
    public long ApplicationId { get; set; }
    /// <summary>PRAGMA schema_version (changes whenever the schema changes).</summary>
    public long SchemaVersion { get; set; }
    /// <summary>Text encoding: UTF-8, UTF-16le or UTF-16be.</summary>
    public string Encoding { get; set; } = "";
    /// <summary>User tables with their row counts, by name.</summary>
    public IReadOnlyList<TableInfo> Tables { get; set; } = Array.Empty<TableInfo>();
    /// <summary>Number of tables (same as Tables.Count).</summary>
    public int TableCount => Tables.Count;
    /// <summary>Number of indexes, including automatic ones for UNIQUE and PRIMARY KEY constraints.</summary>
    public int IndexCount { get; set; }
    /// <summary>Version of the SQLite library that read the database.</summary>
    public string SqliteVersion { get; set; } = "";
    /// <summary>Last write time of the database file, UTC.</summary>
    public DateTime LastWriteTimeUtc { get; set; }
    /// <summary>
    /// True when a hot journal left by an interrupted transaction (a crash or a killed process) was
    /// rolled back before reading, as SQLite does on the next open: the figures are of the last committed state.
    /// </summary>
    public bool RolledBackHotJournal { get; set; }
}

/// <summary>A user table and its row count.</summary>
public sealed class TableInfo
{
    /// <summary>Creates a table entry.</summary>
    public TableInfo(string name, long? rowCount)
    {
        Name = name;
        RowCount = rowCount;
    }

    /// <summary>Table name.</summary>
    public string Name { get; }

    /// <summary>Number of rows; null when the table cannot be counted (a virtual table whose module is missing).</summary>
    public long? RowCount { get; }

    /// <summary>Name and row count, as shown inside the database's table view.</summary>
    public override string ToString() => RowCount.HasValue ? $"{Name} ({RowCount})" : $"{Name} (?)";
}
