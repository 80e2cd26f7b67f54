using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;

namespace SqliteAdmin.Module.Tests;

/// <summary>
/// The shipped MAML says of every parameter what its attributes say: type, position, pipeline input,
/// aliases, mandatory and parameter sets. Read independently of the generator, from the built module.
/// </summary>
public sealed class HelpFactsTests : IClassFixture<BuiltModuleFixture>
{
    private static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    private static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    private const string Sma = "System.Management.Automation.";
    private const string AllSets = "__AllParameterSets";

    private readonly BuiltModule _module;
    private readonly Dictionary<string, XElement> _help;

    public HelpFactsTests(BuiltModuleFixture fixture)
    {
        _module = fixture.Module;
        _help = _module.HelpFile.Root!.Elements(Command + "command")
            .ToDictionary(c => c.Element(Command + "details")!.Element(Command + "name")!.Value.Trim());
    }

    private sealed record Declaration(string Set, bool Mandatory, string Position, bool ByValue, bool ByPropertyName);

    private static List<Declaration> Declarations(PropertyInfo property) => property.GetCustomAttributesData()
        .Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute")
        .Select(a =>
        {
            var n = a.NamedArguments.ToDictionary(x => x.MemberName, x => x.TypedValue.Value);
            int position = n.TryGetValue("Position", out object? p) ? (int)p! : int.MinValue;
            return new Declaration(n.TryGetValue("ParameterSetName", out object? s) ? (string)s! : AllSets,
                n.TryGetValue("Mandatory", out object? m) && m is true,
                position == int.MinValue ? "named" : position.ToString(System.Globalization.CultureInfo.InvariantCulture),
                n.TryGetValue("ValueFromPipeline", out object? v) && v is true,
                n.TryGetValue("ValueFromPipelineByPropertyName", out object? b) && b is true);
        }).ToList();

    private static string Pipeline(IEnumerable<Declaration> d) => (d.Any(x => x.ByPropertyName), d.Any(x => x.ByValue)) switch
    {
        (true, true) => "True (ByPropertyName, ByValue)",
        (true, false) => "True (ByPropertyName)",
        (false, true) => "True (ByValue)",
        _ => "False",
    };

    private static string TypeName(Type type)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1")
        {
            type = type.GetGenericArguments()[0];
        }
        return type.Name;
    }

    private static string Aliases(PropertyInfo property)
    {
        var aliases = property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
            .SelectMany(a => a.ConstructorArguments)
            .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => (string)m.Value!) : new[] { (string)arg.Value! })
            .ToList();
        return aliases.Count == 0 ? "none" : string.Join(", ", aliases);
    }

    [Fact]
    public void Every_parameter_in_the_help_has_the_type_position_pipeline_input_aliases_and_mandatory_flag_of_its_attributes()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            var documented = _help[c.Name].Element(Command + "parameters")!.Elements(Command + "parameter")
                .ToDictionary(p => p.Element(Maml + "name")!.Value.Trim());
            foreach (PropertyInfo property in c.Parameters)
            {
                string where = $"{c.Name} -{property.Name}";
                XElement help = documented[property.Name];
                List<Declaration> declarations = Declarations(property);
                Assert.True(TypeName(property.PropertyType) == help.Element(Dev + "type")!.Element(Maml + "name")!.Value, $"{where}: type");
                bool isSwitch = property.PropertyType.FullName == Sma + "SwitchParameter";
                Assert.True(isSwitch == (help.Element(Command + "parameterValue") == null), $"{where}: a switch has no value, anything else has one");
                Assert.True(property.PropertyType.IsArray.ToString().ToLowerInvariant() == (string?)help.Attribute("variableLength"), $"{where}: variableLength");
                Assert.True(declarations.All(d => d.Mandatory).ToString().ToLowerInvariant() == (string?)help.Attribute("required"), $"{where}: required");
                Assert.True(declarations.First().Position == (string?)help.Attribute("position"), $"{where}: position");
                Assert.True(Pipeline(declarations) == (string?)help.Attribute("pipelineInput"), $"{where}: pipelineInput");
                Assert.True(Aliases(property) == (string?)help.Attribute("aliases"), $"{where}: aliases");
                bool wildcards = property.GetCustomAttributesData().Any(a => a.AttributeType.FullName == Sma + "SupportsWildcardsAttribute");
                Assert.True(wildcards.ToString().ToLowerInvariant() == (string?)help.Attribute("globbing"), $"{where}: globbing");
            }
        });
    }

    [Fact]
    public void Every_parameter_set_in_the_help_holds_exactly_the_parameters_of_that_set_as_declared_there()
    {
        Assert.All(_module.Cmdlets, c =>
        {
            var declared = c.Parameters.ToDictionary(p => p.Name, Declarations);
            var aliases = c.Parameters.ToDictionary(p => p.Name, Aliases);
            var sets = declared.Values.SelectMany(d => d).Select(d => d.Set).Where(s => s != AllSets).Distinct().ToList();
            if (sets.Count == 0)
            {
                sets.Add(AllSets);
            }
            var syntax = _help[c.Name].Element(Command + "syntax")!.Elements(Command + "syntaxItem").ToList();
            Assert.True(sets.Count == syntax.Count, $"{c.Name}: {sets.Count} parameter sets, {syntax.Count} syntax items");
            var risk = c.SupportsShouldProcess ? new[] { "WhatIf", "Confirm" } : Array.Empty<string>();
            // Each declared set matches one syntax item: same parameters, each mandatory and positioned as in that set.
            var unmatched = syntax.ToList();
            foreach (string set in sets)
            {
                var expected = declared
                    .Select(p => (p.Key, Declaration: p.Value.FirstOrDefault(d => d.Set == set) ?? p.Value.FirstOrDefault(d => d.Set == AllSets)))
                    .Where(p => p.Declaration != null)
                    .ToDictionary(p => p.Key, p => p.Declaration!);
                XElement? item = unmatched.FirstOrDefault(s => s.Elements(Command + "parameter").Select(p => p.Element(Maml + "name")!.Value)
                    .OrderBy(n => n).SequenceEqual(expected.Keys.Concat(risk).OrderBy(n => n)));
                Assert.True(item != null, $"{c.Name}: no syntax item lists exactly the parameters of set '{set}': {string.Join(", ", expected.Keys)}");
                unmatched.Remove(item!);
                foreach (XElement parameter in item!.Elements(Command + "parameter"))
                {
                    string name = parameter.Element(Maml + "name")!.Value;
                    if (!expected.TryGetValue(name, out Declaration? d))
                    {
                        continue; // WhatIf, Confirm
                    }
                    Assert.True(d.Mandatory.ToString().ToLowerInvariant() == (string?)parameter.Attribute("required"), $"{c.Name} set {set} -{name}: required");
                    Assert.True(d.Position == (string?)parameter.Attribute("position"), $"{c.Name} set {set} -{name}: position");
                    Assert.True(Pipeline(new[] { d }) == (string?)parameter.Attribute("pipelineInput"), $"{c.Name} set {set} -{name}: pipelineInput");
                    Assert.True(aliases[name] == (string?)parameter.Attribute("aliases"), $"{c.Name} set {set} -{name}: aliases");
                }
            }
        });
    }

    [Fact]
    public void The_committed_help_file_is_what_the_generator_makes_of_the_cmdlets_and_docs_help()
    {
        string root = Path.GetFullPath(Path.Combine(_module.Folder, "..", ".."));
        string generated = SqliteAdmin.HelpGenerator.ModuleHelp.Generate(root);
        string committed = File.ReadAllText(SqliteAdmin.HelpGenerator.ModuleHelp.CommittedHelpPath(root)).Replace("\r\n", "\n");
        Assert.True(generated == committed,
            "module/en-US/SqliteAdmin.dll-Help.xml is stale: build the solution (tools/SqliteAdmin.HelpGenerator rewrites it) and commit it");
        Assert.Equal(committed, File.ReadAllText(Path.Combine(_module.Folder, "en-US", "SqliteAdmin.dll-Help.xml")).Replace("\r\n", "\n"));
    }
}
