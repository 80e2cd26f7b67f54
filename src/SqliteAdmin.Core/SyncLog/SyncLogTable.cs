using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>The names of a sync log's table and columns (seed 003's by default).</summary>
internal sealed class SyncLogColumns
{
    /// <summary>The table.</summary>
    public string Table { get; set; } = "sync_log";
    /// <summary>When the sync ran.</summary>
    public string Timestamp { get; set; } = "timestamp";
    /// <summary>Its outcome.</summary>
    public string Status { get; set; } = "status";
    /// <summary>Records pulled.</summary>
    public string Pulled { get; set; } = "records_pulled";
    /// <summary>Records pushed.</summary>
    public string Pushed { get; set; } = "records_pushed";
    /// <summary>Conflicts.</summary>
    public string Conflicts { get; set; } = "conflicts";
    /// <summary>Duration in milliseconds.</summary>
    public string Duration { get; set; } = "duration_ms";
}

/// <summary>
/// A sync log table checked against the database's schema: every name given is looked up (as a
/// bound value, never as SQL) and only the names SQLite reports are used, double-quoted.
/// </summary>
internal sealed class SyncLogTable
{
    private SyncLogTable(string table, Dictionary<string, string> columns)
    {
        Table = table;
        Quoted = SqlNames.Quote(table);
        _columns = columns;
    }

    private readonly Dictionary<string, string> _columns;

    /// <summary>The table's name as the schema spells it.</summary>
    public string Table { get; }
    /// <summary>The table's name, quoted for SQL.</summary>
    public string Quoted { get; }
    /// <summary>A checked column, quoted for SQL.</summary>
    public string Column(string role) => _columns[role];

    /// <summary>
    /// Looks the table and the columns of <paramref name="roles"/> up in the schema.
    /// </summary>
    /// <exception cref="SqliteAdminException">TableNotFound or ColumnNotFound, naming what exists instead.</exception>
    public static SyncLogTable Resolve(SqliteConnection connection, string path, SyncLogColumns names, params string[] roles)
    {
        string? table = SqlNames.FindTableOrView(connection, names.Table ?? "");
        if (table == null)
        {
            List<string> tables = SqlNames.ListUserTables(connection);
            throw new SqliteAdminException(ErrorIds.TableNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"'{path}' has no table named '{names.Table}' to read a sync log from. Its tables are: {(tables.Count == 0 ? "(none)" : string.Join(", ", tables))}. Name the log table with -Table.",
                path);
        }

        var existing = new List<string>();
        using (SqliteCommand command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info($table) ORDER BY cid;";
            command.Parameters.AddWithValue("$table", table);
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                existing.Add(reader.GetString(0));
            }
        }
        var parameters = new Dictionary<string, (string Parameter, string? Name)>
        {
            ["Timestamp"] = ("-TimestampColumn", names.Timestamp),
            ["Status"] = ("-StatusColumn", names.Status),
            ["Pulled"] = ("-PulledColumn", names.Pulled),
            ["Pushed"] = ("-PushedColumn", names.Pushed),
            ["Conflicts"] = ("-ConflictsColumn", names.Conflicts),
            ["Duration"] = ("-DurationColumn", names.Duration),
        };
        var columns = new Dictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (string role in roles)
        {
            (string parameter, string? name) = parameters[role];
            string? found = existing.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
            if (found == null)
            {
                missing.Add($"'{name}' ({parameter})");
            }
            else
            {
                columns[role] = SqlNames.Quote(found);
            }
        }
        if (missing.Count > 0)
        {
            throw new SqliteAdminException(ErrorIds.ColumnNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"Table '{table}' in '{path}' has no column {string.Join(", no column ", missing)}. Its columns are: {string.Join(", ", existing)}. Name the right column with the parameter shown.",
                path);
        }
        return new SyncLogTable(table, columns);
    }
}
