using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;
using Xunit;

namespace SqliteAdmin.Core.Tests;

/// <summary>
/// The documents admins follow without this module at hand (about_SqliteAdmin, the README's
/// OpenSSL restore) are run against real backups: their commands must work and their field
/// lists must be complete.
/// </summary>
public class DocumentationTests
{
    private static string RepoFile(string relative)
    {
        string? folder = AppContext.BaseDirectory;
        while (folder != null && !File.Exists(Path.Combine(folder, "SqliteAdmin.sln")))
        {
            folder = Path.GetDirectoryName(folder);
        }
        Assert.NotNull(folder);
        return File.ReadAllText(Path.Combine(folder!, relative));
    }

    private static string Section(string text, string heading, string nextHeading)
    {
        int start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        int end = text.IndexOf("\n" + nextHeading + "\n", start + 1, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"section {heading} not found");
        return text.Substring(start, end - start);
    }

    private static (BackupInfo Backup, string Db) EncryptedBackup(TempFolder folder)
    {
        string db = TestDatabase.Create(folder.File("orders.db"), "wal", syncRows: 3000);
        File.WriteAllText(folder.File("orders.env"), "API_URL=https://example.invalid\n");
        BackupInfo backup = DatabaseBackup.Run(new BackupRequest
        {
            SourcePath = db,
            Destination = folder.File("backups"),
            Tier = BackupTier.Daily,
            Compress = true,
            Passphrase = CryptoTests.Secret("correct horse battery staple"),
            IncludeFiles = { folder.File("orders.env") },
        }, null, CancellationToken.None).Backup;
        return (backup, db);
    }

    [Fact]
    public void The_about_topic_lists_every_field_a_manifest_has()
    {
        using var folder = new TempFolder();
        BackupInfo backup = EncryptedBackup(folder).Backup;
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(backup.ManifestPath!));
        string section = Section(RepoFile("module/en-US/about_SqliteAdmin.help.txt"), "MANIFEST", "DECRYPTING A BACKUP WITH OPENSSL ALONE");

        var keys = manifest.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("encryption", keys);
        Assert.Contains("includedFiles", keys);
        Assert.All(keys, key => Assert.Matches(@"\b" + key + @"\b", section));
    }

    public static IEnumerable<object[]> OpenSslRecipes() => new[]
    {
        new object[] { "module/en-US/about_SqliteAdmin.help.txt" },
        new object[] { "README.md" },
    };

    [Theory]
    [MemberData(nameof(OpenSslRecipes))]
    public void The_documented_openssl_command_restores_a_backup_without_the_module(string document)
    {
        using var folder = new TempFolder();
        (BackupInfo backup, string db) = EncryptedBackup(folder);
        // The command exactly as documented (continuation lines joined), with this backup's file name.
        Match recipe = Regex.Match(RepoFile(document), @"openssl enc -d [^\n]*?(\\\n[^\n]*?)*\| gunzip > orders\.db");
        Assert.True(recipe.Success, $"no openssl recipe in {document}");
        string command = Regex.Replace(recipe.Value.Replace("\\\n", " "), @"orders_daily_\d{8}_\d{6}\.db\.gz\.enc", Path.GetFileName(backup.Path));
        Assert.Contains(Path.GetFileName(backup.Path), command);

        (int exit, string error) = Cli.Run("bash", new[] { "-c", $"cd '{Path.GetDirectoryName(backup.Path)}' && {command}" },
            environment: new Dictionary<string, string> { ["BACKUP_ENCRYPTION_KEY"] = "correct horse battery staple" });

        Assert.True(exit == 0, error);
        string restored = Path.Combine(Path.GetDirectoryName(backup.Path)!, "orders.db");
        Assert.Equal(BackupManifest.Read(backup.ManifestPath!).PlainSha256, Cli.Sha256Sum(restored));
        Assert.Equal("ok", SqliteCli.Run(restored, "PRAGMA integrity_check;"));
        Assert.Equal(SqliteCli.Run(db, "SELECT count(*) FROM sync_log;"), SqliteCli.Run(restored, "SELECT count(*) FROM sync_log;"));
    }
}
