using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Restore;
using SqliteAdmin.Core.Tests.Infrastructure;
using static SqliteAdmin.Core.Tests.Restore.RestoreTests;

namespace SqliteAdmin.Core.Tests.Restore;

/// <summary>
/// Reliability case 29 and the seams around the swap: who uses the file (by identity).
/// Linux, as root (bind mounts), with real processes.
/// </summary>
public class RestoreSwapSafetyTests
{
    private const string IdleApp = "SELECT 1 FROM marker LIMIT 0;"; // the file is open, no lock is held

    [Theory]
    [InlineData("restore-through-symlinked-folder")]
    [InlineData("app-through-symlinked-folder")]
    [InlineData("app-through-bind-mount")]
    public void A_user_reaching_the_file_by_another_path_is_seen(string how)
    {
        using var folder = new TempFolder();
        SqliteBackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        string alias = Path.Combine(folder.Path, "alias");
        if (how == "app-through-bind-mount")
        {
            Directory.CreateDirectory(alias);
            (int exit, string error) = Cli.Run("mount", new[] { "--bind", live, alias });
            Assert.True(exit == 0, "mount --bind failed (these tests need root): " + error);
        }
        else
        {
            Directory.CreateSymbolicLink(alias, live);
        }
        string appPath = how.StartsWith("app", StringComparison.Ordinal) ? Path.Combine(alias, "app.db") : target;
        string restorePath = how.StartsWith("restore", StringComparison.Ordinal) ? Path.Combine(alias, "app.db") : target;
        Process app = SqliteCli.HoldLock(appPath, IdleApp);
        try
        {
            FolderSnapshot before = FolderSnapshot.Take(live);

            var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, restorePath), null, CancellationToken.None));

            Assert.Equal(ErrorIds.DatabaseInUse, ex.ErrorId);
            Assert.Contains($"process {app.Id}", ex.Message);
            Assert.Equal(before, FolderSnapshot.Take(live));
        }
        finally
        {
            SqliteCli.Release(app);
            if (how == "app-through-bind-mount")
            {
                Cli.Run("umount", new[] { alias });
            }
        }
        Assert.Equal("old", Marker(target));
    }
}
