using System;
using System.Text.RegularExpressions;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// Where in the SQL text SQLite's parser stopped, from its message ("near "FORM": syntax error",
/// "unrecognized token", "incomplete input"), as line and column with the line and a caret.
/// (sqlite3_error_offset is not reachable through SQLitePCLRaw, so the token is looked up in the failing statement.)
/// </summary>
internal static class SqlErrorPosition
{
    private static readonly Regex Near = new("^(?:near|unrecognized token:) \"(?<token>.*)\"", RegexOptions.Singleline);

    /// <summary>" at line L, column C:" plus the line and a caret, or "" when the message names no place.</summary>
    public static string Describe(string sql, int statementStart, string message)
    {
        int at;
        if (message.StartsWith("incomplete input", StringComparison.Ordinal))
        {
            at = sql.TrimEnd().Length;
        }
        else
        {
            Match match = Near.Match(message);
            if (!match.Success || match.Groups["token"].Value.Length == 0)
            {
                return "";
            }
            at = sql.IndexOf(match.Groups["token"].Value, statementStart, StringComparison.Ordinal);
            if (at < 0)
            {
                return "";
            }
        }
        int lineStart = sql.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        if (at == 0)
        {
            lineStart = 0;
        }
        int line = 1;
        for (int i = 0; i < lineStart; i++)
        {
            if (sql[i] == '\n')
            {
                line++;
            }
        }
        int lineEnd = sql.IndexOf('\n', lineStart);
        string text = (lineEnd < 0 ? sql.Substring(lineStart) : sql.Substring(lineStart, lineEnd - lineStart)).TrimEnd('\r');
        int column = at - lineStart + 1;
        return $" (line {line}, column {column}){Environment.NewLine}  {text}{Environment.NewLine}  {new string(' ', Math.Max(0, Math.Min(column - 1, text.Length)))}^";
    }
}
