using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
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
}
