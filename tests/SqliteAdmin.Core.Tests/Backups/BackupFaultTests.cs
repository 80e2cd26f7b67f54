using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>Reliability case 5: a full disk or a killed process at any step leaves no incomplete file under a final name.</summary>
public class BackupFaultTests
{
    internal static readonly string FaultHost = typeof(BackupFaultTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaultHostAssembly").Value!;

    /// <summary>Starts the fault host (through bash, so a test can set limits first) with SA_FAULT_PASS set.</summary>
    internal static Process StartHost(string shellPrefix, params string[] args)
    {
        Assert.True(File.Exists(FaultHost), $"fault host not built: {FaultHost}");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(shellPrefix + " exec dotnet \"$@\"");
        info.ArgumentList.Add("fault-host");
        info.ArgumentList.Add(FaultHost);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["SA_FAULT_PASS"] = "fault test passphrase";
        info.Environment["SA_FAULT_PASS_RESTORE"] = "restore test passphrase";
        // The runtime's W^X double mapping backs code pages with a file that a low RLIMIT_FSIZE
        // would kill at start-up; only our own writes should meet the limit.
        info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        return Process.Start(info)!;
    }

    [Theory]
    [InlineData("Copied")]
    [InlineData("Compressing,")]
    [InlineData("Storing")]
    public void A_backup_killed_at_a_step_leaves_only_temp_files_or_complete_backups(string step)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "wal", syncRows: 400_000);
        string env = folder.File("app.env");
        File.WriteAllText(env, "KEY=VALUE");
        string sourceHash = Cli.Sha256Sum(db);
        string dest = Path.Combine(folder.Path, "b");

        using Process host = StartHost("", "backup", db, dest, "--compress", "--encrypt-var", "SA_FAULT_PASS", "--pages", "16", "--include", env);
        var seen = new List<string>();
        while (host.StandardOutput.ReadLine() is string line)
        {
            seen.Add(line);
            if (line.StartsWith("step: " + step, StringComparison.Ordinal) || line.StartsWith("done", StringComparison.Ordinal))
            {
                break;
            }
        }
        host.Kill(entireProcessTree: true);
        host.WaitForExit();
        Assert.Contains(seen, l => l.StartsWith("step: " + step, StringComparison.Ordinal));

        Assert.Equal(sourceHash, Cli.Sha256Sum(db));
        AssertOnlyTempOrComplete(dest);
    }

    [Theory]
    [InlineData("copy")]
    [InlineData("encode")]
    public void A_full_disk_fails_clearly_and_leaves_nothing(string stage)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "delete", syncRows: 50_000);
        long plainKb = new FileInfo(db).Length / 1024;
        string dest = Path.Combine(folder.Path, "b");
        Directory.CreateDirectory(dest);
        // RLIMIT_FSIZE with SIGXFSZ ignored: the kernel fails a write past the limit with EFBIG.
        // "copy": the copy itself cannot be written. "encode": the copy fits exactly, the encrypted
        // file (header and padding make it 32 bytes larger) does not.
        long limitKb = stage == "copy" ? plainKb / 2 : plainKb;
        using Process host = StartHost($"trap '' XFSZ; ulimit -f {limitKb};", "backup", db, dest, "--encrypt-var", "SA_FAULT_PASS");
        string output = host.StandardOutput.ReadToEnd() + host.StandardError.ReadToEnd();
        host.WaitForExit();

        Assert.Equal(1, host.ExitCode);
        Assert.Contains("error: " + ErrorIds.DestinationNotWritable, output);
        if (stage == "encode")
        {
            Assert.Contains("step: Compressing", output); // it got past the copy
        }
        Assert.Empty(Directory.GetFileSystemEntries(dest));
    }

    /// <summary>Every file is either recognisably temporary or a complete backup (or its manifest or side file).</summary>
    private static void AssertOnlyTempOrComplete(string dest)
    {
        if (!Directory.Exists(dest))
        {
            return;
        }
        foreach (string file in Directory.GetFiles(dest))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith(DurableFile.TempPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (BackupFileName.TryParse(name, out _))
            {
                BackupInfo info = BackupCatalog.Describe(file, BackupFileName.TryParse(name, out var parsed) ? parsed! : null!);
                if (info.HasManifest)
                {
                    BackupCatalog.Verify(info, null, CancellationToken.None);
                    Assert.Equal(BackupCheckStatus.Ok, info.Status);
                }
                else
                {
                    // Renamed but killed before its manifest: still a whole, decryptable backup.
                    using var passphrase = CryptoTests.Secret("fault test passphrase");
                    string plain = file + ".check";
                    BackupEncoding.Decode(file, plain, compressed: true, passphrase, 1000, long.MaxValue, null, CancellationToken.None);
                    Assert.Equal("ok", SqliteCli.Run(plain, "PRAGMA quick_check;"));
                    File.Delete(plain);
                }
                continue;
            }
            Assert.True(name.EndsWith(".json", StringComparison.Ordinal) || name.Contains(DatabaseBackup.SideFileSeparator, StringComparison.Ordinal),
                $"unexpected file {name}");
        }
    }
}
