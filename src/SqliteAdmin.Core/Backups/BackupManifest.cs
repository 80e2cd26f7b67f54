using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SqliteAdmin.Core.Json;

namespace SqliteAdmin.Core.Backups;

/// <summary>A side file stored with a backup (-IncludeFile).</summary>
public sealed class IncludedFileEntry
{
    /// <summary>File name as stored beside the backup.</summary>
    public string StoredName { get; set; } = "";
    /// <summary>Where it was copied from.</summary>
    public string SourcePath { get; set; } = "";
    /// <summary>Plain size.</summary>
    public long SizeBytes { get; set; }
    /// <summary>SHA-256 of the plain content.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>SHA-256 of the stored file.</summary>
    public string StoredSha256 { get; set; } = "";
    /// <summary>HMAC of the stored file when encrypted.</summary>
    public string? Hmac { get; set; }
    /// <summary>The file's own salt when encrypted (null in backups written before 0.2: the backup's salt).</summary>
    public string? SaltHex { get; set; }
}

/// <summary>
/// The manifest written beside every backup as <c>&lt;backup file&gt;.json</c>: everything needed
/// to list, verify and restore the backup without opening it. Never holds a key or passphrase.
/// </summary>
public sealed class BackupManifest
{
    /// <summary>The manifest format version this code writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Manifests larger than this are not read (a manifest is a few KB).</summary>
    public const int MaxManifestBytes = 4 * 1024 * 1024;

#pragma warning disable CS1591 // The members are the manifest's fields; the JSON names say what they are.
    public int FormatVersion { get; set; } = CurrentFormatVersion;
    public string ModuleVersion { get; set; } = "";
    public string BackupFile { get; set; } = "";
    public string Database { get; set; } = "";
    public string SourcePath { get; set; } = "";
    public long SourceSizeBytes { get; set; }
    public string SourceJournalMode { get; set; } = "";
    public DateTime CreatedUtc { get; set; }
    public BackupTier Tier { get; set; }
    public string Method { get; set; } = "";
    public string SqliteVersion { get; set; } = "";
    public int PageSize { get; set; }
    public long PageCount { get; set; }
    public long FreelistCount { get; set; }
    public long UserVersion { get; set; }
    public long ApplicationId { get; set; }
    public List<KeyValuePair<string, long?>> Tables { get; set; } = new();
    public long PlainSizeBytes { get; set; }
    public string PlainSha256 { get; set; } = "";
    public long StoredSizeBytes { get; set; }
    public string StoredSha256 { get; set; } = "";
    public string? Compression { get; set; }
    public string? CompressionLevel { get; set; }
    public string? Cipher { get; set; }
    public string? Kdf { get; set; }
    public int? Iterations { get; set; }
    public string? SaltHex { get; set; }
    public string? HmacAlgorithm { get; set; }
    public string? HmacKeyDerivation { get; set; }
    public string? Hmac { get; set; }
    public string VerifyMode { get; set; } = "";
    public bool Verified { get; set; }
    public string IntegrityResult { get; set; } = "";
    public int Restarts { get; set; }
    public long DurationMs { get; set; }
    public List<IncludedFileEntry> IncludedFiles { get; set; } = new();
#pragma warning restore CS1591

    /// <summary>The manifest as JSON text.</summary>
    public string ToJson()
    {
        var root = new List<KeyValuePair<string, object?>>
        {
            new("formatVersion", FormatVersion),
            new("moduleVersion", ModuleVersion),
            new("backupFile", BackupFile),
            new("database", Database),
            new("sourcePath", SourcePath),
            new("sourceSizeBytes", SourceSizeBytes),
            new("sourceJournalMode", SourceJournalMode),
            new("createdUtc", CreatedUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)),
            new("tier", Tier.ToString()),
            new("method", Method),
            new("sqliteVersion", SqliteVersion),
            new("pageSize", PageSize),
            new("pageCount", PageCount),
            new("freelistCount", FreelistCount),
            new("userVersion", UserVersion),
            new("applicationId", ApplicationId),
            new("tables", Tables.Select(t => (object?)new List<KeyValuePair<string, object?>> { new("name", t.Key), new("rowCount", t.Value) }).ToList()),
            new("plain", Members(("sizeBytes", PlainSizeBytes), ("sha256", PlainSha256))),
            new("stored", Members(("sizeBytes", StoredSizeBytes), ("sha256", StoredSha256))),
            new("compression", Compression == null ? null : Members(("algorithm", Compression), ("level", CompressionLevel))),
            new("encryption", Cipher == null ? null : Members(
                ("cipher", Cipher), ("kdf", Kdf), ("iterations", Iterations), ("salt", SaltHex),
                ("hmac", Members(("algorithm", HmacAlgorithm), ("keyDerivation", HmacKeyDerivation), ("value", Hmac))))),
            new("verification", Members(("mode", VerifyMode), ("verified", Verified), ("result", IntegrityResult))),
            new("restarts", Restarts),
            new("durationMs", DurationMs),
            new("includedFiles", IncludedFiles.Select(f => (object?)Members(
                ("storedName", f.StoredName), ("sourcePath", f.SourcePath), ("sizeBytes", f.SizeBytes),
                ("sha256", f.Sha256), ("storedSha256", f.StoredSha256), ("hmac", f.Hmac), ("salt", f.SaltHex))).ToList()),
        };
        return JsonText.Write(root);
    }

    /// <summary>Reads a manifest file; throws ManifestInvalid with the reason when it is not one of ours.</summary>
    public static BackupManifest Read(string manifestPath)
    {
        try
        {
            var info = new FileInfo(manifestPath);
            if (info.Length > MaxManifestBytes)
            {
                throw new FormatException($"it is {info.Length} bytes, too large for a manifest");
            }
            return Parse(File.ReadAllText(manifestPath));
        }
        catch (Exception ex) when (ex is FormatException || ex is InvalidCastException || ex is KeyNotFoundException || ex is ArgumentException || ex is OverflowException)
        {
            throw new SqliteAdminException(ErrorIds.ManifestInvalid, SqliteAdminErrorCategory.InvalidData,
                $"Manifest '{manifestPath}' is not a valid SqliteAdmin backup manifest: {ex.Message}", manifestPath, ex);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new SqliteAdminException(ErrorIds.ManifestInvalid, SqliteAdminErrorCategory.ReadError,
                $"Cannot read manifest '{manifestPath}': {ex.Message}", manifestPath, ex);
        }
    }

    /// <summary>Parses manifest JSON.</summary>
    public static BackupManifest Parse(string json)
    {
        var root = JsonText.Parse(json) as Dictionary<string, object?> ?? throw new FormatException("the top level is not an object");
        var m = new BackupManifest
        {
            FormatVersion = (int)Long(root, "formatVersion"),
            ModuleVersion = Str(root, "moduleVersion"),
            BackupFile = Str(root, "backupFile"),
            Database = Str(root, "database"),
            SourcePath = Str(root, "sourcePath"),
            SourceSizeBytes = Long(root, "sourceSizeBytes"),
            SourceJournalMode = Str(root, "sourceJournalMode"),
            CreatedUtc = DateTime.Parse(Str(root, "createdUtc"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            Tier = (BackupTier)Enum.Parse(typeof(BackupTier), Str(root, "tier"), ignoreCase: true),
            Method = Str(root, "method"),
            SqliteVersion = Str(root, "sqliteVersion"),
            PageSize = (int)Long(root, "pageSize"),
            PageCount = Long(root, "pageCount"),
            FreelistCount = Long(root, "freelistCount"),
            UserVersion = Long(root, "userVersion"),
            ApplicationId = Long(root, "applicationId"),
            Restarts = (int)Long(root, "restarts"),
            DurationMs = Long(root, "durationMs"),
        };
        if (m.FormatVersion < 1 || m.FormatVersion > CurrentFormatVersion)
        {
            throw new FormatException($"format version {m.FormatVersion} is not supported by this module (supports 1–{CurrentFormatVersion}); update SqliteAdmin");
        }
        foreach (object? t in (List<object?>)root["tables"]!)
        {
            var table = (Dictionary<string, object?>)t!;
            m.Tables.Add(new KeyValuePair<string, long?>(Str(table, "name"), table["rowCount"] as long?));
        }
        var plain = Obj(root, "plain")!;
        m.PlainSizeBytes = Long(plain, "sizeBytes");
        m.PlainSha256 = Str(plain, "sha256");
        var stored = Obj(root, "stored")!;
        m.StoredSizeBytes = Long(stored, "sizeBytes");
        m.StoredSha256 = Str(stored, "sha256");
        if (Obj(root, "compression") is { } compression)
        {
            m.Compression = Str(compression, "algorithm");
            m.CompressionLevel = compression["level"] as string;
        }
        if (Obj(root, "encryption") is { } encryption)
        {
            m.Cipher = Str(encryption, "cipher");
            m.Kdf = Str(encryption, "kdf");
            m.Iterations = (int)Long(encryption, "iterations");
            m.SaltHex = Str(encryption, "salt");
            var hmac = Obj(encryption, "hmac")!;
            m.HmacAlgorithm = Str(hmac, "algorithm");
            m.HmacKeyDerivation = Str(hmac, "keyDerivation");
            m.Hmac = Str(hmac, "value");
        }
        var verification = Obj(root, "verification")!;
        m.VerifyMode = Str(verification, "mode");
        m.Verified = (bool)verification["verified"]!;
        m.IntegrityResult = Str(verification, "result");
        foreach (object? f in (List<object?>)root["includedFiles"]!)
        {
            var file = (Dictionary<string, object?>)f!;
            m.IncludedFiles.Add(new IncludedFileEntry
            {
                StoredName = Str(file, "storedName"),
                SourcePath = Str(file, "sourcePath"),
                SizeBytes = Long(file, "sizeBytes"),
                Sha256 = Str(file, "sha256"),
                StoredSha256 = Str(file, "storedSha256"),
                Hmac = file["hmac"] as string,
                SaltHex = file.TryGetValue("salt", out object? salt) ? salt as string : null,
            });
        }
        return m;
    }

    private static List<KeyValuePair<string, object?>> Members(params (string Name, object? Value)[] members) =>
        members.Select(m => new KeyValuePair<string, object?>(m.Name, m.Value)).ToList();

    private static string Str(Dictionary<string, object?> o, string name) =>
        o[name] as string ?? throw new FormatException($"'{name}' is missing or not a string");

    private static long Long(Dictionary<string, object?> o, string name) =>
        o[name] is long l ? l : throw new FormatException($"'{name}' is missing or not an integer");

    private static Dictionary<string, object?>? Obj(Dictionary<string, object?> o, string name) =>
        o.TryGetValue(name, out object? v) ? v as Dictionary<string, object?> : throw new FormatException($"'{name}' is missing");
}
