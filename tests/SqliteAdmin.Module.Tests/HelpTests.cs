using System;
using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;

namespace SqliteAdmin.Module.Tests;

public sealed class HelpTests : IClassFixture<BuiltModuleFixture>
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    private readonly BuiltModule _module;
    private readonly Dictionary<string, XElement> _help;

    public HelpTests(BuiltModuleFixture fixture)
    {
        _module = fixture.Module;
        _help = _module.HelpFile.Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim());
    }

    private static string Text(XElement? element) => string.Join(" ", element?.Descendants(Maml + "para").Select(p => p.Value.Trim()) ?? Enumerable.Empty<string>()).Trim();

    [Fact]
    public void Every_cmdlet_has_a_synopsis_and_a_description()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            Assert.True(_help.TryGetValue(c.Name, out XElement? help), $"{c.Name} has no help");
            Assert.True(Text(help!.Element(Command + "details")!.Element(Maml + "description")).Length > 20, $"{c.Name}: synopsis");
            Assert.True(Text(help.Element(Maml + "description")).Length > 80, $"{c.Name}: description");
        });
    }

    [Fact]
    public void Every_parameter_of_every_cmdlet_is_documented()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            XElement help = _help[c.Name];
            var documented = help.Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim(), p => Text(p.Element(Maml + "description")));
            foreach (string parameter in c.Parameters.Select(p => p.Name))
            {
                Assert.True(documented.TryGetValue(parameter, out string? text), $"{c.Name} -{parameter} is not documented");
                Assert.True(text!.Length > 15, $"{c.Name} -{parameter}: description too short");
            }
            // WhatIf and Confirm are PowerShell's common risk parameters: documented exactly when the cmdlet supports them.
            var expected = c.Parameters.Select(p => p.Name).Concat(c.SupportsShouldProcess ? new[] { "WhatIf", "Confirm" } : Array.Empty<string>());
            Assert.Equal(expected.OrderBy(n => n), documented.Keys.OrderBy(n => n));
        });
    }

    [Fact]
    public void Every_cmdlet_has_at_least_two_examples_typed_as_an_admin_would()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            var examples = _help[c.Name].Element(Command + "examples")!.Elements(Command + "example").ToList();
            Assert.True(examples.Count >= 2, $"{c.Name} has {examples.Count} example(s)");
            Assert.All(examples, e =>
            {
                Assert.StartsWith("PS> ", e.Element(Dev + "code")!.Value.Trim());
                Assert.Contains(c.Name, e.Element(Dev + "code")!.Value);
                Assert.True(Text(e.Element(Dev + "remarks")).Length > 20, $"{c.Name}: example without explanation");
            });
        });
    }

    [Fact]
    public void Every_cmdlet_documents_its_inputs()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            var inputs = _help[c.Name].Descendants(Command + "inputType").ToList();
            Assert.True(inputs.Count >= 1, $"{c.Name} documents no input type");
            Assert.All(inputs, i => Assert.True(Text(i.Element(Maml + "description")).Length > 10, $"{c.Name}: input type without description"));
        });
    }

    [Fact]
    public void Every_cmdlet_documents_its_outputs()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            var documented = _help[c.Name].Descendants(Command + "returnValue").Select(r => r.Element(Dev + "type")!.Element(Maml + "name")!.Value.Trim());
            Assert.All(c.OutputTypes, t => Assert.Contains(t.FullName!, documented));
        });
    }
    /// <summary>The about topic ships in the published folder where Get-Help finds it (en-US/about_*.help.txt).</summary>
    private string AboutTopic()
    {
        string path = System.IO.Path.Combine(_module.Folder, "en-US", "about_SqliteAdmin.help.txt");
        Assert.True(System.IO.File.Exists(path), $"{path} is missing from the module folder");
        return System.IO.File.ReadAllText(path);
    }

    [Fact]
    public void The_about_topic_covers_the_concepts_and_every_cmdlet()
    {
        string about = AboutTopic();
        Assert.StartsWith("TOPIC" + Environment.NewLine + "    about_SqliteAdmin", about.Replace("\r\n", Environment.NewLine));
        foreach (string section in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION", "BACKUP FORMAT", "MANIFEST", "DECRYPTING A BACKUP WITH OPENSSL ALONE", "RETENTION", "ERROR IDS" })
        {
            Assert.Contains(Environment.NewLine + section + Environment.NewLine, about.Replace("\r\n", Environment.NewLine));
        }
        Assert.All(_module.Cmdlets, c => Assert.Contains(c.Name, about));
        // Get-Help shows the text as written: keep it within an 80-column console.
        Assert.All(about.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 80, $"line longer than 80 characters: {line}"));
    }

    [Fact]
    public void The_about_topic_explains_every_error_id_the_module_can_write()
    {
        string about = AboutTopic();
        Type errorIds = _module.FindModuleType("SqliteAdmin.Core.ErrorIds")!;
        var ids = errorIds.GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.True(ids.Count >= 40, $"found {ids.Count} error ids");
        // ErrorRecordFactory's own ids for operating-system errors.
        ids.AddRange(new[] { "PermissionDenied", "IOError" });
        Assert.All(ids, id => Assert.Matches(@"(?m)^\s+" + id + @"(\s|$)", about));
    }
}
