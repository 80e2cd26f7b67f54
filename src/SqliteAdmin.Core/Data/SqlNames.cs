using System.Collections.Generic;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>Table and column names in SQL: quoting, and the user tables of a database.</summary>
internal static class SqlNames
{
    /// <summary>Quotes an SQL identifier: double quotes, embedded quotes doubled.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>The table or view named <paramref name="name"/> (case-insensitive) as the schema spells it, or null.</summary>
    public static string? FindTableOrView(SqliteConnection connection, string name)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = $name COLLATE NOCASE;";
        command.Parameters.AddWithValue("$name", name);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? reader.GetString(0) : null;
    }

    /// <summary>Names of user tables (not sqlite_* internals), sorted.</summary>
    public static List<string> ListUserTables(SqliteConnection connection)
    {
        var names = new List<string>();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name;";
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
