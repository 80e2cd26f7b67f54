using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace SqliteAdmin.Module.Tests;

public sealed class ContractTests : IClassFixture<BuiltModuleFixture>
{
    // Verbs that never change anything; every other verb must support -WhatIf/-Confirm.
    private static readonly HashSet<string> ReadOnlyVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "Get", "Test", "Find", "Measure", "Compare", "Resolve", "Search", "Select", "Show", "Watch",
    };

    private readonly BuiltModule _module;

    public ContractTests(BuiltModuleFixture fixture) => _module = fixture.Module;

    [Fact]
    public void The_module_has_cmdlets()
    {
        Assert.Contains(_module.Cmdlets, c => c.Name == "Get-SqliteDatabase");
    }

    [Fact]
    public void Cmdlet_classes_are_sealed_and_named_VerbNounCommand()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            Assert.True(c.Type.IsSealed, $"{c.Type.Name} is not sealed");
            Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name);
        });
    }

    [Fact]
    public void Only_approved_verbs_are_used()
    {
        // The approved list is PowerShell's own: the constants of the Verbs* classes.
        var approved = new[] { "VerbsCommon", "VerbsData", "VerbsLifecycle", "VerbsDiagnostic", "VerbsCommunications", "VerbsSecurity", "VerbsOther" }
            .SelectMany(name => _module.SmaType("System.Management.Automation." + name).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("Backup", approved);

        Assert.All(_module.Cmdlets, c => Assert.Contains(c.Verb, approved));
    }

    [Fact]
    public void Every_Core_error_category_maps_by_name_to_a_PowerShell_ErrorCategory()
    {
        // The cmdlet layer maps SqliteAdminErrorCategory to ErrorCategory by name; a name PowerShell
        // does not have would silently become NotSpecified.
        var powerShell = _module.SmaType("System.Management.Automation.ErrorCategory").GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToHashSet();
        Type core = _module.FindModuleType("SqliteAdmin.SqliteAdminErrorCategory")!;
        var ours = core.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToList();

        Assert.NotEmpty(ours);
        Assert.All(ours, name => Assert.Contains(name, powerShell));
    }

    [Fact]
    public void Every_cmdlet_declares_its_output_type()
    {
        Assert.All(_module.Cmdlets, c => Assert.NotEmpty(c.OutputTypes));
    }

    [Fact]
    public void Every_cmdlet_that_writes_or_deletes_supports_ShouldProcess()
    {
        Assert.All(_module.Cmdlets.Where(c => !ReadOnlyVerbs.Contains(c.Verb)),
            c => Assert.True(c.SupportsShouldProcess, $"{c.Name} changes files but has no SupportsShouldProcess"));
    }

    [Fact]
    public void Every_LiteralPath_has_the_aliases_PSPath_LP_FullName()
    {
        var literalPaths = _module.Cmdlets.SelectMany(c => c.Parameters.Where(p => p.Name == "LiteralPath").Select(p => (c, p))).ToList();
        Assert.NotEmpty(literalPaths);

        Assert.All(literalPaths, x =>
        {
            var aliases = x.p.GetCustomAttributesData()
                .Where(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute")
                .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!)
                .Select(v => (string)v.Value!);
            Assert.Equal(new[] { "FullName", "LP", "PSPath" }, aliases.OrderBy(a => a, StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Every_output_type_has_a_view_in_the_format_file()
    {
        HashSet<string> viewed = _module.FormatFile.Descendants("ViewSelectedBy").Elements("TypeName").Select(e => e.Value.Trim()).ToHashSet();

        // Our own types need a view; a plain $true/$false (-Quiet) does not.
        var ours = _module.Cmdlets.SelectMany(c => c.OutputTypes).Where(t => t.Namespace?.StartsWith("SqliteAdmin", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(ours);
        Assert.All(ours, t => Assert.Contains(t.FullName!, viewed));
    }

    [Fact]
    public void Every_view_also_selects_the_deserialized_type_that_remoting_and_jobs_return()
    {
        foreach (XElement view in _module.FormatFile.Descendants("View"))
        {
            var names = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(e => e.Value.Trim()).ToList();
            Assert.Contains("Deserialized." + names[0], names);
        }
    }

    [Fact]
    public void The_format_file_is_well_formed()
    {
        XDocument format = _module.FormatFile;
        Assert.Equal("Configuration", format.Root!.Name.LocalName);
        var views = format.Root.Element("ViewDefinitions")!.Elements("View").ToList();
        Assert.NotEmpty(views);
        Assert.All(views, view =>
        {
            Assert.False(string.IsNullOrWhiteSpace(view.Element("Name")?.Value));
            Assert.NotEmpty(view.Element("ViewSelectedBy")!.Elements("TypeName"));
            XElement table = view.Element("TableControl") ?? throw new Xunit.Sdk.XunitException($"{view.Element("Name")!.Value} has no TableControl");
            int headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            Assert.All(table.Element("TableRowEntries")!.Elements("TableRowEntry"), row =>
                Assert.Equal(headers, row.Element("TableColumnItems")!.Elements("TableColumnItem").Count()));
        });
        // Each output type has exactly one table view, so PowerShell never picks one at random.
        Assert.Equal(views.Count, views.Select(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value).Distinct().Count());
    }

    [Fact]
    public void Format_views_name_only_properties_that_exist()
    {
        foreach (XElement view in _module.FormatFile.Descendants("View"))
        {
            string typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
            Type? type = _module.FindModuleType(typeName);
            Assert.True(type != null, $"view {view.Element("Name")!.Value} is for unknown type {typeName}");
            foreach (XElement property in view.Descendants("PropertyName"))
            {
                Assert.True(type!.GetProperty(property.Value) != null, $"{typeName} has no property {property.Value}");
            }
        }
    }
}
