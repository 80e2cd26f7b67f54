using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace SqliteAdmin.Module.Tests;

/// <summary>
/// The built module folder out/SqliteAdmin, read without executing it: its manifest as data, its
/// assemblies through MetadataLoadContext, its format and help files as XML.
/// </summary>
public sealed class BuiltModule : IDisposable
{
    private readonly MetadataLoadContext _context;

    public BuiltModule()
    {
        Folder = Metadata("ModuleFolder");
        Assert.True(File.Exists(System.IO.Path.Combine(Folder, "SqliteAdmin.psd1")), $"the module is not built in {Folder}: run dotnet build first");

        string sma = Metadata("PowerShellStandardAssembly");
        var paths = Directory.GetFiles(Folder, "*.dll")
            .Concat(Directory.GetFiles(System.IO.Path.Combine(Folder, "dependencies"), "*.dll"))
            .Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))
            .Append(sma);
        _context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        ModuleAssembly = _context.LoadFromAssemblyPath(System.IO.Path.Combine(Folder, "SqliteAdmin.dll"));
        Manifest = Psd1Reader.ReadFile(System.IO.Path.Combine(Folder, "SqliteAdmin.psd1"));
        Cmdlets = ModuleAssembly.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute")))
            .Where(x => x.Attribute != null)
            .Select(x => new CmdletInfo(x.Type, x.Attribute!))
            .ToList();
    }

    public string Folder { get; }

    public Assembly ModuleAssembly { get; }

    public IReadOnlyDictionary<string, object?> Manifest { get; }

    public IReadOnlyList<CmdletInfo> Cmdlets { get; }

    public Type SmaType(string fullName) =>
        _context.LoadFromAssemblyName("System.Management.Automation").GetType(fullName, throwOnError: true)!;

    /// <summary>A type defined in one of the module's own assemblies (SqliteAdmin*.dll), or null.</summary>
    public Type? FindModuleType(string fullName) => Directory.GetFiles(Folder, "SqliteAdmin*.dll")
        .Select(path => _context.LoadFromAssemblyPath(path).GetType(fullName))
        .FirstOrDefault(t => t != null);

    public XDocument FormatFile => XDocument.Load(System.IO.Path.Combine(Folder, "SqliteAdmin.format.ps1xml"));

    public XDocument HelpFile => XDocument.Load(System.IO.Path.Combine(Folder, "en-US", "SqliteAdmin.dll-Help.xml"));

    public static string Metadata(string key) =>
        typeof(BuiltModule).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public void Dispose() => _context.Dispose();
}

/// <summary>A cmdlet class found in the module assembly, with its [Cmdlet] attribute.</summary>
public sealed class CmdletInfo
{
    public CmdletInfo(Type type, CustomAttributeData cmdlet)
    {
        Type = type;
        Verb = (string)cmdlet.ConstructorArguments[0].Value!;
        Noun = (string)cmdlet.ConstructorArguments[1].Value!;
        Named = cmdlet.NamedArguments.ToDictionary(a => a.MemberName, a => a.TypedValue.Value);
    }

    public Type Type { get; }
    public string Verb { get; }
    public string Noun { get; }
    public string Name => Verb + "-" + Noun;
    public IReadOnlyDictionary<string, object?> Named { get; }

    public bool SupportsShouldProcess => Named.TryGetValue("SupportsShouldProcess", out object? v) && v is true;

    /// <summary>Public properties with at least one [Parameter] attribute, including inherited ones.</summary>
    public IEnumerable<PropertyInfo> Parameters => Type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttributesData().Any(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute"));

    public IEnumerable<Type> OutputTypes => Type.GetCustomAttributesData()
        .Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute")
        .SelectMany(a => a.ConstructorArguments)
        .SelectMany(arg => arg.Value is IEnumerable<CustomAttributeTypedArgument> many ? many.Select(m => m.Value) : new[] { arg.Value })
        .OfType<Type>();

    public override string ToString() => Name;
}
