using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>Names looked up in a database's schema, so a user's table name is never spliced into SQL unchecked.</summary>
internal static class SqliteSchema
{
    /// <summary>The table or view named <paramref name="name"/> (case-insensitive) as the schema spells it, or null.</summary>
    public static string? FindTableOrView(SqliteConnection connection, string name)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = $name COLLATE NOCASE;";
        command.Parameters.AddWithValue("$name", name);
        using SqliteDataReader reader = command.ExecuteReader();
        return reader.Read() ? reader.GetString(0) : null;
    }
}
