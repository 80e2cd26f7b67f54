using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Integrity;

/// <summary>Runs SQLite's own integrity checks; the one place their output is interpreted.</summary>
internal static class IntegrityCheck
{
    private const int SqliteCorrupt = 11, SqliteNotADb = 26;

    /// <summary>
    /// Runs quick_check or integrity_check and returns the problems found (empty when SQLite says "ok").
    /// At most <paramref name="maxErrors"/> problems are collected.
    /// </summary>
    public static List<string> Run(SqliteConnection connection, IntegrityMode mode, int maxErrors, CancellationToken cancellation)
    {
        var problems = new List<string>();
        if (mode == IntegrityMode.None)
        {
            return problems;
        }
        UseCheckCache(connection, mode);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = mode == IntegrityMode.Full ? $"PRAGMA integrity_check({maxErrors});" : $"PRAGMA quick_check({maxErrors});";
        try
        {
            ReadProblems(command, problems, cancellation);
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADb)
        {
            // Damage so bad the check itself cannot walk the file is a finding, not a failure to check.
            problems.Add(ex.Message);
        }
        return problems;
    }

    /// <summary>
    /// Checks one table and its indexes (PRAGMA integrity_check('table')); the table name is bound
    /// through the table-valued pragma function, never spliced into SQL.
    /// </summary>
    public static List<string> RunForTable(SqliteConnection connection, IntegrityMode mode, string table, CancellationToken cancellation)
    {
        UseCheckCache(connection, mode);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = mode == IntegrityMode.Full ? "SELECT * FROM pragma_integrity_check($table);" : "SELECT * FROM pragma_quick_check($table);";
        command.Parameters.AddWithValue("$table", table);
        var problems = new List<string>();
        ReadProblems(command, problems, cancellation);
        return problems;
    }

    /// <summary>
    /// A 48 MiB page cache for integrity_check: with SQLite's default 2 MiB it re-reads index pages
    /// while comparing them with their tables and takes up to twice as long as the sqlite3 shell.
    /// quick_check does no such comparison and keeps the default (and the memory).
    /// </summary>
    private static void UseCheckCache(SqliteConnection connection, IntegrityMode mode)
    {
        if (mode == IntegrityMode.Full)
        {
            connection.ExecuteNonQuery("PRAGMA cache_size = -49152;");
        }
    }

    /// <summary>
    /// Adds the rows of a check that are not "ok" to <paramref name="problems"/> as they come, so the
    /// rows SQLite reported before it gave up on a badly damaged file are kept.
    /// </summary>
    private static void ReadProblems(SqliteCommand command, List<string> problems, CancellationToken cancellation)
    {
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellation.ThrowIfCancellationRequested();
            string line = reader.IsDBNull(0) ? "" : reader.GetString(0);
            if (!string.Equals(line, "ok", StringComparison.Ordinal))
            {
                problems.Add(line);
            }
        }
    }

    /// <summary>
    /// "ok", or the first problems joined into one line. SQLite can return several problems in one
    /// row, one per line, under a "*** in database main ***" header: those are counted one by one
    /// and the header is left out.
    /// </summary>
    public static string Summarize(IReadOnlyList<string> problems, IntegrityMode mode)
    {
        if (mode == IntegrityMode.None)
        {
            return "not checked";
        }
        var lines = new List<string>();
        foreach (string problem in problems)
        {
            foreach (string line in problem.Split('\n'))
            {
                string text = line.Trim();
                if (text.Length > 0 && !text.StartsWith("*** in database ", StringComparison.Ordinal))
                {
                    lines.Add(text);
                }
            }
        }
        if (lines.Count == 0)
        {
            return problems.Count == 0 ? "ok" : string.Join("; ", problems).Replace('\n', ' ');
        }
        return string.Join("; ", lines.Count > 5 ? lines.GetRange(0, 5) : lines) + (lines.Count > 5 ? $" (+{lines.Count - 5} more)" : "");
    }
}
