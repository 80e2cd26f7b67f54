using System;
using System.IO;
using System.Linq;
using System.Reflection;

namespace SqliteAdmin.HelpGenerator;

/// <summary>
/// Regenerates module/en-US/SqliteAdmin.dll-Help.xml from the built module (out/SqliteAdmin) and
/// docs/help/*.md, and puts it into out/SqliteAdmin/en-US too. Run by the build after the module is
/// laid out; `dotnet run --project tools/SqliteAdmin.HelpGenerator` does the same by hand.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string root = args.Length > 0 ? args[0] : Metadata("RepoRoot");
        try
        {
            string help = ModuleHelp.Generate(root);
            string target = ModuleHelp.CommittedHelpPath(root);
            bool changed = !File.Exists(target) || File.ReadAllText(target) != help;
            if (changed)
            {
                File.WriteAllText(target, help);
            }
            string shipped = Path.Combine(ModuleHelp.ModuleFolder(root), "en-US", Path.GetFileName(target));
            Directory.CreateDirectory(Path.GetDirectoryName(shipped)!);
            File.WriteAllText(shipped, help);
            Console.WriteLine(changed ? $"help regenerated: {target} changed (commit it)" : $"help is current: {target}");
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException || ex is FormatException || ex is IOException)
        {
            // MSBuild shows lines in this shape as build errors.
            foreach (string line in ex.Message.Split('\n'))
            {
                Console.Error.WriteLine($"SqliteAdmin.HelpGenerator : error HELP001: {line}");
            }
            return 1;
        }
    }

    internal static string Metadata(string key) =>
        typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

/// <summary>The module's help, generated from the built cmdlets and the prose beside them.</summary>
public static class ModuleHelp
{
    public static string ModuleFolder(string root) => Path.Combine(root, "out", "SqliteAdmin");

    public static string ProseFolder(string root) => Path.Combine(root, "docs", "help");

    public static string CommittedHelpPath(string root) => Path.Combine(root, "module", "en-US", "SqliteAdmin.dll-Help.xml");

    /// <summary>The MAML text for the module built in out/SqliteAdmin under <paramref name="root"/>.</summary>
    public static string Generate(string root)
    {
        var cmdlets = CmdletReader.Read(Path.Combine(ModuleFolder(root), "SqliteAdmin.dll"),
            Program.Metadata("PowerShellStandardAssembly"), Program.Metadata("NetStandardReferenceFolder"));
        var prose = Directory.GetFiles(ProseFolder(root), "*.md")
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), HelpSource.Load, StringComparer.Ordinal);
        return MamlWriter.Write(cmdlets, prose);
    }
}
