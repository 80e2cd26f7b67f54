using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace SqliteAdmin.Module.Tests;

/// <summary>
/// Reads a PowerShell data file (.psd1) the way Import-PowerShellDataFile accepts it: hashtables,
/// arrays, single- and double-quoted strings, numbers, $true/$false/$null, comments. Anything else
/// (a command, a variable, an unclosed brace) is an error, so a malformed manifest fails the test.
/// Not PowerShell's own parser: the module tests read the built folder without a PowerShell host (Pester covers Import-Module).
/// </summary>
public sealed class Psd1Reader
{
    private readonly string _text;
    private int _pos;

    private Psd1Reader(string text) => _text = text;

    public static IReadOnlyDictionary<string, object?> ReadFile(string path) => Read(File.ReadAllText(path));

    public static IReadOnlyDictionary<string, object?> Read(string text)
    {
        var reader = new Psd1Reader(text);
        reader.SkipTrivia(newlines: true);
        object? value = reader.ReadValue();
        reader.SkipTrivia(newlines: true);
        if (reader._pos != text.Length)
        {
            throw reader.Error("unexpected text after the top-level hashtable");
        }
        return value as IReadOnlyDictionary<string, object?> ?? throw reader.Error("the file is not a hashtable");
    }

    private object? ReadValue()
    {
        object? first = ReadSingleValue();
        SkipTrivia(newlines: false);
        if (Peek() != ',')
        {
            return first;
        }
        var list = new List<object?> { first };
        while (Peek() == ',')
        {
            _pos++;
            SkipTrivia(newlines: true);
            list.Add(ReadSingleValue());
            SkipTrivia(newlines: false);
        }
        return list;
    }

    private object? ReadSingleValue()
    {
        SkipTrivia(newlines: false);
        char c = Peek();
        if (Match("@{"))
        {
            return ReadHashtable();
        }
        if (Match("@("))
        {
            return ReadArray();
        }
        if (c == '\'')
        {
            return ReadSingleQuoted();
        }
        if (c == '"')
        {
            return ReadDoubleQuoted();
        }
        if (c == '$')
        {
            string word = ReadWord(1);
            return word.ToLowerInvariant() switch
            {
                "$true" => true,
                "$false" => false,
                "$null" => null,
                _ => throw Error($"variable {word} is not allowed in a data file"),
            };
        }
        if (char.IsDigit(c) || c == '-' || c == '.')
        {
            string number = ReadWord(0);
            if (long.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l))
            {
                return l;
            }
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                return d;
            }
            throw Error($"'{number}' is not a number");
        }
        throw Error($"unexpected '{c}'");
    }

    private Dictionary<string, object?> ReadHashtable()
    {
        var table = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        while (true)
        {
            SkipTrivia(newlines: true, semicolons: true);
            if (Match("}"))
            {
                return table;
            }
            string key = Peek() switch
            {
                '\'' => ReadSingleQuoted(),
                '"' => ReadDoubleQuoted(),
                _ => ReadWord(0),
            };
            if (key.Length == 0)
            {
                throw Error("expected a key");
            }
            SkipTrivia(newlines: false);
            if (!Match("="))
            {
                throw Error($"expected '=' after key {key}");
            }
            SkipTrivia(newlines: true);
            if (table.ContainsKey(key))
            {
                throw Error($"duplicate key {key}");
            }
            table[key] = ReadValue();
            SkipTrivia(newlines: false);
            char next = Peek();
            if (next != '\n' && next != '\r' && next != ';' && next != '}' && next != '#')
            {
                throw Error($"expected a new line, ';' or '}}' after the value of {key}");
            }
        }
    }

    private List<object?> ReadArray()
    {
        var list = new List<object?>();
        while (true)
        {
            SkipTrivia(newlines: true);
            if (Match(")"))
            {
                return list;
            }
            object? value = ReadValue();
            if (value is List<object?> many)
            {
                list.AddRange(many);
            }
            else
            {
                list.Add(value);
            }
            SkipTrivia(newlines: true);
            Match(",");
        }
    }

    private string ReadSingleQuoted()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char c = _text[_pos++];
            if (c == '\'')
            {
                if (Peek() == '\'')
                {
                    sb.Append('\'');
                    _pos++;
                    continue;
                }
                return sb.ToString();
            }
            sb.Append(c);
        }
    }

    private string ReadDoubleQuoted()
    {
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }
            char c = _text[_pos++];
            if (c == '`' && _pos < _text.Length)
            {
                sb.Append(_text[_pos++]);
                continue;
            }
            if (c == '$')
            {
                throw Error("expandable strings are not allowed in a data file");
            }
            if (c == '"')
            {
                return sb.ToString();
            }
            sb.Append(c);
        }
    }

    private string ReadWord(int prefix)
    {
        int start = _pos;
        _pos += prefix;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.' or '-'))
        {
            _pos++;
        }
        return _text.Substring(start, _pos - start);
    }

    private void SkipTrivia(bool newlines, bool semicolons = false)
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\uFEFF' || (newlines && (c == '\r' || c == '\n')) || (semicolons && c == ';'))
            {
                _pos++;
            }
            else if (c == '#')
            {
                while (_pos < _text.Length && _text[_pos] != '\n')
                {
                    _pos++;
                }
            }
            else if (Match("<#"))
            {
                int end = _text.IndexOf("#>", _pos, StringComparison.Ordinal);
                _pos = end < 0 ? throw Error("unterminated block comment") : end + 2;
            }
            else
            {
                return;
            }
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private bool Match(string token)
    {
        if (string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0)
        {
            _pos += token.Length;
            return true;
        }
        return false;
    }

    private FormatException Error(string message)
    {
        int line = 1;
        for (int i = 0; i < Math.Min(_pos, _text.Length); i++)
        {
            if (_text[i] == '\n')
            {
                line++;
            }
        }
        return new FormatException($"psd1 line {line}: {message}");
    }
}
