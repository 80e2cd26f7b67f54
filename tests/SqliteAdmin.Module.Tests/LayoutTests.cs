using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

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
        foreach (string file in new[] { "SqliteAdmin.psd1", "SqliteAdmin.format.ps1xml", "SqliteAdmin.types.ps1xml", "SqliteAdmin.dll", "SqliteAdmin.Core.dll", "en-US/SqliteAdmin.dll-Help.xml" })
        {
            Assert.True(File.Exists(Path.Combine(_module.Folder, file)), file);
        }
        // The host provides System.Management.Automation; shipping PowerShellStandard's would break loading.
        Assert.False(File.Exists(Path.Combine(_module.Folder, "System.Management.Automation.dll")));
    }

    [Fact]
    public void Every_assembly_reference_is_satisfied_by_the_folder_or_the_host_at_the_exact_version()
    {
        // Windows PowerShell 5.1 applies no binding redirects to a module: a reference to a shipped
        // assembly must name exactly the version shipped, or loading fails there.
        var shipped = Directory.GetFiles(_module.Folder, "*.dll").ToDictionary(
            f => Path.GetFileNameWithoutExtension(f),
            f => { using var pe = new PEReader(File.OpenRead(f)); var md = pe.GetMetadataReader(); return md.GetAssemblyDefinition().Version; });
        // netstandard and its facades (System.Runtime, …) ship with .NET Framework 4.7.2+ and .NET;
        // System.Management.Automation is PowerShell itself.
        string[] fromHost = { "netstandard", "mscorlib", "System", "System.Core", "System.Runtime", "System.Management.Automation" };
        foreach (string dll in Directory.GetFiles(_module.Folder, "*.dll"))
        {
            using var reader = new PEReader(File.OpenRead(dll));
            MetadataReader metadata = reader.GetMetadataReader();
            foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
            {
                AssemblyReference reference = metadata.GetAssemblyReference(handle);
                string name = metadata.GetString(reference.Name);
                if (fromHost.Contains(name))
                {
                    continue;
                }
                Assert.True(shipped.ContainsKey(name), $"{Path.GetFileName(dll)} needs {name}, which is neither shipped nor provided by PowerShell");
                Assert.True(shipped[name] == reference.Version, $"{Path.GetFileName(dll)} needs {name} {reference.Version} but {shipped[name]} is shipped");
            }
        }
    }
}
