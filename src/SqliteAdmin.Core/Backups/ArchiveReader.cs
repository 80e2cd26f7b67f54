using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.Tar;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Json;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// Reads a tar archive of databases (ours, or seed 002's <c>tar.gz</c> with <c>backup_metadata.json</c>)
/// as hostile input: only regular files are members, named by their last path component; an entry
/// that is a link, a device or a FIFO, or whose name is absolute or climbs out with "..", refuses
/// the whole archive, as do two members with one name. Entries stream one after the other; nothing
/// is held in memory but the small metadata file.
/// Tar is read with SharpZipLib's TarInputStream (GNU long names and pax headers included).
/// </summary>
internal static class ArchiveReader
{
    /// <summary>Our manifest inside an archive we made: the first entry.</summary>
    public const string ManifestEntry = "sqliteadmin-archive.json";

    /// <summary>Seed 002's metadata file.</summary>
    public const string SeedMetadataEntry = "backup_metadata.json";

    /// <summary>Largest metadata or manifest entry read.</summary>
    public const long MaxMetadataBytes = 1 << 20;

    /// <summary>Calls <paramref name="onFile"/> for each regular file (member name, size, its data, at most size bytes).</summary>
    public static void Read(Stream tar, string path, Action<string, long, Stream> onFile, CancellationToken cancellation)
    {
        // SharpZipLib pads a short read with zeros and goes on: a member claiming 8 GB in a 218-byte
        // file would read as 8 GB of zeros. What was really read is counted under it, and a block
        // past that (the rest of a member, its next header, the end-of-archive block) is truncation.
        var counted = new CountingStream(tar);
        using var input = new CheckedTarInputStream(counted, path);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        TarEntry? entry;
        while ((entry = input.GetNextEntry()) != null)
        {
            input.EnsureRead(entry.Name);
            cancellation.ThrowIfCancellationRequested();
            byte type = entry.TarHeader.TypeFlag;
            if (type == TarHeader.LF_DIR)
            {
                Components(entry.Name, path); // a directory is skipped, but may not climb out either
                continue;
            }
            if (type != TarHeader.LF_NORMAL && type != TarHeader.LF_OLDNORM)
            {
                throw Hostile(path, $"its entry '{Printable(entry.Name)}' is {KindOf(type)}; links, devices and FIFOs are never read or restored");
            }
            List<string> parts = Components(entry.Name, path);
            string name = parts[parts.Count - 1];
            if (!seen.Add(name))
            {
                throw Hostile(path, $"two entries are named '{Printable(name)}'");
            }
            if (entry.Size < 0)
            {
                throw Hostile(path, $"the entry '{Printable(name)}' has a negative size");
            }
            input.CurrentName = name;
            onFile(name, entry.Size, input);
            input.EnsureRead(name);
            input.CurrentName = null;
        }
        input.EnsureRead(null);
    }

    /// <summary>A tar reader that refuses any block the archive does not really hold (see <see cref="Read"/>).</summary>
    private sealed class CheckedTarInputStream : TarInputStream
    {
        private readonly CountingStream _counted;
        private readonly string _path;

        public CheckedTarInputStream(CountingStream counted, string path) : base(counted, Encoding.UTF8)
        {
            _counted = counted;
            _path = path;
            IsStreamOwner = false;
        }

        /// <summary>Bytes of the tar the reader has used (whole 512-byte blocks).</summary>
        private long Used => tarBuffer.CurrentRecord < 0 ? 0 : ((long)tarBuffer.CurrentRecord * tarBuffer.BlockFactor + tarBuffer.CurrentBlock) * TarBuffer.BlockSize;

        /// <summary>Throws BackupCorrupt when a block used was past the end of what was read.</summary>
        public void EnsureRead(string? member)
        {
            if (Used > _counted.Count)
            {
                throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"Archive '{_path}' is truncated: it ends after {_counted.Count} bytes, " +
                    (member == null ? "before its end-of-archive blocks." : $"inside '{Printable(member)}' (its header claims more than the archive holds)."), _path);
            }
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = base.Read(buffer, offset, count);
            EnsureRead(CurrentName);
            return read;
        }

        /// <summary>The member being read, for the message.</summary>
        public string? CurrentName { get; set; }
    }

    /// <summary>Counts the bytes really read from the stream under it.</summary>
    private sealed class CountingStream : Stream
    {
        private readonly Stream _inner;

        public CountingStream(Stream inner) => _inner = inner;

        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = _inner.Read(buffer, offset, count);
            Count += read;
            return read;
        }
    }

    /// <summary>Reads a small entry (metadata, manifest) as UTF-8 text; refuses one larger than <see cref="MaxMetadataBytes"/>.</summary>
    public static string ReadText(string path, string name, long size, Stream data)
    {
        if (size > MaxMetadataBytes)
        {
            throw Hostile(path, $"its '{name}' is {size} bytes; metadata is never that large");
        }
        var bytes = new byte[size];
        int read = 0;
        while (read < size)
        {
            int n = data.Read(bytes, read, (int)size - read);
            if (n == 0)
            {
                throw new InvalidDataException($"'{name}' is truncated");
            }
            read += n;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            throw Hostile(path, $"its '{name}' is not UTF-8 text");
        }
    }

    /// <summary>
    /// The first bytes of a member (at most <paramref name="max"/>), and whether they are an SQLite
    /// database's header; the caller writes them before the rest of the data.
    /// </summary>
    public static (byte[] Head, int Length, bool IsDatabase) ReadHead(Stream data, long size, int max = SqliteFileProbe.HeaderSize)
    {
        var head = new byte[Math.Min(size, max)];
        int read = ForeignBackup.ReadUpTo(data, head);
        return (head, read, read >= SqliteFileProbe.HeaderSize && SqliteFileProbe.StartsWithMagic(head));
    }

    /// <summary>The database name a member file has: its name without extension.</summary>
    public static string DatabaseOf(string memberName) => BackupFileName.DatabaseNameOf(memberName);

    private static List<string> Components(string name, string path)
    {
        if (name.IndexOf('\0') >= 0 || name.StartsWith("/", StringComparison.Ordinal) || name.IndexOf('\\') >= 0 || name.IndexOf(':') >= 0)
        {
            throw Hostile(path, $"its entry '{Printable(name)}' has an absolute or Windows-style name");
        }
        var parts = name.Split('/').Where(p => p.Length > 0 && p != ".").ToList();
        if (parts.Contains(".."))
        {
            throw Hostile(path, $"its entry '{Printable(name)}' climbs out of the archive with '..'");
        }
        if (parts.Count == 0)
        {
            parts.Add(".");
        }
        return parts;
    }

    private static string KindOf(byte type) => type switch
    {
        TarHeader.LF_LINK => "a hard link",
        TarHeader.LF_SYMLINK => "a symbolic link",
        TarHeader.LF_CHR => "a character device",
        TarHeader.LF_BLK => "a block device",
        TarHeader.LF_FIFO => "a FIFO",
        _ => $"of type '{(char)type}'",
    };

    /// <summary>A name as it may appear in a message: control characters shown as '?', at most 200 characters.</summary>
    public static string Printable(string name)
    {
        string clean = new string(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length > 200 ? clean.Substring(0, 200) + "…" : clean;
    }

    /// <summary>The archive is refused as a whole.</summary>
    public static SqliteAdminException Hostile(string path, string why) =>
        new(ErrorIds.ArchiveUnsafe, SqliteAdminErrorCategory.InvalidData, $"Archive '{path}' is not read: {why}.", path);
}

/// <summary>Seed 002's backup_metadata.json, every field checked (it comes from a file anyone may have written).</summary>
internal sealed class SeedArchiveMetadata
{
    /// <summary>backup_name.</summary>
    public string? BackupName { get; private set; }
    /// <summary>created_at (a local time without offset, as Python's isoformat writes it), in UTC.</summary>
    public DateTime? CreatedUtc { get; private set; }
    /// <summary>version.</summary>
    public string? Version { get; private set; }
    /// <summary>includes: which databases the archive says it holds, by prefix (arrow, user).</summary>
    public Dictionary<string, bool> Includes { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>table_count per prefix (arrow_db_stats → arrow).</summary>
    public Dictionary<string, long> TableCounts { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses and checks; throws BackupCorrupt with the reason when anything is off.</summary>
    public static SeedArchiveMetadata Parse(string json, string path)
    {
        object? root;
        try
        {
            root = JsonTree.Parse(json);
        }
        catch (FormatException ex)
        {
            throw Invalid(path, ex.Message);
        }
        if (root is not Dictionary<string, object?> fields)
        {
            throw Invalid(path, "it is not a JSON object");
        }
        var metadata = new SeedArchiveMetadata();
        foreach (KeyValuePair<string, object?> field in fields)
        {
            switch (field.Key)
            {
                case "backup_name":
                    metadata.BackupName = Text(field.Value, field.Key, path);
                    break;
                case "version":
                    metadata.Version = Text(field.Value, field.Key, path);
                    break;
                case "created_at":
                    string created = Text(field.Value, field.Key, path);
                    if (!DateTime.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime when) || when.Year < 1970 || when.Year > 9000)
                    {
                        throw Invalid(path, "created_at is not a date and time");
                    }
                    metadata.CreatedUtc = when.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(when, DateTimeKind.Local).ToUniversalTime() : when.ToUniversalTime();
                    break;
                case "includes":
                    if (field.Value is not Dictionary<string, object?> includes || includes.Count > 64)
                    {
                        throw Invalid(path, "includes is not an object of true/false");
                    }
                    foreach (KeyValuePair<string, object?> include in includes)
                    {
                        if (include.Value is not bool included)
                        {
                            throw Invalid(path, $"includes.{ArchiveReader.Printable(include.Key)} is not true or false");
                        }
                        metadata.Includes[Prefix(include.Key, "_database")] = included;
                    }
                    break;
                default:
                    if (field.Key.EndsWith("_db_stats", StringComparison.Ordinal))
                    {
                        if (field.Value is not Dictionary<string, object?> stats)
                        {
                            throw Invalid(path, $"{ArchiveReader.Printable(field.Key)} is not an object");
                        }
                        if (stats.TryGetValue("table_count", out object? count))
                        {
                            if (count is not long tables || tables < 0 || tables > 1_000_000)
                            {
                                throw Invalid(path, $"{ArchiveReader.Printable(field.Key)}.table_count is not a whole number from 0 to 1000000");
                            }
                            metadata.TableCounts[Prefix(field.Key, "_db_stats")] = tables;
                        }
                        if (stats.TryGetValue("file_size_mb", out object? size) && !(size is long l && l >= 0 || size is double d && d >= 0 && d < 1e9))
                        {
                            throw Invalid(path, $"{ArchiveReader.Printable(field.Key)}.file_size_mb is not a size");
                        }
                    }
                    break; // other fields are informative only
            }
        }
        return metadata;
    }

    /// <summary>The metadata's prefix (arrow, user) that a member (arrow_database.db, user_data.db) belongs to, or null.</summary>
    public string? PrefixOf(string database) =>
        Includes.Keys.Concat(TableCounts.Keys).FirstOrDefault(p => database.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    private static string Prefix(string key, string suffix) => key.EndsWith(suffix, StringComparison.Ordinal) ? key.Substring(0, key.Length - suffix.Length) : key;

    private static string Text(object? value, string field, string path) =>
        value is string text && text.Length <= 256 ? text : throw Invalid(path, $"{field} is not a short text");

    private static SqliteAdminException Invalid(string path, string why) =>
        new(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData, $"The {ArchiveReader.SeedMetadataEntry} in '{path}' is invalid: {why}.", path);
}
