using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>
/// Reliability cases 27, 28 and 30: what an encrypted backup exposes while it is made. The system
/// calls of a real backup process are traced with strace, so the judge is the kernel's view
/// (the mode a file is created with, where a plain copy is written, the fsync of the folder), not
/// what the code believes it did.
/// </summary>
public class BackupExposureTests
{
    private static readonly string FaultHost = BackupFaultTests.FaultHost;

    /// <summary>Runs an encrypted, compressed backup with a side file in a process traced by strace, under umask 000.</summary>
    private static (string Trace, string Output) TracedBackup(string db, string dest, string sideFile, string traceFile)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("umask 000; exec strace -f -y -qq -o \"$1\" -e trace=%file,fsync dotnet \"$2\" backup \"$3\" \"$4\" --compress --encrypt-var SA_FAULT_PASS --include \"$5\"");
        info.ArgumentList.Add("traced-backup");
        foreach (string arg in new[] { traceFile, FaultHost, db, dest, sideFile })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["SA_FAULT_PASS"] = "exposure test passphrase";
        using Process host = Process.Start(info)!;
        string output = host.StandardOutput.ReadToEnd() + host.StandardError.ReadToEnd();
        host.WaitForExit();
        Assert.True(host.ExitCode == 0, output);
        return (File.ReadAllText(traceFile), output);
    }

    [Fact]
    public void An_encrypted_backup_creates_every_file_owner_only_keeps_the_plain_copy_out_of_the_destination_and_flushes_the_folder()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "wal");
        string side = folder.File("app.env");
        File.WriteAllText(side, "KEY=VALUE");
        string dest = Path.Combine(folder.Path, "nas");
        Directory.CreateDirectory(dest);

        (string trace, string output) = TracedBackup(db, dest, side, folder.File("strace.log"));

        // Every open that creates a file: openat(AT_FDCWD, "path", O_...|O_CREAT..., 0600).
        var creates = Regex.Matches(trace, @"open(?:at)?\((?:[^,]*, )?""(?<path>[^""]+)"", (?<flags>[A-Z_|]+), (?<mode>0\d+)\)")
            .Where(m => m.Groups["flags"].Value.Contains("O_CREAT"))
            .Select(m => (Path: m.Groups["path"].Value, Mode: m.Groups["mode"].Value))
            .ToList();
        var firstCreates = creates.GroupBy(c => c.Path).Select(g => g.First()).ToList();
        var inDestination = firstCreates.Where(c => c.Path.StartsWith(dest + "/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(inDestination);
        // Born 0600 under umask 000: no window in which another user could open them.
        Assert.All(inDestination, c => Assert.True(c.Mode == "0600", $"{c.Path} was created with mode {c.Mode}"));
        Assert.All(firstCreates.Where(c => c.Path.Contains(DurableFile.TempPrefix)), c => Assert.True(c.Mode == "0600", $"{c.Path} was created with mode {c.Mode}"));
        // The plain copy ("-db-" temp) is made beside the source, never in the destination.
        Assert.DoesNotContain(inDestination, c => c.Path.Contains(DurableFile.TempPrefix + "db-"));
        Assert.Contains(firstCreates, c => c.Path.StartsWith(folder.Path + "/" + DurableFile.TempPrefix + "db-", StringComparison.Ordinal));
        // After the backup's final rename, the destination folder itself is fsync'ed.
        string finalName = Path.GetFileName(output.Split('\n').Single(l => l.StartsWith("done: ", StringComparison.Ordinal)).Substring(6).Trim());
        int rename = trace.IndexOf("/" + finalName + "\"", trace.IndexOf("rename", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.True(rename > 0, "no rename to the final name was traced");
        Assert.Matches(new Regex(@"fsync\(\d+<" + Regex.Escape(dest) + @">\)"), trace.Substring(rename));
        Assert.Empty(Directory.GetFiles(folder.Path, DurableFile.TempPrefix + "*"));
    }

    [Fact]
    public void The_backup_and_each_side_file_have_their_own_salt_and_each_decrypts_with_openssl()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string side = folder.File("settings.json");
        File.WriteAllText(side, "{\"feature\": true}");
        string other = folder.File("app.env");
        File.WriteAllText(other, "KEY=VALUE");
        var request = new BackupRequest
        {
            SourcePath = db, Destination = folder.Path + "/b", Compress = true, Iterations = 1000,
            Passphrase = CryptoTests.Secret("salt test"),
        };
        request.IncludeFiles.Add(side);
        request.IncludeFiles.Add(other);

        BackupInfo backup = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;

        var files = new[] { backup.Path }.Concat(backup.IncludedFiles).ToList();
        Assert.Equal(3, files.Count);
        var salts = files.Select(f => Convert.ToHexString(File.ReadAllBytes(f), 8, 8)).ToList();
        Assert.Equal(3, salts.Distinct().Count());
        var env = new Dictionary<string, string> { ["SALT_TEST_PASS"] = "salt test" };
        foreach ((string file, string original) in new[] { (backup.IncludedFiles[0], side), (backup.IncludedFiles[1], other) })
        {
            string plain = folder.File(Path.GetFileName(file) + ".plain");
            var (exit, err) = Cli.Run("openssl", new[] { "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "1000", "-md", "sha256", "-pass", "env:SALT_TEST_PASS", "-in", file, "-out", plain },
                environment: env);
            Assert.True(exit == 0, err);
            Assert.Equal(File.ReadAllText(original), File.ReadAllText(plain));
        }
        // Verification with the passphrase checks each side file's HMAC with its own key.
        BackupCatalog.Verify(backup, CryptoTests.Secret("salt test"), CancellationToken.None);
        Assert.Equal(BackupCheckStatus.Ok, backup.Status);
    }

    [Fact]
    public void Temp_files_left_by_a_killed_run_are_removed_by_the_next_backup_but_not_those_in_use_or_recent()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string dest = Path.Combine(folder.Path, "b");
        Directory.CreateDirectory(dest);
        string leftover = Path.Combine(dest, DurableFile.TempPrefix + "stored-0123456789ab");
        string recent = Path.Combine(dest, DurableFile.TempPrefix + "stored-recent000000");
        string held = Path.Combine(dest, DurableFile.TempPrefix + "stored-held00000000");
        foreach (string path in new[] { leftover, recent, held })
        {
            File.WriteAllText(path, "half a backup");
        }
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddDays(-1));
        File.SetLastWriteTimeUtc(held, DateTime.UtcNow.AddDays(-1));
        // Another backup still has this one open (as a run in progress would).
        using Process holder = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", "exec 3<\"$1\"; echo ready; sleep 60", "hold", held }, RedirectStandardOutput = true })!;
        try
        {
            Assert.Equal("ready", holder.StandardOutput.ReadLine());
            Assert.Equal(new[] { leftover }, StaleTempFiles.Find(dest).Select(f => f.FullName).OrderBy(p => p));

            DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = dest }, null, CancellationToken.None);

            Assert.False(File.Exists(leftover));
            Assert.True(File.Exists(recent));
            Assert.True(File.Exists(held));
        }
        finally
        {
            holder.Kill();
            holder.WaitForExit();
        }
    }

    [Fact]
    public void A_plain_copy_left_beside_the_source_or_in_a_private_folder_is_reported_by_health_and_removed_by_the_next_backup()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        // What a killed encrypted backup leaves: the plain copy beside the source, or in a private temp folder.
        string besideSource = folder.File(DurableFile.TempPrefix + "db-0123456789ab");
        File.Copy(db, besideSource);
        File.SetLastWriteTimeUtc(besideSource, DateTime.UtcNow.AddDays(-1));
        string privateFolder = Path.Combine(Path.GetTempPath(), OwnerOnlyFile.PrivateFolderPrefix + "test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(privateFolder);
        string inPrivate = Path.Combine(privateFolder, DurableFile.TempPrefix + "check-0123");
        File.Copy(db, inPrivate);
        File.SetLastWriteTimeUtc(inPrivate, DateTime.UtcNow.AddDays(-1));
        Directory.SetLastWriteTimeUtc(privateFolder, DateTime.UtcNow.AddDays(-1));

        // Health reports it even before the database has any backup.
        var health = SqliteAdmin.Core.Health.DatabaseHealth.Test(new SqliteAdmin.Core.Health.HealthRequest { Path = db, BackupPath = folder.File("none-yet"), BusyTimeout = TimeSpan.FromSeconds(2) }, null, CancellationToken.None);
        var row = Assert.Single(health, c => c.Check == SqliteAdmin.HealthCheckNames.TempFiles);
        Assert.Equal(SqliteAdmin.HealthStatus.Warning, row.Status);
        Assert.Contains(besideSource, row.Message);

        DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.File("b"), Passphrase = CryptoTests.Secret("pw"), Iterations = 1000 }, null, CancellationToken.None);

        Assert.False(File.Exists(besideSource));
        Assert.False(Directory.Exists(privateFolder));
        var after = SqliteAdmin.Core.Health.DatabaseHealth.Test(new SqliteAdmin.Core.Health.HealthRequest { Path = db, BackupPath = folder.File("b"), BusyTimeout = TimeSpan.FromSeconds(2) }, null, CancellationToken.None);
        Assert.DoesNotContain(after, c => c.Check == SqliteAdmin.HealthCheckNames.TempFiles);
    }

    [Fact]
    public void The_private_folder_sweep_leaves_alone_what_is_not_a_stale_private_folder_of_this_user()
    {
        DateTime old = DateTime.UtcNow.AddDays(-1);
        string Make(string suffix)
        {
            string path = Path.Combine(Path.GetTempPath(), OwnerOnlyFile.PrivateFolderPrefix + "test-" + suffix + "-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "f"), "x");
            File.SetLastWriteTimeUtc(Path.Combine(path, "f"), old);
            return path;
        }
        string nested = Make("nested");                  // a subfolder: not how we make them
        string inner = Directory.CreateDirectory(Path.Combine(nested, "sub")).FullName;
        File.WriteAllText(Path.Combine(inner, "live.txt"), "someone's");
        string othersOwn = Make("other-user");            // another user's
        Cli.Run("chown", new[] { "-R", "1234:1234", othersOwn });
        string stale = Make("stale");                     // ours, flat, old, unused: the only one to go
        foreach (string folder in new[] { nested, othersOwn, stale })
        {
            Directory.SetLastWriteTimeUtc(folder, old);
        }
        try
        {
            StaleTempFiles.SweepPrivateFolders();

            Assert.True(File.Exists(Path.Combine(inner, "live.txt")));
            Assert.True(Directory.Exists(othersOwn));
            Assert.False(Directory.Exists(stale));
        }
        finally
        {
            DurableFile.TryDeleteFolder(nested);
            DurableFile.TryDeleteFolder(othersOwn);
        }
    }
}
