using System;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Retention;

public class BackupRetentionTests
{
    private static readonly DateTime T0 = new(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);

    private static BackupInfo Backup(string db, string dest, DateTime when, IntegrityMode verify = IntegrityMode.Quick, string? include = null)
    {
        var request = new BackupRequest { SourcePath = db, Destination = dest, UtcNow = () => when, Verify = verify, Tier = BackupTier.Daily };
        if (include != null)
        {
            request.IncludeFiles.Add(include);
        }
        return DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
    }

    private static (string Dest, BackupInfo[] Backups) Folder(TempFolder folder)
    {
        string db = TestDatabase.Create(folder.File("app.db"));
        File.WriteAllText(folder.File("app.env"), "K=V");
        string dest = Path.Combine(folder.Path, "backups");
        var backups = Enumerable.Range(0, 5).Select(i => Backup(db, dest, T0.AddDays(i), include: i == 0 ? folder.File("app.env") : null)).ToArray();
        return (dest, backups);
    }

    [Fact]
    public void Plans_per_database_and_removes_backup_manifest_and_side_files_only()
    {
        using var folder = new TempFolder();
        var (dest, backups) = Folder(folder);
        string other = TestDatabase.Create(folder.File("other.db"));
        BackupInfo otherBackup = Backup(other, dest, T0);
        File.WriteAllText(Path.Combine(dest, "notes.txt"), "foreign");
        File.WriteAllText(Path.Combine(dest, "app.db"), "not a backup name");
        File.CreateSymbolicLink(Path.Combine(dest, "app_daily_20250101_000000.db"), backups[0].Path);

        var plan = BackupRetention.Plan(BackupRetention.Find(dest, null, recurse: false), new RetentionPolicy { KeepLast = 2 }, T0.AddDays(10), TimeZoneInfo.Utc);
        foreach (var decision in plan.Where(d => d.Action == RetentionAction.Remove))
        {
            BackupRetention.Remove(decision);
        }

        Assert.Equal(6, plan.Count); // 5 of app, 1 of other; the link and foreign files are not candidates
        Assert.Equal(new[] { RetentionAction.Keep, RetentionAction.Keep, RetentionAction.Removed, RetentionAction.Removed, RetentionAction.Removed },
            plan.Where(d => d.Database == "app").Select(d => d.Action));
        Assert.Equal(RetentionAction.Keep, plan.Single(d => d.Database == "other").Action);
        Assert.Contains(BackupRetention.NewestVerifiedReason, plan.Single(d => d.Database == "other").Reasons);
        string[] left = Directory.GetFileSystemEntries(dest).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;
        Assert.Equal(new[]
        {
            "app.db", "app_daily_20250101_000000.db",
            Path.GetFileName(backups[3].Path), Path.GetFileName(backups[3].Path) + ".json",
            Path.GetFileName(backups[4].Path), Path.GetFileName(backups[4].Path) + ".json",
            "notes.txt",
            Path.GetFileName(otherBackup.Path), Path.GetFileName(otherBackup.Path) + ".json",
        }.OrderBy(n => n, StringComparer.Ordinal), left);
        // The side file of the oldest backup went with it; the dangling link is left alone.
        Assert.False(File.Exists(backups[0].IncludedFiles[0]));
        Assert.True(new FileInfo(Path.Combine(dest, "app_daily_20250101_000000.db")).LinkTarget != null);
    }

    [Fact]
    public void The_newest_verified_backup_survives_any_policy_even_behind_an_unverified_newer_one()
    {
        using var folder = new TempFolder();
        var (dest, backups) = Folder(folder);
        string db = folder.File("app.db");
        BackupInfo unverified = Backup(db, dest, T0.AddDays(7), verify: IntegrityMode.None);
        File.Copy(db, Path.Combine(dest, "app_daily_20261110_020000.db")); // newest of all, no manifest

        var plan = BackupRetention.Plan(BackupRetention.Find(dest, "app", false), new RetentionPolicy { OlderThan = Duration.Parse("1h") }, T0.AddDays(30), TimeZoneInfo.Utc);

        // OlderThan 1h keeps nothing by itself; the newest backup verified by its manifest stays.
        var kept = plan.Where(d => d.Action == RetentionAction.Keep).ToList();
        Assert.Equal(backups[4].Path, Assert.Single(kept).Path);
        Assert.Equal(new[] { BackupRetention.NewestVerifiedReason }, kept[0].Reasons);
        Assert.Equal(RetentionAction.Remove, plan.Single(d => d.Path == unverified.Path).Action);
    }

    [Fact]
    public void Planning_alone_removes_nothing()
    {
        using var folder = new TempFolder();
        var (dest, _) = Folder(folder);
        FolderSnapshot before = FolderSnapshot.Take(dest);

        var plan = BackupRetention.Plan(BackupRetention.Find(dest, null, false), new RetentionPolicy { KeepLast = 1 }, T0.AddDays(10), TimeZoneInfo.Utc);

        Assert.Equal(4, plan.Count(d => d.Action == RetentionAction.Remove));
        Assert.Equal(before, FolderSnapshot.Take(dest));
    }

    [Fact]
    public void Sizes_count_the_backup_and_its_side_files_but_not_the_manifest()
    {
        using var folder = new TempFolder();
        var (dest, backups) = Folder(folder);

        var plan = BackupRetention.Plan(BackupRetention.Find(dest, null, false), new RetentionPolicy { KeepLast = 5 }, T0.AddDays(10), TimeZoneInfo.Utc);

        // The manifest (a few KB) is removed with the backup but not sized: planning 100 000 backups skips 100 000 lstats.
        long expected = new FileInfo(backups[0].Path).Length + new FileInfo(backups[0].IncludedFiles[0]).Length;
        Assert.Equal(expected, plan.Single(d => d.Path == backups[0].Path).SizeBytes);
    }

    [Fact]
    public void Recursion_groups_per_folder_and_does_not_follow_links()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string root = Path.Combine(folder.Path, "backups");
        Backup(db, Path.Combine(root, "daily"), T0);
        Backup(db, Path.Combine(root, "daily"), T0.AddDays(1));
        Backup(db, Path.Combine(root, "weekly"), T0);
        string elsewhere = Path.Combine(folder.Path, "elsewhere");
        Backup(db, elsewhere, T0.AddDays(2));
        Directory.CreateSymbolicLink(Path.Combine(root, "linked"), elsewhere);

        var plan = BackupRetention.Plan(BackupRetention.Find(root, null, recurse: true), new RetentionPolicy { KeepLast = 1 }, T0.AddDays(10), TimeZoneInfo.Utc);

        Assert.Equal(3, plan.Count);
        Assert.Equal(2, plan.Count(d => d.Action == RetentionAction.Keep)); // the newest in daily/ and in weekly/
    }

    [Fact]
    public void A_backup_file_is_a_candidate_and_a_foreign_file_or_missing_folder_is_an_error()
    {
        using var folder = new TempFolder();
        var (dest, backups) = Folder(folder);
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var single = BackupRetention.Find(backups[0].Path, null, false);
        var foreign = Assert.Throws<SqliteAdminException>(() => BackupRetention.Find(folder.File("app.db"), null, false));
        var missing = Assert.Throws<SqliteAdminException>(() => BackupRetention.Find(folder.File("nope"), null, false));

        Assert.Equal(backups[0].Path, Assert.Single(single).Path);
        Assert.True(single[0].SizeBytes > new FileInfo(backups[0].Path).Length, "the side file is counted");
        Assert.Empty(BackupRetention.Find(backups[0].Path, "other", false));
        Assert.Equal(ErrorIds.NotABackup, foreign.ErrorId);
        Assert.Equal(ErrorIds.BackupFolderNotFound, missing.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void An_empty_policy_is_refused()
    {
        using var folder = new TempFolder();
        var (dest, _) = Folder(folder);

        var ex = Assert.Throws<SqliteAdminException>(() => BackupRetention.Plan(BackupRetention.Find(dest, null, false), new RetentionPolicy(), DateTime.UtcNow, TimeZoneInfo.Utc));

        Assert.Equal(ErrorIds.EmptyRetentionPolicy, ex.ErrorId);
    }
}
