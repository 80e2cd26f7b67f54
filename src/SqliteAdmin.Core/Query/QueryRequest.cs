using System;
using System.Collections.Generic;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Query;

/// <summary>What to run: a database, SQL, its parameter values, and whether it may write.</summary>
internal sealed class QueryRequest
{
    /// <summary>The database file.</summary>
    public string Path { get; set; } = "";

    /// <summary>One or more SQL statements.</summary>
    public string Sql { get; set; } = "";

    /// <summary>Values for the SQL's @name, :name or $name parameters, keyed by name.</summary>
    public IReadOnlyDictionary<string, object?>? Parameters { get; set; }

    /// <summary>Open the database for writing and allow statements that change it.</summary>
    public bool ReadWrite { get; set; }

    /// <summary>How long to wait for another process's lock.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
}
