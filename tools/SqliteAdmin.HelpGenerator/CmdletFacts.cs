using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.IO;
using System.Linq;
using System.Reflection;

namespace SqliteAdmin.HelpGenerator;

/// <summary>How a parameter is declared in one parameter set ([Parameter] attribute).</summary>
public sealed record ParameterSetFacts(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter as its attributes declare it.</summary>
public sealed record ParameterFacts(
    string Name, string TypeName, bool IsArray, bool IsSwitch, bool Globbing,
    IReadOnlyList<string> Aliases, IReadOnlyList<string> Values, IReadOnlyList<ParameterSetFacts> Sets)
{
    /// <summary>PowerShell's name for "in every set".</summary>
    public const string AllSets = "__AllParameterSets";

    /// <summary>The declaration that applies in <paramref name="set"/>, or null when the parameter is not in it.</summary>
    public ParameterSetFacts? In(string set) =>
        Sets.FirstOrDefault(s => s.SetName == set) ?? Sets.FirstOrDefault(s => s.SetName == AllSets);
}

/// <summary>A cmdlet class as its attributes declare it.</summary>
public sealed record CmdletFacts(
    string Name, string Verb, string Noun, bool SupportsShouldProcess,
    IReadOnlyList<string> ParameterSets, IReadOnlyList<ParameterFacts> Parameters, IReadOnlyList<string> OutputTypes);

/// <summary>
/// Reads the cmdlets of the built module with MetadataLoadContext (nothing is executed), against
/// netstandard2.0 and PowerShellStandard's System.Management.Automation, as the module is compiled.
/// </summary>
public static class CmdletReader
{
    private const string Sma = "System.Management.Automation.";

    public static List<CmdletFacts> Read(string moduleAssembly, string powerShellStandardAssembly, string netStandardFolder)
    {
        var paths = Directory.GetFiles(Path.GetDirectoryName(moduleAssembly)!, "*.dll")
            .Concat(Directory.GetFiles(netStandardFolder, "*.dll"))
            .Append(powerShellStandardAssembly);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "netstandard");
        Assembly assembly = context.LoadFromAssemblyPath(moduleAssembly);
        return assembly.GetTypes()
            .Select(t => (Type: t, Cmdlet: Attribute(t.GetCustomAttributesData(), "CmdletAttribute")))
            .Where(x => x.Cmdlet != null && !x.Type.IsAbstract)
            .Select(x => Cmdlet(x.Type, x.Cmdlet!))
            .OrderBy(c => c.Noun, StringComparer.Ordinal).ThenBy(c => c.Verb, StringComparer.Ordinal)
            .ToList();
    }

    private static CmdletFacts Cmdlet(Type type, CustomAttributeData cmdlet)
    {
        string verb = (string)cmdlet.ConstructorArguments[0].Value!;
        string noun = (string)cmdlet.ConstructorArguments[1].Value!;
        var named = cmdlet.NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(Parameter).Where(p => p != null).Select(p => p!).ToList();
        var sets = parameters.SelectMany(p => p.Sets).Select(s => s.SetName).Where(s => s != ParameterFacts.AllSets).Distinct().ToList();
        string? defaultSet = named.TryGetValue("DefaultParameterSetName", out object? d) ? (string?)d : null;
        if (defaultSet != null && sets.Remove(defaultSet))
        {
            sets.Insert(0, defaultSet);
        }
        if (sets.Count == 0)
        {
            sets.Add(ParameterFacts.AllSets);
        }
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Sma + "OutputTypeAttribute")
            .SelectMany(a => a.ConstructorArguments.SelectMany(Items))
            .Select(v => v is Type t ? t.FullName! : v!.ToString()!).ToList();
        return new CmdletFacts($"{verb}-{noun}", verb, noun,
            named.TryGetValue("SupportsShouldProcess", out object? s) && s is true, sets, parameters, outputs);
    }

    private static ParameterFacts? Parameter(PropertyInfo property)
    {
        var attributes = property.GetCustomAttributesData();
        var declarations = attributes.Where(a => a.AttributeType.FullName == Sma + "ParameterAttribute").ToList();
        if (declarations.Count == 0)
        {
            return null;
        }
        var sets = declarations.Select(a =>
        {
            var n = a.NamedArguments.ToDictionary(x => x.MemberName, x => x.TypedValue.Value);
            int position = n.TryGetValue("Position", out object? p) ? (int)p! : int.MinValue;
            return new ParameterSetFacts(
                n.TryGetValue("ParameterSetName", out object? set) ? (string)set! : ParameterFacts.AllSets,
                n.TryGetValue("Mandatory", out object? m) && m is true,
                position == int.MinValue ? null : position,
                n.TryGetValue("ValueFromPipeline", out object? v) && v is true,
                n.TryGetValue("ValueFromPipelineByPropertyName", out object? b) && b is true);
        }).ToList();
        Type type = property.PropertyType;
        // Nullable.GetUnderlyingType does not recognise types from a MetadataLoadContext.
        Type bare = type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1" ? type.GetGenericArguments()[0] : type;
        Type element = bare.IsArray ? bare.GetElementType()! : bare;
        var aliases = attributes.Where(a => a.AttributeType.FullName == Sma + "AliasAttribute")
            .SelectMany(a => a.ConstructorArguments.SelectMany(Items)).Select(v => (string)v!).ToList();
        var values = attributes.Where(a => a.AttributeType.FullName == Sma + "ValidateSetAttribute")
            .SelectMany(a => a.ConstructorArguments.SelectMany(Items)).Select(v => (string)v!).ToList();
        if (values.Count == 0 && element.IsEnum)
        {
            // By value: reference assemblies list an enum's members alphabetically.
            values = element.GetFields(BindingFlags.Public | BindingFlags.Static)
                .OrderBy(f => Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)).Select(f => f.Name).ToList();
        }
        return new ParameterFacts(property.Name, bare.Name, bare.IsArray, bare.FullName == Sma + "SwitchParameter",
            attributes.Any(a => a.AttributeType.FullName == Sma + "SupportsWildcardsAttribute"), aliases, values, sets);
    }

    private static CustomAttributeData? Attribute(IList<CustomAttributeData> attributes, string name) =>
        attributes.FirstOrDefault(a => a.AttributeType.FullName == Sma + name);

    /// <summary>A constructor argument's values, whether it is one value or a params array.</summary>
    private static IEnumerable<object?> Items(CustomAttributeTypedArgument argument) =>
        argument.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items ? items.Select(i => i.Value) : new[] { argument.Value };
}
