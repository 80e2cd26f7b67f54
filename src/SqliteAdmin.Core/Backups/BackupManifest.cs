using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Json;

namespace SqliteAdmin.Core.Backups;

/// <summary>A side file stored with a backup (-IncludeFile).</summary>
internal sealed class IncludedFileEntry
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
internal sealed class BackupManifest
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
    /// <summary>
    /// A multi-database archive's databases, each described as a single backup is (BackupFile is
    /// its name inside the archive); empty for a single backup.
    /// </summary>
    public List<BackupManifest> Members { get; set; } = new();
#pragma warning restore CS1591

    /// <summary>Records how the file is stored: plain and stored sizes and hashes, gzip (when <paramref name="compression"/> is given), and the encryption parameters and HMAC (never the key).</summary>
    internal void SetStorage(EncodeResult stored, System.IO.Compression.CompressionLevel? compression, OpenSslKeys? keys, int iterations)
    {
        PlainSizeBytes = stored.PlainSizeBytes;
        PlainSha256 = stored.PlainSha256;
        StoredSizeBytes = stored.StoredSizeBytes;
        StoredSha256 = stored.StoredSha256;
        Compression = compression != null ? "gzip" : null;
        CompressionLevel = compression?.ToString();
        bool encrypted = keys != null;
        Cipher = encrypted ? "aes-256-cbc" : null;
        Kdf = encrypted ? "pbkdf2-hmac-sha256" : null;
        Iterations = encrypted ? iterations : null;
        SaltHex = encrypted ? Hex.ToHex(keys!.Salt) : null;
        HmacAlgorithm = encrypted ? "hmac-sha256" : null;
        HmacKeyDerivation = encrypted ? "pbkdf2-hmac-sha256 output bytes 48-79 (same passphrase, salt, iterations); HMAC over the whole file" : null;
        Hmac = stored.Hmac;
    }

    /// <summary>The manifest as JSON text.</summary>
    public string ToJson() => JsonTree.Write(ToTree());

    /// <summary>The manifest as a JSON tree.</summary>
    internal List<KeyValuePair<string, object?>> ToTree()
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
            new("plain", Object(("sizeBytes", PlainSizeBytes), ("sha256", PlainSha256))),
            new("stored", Object(("sizeBytes", StoredSizeBytes), ("sha256", StoredSha256))),
            new("compression", Compression == null ? null : Object(("algorithm", Compression), ("level", CompressionLevel))),
            new("encryption", Cipher == null ? null : Object(
                ("cipher", Cipher), ("kdf", Kdf), ("iterations", Iterations), ("salt", SaltHex),
                ("hmac", Object(("algorithm", HmacAlgorithm), ("keyDerivation", HmacKeyDerivation), ("value", Hmac))))),
            new("verification", Object(("mode", VerifyMode), ("verified", Verified), ("result", IntegrityResult))),
            new("restarts", Restarts),
            new("durationMs", DurationMs),
            new("includedFiles", IncludedFiles.Select(f => (object?)Object(
                ("storedName", f.StoredName), ("sourcePath", f.SourcePath), ("sizeBytes", f.SizeBytes),
                ("sha256", f.Sha256), ("storedSha256", f.StoredSha256), ("hmac", f.Hmac), ("salt", f.SaltHex))).ToList()),
        };
        if (Members.Count > 0)
        {
            root.Add(new("members", Members.Select(m => (object?)m.ToTree()).ToList()));
        }
        return root;
    }

    /// <summary>The manifest inside an archive: the archive's name and time and its members (the archive's own hashes are only beside it).</summary>
    internal static string ArchiveInsideJson(string archive, DateTime createdUtc, string moduleVersion, IEnumerable<BackupManifest> members) =>
        JsonTree.Write(new List<KeyValuePair<string, object?>>
        {
            new("formatVersion", CurrentFormatVersion),
            new("moduleVersion", moduleVersion),
            new("archive", archive),
            new("createdUtc", createdUtc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)),
            new("members", members.Select(m => (object?)m.ToTree()).ToList()),
        });

    /// <summary>The most PBKDF2 iterations a manifest may ask for (Backup-SqliteDatabase -Iterations allows no more).</summary>
    public const int MaxIterations = 100_000_000;

    /// <summary>Longest text a manifest field may hold (paths, versions, integrity summaries).</summary>
    private const int MaxTextLength = 32 * 1024;

    /// <summary>Most tables or side files a manifest may list.</summary>
    private const int MaxItems = 100_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a manifest file; throws ManifestInvalid with the reason when it is not one of ours. A
    /// manifest is untrusted input (anyone who can write to the backup folder can edit it): every
    /// field is checked for type, range and shape before anything uses it.
    /// </summary>
    public static BackupManifest Read(string manifestPath)
    {
        try
        {
            if (!IO.FileLinks.IsRegularFile(manifestPath))
            {
                throw new FormatException("it is not a regular file (a link, a FIFO or a device is never read)");
            }
            var info = new FileInfo(manifestPath);
            if (info.Length > MaxManifestBytes)
            {
                throw new FormatException($"it is {info.Length} bytes, too large for a manifest");
            }
            byte[] bytes = File.ReadAllBytes(manifestPath);
            string text;
            try
            {
                text = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                throw new FormatException("it is not valid UTF-8 text");
            }
            return Parse(text);
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

    /// <summary>Parses and validates manifest JSON; throws FormatException naming the first bad field.</summary>
    public static BackupManifest Parse(string json) =>
        FromFields(new Fields(JsonTree.Parse(json) as Dictionary<string, object?> ?? throw new FormatException("the top level is not an object"), ""), member: false);

    /// <summary>The members of the manifest inside an archive (<see cref="ArchiveInsideJson"/>), checked as a manifest's are.</summary>
    internal static List<BackupManifest> ParseArchiveInside(string json)
    {
        var root = new Fields(JsonTree.Parse(json) as Dictionary<string, object?> ?? throw new FormatException("the top level is not an object"), "");
        if (root.Long("formatVersion", 1, int.MaxValue) > CurrentFormatVersion)
        {
            throw new FormatException("the archive's manifest is of a newer format; update SqliteAdmin");
        }
        return ParseMembers(root);
    }

    private static List<BackupManifest> ParseMembers(Fields root)
    {
        var members = new List<BackupManifest>();
        foreach (Fields member in root.OptionalObjects("members"))
        {
            BackupManifest parsed = FromFields(member, member: true);
            if (members.Any(m => string.Equals(m.BackupFile, parsed.BackupFile, StringComparison.OrdinalIgnoreCase)))
            {
                throw new FormatException($"two members are named '{Printable(parsed.BackupFile)}'");
            }
            members.Add(parsed);
        }
        return members;
    }

    private static BackupManifest FromFields(Fields root, bool member)
    {
        var m = new BackupManifest
        {
            FormatVersion = (int)root.Long("formatVersion", 1, int.MaxValue),
        };
        if (m.FormatVersion > CurrentFormatVersion)
        {
            throw new FormatException($"format version {m.FormatVersion} is not supported by this module (supports 1–{CurrentFormatVersion}); update SqliteAdmin");
        }
        m.ModuleVersion = root.Text("moduleVersion");
        m.BackupFile = root.FileName("backupFile");
        m.Database = root.Text("database", allowEmpty: false);
        m.SourcePath = root.Text("sourcePath");
        m.SourceSizeBytes = root.Long("sourceSizeBytes", 0, long.MaxValue);
        m.SourceJournalMode = root.Text("sourceJournalMode");
        m.CreatedUtc = root.Time("createdUtc");
        m.Tier = root.Enum<BackupTier>("tier");
        m.Method = root.Text("method");
        m.SqliteVersion = root.Text("sqliteVersion");
        m.PageSize = (int)root.Long("pageSize", 0, 65536);
        m.PageCount = root.Long("pageCount", 0, uint.MaxValue);
        m.FreelistCount = root.Long("freelistCount", 0, m.PageCount);
        m.UserVersion = root.Long("userVersion", int.MinValue, uint.MaxValue);
        m.ApplicationId = root.Long("applicationId", int.MinValue, uint.MaxValue);
        m.Restarts = (int)root.Long("restarts", 0, int.MaxValue);
        // TimeSpan.FromMilliseconds overflows near long.MaxValue; no backup takes a year.
        m.DurationMs = root.Long("durationMs", 0, (long)TimeSpan.FromDays(366).TotalMilliseconds);
        foreach (Fields table in root.Objects("tables"))
        {
            m.Tables.Add(new KeyValuePair<string, long?>(table.Text("name", allowEmpty: false), table.OptionalLong("rowCount", 0, long.MaxValue)));
        }
        Fields plain = root.Object("plain");
        m.PlainSizeBytes = plain.Long("sizeBytes", 0, long.MaxValue);
        m.PlainSha256 = plain.Sha256("sha256");
        Fields stored = root.Object("stored");
        m.StoredSizeBytes = stored.Long("sizeBytes", 0, long.MaxValue);
        m.StoredSha256 = stored.Sha256("sha256");
        if (root.OptionalObject("compression") is { } compression)
        {
            m.Compression = compression.OneOf("algorithm", "gzip");
            m.CompressionLevel = compression.OptionalText("level");
        }
        if (root.OptionalObject("encryption") is { } encryption)
        {
            m.Cipher = encryption.OneOf("cipher", "aes-256-cbc");
            m.Kdf = encryption.OneOf("kdf", "pbkdf2-hmac-sha256");
            m.Iterations = (int)encryption.Long("iterations", 1, MaxIterations);
            m.SaltHex = encryption.Hex("salt", 8);
            Fields hmac = encryption.Object("hmac");
            m.HmacAlgorithm = hmac.OneOf("algorithm", "hmac-sha256");
            m.HmacKeyDerivation = hmac.Text("keyDerivation");
            m.Hmac = hmac.Sha256("value");
        }
        Fields verification = root.Object("verification");
        m.VerifyMode = verification.OneOf("mode", "Quick", "Full", "None");
        m.Verified = verification.Bool("verified");
        m.IntegrityResult = verification.Text("result");
        foreach (Fields file in root.Objects("includedFiles"))
        {
            var entry = new IncludedFileEntry
            {
                StoredName = file.FileName("storedName"),
                SourcePath = file.Text("sourcePath"),
                SizeBytes = file.Long("sizeBytes", 0, long.MaxValue),
                Sha256 = file.Sha256("sha256"),
                StoredSha256 = file.Sha256("storedSha256"),
                Hmac = m.Cipher != null ? file.Sha256("hmac") : file.OptionalText("hmac"),
                SaltHex = m.Cipher != null && file.OptionalText("salt") != null ? file.Hex("salt", 8) : null,
            };
            // A side file lives beside its backup and carries its name: "<backup>--<original name>".
            if (!entry.StoredName.StartsWith(m.BackupFile + DatabaseBackup.SideFileSeparator, StringComparison.Ordinal))
            {
                throw new FormatException($"side file '{Printable(entry.StoredName)}' does not belong to backup '{Printable(m.BackupFile)}'");
            }
            m.IncludedFiles.Add(entry);
        }
        if (!member)
        {
            m.Members = ParseMembers(root);
        }
        return m;
    }

    /// <summary>
    /// True when <paramref name="name"/> is a plain file name that stays in the folder it is combined
    /// with: not empty, no folder separators, no drive or root, not "." or "..", no control characters.
    /// </summary>
    public static bool IsPlainFileName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name!.Length > 255 || name == "." || name == "..")
        {
            return false;
        }
        foreach (char c in name)
        {
            if (c < 0x20 || c == 0x7F || c == '/' || c == '\\' || Array.IndexOf(InvalidNameChars, c) >= 0)
            {
                return false;
            }
        }
        return name.Trim().Length > 0 && !Path.IsPathRooted(name);
    }

    private static readonly char[] InvalidNameChars = Path.GetInvalidFileNameChars();

    /// <summary>A name as it may be shown in a message: control characters replaced, length capped.</summary>
    internal static string Printable(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 120));
        foreach (char c in text)
        {
            if (sb.Length >= 120)
            {
                sb.Append('…');
                break;
            }
            sb.Append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return sb.ToString();
    }

    /// <summary>One JSON object of a manifest, read field by field with its type and range checked.</summary>
    private sealed class Fields
    {
        private readonly Dictionary<string, object?> _members;
        private readonly string _prefix;

        public Fields(Dictionary<string, object?> members, string prefix)
        {
            _members = members;
            _prefix = prefix;
        }

        private object? Value(string name) =>
            _members.TryGetValue(name, out object? value) ? value : throw new FormatException($"'{_prefix}{name}' is missing");

        private FormatException Wrong(string name, string what) => new($"'{_prefix}{name}' {what}");

        public string Text(string name, bool allowEmpty = true)
        {
            string text = Value(name) as string ?? throw Wrong(name, "is null or not a string");
            if (text.Length > MaxTextLength)
            {
                throw Wrong(name, $"is longer than {MaxTextLength} characters");
            }
            if (text.IndexOf('\0') >= 0)
            {
                throw Wrong(name, "contains a NUL character");
            }
            if (!allowEmpty && text.Trim().Length == 0)
            {
                throw Wrong(name, "is empty");
            }
            return text;
        }

        public string? OptionalText(string name) =>
            _members.TryGetValue(name, out object? value) && value != null ? Text(name) : null;

        public string FileName(string name)
        {
            string text = Text(name, allowEmpty: false);
            return IsPlainFileName(text) ? text : throw Wrong(name, $"'{Printable(text)}' is not a plain file name in the backup's folder");
        }

        public string OneOf(string name, params string[] allowed)
        {
            string text = Text(name);
            foreach (string a in allowed)
            {
                if (string.Equals(a, text, StringComparison.OrdinalIgnoreCase))
                {
                    return a;
                }
            }
            throw Wrong(name, $"is '{Printable(text)}', not one of {string.Join(", ", allowed)}");
        }

        public string Sha256(string name) => Hex(name, 32);

        public string Hex(string name, int bytes)
        {
            string text = Text(name);
            return text.Length == bytes * 2 && Crypto.Hex.TryParse(text) != null ? text : throw Wrong(name, $"is not {bytes * 2} hexadecimal digits");
        }

        public long Long(string name, long min, long max)
        {
            object? value = Value(name);
            if (value is not long l)
            {
                throw Wrong(name, value == null ? "is null, not an integer" : "is not an integer");
            }
            return l >= min && l <= max ? l : throw Wrong(name, string.Format(CultureInfo.InvariantCulture, "is {0}, outside {1}..{2}", l, min, max));
        }

        public long? OptionalLong(string name, long min, long max) =>
            _members.TryGetValue(name, out object? value) && value != null ? Long(name, min, max) : null;

        public bool Bool(string name) => Value(name) is bool b ? b : throw Wrong(name, "is null or not true/false");

        public DateTime Time(string name)
        {
            string text = Text(name);
            if (text.Length > 40 || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime time))
            {
                throw Wrong(name, $"'{Printable(text)}' is not a time like 2026-12-01T02:00:00.000Z");
            }
            return DateTime.SpecifyKind(time, DateTimeKind.Utc);
        }

        public T Enum<T>(string name) where T : struct
        {
            string text = Text(name);
            foreach (string known in System.Enum.GetNames(typeof(T)))
            {
                if (string.Equals(known, text, StringComparison.OrdinalIgnoreCase))
                {
                    return (T)System.Enum.Parse(typeof(T), known);
                }
            }
            throw Wrong(name, $"is '{Printable(text)}', not one of {string.Join(", ", System.Enum.GetNames(typeof(T)))}");
        }

        public Fields Object(string name) =>
            Value(name) is Dictionary<string, object?> o ? new Fields(o, _prefix + name + ".") : throw Wrong(name, "is null or not an object");

        public IEnumerable<Fields> OptionalObjects(string name) =>
            _members.TryGetValue(name, out object? value) && value != null ? Objects(name) : Enumerable.Empty<Fields>();

        public Fields? OptionalObject(string name) =>
            _members.TryGetValue(name, out object? value) && value != null ? Object(name) : null;

        public IEnumerable<Fields> Objects(string name)
        {
            if (Value(name) is not List<object?> items)
            {
                throw Wrong(name, "is null or not an array");
            }
            if (items.Count > MaxItems)
            {
                throw Wrong(name, $"has more than {MaxItems} entries");
            }
            var result = new List<Fields>(items.Count);
            for (int i = 0; i < items.Count; i++)
            {
                string item = string.Format(CultureInfo.InvariantCulture, "{0}[{1}]", name, i);
                result.Add(items[i] is Dictionary<string, object?> o ? new Fields(o, _prefix + item + ".") : throw Wrong(item, "is null or not an object"));
            }
            return result;
        }
    }

    private static List<KeyValuePair<string, object?>> Object(params (string Name, object? Value)[] members) =>
        members.Select(m => new KeyValuePair<string, object?>(m.Name, m.Value)).ToList();
}
