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
/// Reliability case 29 and the seams around the swap: who uses the file (by identity, and again right
/// before the rename), a busy WAL checkpoint, a failing rollback, and the replaced file's owner and mode.
/// Linux, as root (bind mounts, chown, chattr), with real processes.
/// </summary>
public class RestoreSwapSafetyTests
{
    private const string IdleApp = "SELECT 1 FROM marker LIMIT 0;"; // the file is open, no lock is held

    [Theory]
    [InlineData("restore-through-symlinked-folder")]
    [InlineData("app-through-symlinked-folder")]
    [InlineData("app-through-bind-mount")]
    [InlineData("app-through-hard-link")]
    public void A_user_reaching_the_file_by_another_path_is_seen(string how)
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
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
        else if (how == "app-through-hard-link")
        {
            Directory.CreateDirectory(alias);
            Cli.Output("ln", target, Path.Combine(alias, "app.db"));
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
            AssertRefusedAsInUse(backup.Path, restorePath, app, live);
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

    [Theory]
    [InlineData("Keeping a safety copy")]
    [InlineData("Replacing the database")]
    public void An_application_started_after_the_first_check_is_seen_before_the_swap(string startAt)
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old", journal: "wal");
        FolderSnapshot before = FolderSnapshot.Take(live);
        Process? app = null;
        // The application starts once the first in-use check has passed (during the integrity check,
        // which runs beside it and may take minutes on a large database).
        var progress = new CallbackProgress(p =>
        {
            if (p.Status == startAt && app == null)
            {
                app = SqliteCli.HoldLock(target, IdleApp);
            }
        });
        try
        {
            var ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, target), progress, CancellationToken.None));

            Assert.NotNull(app);
            Assert.Equal(ErrorIds.DatabaseInUse, ex.ErrorId);
            Assert.Contains($"process {app!.Id}", ex.Message);
            // The application's own opening made an empty -wal and a -shm; everything else is as it was.
            Assert.Equal(WithoutWalIndex(before), WithoutWalIndex(FolderSnapshot.Take(live)));
            Assert.Equal(0, new FileInfo(target + "-wal").Length);
        }
        finally
        {
            if (app != null)
            {
                SqliteCli.Release(app);
            }
        }
        Assert.Equal("old", Marker(target));
    }

    private static string[] WithoutWalIndex(FolderSnapshot snapshot) =>
        snapshot.Entries.Where(e => !e.StartsWith("file app.db-wal ", StringComparison.Ordinal) && !e.StartsWith("file app.db-shm ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void A_busy_wal_checkpoint_means_in_use_and_the_wal_stays()
    {
        using var folder = new TempFolder();
        string target = Db(folder.File("app.db"), "old", journal: "wal");
        // Committed frames in the -wal (kept: the reader is open when the writer closes), and a second
        // process reading in a transaction that needs them.
        Process reader = SqliteCli.HoldLock(target, IdleApp);
        try
        {
            SqliteCli.Run(target, "PRAGMA wal_autocheckpoint=0; UPDATE marker SET v = 'in-the-wal';");
            reader.StandardInput.WriteLine("BEGIN; SELECT v FROM marker;");
            reader.StandardInput.Flush();
            Assert.Equal("in-the-wal", reader.StandardOutput.ReadLine());
            Assert.True(new FileInfo(target + "-wal").Length > 0);

            var ex = Assert.ThrowsAny<Exception>(() => { using var held = DatabaseSwap.SettleOldDatabase(target, TimeSpan.FromMilliseconds(500)); });

            var admin = Assert.IsType<SqliteAdminException>(ex);
            Assert.Equal(ErrorIds.DatabaseInUse, admin.ErrorId);
            Assert.True(File.Exists(target + "-wal"), "the -wal the reader uses is still there");
        }
        finally
        {
            SqliteCli.Release(reader);
        }
        Assert.Equal("in-the-wal", Marker(target));
    }

    [Fact]
    public void The_swap_lock_keeps_a_new_connection_out_and_a_kept_wal_database_stays_wal()
    {
        using var folder = new TempFolder();
        string target = Db(folder.File("app.db"), "old", journal: "wal");

        using (DatabaseSwap.OldDatabaseLock? held = DatabaseSwap.SettleOldDatabase(target, TimeSpan.FromSeconds(1)))
        {
            Assert.NotNull(held);
            Assert.False(File.Exists(target + "-wal"));
            // An application starting now cannot read (nor write) the file about to be replaced.
            Assert.Contains("locked", SqliteCli.RunAllowingErrors(target, ".timeout 200\nSELECT v FROM marker;"));
        }

        // Not swapped (e.g. refused as in use): the application finds its database as it left it.
        Assert.Equal("wal", SqliteCli.Run(target, "PRAGMA journal_mode;"));
        Assert.Equal("old", Marker(target));
    }

    [Fact]
    public void A_failing_rollback_keeps_the_first_error_and_names_the_safety_copy()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
        string live = Path.Combine(folder.Path, "live");
        Directory.CreateDirectory(live);
        string target = Db(Path.Combine(live, "app.db"), "old");
        bool frozen = false;
        // After the swap, something appears beside the restored file (the restore must be undone), and
        // the folder becomes immutable, so putting the original back fails too.
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.StartsWith("Verifying", StringComparison.Ordinal) && !frozen)
            {
                File.WriteAllText(target + "-journal", "not from the backup");
                (int exit, string error) = Cli.Run("chattr", new[] { "+i", live });
                Assert.True(exit == 0, "chattr +i failed: " + error);
                frozen = true;
            }
        });
        SqliteAdminException ex;
        try
        {
            ex = Assert.Throws<SqliteAdminException>(() => DatabaseRestore.Run(Request(backup.Path, target), progress, CancellationToken.None));
        }
        finally
        {
            Cli.Run("chattr", new[] { "-i", live });
        }

        Assert.True(frozen);
        Assert.Equal(ErrorIds.RestoreVerificationFailed, ex.ErrorId); // the first failure, not the rollback's
        Assert.Contains("app.db-journal", ex.Message);
        string safety = Assert.Single(Directory.GetDirectories(Path.Combine(live, "before_restore")));
        Assert.Contains(safety, ex.Message);
        Assert.Contains("could not be put back", ex.Message);
        Assert.Equal("old", Marker(Path.Combine(safety, "app.db")));
    }

    [Fact]
    public void The_restored_file_keeps_the_owner_group_and_mode_of_the_one_it_replaced()
    {
        using var folder = new TempFolder();
        BackupInfo backup = Backup(Db(folder.File("source.db"), "new"), folder.Path + "/b");
        string target = Db(folder.File("app.db"), "old");
        Cli.Output("chown", "1234:2345", target);
        Cli.Output("chmod", "0640", target);

        RestoreResult result = DatabaseRestore.Run(Request(backup.Path, target), null, CancellationToken.None);

        Assert.Equal("new", Marker(target));
        Assert.Equal("1234 2345 640", Cli.Output("stat", "-c", "%u %g %a", target));
        // The application's account can read its own safety copy, and nobody else more than before.
        Assert.Equal("1234 2345 640", Cli.Output("stat", "-c", "%u %g %a", Path.Combine(result.SafetyCopyPath!, "app.db")));
    }
}
