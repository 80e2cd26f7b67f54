using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace SqliteAdmin.HelpGenerator;

/// <summary>The documentation of one parameter: its prose and the default value as an admin should read it.</summary>
public sealed record ParameterProse(string Name, string? DefaultValue, IReadOnlyList<string> Paragraphs);

/// <summary>A documented input or output type.</summary>
public sealed record TypeProse(string TypeName, IReadOnlyList<string> Paragraphs);

/// <summary>An example: a title, the code as typed, and what it does.</summary>
public sealed record ExampleProse(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>
/// The prose of one cmdlet's help, from docs/help/&lt;Verb-Noun&gt;.md. The format: "# Verb-Noun", then
/// "## Synopsis", "## Description", "## Parameters" (one "### -Name" each, optionally starting with a
/// "Default value: ..." line), "## Inputs" and "## Outputs" (one "### Type.Name" each) and "## Examples"
/// (one "### title" each: a ```powershell block, then the explanation). Paragraphs are separated by a
/// blank line; the lines of a paragraph are joined with spaces. Facts that the cmdlet's attributes
/// declare (types, positions, pipeline input, aliases, sets, values) do not belong here.
/// </summary>
public sealed class HelpSource
{
    private const string DefaultPrefix = "Default value:";

    public string Name { get; private set; } = "";
    public string Synopsis { get; private set; } = "";
    public List<string> Description { get; } = new();
    public List<ParameterProse> Parameters { get; } = new();
    public List<TypeProse> Inputs { get; } = new();
    public List<TypeProse> Outputs { get; } = new();
    public List<ExampleProse> Examples { get; } = new();

    public static HelpSource Load(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path}: {ex.Message}", ex);
        }
    }

    public static HelpSource Parse(string text)
    {
        var source = new HelpSource();
        string? section = null;
        string? item = null;
        var block = new List<string>();
        int lineNumber = 0;
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            lineNumber = i + 1;
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                // Code is kept exactly, line breaks included.
                var code = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                {
                    code.Add(lines[i]);
                }
                if (i == lines.Length)
                {
                    throw new FormatException($"line {lineNumber}: code block is not closed");
                }
                block.Add("\u0001" + string.Join("\n", code));
                continue;
            }
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                source.Name = line.Substring(2).Trim();
                continue;
            }
            if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("### ", StringComparison.Ordinal))
            {
                source.Add(section, item, block, lineNumber);
                block.Clear();
                if (line.StartsWith("## ", StringComparison.Ordinal))
                {
                    section = line.Substring(3).Trim();
                    item = null;
                }
                else
                {
                    item = line.Substring(4).Trim();
                }
                continue;
            }
            block.Add(line);
        }
        source.Add(section, item, block, lineNumber);
        if (source.Name.Length == 0 || source.Synopsis.Length == 0 || source.Description.Count == 0)
        {
            throw new FormatException("needs '# Verb-Noun', '## Synopsis' and '## Description'");
        }
        return source;
    }

    private void Add(string? section, string? item, List<string> block, int line)
    {
        List<string> paragraphs = Paragraphs(block);
        if (section == null)
        {
            if (paragraphs.Count > 0)
            {
                throw new FormatException($"line {line}: text before the first section");
            }
            return;
        }
        bool needsItem = section is "Parameters" or "Inputs" or "Outputs" or "Examples";
        if (needsItem && item == null)
        {
            if (paragraphs.Count > 0)
            {
                throw new FormatException($"line {line}: text in '## {section}' belongs under a '### ' heading");
            }
            return;
        }
        if (!needsItem && item != null)
        {
            throw new FormatException($"line {line}: '## {section}' has no '### ' items");
        }
        if (paragraphs.Count == 0 && section != "Parameters")
        {
            throw new FormatException($"line {line}: '{item ?? section}' is empty");
        }
        switch (section)
        {
            case "Synopsis":
                Synopsis = string.Join(" ", paragraphs);
                break;
            case "Description":
                Description.AddRange(paragraphs);
                break;
            case "Parameters":
                if (!item!.StartsWith("-", StringComparison.Ordinal))
                {
                    throw new FormatException($"line {line}: a parameter heading is '### -Name', not '### {item}'");
                }
                string? defaultValue = null;
                if (paragraphs.Count > 0 && paragraphs[0].StartsWith(DefaultPrefix, StringComparison.Ordinal))
                {
                    defaultValue = paragraphs[0].Substring(DefaultPrefix.Length).Trim();
                    paragraphs.RemoveAt(0);
                }
                if (paragraphs.Count == 0)
                {
                    throw new FormatException($"line {line}: parameter {item} has no description");
                }
                Parameters.Add(new ParameterProse(item.Substring(1), defaultValue, paragraphs));
                break;
            case "Inputs":
                Inputs.Add(new TypeProse(item!, paragraphs));
                break;
            case "Outputs":
                Outputs.Add(new TypeProse(item!, paragraphs));
                break;
            case "Examples":
                if (!paragraphs[0].StartsWith("\u0001", StringComparison.Ordinal) || paragraphs.Skip(1).Any(p => p.StartsWith("\u0001", StringComparison.Ordinal)) || paragraphs.Count < 2)
                {
                    throw new FormatException($"line {line}: example '{item}' needs one code block, then its explanation");
                }
                Examples.Add(new ExampleProse(item!, paragraphs[0].Substring(1), paragraphs.Skip(1).ToList()));
                break;
            default:
                throw new FormatException($"line {line}: unknown section '## {section}'");
        }
    }

    private static List<string> Paragraphs(List<string> block)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        foreach (string line in block.Append(""))
        {
            if (line.StartsWith("\u0001", StringComparison.Ordinal) || line.Trim().Length == 0)
            {
                if (current.Length > 0)
                {
                    result.Add(current.ToString());
                    current.Clear();
                }
                if (line.Length > 0 && line[0] == '\u0001')
                {
                    result.Add(line);
                }
                continue;
            }
            current.Append(current.Length > 0 ? " " : "").Append(line.Trim());
        }
        return result;
    }
}
