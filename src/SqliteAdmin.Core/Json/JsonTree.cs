using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Serialization.Json;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace SqliteAdmin.Core.Json;

/// <summary>
/// JSON value trees for manifests, read and written with the in-box JSON reader and writer behind
/// DataContractJsonSerializer (JsonReaderWriterFactory), not the System.Text.Json package: that would
/// ship System.Memory 4.0.2.0 while Microsoft.Data.Sqlite and SQLitePCLRaw reference 4.0.1.1, which
/// Windows PowerShell 5.1 (no binding redirects) cannot load. Read: objects become case-sensitive
/// dictionaries, arrays lists, numbers long or double. Written: objects are ordered lists of (name,
/// value). Input is untrusted (a manifest in a shared folder), so depth and size are bounded and any
/// malformation the reader or this mapping finds is a FormatException.
/// </summary>
internal static class JsonTree
{
    /// <summary>Deepest nesting read (a manifest nests four levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>Largest input read, in UTF-8 bytes.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    // The reader maps a member whose name is not an XML name to <a:item xmlns:a="item" item="name">.
    private const string ItemNamespace = "item";

    private static readonly Regex NumberSyntax = new(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$", RegexOptions.CultureInvariant);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Parses JSON text; throws FormatException when it is not valid JSON or too deep or large.</summary>
    public static object? Parse(string text)
    {
        byte[] bytes = StrictUtf8.GetBytes(text);
        if (bytes.Length > MaxBytes)
        {
            throw new FormatException($"it is {bytes.Length} bytes, more than {MaxBytes}");
        }
        var quotas = new XmlDictionaryReaderQuotas
        {
            MaxDepth = MaxDepth,
            MaxStringContentLength = MaxBytes,
            MaxArrayLength = MaxBytes,
            MaxBytesPerRead = MaxBytes,
            MaxNameTableCharCount = MaxBytes,
        };
        XElement root;
        try
        {
            using XmlDictionaryReader reader = JsonReaderWriterFactory.CreateJsonReader(bytes, quotas);
            root = XElement.Load(reader);
        }
        catch (Exception ex) when (ex is XmlException || ex is InvalidOperationException)
        {
            // InvalidOperationException: no value at all (empty text).
            throw new FormatException(ex.Message, ex);
        }
        return Value(root);
    }

    private static object? Value(XElement element)
    {
        string type = (string?)element.Attribute("type") ?? "string";
        switch (type)
        {
            case "null":
                return null;
            case "boolean":
                return element.Value switch
                {
                    "true" => true,
                    "false" => false,
                    _ => throw new FormatException($"'{element.Value}' is not true or false"),
                };
            case "string":
                return element.Value;
            case "number":
                return Number(element.Value);
            case "array":
                return element.Elements().Select(Value).ToList();
            case "object":
                var members = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (XElement member in element.Elements())
                {
                    string name = member.Name.NamespaceName == ItemNamespace ? (string?)member.Attribute("item") ?? "" : member.Name.LocalName;
                    if (members.ContainsKey(name))
                    {
                        // The reader keeps both; which one counts must not be left to chance.
                        throw new FormatException($"Duplicate member '{name}'.");
                    }
                    members[name] = Value(member);
                }
                return members;
            default:
                throw new FormatException($"Unknown JSON value type '{type}'.");
        }
    }

    private static object Number(string text)
    {
        // The reader passes a number's characters through unchecked ("1.2.3", "-", "01").
        if (!NumberSyntax.IsMatch(text))
        {
            throw new FormatException($"'{(text.Length > 40 ? text.Substring(0, 40) : text)}' is not a JSON number");
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return l;
        }
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return d;
        }
        throw new FormatException($"'{text}' is not a number");
    }

    /// <summary>Writes a value tree as indented JSON (ending in a newline).</summary>
    public static string Write(object? value)
    {
        using var stream = new MemoryStream();
        using (XmlDictionaryWriter writer = JsonReaderWriterFactory.CreateJsonWriter(stream, new UTF8Encoding(false), ownsStream: false, indent: true, indentChars: "  "))
        {
            writer.WriteStartElement("root");
            WriteValue(writer, value);
            writer.WriteEndElement();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteValue(XmlDictionaryWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteAttributeString("type", "null");
                break;
            case bool b:
                writer.WriteAttributeString("type", "boolean");
                writer.WriteString(b ? "true" : "false");
                break;
            case string s:
                writer.WriteAttributeString("type", "string");
                writer.WriteString(s);
                break;
            case int or long:
                writer.WriteAttributeString("type", "number");
                writer.WriteString(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                break;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d):
                writer.WriteAttributeString("type", "number");
                writer.WriteString(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> members:
                writer.WriteAttributeString("type", "object");
                foreach (KeyValuePair<string, object?> member in members)
                {
                    // Always the item form: any text is a valid member name in JSON, not in XML.
                    writer.WriteStartElement("a", "item", ItemNamespace);
                    writer.WriteAttributeString("item", member.Key);
                    WriteValue(writer, member.Value);
                    writer.WriteEndElement();
                }
                break;
            case System.Collections.IEnumerable items:
                writer.WriteAttributeString("type", "array");
                foreach (object? item in items)
                {
                    writer.WriteStartElement("item");
                    WriteValue(writer, item);
                    writer.WriteEndElement();
                }
                break;
            default:
                throw new ArgumentException($"Cannot write {value.GetType()} as JSON.");
        }
    }
}
