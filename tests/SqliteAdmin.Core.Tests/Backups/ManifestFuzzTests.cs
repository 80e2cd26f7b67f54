using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.Json;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.Tests.Infrastructure;
using Xunit;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>
/// Reliability case 26: a manifest is untrusted input. Real manifests (plain, compressed, encrypted,
/// each with a side file) are mutated — fields deleted, nulled, retyped, huge, negative, path tricks,
/// NUL bytes, truncation, broken UTF-8 — and fed to listing, verify, retention planning and health.
/// No exception escapes, the other backups are judged as usual, and no side-file path ever leaves
/// the folder: a FIFO outside it would hang the test if it were opened.
/// </summary>
public class ManifestFuzzTests
{
    private const int Seed = 20261201;
    private const int Cases = 3000;

    private sealed class Fixture : IDisposable
    {
        public readonly TempFolder Root = new();
        public string Source = "", Folder = "", Outside = "", Fifo = "";
        public List<BackupInfo> Backups = new();
        public Dictionary<string, byte[]> Manifests = new();

        public Fixture()
        {
            Source = TestDatabase.Create(Root.File("app.db"));
            Folder = Root.File("backups");
            Outside = Root.File("outside");
            Directory.CreateDirectory(Outside);
            Fifo = Path.Combine(Outside, "canary.fifo");
            Cli.Output("mkfifo", Fifo);
            string side = Root.File("app.env");
            File.WriteAllText(side, "KEY=value\n");
            var start = new DateTime(2026, 11, 1, 2, 0, 0, DateTimeKind.Utc);
            var kinds = new (bool Compress, bool Encrypt)[] { (false, false), (true, false), (false, true), (true, true) };
            for (int i = 0; i < kinds.Length; i++)
            {
                DateTime at = start.AddDays(i);
                var request = new BackupRequest
                {
                    SourcePath = Source, Destination = Folder, Tier = BackupTier.Daily, Compress = kinds[i].Compress, Iterations = 1000,
                    Passphrase = kinds[i].Encrypt ? CryptoTests.Secret("fuzz-pass") : null, IncludeFiles = { side }, UtcNow = () => at,
                };
                Backups.Add(DatabaseBackup.Run(request, null, CancellationToken.None).Backup);
            }
            foreach (BackupInfo b in Backups)
            {
                Manifests[b.Path] = File.ReadAllBytes(b.Path + ".json");
            }
        }

        public void Dispose()
        {
            Root.Dispose();
        }
    }

    [Fact]
    public void Mutated_manifests_make_only_their_backup_invalid_and_never_leave_the_folder()
    {
        using var f = new Fixture();
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();
        for (int n = 0; n < Cases; n++)
        {
            BackupInfo target = f.Backups[random.Next(f.Backups.Count)];
            byte[] mutated = Mutate(f.Manifests[target.Path], random, f);
            File.WriteAllBytes(target.Path + ".json", mutated);
            string what = Encoding.UTF8.GetString(mutated.Take(300).ToArray());
            try
            {
                RunWithWatchdog(() => Judge(f, target, n, outcomes), f.Fifo, $"case {n}: {what}");
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                throw new Xunit.Sdk.XunitException($"case {n} let {ex.GetType().Name} escape: {ex.Message}\nmanifest: {what}\n{ex}");
            }
            File.WriteAllBytes(target.Path + ".json", f.Manifests[target.Path]);
        }
        Assert.True(outcomes.GetValueOrDefault("invalid") > Cases / 3, $"most mutations should be refused: {string.Join(", ", outcomes)}");
    }

    private static void Judge(Fixture f, BackupInfo target, int n, Dictionary<string, int> outcomes)
    {
        // Listing: every backup is listed; the others exactly as before.
        List<BackupInfo> listed = BackupCatalog.List(f.Folder, null, recurse: false, CancellationToken.None);
        Assert.Equal(f.Backups.Count, listed.Count);
        foreach (BackupInfo b in listed)
        {
            Assert.All(b.IncludedFiles, p => Assert.Equal(f.Folder, Path.GetDirectoryName(p)));
            if (b.Path != target.Path)
            {
                Assert.Equal(BackupCheckStatus.NotChecked, b.Status);
                Assert.True(b.Verified);
            }
        }
        BackupInfo mine = listed.Single(b => b.Path == target.Path);
        if (mine.Status == BackupCheckStatus.ManifestInvalid)
        {
            Assert.False(string.IsNullOrWhiteSpace(mine.StatusMessage));
            outcomes["invalid"] = outcomes.GetValueOrDefault("invalid") + 1;
        }
        else
        {
            // A manifest that passed validation names only plain files in the folder.
            BackupManifest manifest = BackupManifest.Read(target.Path + ".json");
            Assert.All(manifest.IncludedFiles, s => Assert.NotNull(BackupCatalog.SideFilePath(f.Folder, s.StoredName)));
            outcomes["accepted"] = outcomes.GetValueOrDefault("accepted") + 1;
        }

        // Verify (re-hash) the mutated one and one intact one; the intact one stays Ok.
        BackupCatalog.Verify(mine, null, CancellationToken.None);
        BackupInfo other = listed.First(b => b.Path != target.Path);
        BackupCatalog.Verify(other, null, CancellationToken.None);
        Assert.Equal(BackupCheckStatus.Ok, other.Status);

        // Retention: keep the newest one; planning succeeds and sees every backup.
        var decisions = BackupRetention.Plan(BackupRetention.Find(f.Folder, null, recurse: false), new RetentionPolicy { KeepLast = 1 },
            new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), TimeZoneInfo.Utc);
        Assert.Equal(f.Backups.Count, decisions.Count);

        // Health (every 10th case: it opens the database too).
        if (n % 10 == 0)
        {
            var rows = DatabaseHealth.Test(new HealthRequest
            {
                Path = f.Source, BackupPath = f.Folder, IntegrityMode = IntegrityMode.None,
                Now = new DateTime(2026, 11, 4, 12, 0, 0, DateTimeKind.Utc), MaxBackupAge = TimeSpan.FromDays(400),
            }, null, CancellationToken.None);
            Assert.Contains(rows, r => r.Check == HealthCheckNames.BackupAge);
            Assert.Contains(rows, r => r.Check == HealthCheckNames.BackupVerified);
        }
    }

    /// <summary>Runs a case; if it blocks (opening the FIFO), the FIFO is opened for writing to free it and the test fails.</summary>
    private static void RunWithWatchdog(Action action, string fifo, string what)
    {
        Task task = Task.Run(action);
        if (Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(20))).GetAwaiter().GetResult() != task)
        {
            using (var unblock = new FileStream(fifo, FileMode.Open, FileAccess.Write))
            {
            }
            throw new Xunit.Sdk.XunitException($"hung (a path outside the folder was opened?) on {what}");
        }
        task.GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData("\"tables\": [", "\"tables\": null, \"x\": [", "'tables' is null")]
    [InlineData("\"verified\": true", "\"verified\": null", "'verification.verified' is null")]
    [InlineData("\"iterations\": 1000", "\"iterations\": 2147483647", "'encryption.iterations' is 2147483647")]
    [InlineData("\"sizeBytes\": ", "\"sizeBytes\": -", "outside")]
    [InlineData("\"storedName\": \"", "\"storedName\": \"../../outside/", "not a plain file name")]
    [InlineData("\"durationMs\": ", "\"durationMs\": 9223372036854775807, \"y\": ", "'durationMs' is 9223372036854775807")]
    public void One_bad_manifest_field_makes_that_backup_invalid_with_a_reason_and_the_rest_are_listed(string find, string replace, string reason)
    {
        using var f = new Fixture();
        BackupInfo target = f.Backups.Last(b => b.Encrypted);
        string json = Encoding.UTF8.GetString(f.Manifests[target.Path]);
        Assert.Contains(find, json);
        int at = json.IndexOf(find, StringComparison.Ordinal);
        File.WriteAllText(target.Path + ".json", json.Substring(0, at) + replace + json.Substring(at + find.Length));

        List<BackupInfo> listed = BackupCatalog.List(f.Folder, null, recurse: false, CancellationToken.None);
        foreach (BackupInfo b in listed)
        {
            BackupCatalog.Verify(b, CryptoTests.Secret("fuzz-pass"), CancellationToken.None);
        }

        Assert.Equal(f.Backups.Count, listed.Count);
        BackupInfo bad = listed.Single(b => b.Path == target.Path);
        Assert.Equal(BackupCheckStatus.ManifestInvalid, bad.Status);
        Assert.Contains(reason, bad.StatusMessage);
        Assert.All(listed.Where(b => b != bad), b => Assert.Equal(BackupCheckStatus.Ok, b.Status));
    }

    [Fact]
    public void A_manifest_that_is_not_valid_utf8_is_invalid()
    {
        using var f = new Fixture();
        BackupInfo target = f.Backups[0];
        byte[] bytes = f.Manifests[target.Path].ToArray();
        int at = Array.IndexOf(bytes, (byte)'d'); // inside "database"
        bytes[at] = 0xFF;
        File.WriteAllBytes(target.Path + ".json", bytes);

        BackupInfo bad = BackupCatalog.List(f.Folder, null, recurse: false, CancellationToken.None).Single(b => b.Path == target.Path);

        Assert.Equal(BackupCheckStatus.ManifestInvalid, bad.Status);
        Assert.Contains("UTF-8", bad.StatusMessage);
    }

    private static byte[] Mutate(byte[] original, Random random, Fixture f)
    {
        switch (random.Next(10))
        {
            case 0: // truncated at a random point
                return original.Take(random.Next(original.Length)).ToArray();
            case 1: // invalid UTF-8 bytes inserted
            {
                var bytes = original.ToList();
                bytes.InsertRange(random.Next(bytes.Count), new[] { (byte)0xC3, (byte)0x28, (byte)0xFF, (byte)0xFE }.Take(1 + random.Next(4)));
                return bytes.ToArray();
            }
            case 2: // raw NUL or random byte
            {
                byte[] bytes = (byte[])original.Clone();
                bytes[random.Next(bytes.Length)] = random.Next(2) == 0 ? (byte)0 : (byte)random.Next(256);
                return bytes;
            }
            default: // structural: 1-3 mutations of the parsed tree
            {
                object? root = JsonTree.Parse(Encoding.UTF8.GetString(original));
                int count = 1 + random.Next(3);
                for (int i = 0; i < count; i++)
                {
                    root = MutateTree(root, random, f);
                }
                return Encoding.UTF8.GetBytes(JsonTree.Write(root));
            }
        }
    }

    private static object? MutateTree(object? root, Random random, Fixture f)
    {
        var slots = new List<(object Container, object Key, object? Value)>();
        Collect(root, slots);
        if (slots.Count == 0)
        {
            return Replacement(random, f, null);
        }
        var (container, key, value) = slots[random.Next(slots.Count)];
        bool delete = random.Next(6) == 0;
        if (container is Dictionary<string, object?> obj)
        {
            if (delete)
            {
                obj.Remove((string)key);
            }
            else
            {
                obj[(string)key] = Replacement(random, f, value);
            }
        }
        else if (container is List<object?> list)
        {
            if (delete)
            {
                list.RemoveAt((int)key);
            }
            else
            {
                list[(int)key] = Replacement(random, f, value);
            }
        }
        return root;
    }

    private static void Collect(object? node, List<(object, object, object?)> slots)
    {
        if (node is Dictionary<string, object?> obj)
        {
            foreach (var pair in obj.ToList())
            {
                slots.Add((obj, pair.Key, pair.Value));
                Collect(pair.Value, slots);
            }
        }
        else if (node is List<object?> list)
        {
            for (int i = 0; i < list.Count; i++)
            {
                slots.Add((list, i, list[i]));
                Collect(list[i], slots);
            }
        }
    }

    private static object? Replacement(Random random, Fixture f, object? current)
    {
        string backupFile = current as string ?? "x";
        object?[] choices =
        {
            null, true, false, "", "text", 0L, -1L, -9_223_372_036_854_775_808L, 9_223_372_036_854_775_807L, 2_147_483_648L, 1e308, -0.5,
            new List<object?>(), new List<object?> { null }, new Dictionary<string, object?>(),
            "../../outside/canary.fifo", "../outside/canary.fifo", f.Fifo, "/dev/zero", "/etc/passwd", "..", ".", "/", "a/b", "a\\b",
            "C:\\Windows\\win.ini", "\\\\server\\share\\x", "x\0y", backupFile + "--../../outside/canary.fifo", backupFile + "--/dev/zero",
            backupFile + "--\0", new string('a', 100_000), "2026-13-45T99:99:99Z", "Daily", "42", "gzip", "aes-256-cbc", new string('f', 64), "zz",
            999_999_999L, 100_000_001L,
        };
        return choices[random.Next(choices.Length)];
    }
}
