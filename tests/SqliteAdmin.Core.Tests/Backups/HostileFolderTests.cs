using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>
/// Reliability case 26, the file-type half: whoever can write a backup share can put a FIFO (whose
/// read waits forever) or a link to a file elsewhere under a manifest's or backup's name. Listing,
/// verifying, backing up into the folder and health must neither hang nor follow them.
/// </summary>
public class HostileFolderTests
{
    private static T Within<T>(Func<T> work)
    {
        Task<T> task = Task.Run(work);
        // A FIFO that is opened for reading blocks until a writer comes: "never", without the guard.
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "the command hung on a FIFO");
        return task.Result;
    }

    [Theory]
    [InlineData("fifo")]
    [InlineData("link-to-fifo-outside")]
    [InlineData("link-to-manifest-outside")]
    public void A_manifest_that_is_not_a_regular_file_makes_that_backup_invalid_and_nothing_hangs(string kind)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string backups = Path.Combine(folder.Path, "backups");
        BackupInfo good = DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = backups, UtcNow = () => DateTime.UtcNow.AddHours(-1) }, null, CancellationToken.None).Backup;
        // A newer "backup" whose manifest is hostile: it is the newest of the name, so every command reads it first.
        string hostile = Path.Combine(backups, "app_manual_" + DateTime.UtcNow.ToString("yyyyMMdd_HHmmss") + ".db");
        File.Copy(good.Path, hostile);
        string outside = folder.File("outside");
        switch (kind)
        {
            case "fifo":
                Cli.Run("mkfifo", new[] { hostile + ".json" });
                break;
            case "link-to-fifo-outside":
                Cli.Run("mkfifo", new[] { outside });
                File.CreateSymbolicLink(hostile + ".json", outside);
                break;
            default:
                File.Copy(good.ManifestPath!, outside);
                File.CreateSymbolicLink(hostile + ".json", outside);
                break;
        }

        var listed = Within(() => BackupCatalog.List(backups, null, recurse: false, CancellationToken.None));
        Within(() => { foreach (BackupInfo b in listed) BackupCatalog.Verify(b, null, CancellationToken.None); return 0; });
        var again = Within(() => DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = backups }, null, CancellationToken.None).Backup);
        var health = Within(() => DatabaseHealth.Test(new HealthRequest { Path = db, BackupPath = backups, BusyTimeout = TimeSpan.FromSeconds(2) }, null, CancellationToken.None));

        BackupInfo bad = listed.Single(b => b.Path == hostile);
        Assert.Equal(BackupCheckStatus.ManifestInvalid, bad.Status);
        Assert.Contains("not a regular file", bad.StatusMessage);
        Assert.Equal(BackupCheckStatus.Ok, listed.Single(b => b.Path == good.Path).Status);
        Assert.True(File.Exists(again.Path));
        Assert.Contains(health, c => c.Check == HealthCheckNames.BackupAge);
    }

    [Fact]
    public void A_backup_file_that_is_a_fifo_is_refused_when_named_and_never_hashed()
    {
        using var folder = new TempFolder();
        string fifo = folder.File("app_manual_20261201_020000.db");
        Cli.Run("mkfifo", new[] { fifo });

        var refused = Within(() => Assert.Throws<SqliteAdminException>(() =>
            StoredBackup.Find(fifo, null, null, allowNoManifest: true, CancellationToken.None)));

        Assert.Equal(ErrorIds.NotABackup, refused.ErrorId);
        Assert.Contains("not a regular file", refused.Message);
    }
}
