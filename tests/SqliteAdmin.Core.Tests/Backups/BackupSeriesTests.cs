using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Restore;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>
/// Reliability case 24: two source databases with the same file name (site1/app.db, site2/app.db)
/// backed up to one folder never share a series: not when backing up, restoring by name, or judging health.
/// </summary>
public class BackupSeriesTests
{
    private sealed class Sites : IDisposable
    {
        public readonly TempFolder Folder = new();
        public readonly string Site1;
        public readonly string Site2;
        public readonly string Backups;

        public Sites()
        {
            Site1 = Make("site1", 1);
            Site2 = Make("site2", 2);
            Backups = Path.Combine(Folder.Path, "backups");
        }

        private string Make(string site, int marker)
        {
            string path = Path.Combine(Folder.Path, site, "app.db");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TestDatabase.Create(path);
            SqliteCli.Run(path, $"CREATE TABLE marker(site INTEGER); INSERT INTO marker VALUES ({marker});");
            return path;
        }

        public BackupInfo Backup(string source, string? name = null, string? into = null, DateTime? at = null) =>
            DatabaseBackup.Run(new BackupRequest { SourcePath = source, Destination = into ?? Backups, Name = name, UtcNow = () => at ?? DateTime.UtcNow },
                null, CancellationToken.None).Backup;

        /// <summary>A folder as the version before series were checked left it: both sites' backups named 'app'.</summary>
        public void MixLikeAnOlderVersion(DateTime site1At, DateTime site2At)
        {
            Backup(Site1, at: site1At);
            string elsewhere = Path.Combine(Folder.Path, "elsewhere");
            BackupInfo moved = Backup(Site2, into: elsewhere, at: site2At);
            File.Move(moved.Path, Path.Combine(Backups, Path.GetFileName(moved.Path)));
            File.Move(moved.ManifestPath!, Path.Combine(Backups, Path.GetFileName(moved.ManifestPath!)));
        }

        public void Dispose() => Folder.Dispose();
    }

    [Fact]
    public void A_second_database_with_the_same_file_name_is_refused_until_it_has_its_own_name()
    {
        using var sites = new Sites();
        sites.Backup(sites.Site1);
        string[] before = Directory.GetFiles(sites.Backups);

        var refused = Assert.Throws<SqliteAdminException>(() => sites.Backup(sites.Site2));

        Assert.Equal(ErrorIds.BackupSeriesConflict, refused.ErrorId);
        Assert.Contains(sites.Site1, refused.Message);
        Assert.Contains("-Name site2-app", refused.Message);
        Assert.Equal(before.OrderBy(f => f), Directory.GetFiles(sites.Backups).OrderBy(f => f));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(sites.Site2)!, ".sqliteadmin-tmp-*"));

        BackupInfo named = sites.Backup(sites.Site2, name: "site2-app");
        BackupInfo again = sites.Backup(sites.Site1);

        Assert.StartsWith("site2-app_manual_", Path.GetFileName(named.Path));
        Assert.Equal("site2-app", named.Database);
        Assert.StartsWith("app_manual_", Path.GetFileName(again.Path));
        // The named series is its own: a third database may not take it either.
        var taken = Assert.Throws<SqliteAdminException>(() => sites.Backup(sites.Site1, name: "site2-app"));
        Assert.Equal(ErrorIds.BackupSeriesConflict, taken.ErrorId);
    }

    [Fact]
    public void The_same_database_reached_through_a_symlinked_folder_stays_in_its_series()
    {
        using var sites = new Sites();
        sites.Backup(sites.Site1);
        string linked = Path.Combine(sites.Folder.Path, "current");
        Directory.CreateSymbolicLink(linked, Path.GetDirectoryName(sites.Site1)!);

        BackupInfo again = sites.Backup(Path.Combine(linked, "app.db"));

        Assert.StartsWith("app_", Path.GetFileName(again.Path));
        Assert.Equal(2, Directory.GetFiles(sites.Backups, "app_*.db").Length);
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData(" padded ")]
    [InlineData("what?")]
    [InlineData("a\tb")]
    [InlineData("-x")]
    [InlineData("a--b")]
    [InlineData("x.enc")]
    [InlineData("app.db")]
    [InlineData("a b")]
    public void A_series_name_that_cannot_start_a_backup_file_name_is_refused(string name)
    {
        using var sites = new Sites();

        var refused = Assert.Throws<SqliteAdminException>(() => sites.Backup(sites.Site1, name: name));

        Assert.Equal(ErrorIds.InvalidSeriesName, refused.ErrorId);
        Assert.False(Directory.Exists(sites.Backups) && Directory.EnumerateFileSystemEntries(sites.Backups).Any());
    }

    [Fact]
    public void Restore_by_name_from_a_mixed_folder_takes_the_destinations_own_series_or_refuses()
    {
        using var sites = new Sites();
        // site2's backup is the newer one: a restore "by newest" would bring site2's data into site1.
        sites.MixLikeAnOlderVersion(DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddHours(-1));
        SqliteCli.Run(sites.Site1, "UPDATE marker SET site = 99;");

        DatabaseRestore.Run(new RestoreRequest { BackupPath = sites.Backups, Database = "app", Destination = sites.Site1 }, null, CancellationToken.None);
        string elsewhere = Path.Combine(sites.Folder.Path, "new", "app.db");
        var ambiguous = Assert.Throws<SqliteAdminException>(() =>
            DatabaseRestore.Run(new RestoreRequest { BackupPath = sites.Backups, Database = "app", Destination = elsewhere }, null, CancellationToken.None));

        Assert.Equal("1", SqliteCli.Run(sites.Site1, "SELECT site FROM marker;").Trim());
        Assert.Equal(ErrorIds.AmbiguousBackupSeries, ambiguous.ErrorId);
        Assert.Contains(sites.Site1, ambiguous.Message);
        Assert.Contains(sites.Site2, ambiguous.Message);
        Assert.False(File.Exists(elsewhere));
    }

    [Fact]
    public void Retention_in_a_mixed_folder_keeps_each_sources_newest_backup_and_counts_each_source_apart()
    {
        using var sites = new Sites();
        DateTime now = DateTime.UtcNow;
        // site1: three backups, the newest 5 hours ago; site2: one backup, 1 hour ago (the newest of the name).
        sites.Backup(sites.Site1, at: now.AddHours(-7));
        sites.Backup(sites.Site1, at: now.AddHours(-6));
        sites.MixLikeAnOlderVersion(now.AddHours(-5), now.AddHours(-1));

        List<RetentionDecision> plan = BackupRetention.Plan(BackupRetention.Find(sites.Backups, null, recurse: false),
            new RetentionPolicy { KeepLast = 1 }, now, TimeZoneInfo.Utc);

        string SourceOf(RetentionDecision d) =>
            BackupFileName.TryParse(Path.GetFileName(d.Path), out BackupFileName? name) && BackupCatalog.Describe(d.Path, name!).SourcePath == sites.Site2 ? "site2" : "site1";
        Assert.Equal(4, plan.Count);
        Assert.Equal(new[] { "site1", "site2" }, plan.Where(d => d.Action == RetentionAction.Keep).Select(SourceOf).OrderBy(x => x));
        Assert.Equal(now.AddHours(-5).ToString("yyyyMMddHH"), plan.Single(d => d.Action == RetentionAction.Keep && SourceOf(d) == "site1").CreatedUtc.ToString("yyyyMMddHH"));
        Assert.Equal(2, plan.Count(d => d.Action == RetentionAction.Remove && SourceOf(d) == "site1"));
    }

    [Fact]
    public void Restore_by_another_databases_name_over_a_database_with_its_own_series_is_refused()
    {
        using var sites = new Sites();
        sites.Backup(sites.Site1);
        sites.Backup(sites.Site2, name: "site2-app");

        var refused = Assert.Throws<SqliteAdminException>(() =>
            DatabaseRestore.Run(new RestoreRequest { BackupPath = sites.Backups, Database = "app", Destination = sites.Site2 }, null, CancellationToken.None));
        DatabaseRestore.Run(new RestoreRequest { BackupPath = sites.Backups, Database = "site2-app", Destination = sites.Site2 }, null, CancellationToken.None);

        Assert.Equal(ErrorIds.BackupOfAnotherDatabase, refused.ErrorId);
        Assert.Contains("-Database site2-app", refused.Message);
        Assert.Equal("2", SqliteCli.Run(sites.Site2, "SELECT site FROM marker;").Trim());
    }

    [Fact]
    public async System.Threading.Tasks.Task Two_databases_with_the_same_name_backed_up_at_the_same_moment_never_both_join_the_series()
    {
        for (int round = 0; round < 6; round++)
        {
            using var sites = new Sites();
            if (round % 2 == 1)
            {
                // A lock file a killed run left hours ago must not let both through (nor be swept from under a holder).
                Directory.CreateDirectory(sites.Backups);
                string stale = Path.Combine(sites.Backups, ".sqliteadmin-tmp-lock-app");
                File.WriteAllText(stale, "");
                File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-7));
            }
            using var start = new Barrier(2);
            SqliteAdminException? Run(string source)
            {
                start.SignalAndWait();
                try
                {
                    sites.Backup(source);
                    return null;
                }
                catch (SqliteAdminException ex)
                {
                    return ex;
                }
            }
            // Round 4 and 5: the second database's file name differs only in case (App.db).
            string second = sites.Site2;
            if (round >= 4)
            {
                second = Path.Combine(Path.GetDirectoryName(sites.Site2)!, "App.db");
                File.Move(sites.Site2, second);
            }
            var one = System.Threading.Tasks.Task.Run(() => Run(sites.Site1));
            var two = System.Threading.Tasks.Task.Run(() => Run(second));
            SqliteAdminException?[] outcomes = { await one, await two };

            Assert.Single(outcomes, o => o == null);
            Assert.Equal(ErrorIds.BackupSeriesConflict, Assert.Single(outcomes, o => o != null)!.ErrorId);
            Assert.Single(Directory.GetFiles(sites.Backups, "*.db"));
            Assert.DoesNotContain(Directory.GetFiles(sites.Backups, ".sqliteadmin-tmp-*"), f => File.GetLastWriteTimeUtc(f) > DateTime.UtcNow.AddHours(-1));
        }
    }

    [Fact]
    public void Health_judges_a_database_only_by_its_own_backups()
    {
        using var sites = new Sites();
        // site1's own backup is three days old; site2's, with the same name, is fresh.
        sites.MixLikeAnOlderVersion(DateTime.UtcNow.AddDays(-3), DateTime.UtcNow.AddMinutes(-5));

        var site1 = DatabaseHealth.Test(new HealthRequest { Path = sites.Site1, BackupPath = sites.Backups, BusyTimeout = TimeSpan.FromSeconds(2) }, null, CancellationToken.None);
        string othersOnly = Path.Combine(sites.Folder.Path, "site2-backups");
        sites.Backup(sites.Site2, into: othersOnly);
        var alone = DatabaseHealth.Test(new HealthRequest { Path = sites.Site1, BackupPath = othersOnly, BusyTimeout = TimeSpan.FromSeconds(2) }, null, CancellationToken.None);

        HealthCheck age = site1.Single(c => c.Check == HealthCheckNames.BackupAge);
        Assert.Equal(HealthStatus.Fail, age.Status);
        Assert.StartsWith("3d", age.Value);
        HealthCheck none = alone.Single(c => c.Check == HealthCheckNames.BackupAge);
        Assert.Equal(HealthStatus.Fail, none.Status);
        Assert.Equal("none", none.Value);
        Assert.Contains(sites.Site2, none.Message);
    }
}
