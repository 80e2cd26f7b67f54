using System.IO;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests;

/// <summary>What the module treats as a link (never followed, listed or deleted), on real files.</summary>
public class FileLinksTests
{
    [Fact]
    public void Symbolic_links_to_files_and_folders_are_links_and_everything_else_is_not()
    {
        using var folder = new TempFolder();
        string file = folder.File("app_daily_20261201_020000.db");
        File.WriteAllText(file, "x");
        string sub = Directory.CreateDirectory(folder.File("sub")).FullName;
        File.CreateSymbolicLink(folder.File("file-link"), file);
        File.CreateSymbolicLink(folder.File("dangling-link"), folder.File("nothing-here"));
        Directory.CreateSymbolicLink(folder.File("folder-link"), sub);
        Cli.Run("ln", new[] { file, folder.File("hard-link") });

        Assert.True(FileLinks.IsLink(folder.File("file-link")));
        Assert.True(FileLinks.IsLink(folder.File("dangling-link")));
        Assert.True(FileLinks.IsLink(folder.File("folder-link")));
        Assert.False(FileLinks.IsLink(file));
        Assert.False(FileLinks.IsLink(folder.File("hard-link")));   // a second name of a real file, not a link
        Assert.False(FileLinks.IsLink(sub));
        Assert.False(FileLinks.IsLink(folder.File("missing")));
    }
}
