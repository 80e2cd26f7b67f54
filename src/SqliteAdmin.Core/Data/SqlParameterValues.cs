using System;
using System.Collections.Generic;
using System.Globalization;
using SQLitePCL;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// Binds a user's parameter values to a statement by name: @name, :name and $name in the SQL all take
/// the value of the key "name" (case-insensitive, as PowerShell hashtables are). Values are never
/// spliced into the SQL text. A parameter without a value is an error, not a silent NULL.
/// </summary>
internal static class SqlParameterValues
{
    private static readonly IReadOnlyDictionary<string, object?> None = new Dictionary<string, object?>();

    /// <summary>The values keyed by bare name (a leading @, : or $ on a key is dropped).</summary>
    public static IReadOnlyDictionary<string, object?> Normalize(IReadOnlyDictionary<string, object?>? values)
    {
        if (values == null || values.Count == 0)
        {
            return None;
        }
        var normalized = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, object?> pair in values)
        {
            string name = BareName(pair.Key);
            if (name.Length == 0 || normalized.ContainsKey(name))
            {
                throw new SqliteAdminException(ErrorIds.QueryParameterInvalid, SqliteAdminErrorCategory.InvalidArgument,
                    name.Length == 0 ? "A parameter name is empty." : $"The parameter '{name}' is given twice.", pair.Key);
            }
            normalized[name] = pair.Value;
        }
        return normalized;
    }

    /// <summary>Binds every parameter of <paramref name="statement"/>; throws for one without a value or with a value SQLite cannot hold.</summary>
    public static void Bind(sqlite3_stmt statement, IReadOnlyDictionary<string, object?> values, string path)
    {
        int count = raw.sqlite3_bind_parameter_count(statement);
        for (int index = 1; index <= count; index++)
        {
            string? sqlName = raw.sqlite3_bind_parameter_name(statement, index).utf8_to_string();
            if (sqlName == null || sqlName.StartsWith("?", StringComparison.Ordinal))
            {
                throw new SqliteAdminException(ErrorIds.QueryParameterMissing, SqliteAdminErrorCategory.InvalidArgument,
                    $"The SQL has a positional parameter ({sqlName ?? "?"}); name it (@name) and give its value with -Parameter @{{ name = ... }}.", path);
            }
            string name = BareName(sqlName);
            if (!values.TryGetValue(name, out object? value))
            {
                throw new SqliteAdminException(ErrorIds.QueryParameterMissing, SqliteAdminErrorCategory.InvalidArgument,
                    $"The SQL uses the parameter {sqlName} but -Parameter has no value for '{name}'.", path);
            }
            int rc = BindValue(statement, index, value, sqlName);
            if (rc != raw.SQLITE_OK)
            {
                throw new SqliteAdminException(ErrorIds.QueryParameterInvalid, SqliteAdminErrorCategory.InvalidArgument,
                    $"SQLite refused the value of {sqlName} (result code {rc}).", path);
            }
        }
    }

    private static string BareName(string name) =>
        name.Length > 0 && (name[0] == '@' || name[0] == ':' || name[0] == '$') ? name.Substring(1) : name;

    private static int BindValue(sqlite3_stmt statement, int index, object? value, string sqlName) => value switch
    {
        null or DBNull => raw.sqlite3_bind_null(statement, index),
        bool b => raw.sqlite3_bind_int64(statement, index, b ? 1 : 0),
        sbyte or byte or short or ushort or int or uint or long => raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u when u <= long.MaxValue => raw.sqlite3_bind_int64(statement, index, (long)u),
        ulong u => raw.sqlite3_bind_double(statement, index, u),
        float or double or decimal => raw.sqlite3_bind_double(statement, index, Convert.ToDouble(value, CultureInfo.InvariantCulture)),
        string s => raw.sqlite3_bind_text(statement, index, s),
        char c => raw.sqlite3_bind_text(statement, index, c.ToString()),
        byte[] bytes => raw.sqlite3_bind_blob(statement, index, bytes),
        // The text forms SQLite's date functions read and write (as Microsoft.Data.Sqlite binds them).
        DateTime d => raw.sqlite3_bind_text(statement, index, d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.')),
        DateTimeOffset d => raw.sqlite3_bind_text(statement, index, d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture).Replace(".+", "+").Replace(".-", "-")),
        TimeSpan t => raw.sqlite3_bind_text(statement, index, t.ToString("c", CultureInfo.InvariantCulture)),
        Guid g => raw.sqlite3_bind_text(statement, index, g.ToString("D")),
        Enum e => raw.sqlite3_bind_text(statement, index, e.ToString()),
        _ => throw new SqliteAdminException(ErrorIds.QueryParameterInvalid, SqliteAdminErrorCategory.InvalidArgument,
            $"The value of {sqlName} is a {value.GetType().FullName}, which SQLite cannot hold: give a number, text, a date, a byte array or $null.", sqlName),
    };
}
