using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Retention;

/// <summary>Taking over a folder a seed runbook has been pruning itself (seed 000: keep 10 local, 30 remote).</summary>
public class ForeignRetentionTests
{
    private static readonly DateTime Now = new(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Seed 000's folder: plain copies and gzip|openssl copies every 6 hours, plus files that are not backups.</summary>
    private static (string Folder, List<string> Plain, List<string> Encrypted) SeedFolder(TempFolder temp, int count)
    {
        string source = TestDatabase.Create(temp.File("preroll_tracker.db"), syncRows: 20);
        string folder = temp.File("backups");
        Directory.CreateDirectory(folder);
        string first = SeedBackups.SqliteBackup(source, Path.Combine(folder, "preroll_tracker.db.backup_20260228_000000"));
        string firstEnc = SeedBackups.GzipThenEncrypt(first, first + ".enc");
        var plain = new List<string> { first };
        var encrypted = new List<string> { firstEnc };
        for (int i = 1; i < count; i++)
        {
            string stamp = new DateTime(2026, 2, 28, 0, 0, 0).AddHours(6 * i).ToString("yyyyMMdd_HHmmss");
            string copy = Path.Combine(folder, "preroll_tracker.db.backup_" + stamp);
            File.Copy(first, copy);
            File.Copy(firstEnc, copy + ".enc");
            plain.Add(copy);
            encrypted.Add(copy + ".enc");
        }
        File.WriteAllText(Path.Combine(folder, "backup_metadata.json"), "[]");
        File.WriteAllText(Path.Combine(folder, ".env.backup_20260228_000000"), "BACKUP_ENCRYPTION_KEY=x\n");
        File.WriteAllText(Path.Combine(folder, "preroll_tracker.db.backup_20260101_000000"), "not a database, same name pattern\n");
        return (folder, plain, encrypted);
    }

    private static Func<string, bool> Pattern(string suffix) => name => name.StartsWith("preroll_tracker.db.backup_", StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal);

    [Fact]
    public void Without_the_opt_in_no_foreign_file_is_ever_considered()
    {
        using var temp = new TempFolder();
        var (folder, _, _) = SeedFolder(temp, 4);

        Assert.Empty(BackupRetention.Find(folder, null, recurse: false));
    }

    [Fact]
    public void Seed_000s_keep_10_local_and_30_remote_is_applied_per_series_and_removes_only_the_expired()
    {
        using var temp = new TempFolder();
        var (folder, plain, encrypted) = SeedFolder(temp, 14);
        FolderSnapshot untouched = FolderSnapshot.Take(folder);

        var localPlan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, name => Pattern("0")(name) && !name.EndsWith(".enc", StringComparison.Ordinal)),
            new RetentionPolicy { KeepLast = 10 }, Now, TimeZoneInfo.Utc);
        var remotePlan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, Pattern(".enc")), new RetentionPolicy { KeepLast = 30 }, Now, TimeZoneInfo.Utc);

        Assert.Equal(FolderSnapshot.Take(folder), untouched); // planning removes nothing
        Assert.Equal(14, localPlan.Count); // the text file with a backup's name is not a candidate
        Assert.All(localPlan, d => Assert.True(d.Foreign));
        Assert.All(localPlan, d => Assert.Equal("preroll_tracker", d.Database));
        Assert.Equal(plain.Take(4).OrderBy(p => p), localPlan.Where(d => d.Action == RetentionAction.Remove).Select(d => d.Path).OrderBy(p => p));
        Assert.Contains(localPlan.Single(d => d.Path == plain[^1]).Reasons, r => r == BackupRetention.NewestVerifiedReason);
        Assert.All(remotePlan, d => Assert.Equal(RetentionAction.Keep, d.Action));
        Assert.Equal(14, remotePlan.Count);

        foreach (RetentionDecision expired in localPlan.Where(d => d.Action == RetentionAction.Remove))
        {
            BackupRetention.Remove(expired);
        }
        Assert.All(plain.Take(4), p => Assert.False(File.Exists(p)));
        Assert.All(plain.Skip(4).Concat(encrypted), p => Assert.True(File.Exists(p)));
        Assert.True(File.Exists(Path.Combine(folder, ".env.backup_20260228_000000")));
        Assert.True(File.Exists(Path.Combine(folder, "backup_metadata.json")));
        Assert.True(File.Exists(Path.Combine(folder, "preroll_tracker.db.backup_20260101_000000")));
    }

    [Fact]
    public void The_newest_readable_foreign_backup_survives_any_policy_and_its_checksum_goes_with_a_removed_one()
    {
        using var temp = new TempFolder();
        string source = TestDatabase.Create(temp.File("ora.db"), syncRows: 20);
        string folder = temp.File("backups");
        Directory.CreateDirectory(folder);
        string good = SeedBackups.Gzip(source, Path.Combine(folder, "ora_20260101_020000.db.gz"));
        string old = SeedBackups.Gzip(source, Path.Combine(folder, "ora_20251201_020000.db.gz"));
        SeedBackups.Sha256Beside(old);
        // The newest is truncated: it must not be the one that is kept "because it is the newest".
        string broken = SeedBackups.Gzip(source, Path.Combine(folder, "ora_20260105_020000.db.gz"));
        File.WriteAllBytes(broken, File.ReadAllBytes(broken)[..^6]);

        var plan = BackupRetention.Plan(BackupRetention.Find(folder, "ora", false, name => name.EndsWith(".db.gz", StringComparison.Ordinal)),
            new RetentionPolicy { OlderThan = Duration.Parse("1d") }, Now, TimeZoneInfo.Utc);

        Assert.Equal(RetentionAction.Keep, plan.Single(d => d.Path == good).Action);
        Assert.Contains(BackupRetention.NewestVerifiedReason, plan.Single(d => d.Path == good).Reasons);
        Assert.Equal(RetentionAction.Remove, plan.Single(d => d.Path == broken).Action);
        RetentionDecision oldest = plan.Single(d => d.Path == old);
        Assert.Equal(RetentionAction.Remove, oldest.Action);
        BackupRetention.Remove(oldest);
        Assert.False(File.Exists(old + ".sha256"));
    }

    [Fact]
    public void When_no_foreign_backup_can_be_verified_the_newest_stays()
    {
        using var temp = new TempFolder();
        var (folder, _, encrypted) = SeedFolder(temp, 3);

        var plan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, Pattern(".enc")), new RetentionPolicy { OlderThan = Duration.Parse("1d") }, Now, TimeZoneInfo.Utc);

        Assert.Equal(new[] { encrypted[^1] }, plan.Where(d => d.Action == RetentionAction.Keep).Select(d => d.Path));
        Assert.Contains(BackupRetention.NewestUnverifiableReason, plan.Single(d => d.Path == encrypted[^1]).Reasons);
    }

    /// <summary>The reviewer's folder: a live app.db beside gzip copies named app_2025MMdd_010000.db.gz.</summary>
    private static (string Folder, string Live, List<string> Gz) LiveBesideBackups(TempFolder temp)
    {
        string folder = temp.File("f");
        Directory.CreateDirectory(folder);
        string live = TestDatabase.Create(Path.Combine(folder, "app.db"), syncRows: 5);
        var gz = new List<string>();
        foreach (string month in new[] { "01", "02", "03", "04" })
        {
            gz.Add(SeedBackups.Gzip(live, Path.Combine(folder, $"app_2025{month}01_010000.db.gz")));
        }
        return (folder, live, gz);
    }

    private static readonly Func<string, bool> App = name => name.StartsWith("app", StringComparison.Ordinal);

    [Fact]
    public void A_live_database_without_a_time_in_its_name_is_never_removed_even_when_old_and_held_open()
    {
        using var temp = new TempFolder();
        var (folder, live, gz) = LiveBesideBackups(temp);
        File.SetLastWriteTimeUtc(live, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        using System.Diagnostics.Process holder = SqliteCli.HoldLock(live, "CREATE TEMP TABLE hold(x);");
        try
        {
            var plan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, App), new RetentionPolicy { KeepLast = 2 }, Now, TimeZoneInfo.Utc);
            Assert.DoesNotContain(plan, d => d.Path == live);
            foreach (RetentionDecision expired in plan.Where(d => d.Action == RetentionAction.Remove))
            {
                BackupRetention.Remove(expired);
            }
            Assert.True(File.Exists(live));
            Assert.Equal(gz.Skip(2).OrderBy(p => p), Directory.GetFiles(folder, "*.gz").OrderBy(p => p));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_live_database_with_a_recent_write_time_does_not_count_as_the_newest_backup()
    {
        using var temp = new TempFolder();
        var (folder, live, gz) = LiveBesideBackups(temp);
        File.SetLastWriteTimeUtc(live, Now.AddMinutes(-5));

        var plan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, App), new RetentionPolicy { KeepLast = 2 }, Now, TimeZoneInfo.Utc);

        Assert.DoesNotContain(plan, d => d.Path == live);
        Assert.Equal(gz.Skip(2).OrderBy(p => p), plan.Where(d => d.Action == RetentionAction.Keep).Select(d => d.Path).OrderBy(p => p));
    }

    [Fact]
    public void A_database_a_manifest_in_the_folder_names_as_its_source_is_never_a_candidate()
    {
        using var temp = new TempFolder();
        string folder = temp.File("d");
        Directory.CreateDirectory(folder);
        // A time in the source's own name, so only the manifest tells it is the live database.
        string source = TestDatabase.Create(Path.Combine(folder, "src_20240101_000000.db"), syncRows: 5);
        foreach (int day in new[] { 1, 2 })
        {
            DatabaseBackup.Run(new BackupRequest { SourcePath = source, Destination = folder, UtcNow = () => Now.AddDays(-day), Tier = BackupTier.Manual },
                null, System.Threading.CancellationToken.None);
        }

        var plan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, name => name.StartsWith("src", StringComparison.Ordinal)),
            new RetentionPolicy { KeepLast = 1 }, Now, TimeZoneInfo.Utc);

        Assert.DoesNotContain(plan, d => d.Path == source);
        Assert.Equal(2, plan.Count);
    }

    [Fact]
    public void A_timestamped_database_another_process_has_open_or_with_a_wal_beside_it_is_never_a_candidate()
    {
        using var temp = new TempFolder();
        var (folder, live, gz) = LiveBesideBackups(temp);
        File.Delete(live);
        string open = Path.Combine(folder, "app_20250501_010000.db");
        TestDatabase.Create(open, syncRows: 5);
        string crashed = TestDatabase.Create(Path.Combine(folder, "app_20250601_010000.db"), syncRows: 5);
        SqliteCli.RunThenKill(crashed, "PRAGMA journal_mode=WAL; CREATE TABLE later(x); INSERT INTO later VALUES (1);");
        Assert.True(File.Exists(crashed + "-wal"));
        string idle = TestDatabase.Create(Path.Combine(folder, "app_20250701_010000.db"), syncRows: 5);
        using System.Diagnostics.Process holder = SqliteCli.HoldLock(open, "CREATE TEMP TABLE hold(x);");
        try
        {
            var plan = BackupRetention.Plan(BackupRetention.Find(folder, null, false, App), new RetentionPolicy { KeepLast = 1 }, Now, TimeZoneInfo.Utc);

            Assert.DoesNotContain(plan, d => d.Path == open);
            Assert.DoesNotContain(plan, d => d.Path == crashed);
            Assert.Contains(plan, d => d.Path == idle); // a plain copy with a time in its name, unused, still is a backup
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }
}
