using System.Collections.Generic;
using System.IO;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>Backups made exactly as the seed runbooks make them, with the real sqlite3, gzip, openssl and tar.</summary>
public static class SeedBackups
{
    public const string Pass = "seed runbook key";

    public static Dictionary<string, string> PassEnv => new() { ["BACKUP_ENCRYPTION_KEY"] = Pass };

    /// <summary>sqlite3 db ".backup out" (seeds 000, 002).</summary>
    public static string SqliteBackup(string db, string output)
    {
        SqliteCli.Run(db, $".backup '{output}'");
        return output;
    }

    /// <summary>gzip -c in > out (seeds 001, 004).</summary>
    public static string Gzip(string input, string output)
    {
        Assert.Equal(0, Cli.Run("gzip", new[] { "-c", input }, stdoutFile: output).ExitCode);
        return output;
    }

    /// <summary>openssl enc -aes-256-cbc with the given key options (seed 000: -pbkdf2 -iter 10000 -md sha256), passphrase from the environment.</summary>
    public static string Encrypt(string input, string output, params string[] keyOptions)
    {
        var args = new List<string> { "enc", "-aes-256-cbc", "-salt" };
        args.AddRange(keyOptions);
        args.AddRange(new[] { "-in", input, "-out", output, "-pass", "env:BACKUP_ENCRYPTION_KEY" });
        var (exit, err) = Cli.Run("openssl", args, environment: PassEnv);
        Assert.True(exit == 0, "openssl: " + err);
        return output;
    }

    /// <summary>Seed 000's remote backup: gzip -c db | openssl enc -aes-256-cbc -pbkdf2 -iter 10000 -md sha256.</summary>
    public static string GzipThenEncrypt(string db, string output, params string[] keyOptions)
    {
        string gz = output + ".tmp.gz";
        Gzip(db, gz);
        Encrypt(gz, output, keyOptions.Length == 0 ? new[] { "-pbkdf2", "-iter", "10000", "-md", "sha256" } : keyOptions);
        File.Delete(gz);
        return output;
    }

    /// <summary>sha256sum file > file.sha256 (seed 001).</summary>
    public static string Sha256Beside(string file)
    {
        File.WriteAllText(file + ".sha256", Cli.Sha256Sum(file) + "  " + Path.GetFileName(file) + "\n");
        return file + ".sha256";
    }
}
