using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Module.Tests;

/// <summary>
/// Proof that the shipped folder works: a child process with no deps.json entry for any module
/// assembly or native library loads out/SqliteAdmin by path, as PowerShell does, runs the
/// initializer's native-loading code and reads a database.
/// </summary>
public sealed class LoadingTests
{
    private static readonly string ModuleFolder = BuiltModule.Metadata("ModuleFolder");

    private static (int ExitCode, string Output) RunProbe(string moduleFolder, string database, params string[] extra)
    {
        string probe = BuiltModule.Metadata("LoadProbeAssembly");
        Assert.True(File.Exists(probe), $"probe not built: {probe}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(probe);
        info.ArgumentList.Add(moduleFolder);
        info.ArgumentList.Add(database);
        foreach (string e in extra)
        {
            info.ArgumentList.Add(e);
        }
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "probe hung");
        return (process.ExitCode, output);
    }

    private static string Line(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?.Substring(key.Length + 1) ?? "";

    [Fact]
    public void The_built_module_loads_its_own_native_sqlite_and_reads_a_database()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "wal");

        var (exit, output) = RunProbe(ModuleFolder, db);

        Assert.True(exit == 0, output);
        string expectedNative = Path.Combine(ModuleFolder, "runtimes", "linux-x64", "native", "libe_sqlite3.so");
        Assert.Equal("Loaded", Line(output, "outcome"));
        Assert.Equal("linux-x64", Line(output, "rid"));
        Assert.Equal(expectedNative, Line(output, "path"));
        Assert.Equal("AlreadyInitialized", Line(output, "second-outcome"));
        Assert.Equal("AssemblyLoadContext:SqliteAdmin", Line(output, "dependencies"));
        Assert.Equal(Line(output, "shipped"), Line(output, "sqlite"));
        Assert.Equal("audit_log:120,batches:50,sync_log:200", Line(output, "tables"));
        // The library the process actually mapped is the module's copy, and the managed assemblies came from the module folder.
        Assert.Equal(expectedNative, Line(output, "mapped"));
        // Microsoft.Data.Sqlite and SQLitePCLRaw come from dependencies/, in the private load context.
        string[] assemblies = output.Split('\n').Where(l => l.StartsWith("assembly=", StringComparison.Ordinal)).ToArray();
        Assert.Equal(3, assemblies.Length);
        Assert.All(assemblies, l => Assert.StartsWith(Path.Combine(ModuleFolder, "dependencies"), l.Split('|')[1]));
        Assert.All(assemblies, l => Assert.Equal("SqliteAdmin", l.Split('|')[2].TrimEnd('\r')));
    }

    [Fact]
    public void Without_the_initializer_code_the_same_folder_cannot_open_a_database()
    {
        // The control experiment: this is the failure PowerShell 7 shows when nothing loads the
        // native library, which is why the module initializer exists.
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));

        var (exit, output) = RunProbe(ModuleFolder, db, "--skip-native-init");

        Assert.NotEqual(0, exit);
        Assert.Contains("The type initializer for 'Microsoft.Data.Sqlite.SqliteConnection' threw an exception", output);
    }

    [Fact]
    public void A_module_folder_missing_this_platforms_native_library_fails_naming_rid_and_path()
    {
        using var folder = new TempFolder();
        string copy = Path.Combine(folder.Path, "SqliteAdmin");
        CopyDirectory(ModuleFolder, copy);
        Directory.Delete(Path.Combine(copy, "runtimes", "linux-x64"), recursive: true);
        string db = TestDatabase.Create(folder.File("app.db"));

        var (exit, output) = RunProbe(copy, db);

        Assert.NotEqual(0, exit);
        Assert.Contains("'linux-x64'", output);
        Assert.Contains(Path.Combine(copy, "runtimes", "linux-x64", "native", "libe_sqlite3.so"), output);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    [Fact]
    public void The_shipped_native_sqlite_is_the_version_the_readme_states()
    {
        // sqlite3_libversion of the library the module loads (through the load probe), against the
        // README's intro line "ships its own SQLite (x.y.z)".
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        var (exit, output) = RunProbe(ModuleFolder, db);
        Assert.True(exit == 0, output);

        string readme = File.ReadAllText(Path.Combine(BuiltModule.Metadata("RepoRoot"), "README.md"));
        var stated = System.Text.RegularExpressions.Regex.Match(readme, @"ships its own SQLite \((\d+\.\d+\.\d+)\)");
        Assert.True(stated.Success, "README.md does not say 'ships its own SQLite (x.y.z)'");
        Assert.Equal(stated.Groups[1].Value, Line(output, "sqlite"));
        Assert.Equal(stated.Groups[1].Value, Line(output, "shipped"));
    }
}
