using System;
using System.Collections.Generic;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Export;

/// <summary>What to export: a query's or a table's rows from one database, to one CSV file.</summary>
internal sealed class ExportRequest
{
    /// <summary>The database file.</summary>
    public string Path { get; set; } = "";

    /// <summary>The SQL whose rows are written (read-only statements only). Either this or <see cref="Table"/>.</summary>
    public string? Query { get; set; }

    /// <summary>A table or view whose rows are written (SELECT * FROM it). Either this or <see cref="Query"/>.</summary>
    public string? Table { get; set; }

    /// <summary>Values for the query's @name, :name or $name parameters.</summary>
    public IReadOnlyDictionary<string, object?>? Parameters { get; set; }

    /// <summary>The CSV file to write, or an existing folder (the file is then named after the database, and the table).</summary>
    public string Destination { get; set; } = "";

    /// <summary>Replace an existing file (atomically); otherwise an existing file is an error.</summary>
    public bool Force { get; set; }

    /// <summary>The field separator (the shell's -separator; default ",").</summary>
    public string Delimiter { get; set; } = ",";

    /// <summary>Start the file with a UTF-8 byte order mark, so Excel reads it as UTF-8.</summary>
    public bool ByteOrderMark { get; set; }

    /// <summary>Write the column names before the first row, as sqlite3 -header does (default true).</summary>
    public bool Header { get; set; } = true;

    /// <summary>Read the columns through SQLitePCLRaw even where direct calls work (tests of that path).</summary>
    internal bool ThroughSqlitePclRaw { get; set; }

    /// <summary>How long to wait for another process's lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
}
