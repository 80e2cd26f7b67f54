using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace SqliteAdmin.Core.Tests;

/// <summary>
/// The layers ARCHITECTURE.md describes, checked: shared plumbing never reaches into a job folder,
/// and the only public types are the ones users see, in namespace SqliteAdmin.
/// </summary>
public class ArchitectureTests
{
    private static readonly string[] Shared = { "IO", "Data", "Compression", "Crypto", "Json", "Native", "Progress" };
    private static readonly string[] Jobs = { "Backups", "Restore", "Integrity", "Maintenance", "Retention", "SyncLog", "Health", "Databases", "Repair" };

    private static string CoreSource()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder != null && !File.Exists(Path.Combine(folder, "SqliteAdmin.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }
        Assert.NotNull(folder);
        return Path.Combine(folder!, "src", "SqliteAdmin.Core");
    }

    [Fact]
    public void Shared_folders_do_not_depend_on_job_folders()
    {
        // A type of another SqliteAdmin.Core namespace is reachable only through a using directive
        // or a qualified name (the shared folders' own namespaces do not enclose the jobs').
        var reference = new Regex(@"\b(?:using\s+SqliteAdmin\.Core\.|SqliteAdmin\.Core\.|Core\.)(" + string.Join("|", Jobs) + @")\b");
        string root = CoreSource();
        var offenders = Shared
            .Select(folder => Path.Combine(root, folder))
            .Where(Directory.Exists)
            .SelectMany(folder => Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories))
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, i)))
            .Where(x => reference.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.True(Directory.Exists(Path.Combine(root, "IO")), "the shared folders moved: update this test");
        Assert.Empty(offenders);
    }

    [Fact]
    public void Only_the_types_users_see_are_public_and_they_live_in_namespace_SqliteAdmin()
    {
        Assembly core = typeof(BackupInfo).Assembly;
        var exported = core.GetExportedTypes();

        Assert.All(exported, t => Assert.Equal("SqliteAdmin", t.Namespace));
        Assert.Contains(typeof(BackupInfo), exported);
        Assert.Contains(typeof(Duration), exported);
        Assert.DoesNotContain(exported, t => t.Name.StartsWith("Sqlite", StringComparison.Ordinal) && t != typeof(SqliteAdminException) && t != typeof(SqliteAdminErrorCategory));
        // Every file in Public/ declares namespace SqliteAdmin, and no other file does.
        string root = CoreSource();
        foreach (string file in Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            bool inPublic = file.Contains($"{Path.DirectorySeparatorChar}Public{Path.DirectorySeparatorChar}");
            bool declaresPublicNamespace = Regex.IsMatch(File.ReadAllText(file), @"^namespace SqliteAdmin;", RegexOptions.Multiline);
            Assert.True(inPublic == declaresPublicNamespace, $"{file}: namespace SqliteAdmin is for Public/ only, and Public/ is all in it");
        }
    }
}
