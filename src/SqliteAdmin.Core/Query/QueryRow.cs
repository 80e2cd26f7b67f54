using System;
using System.Collections.Generic;

namespace SqliteAdmin.Core.Query;

/// <summary>One row of a query: the column names (shared by the rows of one statement) and the values.</summary>
internal sealed class QueryRow
{
    internal QueryRow(string[] columns, object?[] values, int statement)
    {
        Columns = columns;
        Values = values;
        Statement = statement;
    }

    /// <summary>Column names, unique within the row: a repeated name gets "_2", "_3"… (SELECT a.id, b.id), as does PSObject, PSBase, PSAdapted, PSExtended or PSTypeNames.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The values: long, double, string, byte[] or null.</summary>
    public object?[] Values { get; }

    /// <summary>Which statement of the SQL the row came from (1 for the first).</summary>
    public int Statement { get; }

    /// <summary>Member names every PowerShell object already has: a property of that name cannot be added.</summary>
    private static readonly string[] Reserved = { "PSObject", "PSBase", "PSAdapted", "PSExtended", "PSTypeNames" };

    /// <summary>
    /// The names with repeats made unique (case-insensitively, as PowerShell property names are);
    /// PowerShell's reserved member names (PSObject, PSBase, PSAdapted, PSExtended, PSTypeNames) count
    /// as taken, so a column named PSObject becomes PSObject_2.
    /// </summary>
    internal static string[] UniqueNames(string[] names)
    {
        var seen = new HashSet<string>(Reserved, StringComparer.OrdinalIgnoreCase);
        var unique = new string[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            string name = names[i].Length == 0 ? $"column{i + 1}" : names[i];
            string candidate = name;
            for (int n = 2; !seen.Add(candidate); n++)
            {
                candidate = $"{name}_{n}";
            }
            unique[i] = candidate;
        }
        return unique;
    }
}
