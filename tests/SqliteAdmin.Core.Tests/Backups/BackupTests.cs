using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Native;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

public class BackupTests
{
    private const string Pass = "Tr0ub4dor&3 backup key";

    private static BackupRequest Request(string source, string destination) => new()
    {
        SourcePath = source,
        Destination = destination,
        BusyTimeout = TimeSpan.FromSeconds(10),
    };

    private static Dictionary<string, string> PassEnv => new() { ["SA_PASS"] = Pass };

    /// <summary>Decrypts and gunzips a backup with only the real openssl and gunzip, as seed 000 does.</summary>
    private static string DecodeWithCli(string backup, string outputDb, int iterations = 10000)
    {
        string gz = outputDb + ".gz";
        var (exit, err) = Cli.Run("openssl", new[] { "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", iterations.ToString(), "-md", "sha256", "-in", backup, "-out", gz, "-pass", "env:SA_PASS" },
            environment: PassEnv);
        Assert.True(exit == 0, "openssl: " + err);
        Assert.Equal(0, Cli.Run("gunzip", new[] { "-c", gz }, stdoutFile: outputDb).ExitCode);
        return outputDb;
    }

    [Fact]
    public void A_plain_backup_is_a_self_contained_verified_copy_with_a_manifest()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("orders.db"), "wal", syncRows: 5000);
        string dest = Path.Combine(folder.Path, "backups");

        BackupInfo info = DatabaseBackup.Run(Request(db, dest), null, CancellationToken.None).Backup;

        Assert.Matches(@"^orders_manual_\d{8}_\d{6}\.db$", Path.GetFileName(info.Path));
        Assert.Equal("orders", info.Database);
        Assert.True(info.Verified);
        Assert.Equal("ok", info.IntegrityResult);
        Assert.Equal(Cli.Sha256Sum(info.Path), info.Sha256);
        Assert.Equal(info.Sha256, info.PlainSha256);
        Assert.Equal("delete", SqliteCli.Run(info.Path, "PRAGMA journal_mode;"));
        Assert.Equal("ok", SqliteCli.Run(info.Path, "PRAGMA integrity_check;"));
        Assert.Equal("5000|50|120", SqliteCli.Run(info.Path, "SELECT (SELECT count(*) FROM sync_log)||'|'||(SELECT count(*) FROM batches)||'|'||(SELECT count(*) FROM audit_log);"));
        Assert.False(File.Exists(info.Path + "-wal"));
        // Only the backup and its manifest: no temp files left.
        Assert.Equal(new[] { Path.GetFileName(info.Path), Path.GetFileName(info.Path) + ".json" }, Directory.GetFiles(dest).Select(Path.GetFileName).OrderBy(n => n));
    }

    [Fact]
    public void The_manifest_records_everything_and_no_secret()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string env = folder.File(".env");
        File.WriteAllText(env, "API_KEY=abc123\n");
        BackupRequest request = Request(db, folder.Path + "/b");
        request.Compress = true;
        request.Passphrase = CryptoTests.Secret(Pass);
        request.Iterations = 12000;
        request.Tier = BackupTier.Daily;
        request.IncludeFiles.Add(env);

        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        string json = File.ReadAllText(info.ManifestPath!);
        BackupManifest manifest = BackupManifest.Parse(json);

        Assert.Equal(Path.GetFileName(info.Path), manifest.BackupFile);
        Assert.Equal("app", manifest.Database);
        Assert.Equal(Path.GetFullPath(db), manifest.SourcePath);
        Assert.Equal(BackupTier.Daily, manifest.Tier);
        Assert.Equal("OnlineBackup", manifest.Method);
        Assert.Equal(NativeSqliteLoader.ShippedSqliteVersion, manifest.SqliteVersion);
        Assert.Equal(7, manifest.UserVersion);
        Assert.Equal(1234, manifest.ApplicationId);
        Assert.Equal(4096, manifest.PageSize);
        Assert.True(manifest.PageCount > 0);
        Assert.Equal(new[] { "audit_log:120", "batches:50", "sync_log:200" }, manifest.Tables.Select(t => $"{t.Key}:{t.Value}"));
        Assert.Equal(Cli.Sha256Sum(info.Path), manifest.StoredSha256);
        Assert.Equal(new FileInfo(info.Path).Length, manifest.StoredSizeBytes);
        Assert.Equal("gzip", manifest.Compression);
        Assert.Equal("aes-256-cbc", manifest.Cipher);
        Assert.Equal(12000, manifest.Iterations);
        Assert.Equal(64, manifest.Hmac!.Length);
        Assert.Equal("Quick", manifest.VerifyMode);
        Assert.True(manifest.Verified);
        Assert.Single(manifest.IncludedFiles);
        Assert.Equal(Path.GetFileName(info.Path) + "--.env.enc", manifest.IncludedFiles[0].StoredName);
        // The manifest's salt is the one in the file header.
        Assert.Equal(manifest.SaltHex, Convert.ToHexString(File.ReadAllBytes(info.Path), 8, 8).ToLowerInvariant());

        // No file written anywhere holds the passphrase or the side file's secret in clear.
        foreach (string file in Directory.GetFiles(folder.Path + "/b"))
        {
            string content = Encoding.UTF8.GetString(File.ReadAllBytes(file));
            Assert.DoesNotContain(Pass, content);
            Assert.DoesNotContain("abc123", content);
        }
    }

    [Theory]
    [InlineData(10000)]
    [InlineData(2000)]
    public void An_encrypted_compressed_backup_is_recovered_exactly_with_only_openssl_and_gunzip(int iterations)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("preroll_tracker.db"), "wal", syncRows: 20000);
        BackupRequest request = Request(db, folder.Path + "/b");
        request.Compress = true;
        request.Passphrase = CryptoTests.Secret(Pass);
        request.Iterations = iterations;

        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        string restored = DecodeWithCli(info.Path, folder.File("restored.db"), iterations);

        Assert.EndsWith(".db.gz.enc", info.Path);
        Assert.Equal(info.PlainSha256, Cli.Sha256Sum(restored));
        Assert.Equal(info.PlainSizeBytes, new FileInfo(restored).Length);
        Assert.Equal("ok", SqliteCli.Run(restored, "PRAGMA integrity_check;"));
        Assert.Equal("20000", SqliteCli.Run(restored, "SELECT count(*) FROM sync_log;"));
        Assert.True(info.CompressionRatio < 0.9);
    }

    [Fact]
    public void A_compressed_backup_gunzips_to_the_database_in_the_manifest()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        BackupRequest request = Request(db, folder.Path);
        request.Compress = true;
        request.CompressionLevel = System.IO.Compression.CompressionLevel.Fastest;

        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        Assert.Equal(0, Cli.Run("gunzip", new[] { "-t", info.Path }).ExitCode);
        Assert.Equal(0, Cli.Run("gunzip", new[] { "-c", info.Path }, stdoutFile: folder.File("x.db")).ExitCode);

        Assert.Equal(info.PlainSha256, Cli.Sha256Sum(folder.File("x.db")));
        Assert.Equal(info.Sha256, Cli.Sha256Sum(info.Path));
    }

    [Fact]
    public void An_encrypted_side_file_decrypts_with_openssl_to_the_original()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string env = folder.File(".env");
        File.WriteAllText(env, "SECRET_KEY=xyz\nDATABASE_URL=sqlite:///app.db\n");
        BackupRequest request = Request(db, folder.Path + "/b");
        request.Passphrase = CryptoTests.Secret(Pass);
        request.IncludeFiles.Add(env);

        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        string side = Assert.Single(info.IncludedFiles);
        var (exit, err) = Cli.Run("openssl", new[] { "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "10000", "-md", "sha256", "-in", side, "-out", folder.File("env.out"), "-pass", "env:SA_PASS" }, environment: PassEnv);

        Assert.True(exit == 0, err);
        Assert.Equal(File.ReadAllText(env), File.ReadAllText(folder.File("env.out")));
    }

    [Fact]
    public void Vacuum_into_gives_a_compacted_verified_copy()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "wal", syncRows: 20000);
        SqliteCli.Run(db, "DELETE FROM sync_log WHERE id % 2 = 0;");
        BackupRequest request = Request(db, folder.Path + "/b");
        request.Method = BackupMethod.VacuumInto;
        request.Verify = IntegrityMode.Full;

        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;

        Assert.Equal("VacuumInto", info.Method);
        Assert.Equal("0", SqliteCli.Run(info.Path, "PRAGMA freelist_count;"));
        Assert.Equal("delete", SqliteCli.Run(info.Path, "PRAGMA journal_mode;"));
        Assert.Equal("10000", SqliteCli.Run(info.Path, "SELECT count(*) FROM sync_log;"));
        Assert.Equal("Full", info.VerifyMode);
    }

    [Fact]
    public void Backups_in_the_same_second_get_a_suffix_and_nothing_is_overwritten()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string dest = Path.Combine(folder.Path, "b");
        Directory.CreateDirectory(dest);
        var now = new DateTime(2026, 11, 21, 2, 0, 0, DateTimeKind.Utc);
        // Someone else's file already holds the first name.
        File.WriteAllText(Path.Combine(dest, "app_daily_20261121_020000.db"), "not ours");
        BackupRequest request = Request(db, dest);
        request.Tier = BackupTier.Daily;
        request.UtcNow = () => now;

        string first = DatabaseBackup.Run(request, null, CancellationToken.None).Backup.Path;
        string second = DatabaseBackup.Run(request, null, CancellationToken.None).Backup.Path;

        Assert.Equal("app_daily_20261121_020000_1.db", Path.GetFileName(first));
        Assert.Equal("app_daily_20261121_020000_2.db", Path.GetFileName(second));
        Assert.Equal("not ours", File.ReadAllText(Path.Combine(dest, "app_daily_20261121_020000.db")));
    }

    [Fact]
    public void Backups_manifests_and_side_files_are_owner_only_whatever_the_umask()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string env = folder.File("settings.json");
        File.WriteAllText(env, "{}");
        File.SetUnixFileMode(env, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        BackupRequest request = Request(db, folder.Path + "/b");
        request.IncludeFiles.Add(env);
        request.Compress = true;

        DatabaseBackup.Run(request, null, CancellationToken.None);

        string[] files = Directory.GetFiles(folder.Path + "/b");
        Assert.Equal(3, files.Length);
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }

    [Fact]
    public void Copies_go_to_every_CopyTo_folder_and_a_failed_copy_keeps_the_backup()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string nas = Path.Combine(folder.Path, "nas", "sqlite");
        string blocked = folder.File("not-a-folder");
        File.WriteAllText(blocked, "a file where a folder should be");
        BackupRequest request = Request(db, folder.Path + "/b");
        request.Compress = true;
        request.CopyTo.Add(nas);
        request.CopyTo.Add(blocked);

        BackupOutcome outcome = DatabaseBackup.Run(request, null, CancellationToken.None);

        string copy = Assert.Single(outcome.Backup.Copies);
        Assert.Equal(Path.Combine(nas, Path.GetFileName(outcome.Backup.Path)), copy);
        Assert.Equal(outcome.Backup.Sha256, Cli.Sha256Sum(copy));
        Assert.True(File.Exists(copy + ".json"));
        SqliteAdminException failure = Assert.Single(outcome.CopyFailures);
        Assert.Equal(ErrorIds.CopyFailed, failure.ErrorId);
        Assert.Contains(blocked, failure.Message);
        Assert.True(File.Exists(outcome.Backup.Path));
        Assert.Equal("a file where a folder should be", File.ReadAllText(blocked));
    }

    public static TheoryData<string, Action<string>, string> BadSources => new()
    {
        { "missing.db", _ => { }, ErrorIds.DatabaseNotFound },
        { "empty.db", p => File.WriteAllBytes(p, Array.Empty<byte>()), ErrorIds.NotADatabase },
        { "notes.db", p => File.WriteAllText(p, new string('t', 4000)), ErrorIds.NotADatabase },
        { "random.db", p => File.WriteAllBytes(p, RandomBytes(65536)), ErrorIds.NotADatabase },
        { "dir.db", p => Directory.CreateDirectory(p), ErrorIds.PathIsDirectory },
    };

    [Theory]
    [MemberData(nameof(BadSources))]
    public void A_bad_source_is_a_clear_error_and_nothing_is_created(string name, Action<string> make, string errorId)
    {
        using var folder = new TempFolder();
        string source = folder.File(name);
        make(source);
        string dest = Path.Combine(folder.Path, "backups");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(Request(source, dest), null, CancellationToken.None));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
        Assert.False(Directory.Exists(dest));
    }

    [Fact]
    public void A_corrupt_source_fails_verification_and_leaves_nothing()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 20000);
        CorruptIndexPage(db, "idx_sync_log_timestamp");
        string dest = Path.Combine(folder.Path, "b");
        Directory.CreateDirectory(dest);
        BackupRequest request = Request(db, dest);
        request.Verify = IntegrityMode.Full;
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(request, null, CancellationToken.None));

        Assert.Contains(ex.ErrorId, new[] { ErrorIds.BackupVerificationFailed, ErrorIds.DatabaseCorrupt });
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void A_destination_that_cannot_be_a_folder_is_a_clear_error()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        File.WriteAllText(folder.File("file"), "x");
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(Request(db, folder.File("file")), null, CancellationToken.None));
        var nested = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(Request(db, Path.Combine(folder.File("file"), "sub")), null, CancellationToken.None));

        Assert.Equal(ErrorIds.DestinationNotWritable, ex.ErrorId);
        Assert.Equal(ErrorIds.DestinationNotWritable, nested.ErrorId);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void A_missing_include_file_is_refused_before_anything_is_written()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        BackupRequest request = Request(db, folder.Path + "/b");
        request.IncludeFiles.Add(folder.File("missing.env"));

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(request, null, CancellationToken.None));

        Assert.Equal(ErrorIds.IncludeFileNotFound, ex.ErrorId);
        Assert.False(Directory.Exists(folder.Path + "/b"));
    }

    [Fact]
    public void A_destination_symlink_to_a_folder_is_followed()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        string real = Path.Combine(folder.Path, "real");
        Directory.CreateDirectory(real);
        string link = Path.Combine(folder.Path, "link");
        Directory.CreateSymbolicLink(link, real);

        BackupInfo info = DatabaseBackup.Run(Request(db, link), null, CancellationToken.None).Backup;

        Assert.True(File.Exists(Path.Combine(real, Path.GetFileName(info.Path))));
    }

    [Theory]
    [InlineData("Copied", false)]
    [InlineData("Compressing", true)]
    public void Stopping_at_a_step_leaves_no_file_in_the_destination(string step, bool encode)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 100_000);
        string dest = Path.Combine(folder.Path, "b");
        Directory.CreateDirectory(dest);
        using var cancel = new CancellationTokenSource();
        BackupRequest request = Request(db, dest);
        request.PagesPerStep = 16;
        request.Compress = encode;
        request.Passphrase = encode ? CryptoTests.Secret(Pass) : null;
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.StartsWith(step, StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => DatabaseBackup.Run(request, progress, cancel.Token));

        Assert.Empty(Directory.GetFileSystemEntries(dest));
    }

    [Fact]
    public void Stopping_while_copying_to_a_secondary_folder_leaves_nothing_there_and_keeps_the_backup()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 50_000);
        string dest = Path.Combine(folder.Path, "b");
        string nas = Path.Combine(folder.Path, "nas");
        using var cancel = new CancellationTokenSource();
        BackupRequest request = Request(db, dest);
        request.CopyTo.Add(nas);
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.StartsWith("Copying to secondary", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => DatabaseBackup.Run(request, progress, cancel.Token));

        Assert.Empty(Directory.Exists(nas) ? Directory.GetFileSystemEntries(nas) : Array.Empty<string>());
        BackupInfo kept = Assert.Single(BackupCatalog.List(dest, null, false, CancellationToken.None));
        BackupCatalog.Verify(kept, null, CancellationToken.None);
        Assert.Equal(BackupCheckStatus.Ok, kept.Status);
    }

    internal static void CorruptIndexPage(string db, string index)
    {
        // Overwrite the index's root page after its 12-byte header (cell pointers and cells): the
        // table stays readable, integrity_check must notice.
        long root = long.Parse(SqliteCli.Run(db, $"SELECT rootpage FROM sqlite_master WHERE name = '{index}';"));
        int pageSize = int.Parse(SqliteCli.Run(db, "PRAGMA page_size;"));
        using var stream = new FileStream(db, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = (root - 1) * pageSize + 12;
        stream.Write(RandomBytes(pageSize - 12));
    }

    internal static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(n).NextBytes(bytes);
        return bytes;
    }
}
