using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SqliteAdmin.Core.Json;

/// <summary>
/// Minimal JSON for manifests: objects are ordered lists of (name, value) when written and
/// case-sensitive dictionaries when read; numbers are long or double. Input is untrusted (a
/// manifest in a shared folder), so depth and size are bounded and any malformation is an error.
/// </summary>
public static class JsonText
{
    private const int MaxDepth = 32;

    /// <summary>Writes a value tree as indented JSON.</summary>
    public static string Write(object? value)
    {
        var sb = new StringBuilder();
        WriteValue(sb, value, 0);
        sb.Append('\n');
        return sb.ToString();
    }

    /// <summary>Parses JSON text; throws FormatException when it is not valid JSON.</summary>
    public static object? Parse(string text)
    {
        int pos = 0;
        object? value = ParseValue(text, ref pos, 0);
        SkipWhitespace(text, ref pos);
        if (pos != text.Length)
        {
            throw new FormatException($"Unexpected text at offset {pos}.");
        }
        return value;
    }

    private static void WriteValue(StringBuilder sb, object? value, int indent)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                break;
            case bool b:
                sb.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(sb, s);
                break;
            case int or long:
                sb.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                sb.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> members:
                WriteObject(sb, members, indent);
                break;
            case System.Collections.IEnumerable items:
                WriteArray(sb, items, indent);
                break;
            default:
                throw new ArgumentException($"Cannot write {value.GetType()} as JSON.");
        }
    }

    private static void WriteObject(StringBuilder sb, IEnumerable<KeyValuePair<string, object?>> members, int indent)
    {
        sb.Append('{');
        bool first = true;
        foreach (KeyValuePair<string, object?> member in members)
        {
            sb.Append(first ? "\n" : ",\n").Append(' ', (indent + 1) * 2);
            WriteString(sb, member.Key);
            sb.Append(": ");
            WriteValue(sb, member.Value, indent + 1);
            first = false;
        }
        if (!first)
        {
            sb.Append('\n').Append(' ', indent * 2);
        }
        sb.Append('}');
    }

    private static void WriteArray(StringBuilder sb, System.Collections.IEnumerable items, int indent)
    {
        sb.Append('[');
        bool first = true;
        foreach (object? item in items)
        {
            sb.Append(first ? "\n" : ",\n").Append(' ', (indent + 1) * 2);
            WriteValue(sb, item, indent + 1);
            first = false;
        }
        if (!first)
        {
            sb.Append('\n').Append(' ', indent * 2);
        }
        sb.Append(']');
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }

    private static object? ParseValue(string s, ref int pos, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException("JSON nested too deeply.");
        }
        SkipWhitespace(s, ref pos);
        if (pos >= s.Length)
        {
            throw new FormatException("Unexpected end of JSON.");
        }
        char c = s[pos];
        switch (c)
        {
            case '{':
                return ParseObject(s, ref pos, depth);
            case '[':
                return ParseArray(s, ref pos, depth);
            case '"':
                return ParseString(s, ref pos);
            case 't':
                Expect(s, ref pos, "true");
                return true;
            case 'f':
                Expect(s, ref pos, "false");
                return false;
            case 'n':
                Expect(s, ref pos, "null");
                return null;
            default:
                return ParseNumber(s, ref pos);
        }
    }

    private static Dictionary<string, object?> ParseObject(string s, ref int pos, int depth)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        pos++;
        SkipWhitespace(s, ref pos);
        if (pos < s.Length && s[pos] == '}')
        {
            pos++;
            return result;
        }
        while (true)
        {
            SkipWhitespace(s, ref pos);
            if (pos >= s.Length || s[pos] != '"')
            {
                throw new FormatException($"Expected a member name at offset {pos}.");
            }
            string name = ParseString(s, ref pos);
            SkipWhitespace(s, ref pos);
            Expect(s, ref pos, ":");
            if (result.ContainsKey(name))
            {
                throw new FormatException($"Duplicate member '{name}'.");
            }
            result[name] = ParseValue(s, ref pos, depth + 1);
            SkipWhitespace(s, ref pos);
            if (pos < s.Length && s[pos] == ',')
            {
                pos++;
                continue;
            }
            Expect(s, ref pos, "}");
            return result;
        }
    }

    private static List<object?> ParseArray(string s, ref int pos, int depth)
    {
        var result = new List<object?>();
        pos++;
        SkipWhitespace(s, ref pos);
        if (pos < s.Length && s[pos] == ']')
        {
            pos++;
            return result;
        }
        while (true)
        {
            result.Add(ParseValue(s, ref pos, depth + 1));
            SkipWhitespace(s, ref pos);
            if (pos < s.Length && s[pos] == ',')
            {
                pos++;
                continue;
            }
            Expect(s, ref pos, "]");
            return result;
        }
    }

    private static string ParseString(string s, ref int pos)
    {
        pos++;
        var sb = new StringBuilder();
        while (pos < s.Length)
        {
            char c = s[pos++];
            if (c == '"')
            {
                return sb.ToString();
            }
            if (c == '\\')
            {
                if (pos >= s.Length)
                {
                    break;
                }
                char e = s[pos++];
                switch (e)
                {
                    case '"': sb.Append('"'); break;
                    case '\\': sb.Append('\\'); break;
                    case '/': sb.Append('/'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'n': sb.Append('\n'); break;
                    case 'r': sb.Append('\r'); break;
                    case 't': sb.Append('\t'); break;
                    case 'u':
                        if (pos + 4 > s.Length || !ushort.TryParse(s.Substring(pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ushort code))
                        {
                            throw new FormatException($"Bad \\u escape at offset {pos}.");
                        }
                        sb.Append((char)code);
                        pos += 4;
                        break;
                    default:
                        throw new FormatException($"Bad escape at offset {pos}.");
                }
                continue;
            }
            if (c < 0x20)
            {
                throw new FormatException($"Control character in string at offset {pos}.");
            }
            sb.Append(c);
        }
        throw new FormatException("Unterminated string.");
    }

    private static object ParseNumber(string s, ref int pos)
    {
        int start = pos;
        while (pos < s.Length && (char.IsDigit(s[pos]) || s[pos] is '-' or '+' or '.' or 'e' or 'E'))
        {
            pos++;
        }
        string text = s.Substring(start, pos - start);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return l;
        }
        if (text.Length > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return d;
        }
        throw new FormatException($"Unexpected '{(start < s.Length ? s[start] : ' ')}' at offset {start}.");
    }

    private static void Expect(string s, ref int pos, string token)
    {
        if (string.CompareOrdinal(s, pos, token, 0, token.Length) != 0)
        {
            throw new FormatException($"Expected '{token}' at offset {pos}.");
        }
        pos += token.Length;
    }

    private static void SkipWhitespace(string s, ref int pos)
    {
        while (pos < s.Length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r'))
        {
            pos++;
        }
    }
}
