using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SqliteAdmin.Module.Tests;

public sealed class ManifestTests : IClassFixture<BuiltModuleFixture>
{
    private readonly BuiltModule _module;

    public ManifestTests(BuiltModuleFixture fixture) => _module = fixture.Module;

    private object? Field(string name) => _module.Manifest.TryGetValue(name, out object? value) ? value : null;

    private static string[] Strings(object? value) => value switch
    {
        string s => new[] { s },
        IEnumerable<object?> many => many.Select(v => (string)v!).ToArray(),
        _ => Array.Empty<string>(),
    };

    [Fact]
    public void Has_the_fields_the_Gallery_and_both_editions_need()
    {
        Assert.Equal("SqliteAdmin.dll", Field("RootModule"));
        Assert.True(File.Exists(Path.Combine(_module.Folder, "SqliteAdmin.dll")));
        Assert.True(Guid.TryParse(Field("GUID") as string, out Guid guid) && guid != Guid.Empty);
        Assert.False(string.IsNullOrWhiteSpace(Field("Author") as string));
        Assert.True((Field("Description") as string)?.Length > 40);
        Assert.Equal("5.1", Field("PowerShellVersion"));
        Assert.Equal(new[] { "Core", "Desktop" }, Strings(Field("CompatiblePSEditions")).OrderBy(s => s));
        Assert.Empty(Strings(Field("FunctionsToExport")));
        Assert.Empty(Strings(Field("AliasesToExport")));
        Assert.Empty(Strings(Field("VariablesToExport")));
    }

    [Fact]
    public void Module_version_equals_the_assembly_version()
    {
        Version assembly = _module.ModuleAssembly.GetName().Version!;
        Version manifest = Version.Parse((string)Field("ModuleVersion")!);

        Assert.Equal(new Version(assembly.Major, assembly.Minor, assembly.Build), manifest);
    }

    [Fact]
    public void Every_format_file_listed_is_in_the_module_folder()
    {
        string[] formats = Strings(Field("FormatsToProcess"));

        Assert.NotEmpty(formats);
        Assert.All(formats, f => Assert.True(File.Exists(Path.Combine(_module.Folder, f)), f));
    }

    [Fact]
    public void Gallery_metadata_is_present()
    {
        var psData = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)Field("PrivateData")!)["PSData"]!;

        Assert.Contains("SQLite", Strings(psData["Tags"]));
        Assert.All(Strings(psData["Tags"]), tag => Assert.DoesNotContain(" ", tag));
        // No links that lead nowhere: the repository has no public home yet, so the licence and
        // the changelog travel in the module folder instead.
        Assert.False(psData.ContainsKey("ProjectUri"));
        Assert.False(psData.ContainsKey("LicenseUri"));
        Assert.False(string.IsNullOrWhiteSpace(psData["ReleaseNotes"] as string));
        Assert.True(File.Exists(Path.Combine(_module.Folder, "LICENSE")));
        Assert.True(File.Exists(Path.Combine(_module.Folder, "CHANGELOG.md")));
    }

    [Fact]
    public void CmdletsToExport_is_explicit_and_equals_the_cmdlet_classes()
    {
        string[] exported = Strings(Field("CmdletsToExport"));

        Assert.DoesNotContain("*", exported);
        Assert.Equal(_module.Cmdlets.Select(c => c.Name).OrderBy(n => n), exported.OrderBy(n => n));
    }
}

/// <summary>One BuiltModule (one MetadataLoadContext) per test class.</summary>
public sealed class BuiltModuleFixture : IDisposable
{
    public BuiltModule Module { get; } = new();

    public void Dispose() => Module.Dispose();
}
