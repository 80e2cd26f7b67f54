using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Module.Tests;

public sealed class LayoutTests : IClassFixture<BuiltModuleFixture>
{
    private readonly BuiltModule _module;

    public LayoutTests(BuiltModuleFixture fixture) => _module = fixture.Module;

    [Theory]
    [InlineData("win-x64", "e_sqlite3.dll")]
    [InlineData("win-x86", "e_sqlite3.dll")]
    [InlineData("win-arm64", "e_sqlite3.dll")]
    [InlineData("linux-x64", "libe_sqlite3.so")]
    [InlineData("linux-arm64", "libe_sqlite3.so")]
    [InlineData("linux-musl-x64", "libe_sqlite3.so")]
    [InlineData("osx-x64", "libe_sqlite3.dylib")]
    [InlineData("osx-arm64", "libe_sqlite3.dylib")]
    public void Ships_the_native_sqlite_for_each_platform(string rid, string file)
    {
        var path = Path.Combine(_module.Folder, "runtimes", rid, "native", file);
        Assert.True(File.Exists(path), path);
        byte[] head = File.ReadAllBytes(path).Take(4).ToArray();
        // PE ("MZ"), ELF, or Mach-O (64-bit magic, either byte order): a real binary, not a pointer file.
        Assert.True(head[0] == 'M' && head[1] == 'Z' || head.SequenceEqual(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' })
            || head.SequenceEqual(new byte[] { 0xCF, 0xFA, 0xED, 0xFE }) || head.SequenceEqual(new byte[] { 0xFE, 0xED, 0xFA, 0xCF }), $"{path} is not a native binary");
    }

    [Fact]
    public void The_folder_holds_the_manifest_formats_help_and_no_PowerShell_assembly()
    {
        foreach (string file in new[] { "SqliteAdmin.psd1", "SqliteAdmin.format.ps1xml", "SqliteAdmin.types.ps1xml", "SqliteAdmin.dll", "SqliteAdmin.Core.dll", "SqliteAdmin.LoadContext.dll", "dependencies/Microsoft.Data.Sqlite.dll", "dependencies/SQLitePCLRaw.core.dll", "en-US/SqliteAdmin.dll-Help.xml" })
        {
            Assert.True(File.Exists(Path.Combine(_module.Folder, file)), file);
        }
        // The host provides System.Management.Automation; shipping PowerShellStandard's would break loading.
        Assert.False(File.Exists(Path.Combine(_module.Folder, "System.Management.Automation.dll")));
        // Third-party assemblies only in dependencies/, where the resolvers load them; none beside the module.
        Assert.Equal(new[] { "SqliteAdmin.Core.dll", "SqliteAdmin.LoadContext.dll", "SqliteAdmin.dll" },
            Directory.GetFiles(_module.Folder, "*.dll").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Every_assembly_reference_resolves_on_dotnet_framework_rules()
    {
        // Windows PowerShell 5.1 applies no binding redirects to a module. There a reference between
        // shipped assemblies resolves only if it names exactly the version shipped beside the
        // module assembly (LoadFrom probing of the module folder), or if the resolver we ship
        // (ModuleDependencies: AppDomain.AssemblyResolve over dependencies/) answers it. The rule
        // applied is the shipped resolver's own (ModuleDependencies.Answers, called below), not a copy.
        string root = _module.Folder;
        string dependencies = Path.Combine(root, "dependencies");
        string[] rootDlls = Directory.GetFiles(root, "*.dll")
            .Where(f => Path.GetFileName(f) != "SqliteAdmin.LoadContext.dll") // .NET Core only; 5.1 never loads it
            .ToArray();
        string[] dependencyDlls = Directory.GetFiles(dependencies, "*.dll");
        using var context = new MetadataLoadContext(
            new PathAssemblyResolver(rootDlls.Concat(dependencyDlls).Concat(Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll"))),
            "System.Private.CoreLib");
        var inRoot = rootDlls.ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => AssemblyName.GetAssemblyName(f));
        var inDependencies = dependencyDlls.ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => AssemblyName.GetAssemblyName(f));
        Assert.Contains("Microsoft.Data.Sqlite", inDependencies.Keys);
        Assert.Contains("SQLitePCLRaw.core", inDependencies.Keys);
        Assert.Contains("System.Memory", inDependencies.Keys);

        Func<AssemblyName, AssemblyName, bool> resolverAnswers = ShippedResolverRule(root);
        // .NET Framework 4.7.2 itself provides these; System.Management.Automation is PowerShell.
        string[] fromHost = { "netstandard", "mscorlib", "System", "System.Core", "System.Management.Automation" };
        var checkedReferences = new List<string>();
        foreach (string dll in rootDlls.Concat(dependencyDlls))
        {
            foreach (AssemblyName reference in context.LoadFromAssemblyPath(dll).GetReferencedAssemblies())
            {
                string name = reference.Name!;
                if (fromHost.Contains(name))
                {
                    continue;
                }
                string what = $"{Path.GetFileName(dll)} -> {name} {reference.Version}";
                checkedReferences.Add(what);
                if (inRoot.TryGetValue(name, out AssemblyName? beside))
                {
                    Assert.True(beside.Version == reference.Version, $"{what}: {beside.Version} is shipped beside the module, where no resolver answers");
                }
                else
                {
                    Assert.True(inDependencies.TryGetValue(name, out AssemblyName? shipped), $"{what}: neither shipped nor provided by Windows PowerShell");
                    Assert.True(resolverAnswers(reference, shipped!), $"{what}: the resolver does not answer it with the shipped {shipped!.Version}");
                }
            }
        }
        // The references that differ from what is shipped, which only the resolver makes work, are among those checked.
        Assert.Contains("Microsoft.Data.Sqlite.dll -> SQLitePCLRaw.core 2.1.13.3146", checkedReferences);
        Assert.Contains(checkedReferences, r => r.StartsWith("SqliteAdmin.Core.dll -> Microsoft.Data.Sqlite ", StringComparison.Ordinal));
    }

    [Fact]
    public void The_resolver_rule_refuses_older_and_foreign_assemblies()
    {
        Func<AssemblyName, AssemblyName, bool> answers = ShippedResolverRule(_module.Folder);
        var shipped = new AssemblyName("SQLitePCLRaw.core, Version=3.0.5.3129, Culture=neutral, PublicKeyToken=1488e028ca7ab535");
        Assert.True(answers(new AssemblyName("SQLitePCLRaw.core, Version=2.1.13.3146, Culture=neutral, PublicKeyToken=1488e028ca7ab535"), shipped));
        Assert.True(answers(new AssemblyName("SQLitePCLRaw.core, Version=3.0.5.3129, Culture=neutral, PublicKeyToken=1488e028ca7ab535"), shipped));
        Assert.False(answers(new AssemblyName("SQLitePCLRaw.core, Version=3.1.0.0, Culture=neutral, PublicKeyToken=1488e028ca7ab535"), shipped));
        Assert.False(answers(new AssemblyName("SQLitePCLRaw.core, Version=2.1.13.3146, Culture=neutral, PublicKeyToken=0000000000000000"), shipped));
        Assert.False(answers(new AssemblyName("SQLitePCLRaw.provider.e_sqlite3, Version=3.0.5.3129, Culture=neutral, PublicKeyToken=1488e028ca7ab535"), shipped));
    }

    /// <summary>ModuleDependencies.Answers from the built SqliteAdmin.dll (it needs no PowerShell to run).</summary>
    private static Func<AssemblyName, AssemblyName, bool> ShippedResolverRule(string moduleFolder)
    {
        var context = new System.Runtime.Loader.AssemblyLoadContext("resolver-rule", isCollectible: true);
        System.Reflection.Assembly module = context.LoadFromAssemblyPath(Path.Combine(moduleFolder, "SqliteAdmin.dll"));
        var answers = module.GetType("SqliteAdmin.ModuleDependencies", throwOnError: true)!.GetMethod("Answers")!;
        return (requested, shipped) => (bool)answers.Invoke(null, new object[] { requested, shipped })!;
    }
}
