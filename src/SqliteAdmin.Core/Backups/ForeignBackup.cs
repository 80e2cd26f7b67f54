using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.GZip;
using SqliteAdmin.Core.Compression;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>What the first bytes of a file (or of a decoded layer) say it is. Never the name.</summary>
internal static class ForeignHeader
{
    /// <summary>The formats a foreign backup is made of.</summary>
    internal enum Kind
    {
        Unknown,
        Sqlite,
        Gzip,
        OpenSsl,
        Tar,
    }

    /// <summary>Bytes read to recognise a layer: a tar header is 512 bytes; an OpenSSL header and the key-search sample fit too.</summary>
    public const int Length = 512;

    /// <summary>Recognises the first <paramref name="length"/> bytes of <paramref name="head"/>.</summary>
    public static Kind Recognize(byte[] head, int length)
    {
        if (length >= 16 && SqliteFileProbe.StartsWithMagic(head))
        {
            return Kind.Sqlite;
        }
        if (length >= 16 && StartsWith(head, OpenSslEncryption.Magic))
        {
            return Kind.OpenSsl;
        }
        // RFC 1952: magic, CM=8 (deflate), reserved flag bits zero, XFL 0/2/4, a known OS: 37 bits
        // that random bytes (a wrong key in the OpenSSL key search) almost never show.
        if (length >= 10 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8 && (head[3] & 0xE0) == 0
            && head[8] is 0 or 2 or 4 && (head[9] <= 13 || head[9] == 255))
        {
            return Kind.Gzip;
        }
        if (length >= 263 && IsUstarMagic(head, 257))
        {
            return Kind.Tar;
        }
        return Kind.Unknown;
    }

    /// <summary>POSIX "ustar\0" or GNU "ustar " at <paramref name="offset"/>.</summary>
    public static bool IsUstarMagic(byte[] bytes, int offset) =>
        bytes.Length >= offset + 6 && bytes[offset] == (byte)'u' && bytes[offset + 1] == (byte)'s' && bytes[offset + 2] == (byte)'t'
        && bytes[offset + 3] == (byte)'a' && bytes[offset + 4] == (byte)'r' && bytes[offset + 5] is 0 or (byte)' ';

    private static bool StartsWith(byte[] bytes, byte[] prefix)
    {
        for (int i = 0; i < prefix.Length; i++)
        {
            if (bytes[i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// A backup another tool made (sqlite3 .backup, gzip, openssl enc, tar -czf), opened by content:
/// each layer is recognised from its first bytes and peeled (gzip, OpenSSL aes-256-cbc in any
/// order, at most <see cref="MaxLayers"/>), until an SQLite database or a tar archive shows. The
/// stored bytes are hashed on the way, so a <c>.sha256</c> beside the file can be compared.
/// Streaming: nothing is held in memory but a few buffers.
/// </summary>
internal sealed class ForeignBackup : IDisposable
{
    /// <summary>gzip and openssl layers peeled at most (gz.enc.gz.enc); more is refused as hostile.</summary>
    public const int MaxLayers = 4;

    private readonly FileStream _file;
    private readonly HashingStream _stored;
    private readonly List<Stream> _owned = new();

    private ForeignBackup(string path, FileStream file)
    {
        Path = path;
        _file = file;
        _stored = new HashingStream(file, leaveOpen: true);
        Content = _stored;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>gzip / openssl layers, outermost first.</summary>
    public List<ForeignHeader.Kind> Layers { get; } = new();
    /// <summary>Sqlite or Tar when recognised; Unknown when an encrypted layer could not be opened (no passphrase).</summary>
    public ForeignHeader.Kind Kind { get; private set; } = ForeignHeader.Kind.Unknown;
    /// <summary>The decoded content, from its first byte.</summary>
    public Stream Content { get; private set; }
    /// <summary>How an encrypted layer was keyed ("pbkdf2 sha256 iter 10000", "legacy md5"); never secret.</summary>
    public string? Derivation { get; private set; }
    /// <summary>Whether any layer is gzip.</summary>
    public bool Compressed => Layers.Contains(ForeignHeader.Kind.Gzip);
    /// <summary>Whether any layer is OpenSSL.</summary>
    public bool Encrypted => Layers.Contains(ForeignHeader.Kind.OpenSsl);

    /// <summary>The format as a file name would spell it, innermost first: db, db.gz, db.gz.enc, tar.gz, or enc when the content is locked.</summary>
    public string Format => FormatOf(Kind, Layers);

    /// <summary>Spells a format: the content (db, tar, or nothing when unknown), then each layer from the inside out.</summary>
    public static string FormatOf(ForeignHeader.Kind kind, IEnumerable<ForeignHeader.Kind> layersOutermostFirst)
    {
        var parts = new List<string>();
        if (kind == ForeignHeader.Kind.Sqlite)
        {
            parts.Add("db");
        }
        else if (kind == ForeignHeader.Kind.Tar)
        {
            parts.Add("tar");
        }
        parts.AddRange(layersOutermostFirst.Reverse().Select(l => l == ForeignHeader.Kind.Gzip ? "gz" : "enc"));
        return string.Join(".", parts);
    }

    /// <summary>
    /// Opens <paramref name="path"/> and peels its layers. Without a passphrase an encrypted layer
    /// stops the peeling (Kind stays Unknown). Throws NotABackup when the file is none of the
    /// formats, WrongPassphraseOrCorrupt when no key derivation opens it, BackupCorrupt when a
    /// layer decodes to something unknown.
    /// </summary>
    public static ForeignBackup Open(string path, Passphrase? passphrase, CancellationToken cancellation)
    {
        if (!FileLinks.IsRegularFileOrLinkToOne(path))
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is not a regular file (a FIFO or a device): it is not read as a backup.", path);
        }
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize);
        var backup = new ForeignBackup(path, file);
        try
        {
            backup.Translate(() => backup.Peel(passphrase, cancellation));
            return backup;
        }
        catch
        {
            backup.Dispose();
            throw;
        }
    }

    /// <summary>What a file is, from its first bytes, without a passphrase (gzip layers are peeled a few hundred bytes deep); null when it is none of the formats.</summary>
    public static ForeignBackup? TrySniff(string path, CancellationToken cancellation)
    {
        try
        {
            return Sniff(path, cancellation);
        }
        catch (SqliteAdminException)
        {
            return null;
        }
        catch (Exception ex) when (DurableFile.IsFileSystemFailure(ex))
        {
            return null;
        }
    }

    /// <summary>As <see cref="TrySniff"/>, but says why a file is none of the formats (NotABackup, BackupCorrupt). Disposed already: only its description is read.</summary>
    public static ForeignBackup Sniff(string path, CancellationToken cancellation)
    {
        using ForeignBackup backup = Open(path, null, cancellation);
        return backup;
    }

    /// <summary>Whether the file's content (under the passphrase, if encrypted) is a tar archive.</summary>
    public static bool IsArchive(string path, Passphrase? passphrase, CancellationToken cancellation)
    {
        using ForeignBackup? sniffed = TrySniff(path, cancellation);
        if (sniffed == null || sniffed.Kind == ForeignHeader.Kind.Tar)
        {
            return sniffed != null;
        }
        if (sniffed.Kind != ForeignHeader.Kind.Unknown || passphrase == null)
        {
            return false;
        }
        using ForeignBackup opened = Open(path, passphrase, cancellation);
        return opened.Kind == ForeignHeader.Kind.Tar;
    }

    private void Peel(Passphrase? passphrase, CancellationToken cancellation)
    {
        for (int depth = 0; ; depth++)
        {
            var head = new byte[ForeignHeader.Length];
            int length = ReadUpTo(Content, head);
            ForeignHeader.Kind kind = ForeignHeader.Recognize(head, length);
            Stream rest = new GzipMembers.PrefixedStream(head.Take(length).ToArray(), Content, long.MaxValue);
            switch (kind)
            {
                case ForeignHeader.Kind.Sqlite:
                case ForeignHeader.Kind.Tar:
                    Kind = kind;
                    Content = rest;
                    return;
                case ForeignHeader.Kind.Unknown when depth == 0:
                    throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidData,
                        $"'{Path}' is not a backup this module can read: it is not an SQLite database, gzip, an OpenSSL-encrypted file or a tar archive (read from its first bytes).", Path);
                case ForeignHeader.Kind.Unknown:
                    throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                        $"'{Path}' ({FormatOf(kind, Layers)}) decodes to something that is neither an SQLite database nor a tar archive: damaged, or not a database backup.", Path);
            }
            if (depth == MaxLayers)
            {
                throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"'{Path}' has more than {MaxLayers} layers of compression and encryption; it is not read further (a backup tool makes one or two).", Path);
            }
            Layers.Add(kind);
            if (kind == ForeignHeader.Kind.Gzip)
            {
                // SharpZipLib checks each member's CRC-32 and length: in-box GZipStream does not notice a truncated file.
                var gzip = new GZipInputStream(rest) { IsStreamOwner = false };
                _owned.Add(gzip);
                Content = gzip;
                continue;
            }
            if (passphrase == null)
            {
                return; // encrypted; what is inside shows only with the passphrase
            }
            var salt = new byte[8];
            Buffer.BlockCopy(head, 8, salt, 0, 8);
            int sampleLength = Math.Min(OpenSslKeySearch.SampleLength, (length - OpenSslEncryption.HeaderLength) / 16 * 16);
            var sample = new byte[OpenSslKeySearch.SampleLength];
            Buffer.BlockCopy(head, OpenSslEncryption.HeaderLength, sample, 0, sampleLength);
            using OpenSslKeySearch.Found found = OpenSslKeySearch.Find(passphrase, salt, sample, sampleLength,
                (plain, plainLength, at256) => ForeignHeader.Recognize(plain, plainLength) != ForeignHeader.Kind.Unknown || (at256 != null && ForeignHeader.IsUstarMagic(at256, 1)), cancellation)
                ?? throw new SqliteAdminException(ErrorIds.WrongPassphraseOrCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"Cannot decrypt '{Path}': wrong passphrase, or not made by openssl enc -aes-256-cbc (tried -pbkdf2 -md sha256 with -iter 1 to {OpenSslKeySearch.MaxIterations}, and the legacy key derivation without -pbkdf2, MD5 and SHA-256).", Path);
            Derivation = found.Derivation;
            var ciphertext = new GzipMembers.PrefixedStream(head.Skip(OpenSslEncryption.HeaderLength).Take(length - OpenSslEncryption.HeaderLength).ToArray(), Content, long.MaxValue);
            using Aes aes = Aes.Create();
            aes.Mode = CipherMode.CBC;
            aes.Padding = PaddingMode.PKCS7;
            var decryptor = new CryptoStream(ciphertext, aes.CreateDecryptor(found.Key, found.IV), CryptoStreamMode.Read);
            _owned.Add(decryptor);
            Content = decryptor;
        }
    }

    /// <summary>
    /// Copies the decoded content into <paramref name="output"/> (at most <paramref name="limit"/>
    /// bytes), reads the stored file to its end, and returns the plain size and SHA-256 and the stored SHA-256.
    /// Damage (bad CRC, truncation, bad padding) is BackupCorrupt or WrongPassphraseOrCorrupt.
    /// </summary>
    public EncodeResult CopyContentTo(Stream output, long limit, Action<long>? bytesDone, CancellationToken cancellation)
    {
        using var plain = new HashingStream(output, leaveOpen: true);
        Translate(() =>
        {
            StreamPump.Copy(Content, plain, bytesDone, cancellation, limit, () => TooLarge(limit));
            FinishStored(cancellation);
        });
        return new EncodeResult { PlainSizeBytes = plain.BytesHashed, PlainSha256 = plain.Sha256Hex, StoredSizeBytes = _stored.BytesHashed, StoredSha256 = _stored.Sha256Hex };
    }

    /// <summary>Reads what the layers left unread (a gzip trailer, the last cipher block) so the stored hash covers the whole file; trailing bytes after the content are damage.</summary>
    public void FinishStored(CancellationToken cancellation)
    {
        Translate(() =>
        {
            if (Content.Read(new byte[1], 0, 1) != 0)
            {
                throw new InvalidDataException("data after the end of the content");
            }
            // Inner layers first: a decryptor checks its padding only when it reaches its end.
            for (int i = _owned.Count - 1; i >= 0; i--)
            {
                StreamPump.Copy((Stream)_owned[i], Stream.Null, null, cancellation);
            }
            StreamPump.Copy(_stored, Stream.Null, null, cancellation);
        });
    }

    /// <summary>SHA-256 of the file as stored, once it has been read to its end.</summary>
    public string StoredSha256 => _stored.Sha256Hex;

    /// <summary>Runs a read and turns the decoders' exceptions into the module's.</summary>
    public void Translate(Action read)
    {
        try
        {
            read();
        }
        catch (CryptographicException ex)
        {
            throw new SqliteAdminException(ErrorIds.WrongPassphraseOrCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"Cannot decrypt '{Path}': wrong passphrase, or the backup is damaged ({ex.Message}).", Path, ex);
        }
        catch (Exception ex) when (ex is GZipException || ex is InvalidDataException || ex is ICSharpCode.SharpZipLib.SharpZipBaseException || ex is EndOfStreamException)
        {
            throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"'{Path}' ({Format}) is damaged or truncated: {ex.Message}", Path, ex);
        }
    }

    private SqliteAdminException TooLarge(long limit) =>
        new(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
            $"'{Path}' decodes to more than the {limit} bytes free where it is decoded: stopped (a decompression bomb, or too little disk space).", Path);

    /// <summary>Reads until the buffer is full or the stream ends; returns the bytes read.</summary>
    internal static int ReadUpTo(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return read;
    }

    /// <summary>Closes every layer and the file.</summary>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception ex) when (ex is CryptographicException || ex is GZipException || ex is IOException)
            {
                // Closing a layer that failed re-reports its failure; it is already thrown.
            }
        }
        _stored.Dispose();
        _file.Dispose();
    }
}

/// <summary>A <c>.sha256</c> file beside a foreign backup (sha256sum's "hash  name", or the hash alone).</summary>
internal static class ChecksumFile
{
    /// <summary>The side file's path when one is there.</summary>
    public static string? Beside(string backupPath)
    {
        string path = backupPath + ".sha256";
        return File.Exists(path) ? path : null;
    }

    /// <summary>The 64 hex digits it holds; throws BackupCorrupt when it holds anything else (or is not a small regular file).</summary>
    public static string Read(string path)
    {
        if (!FileLinks.IsRegularFile(path) || new FileInfo(path).Length > 4096)
        {
            throw Invalid(path, "it is not a small regular file");
        }
        string text = File.ReadAllText(path, Encoding.ASCII).Trim();
        string hex = text.Split(new[] { ' ', '\t', '\n', '\r' }, 2)[0].TrimStart('\\');
        if (hex.Length != 64 || hex.Any(c => !Uri.IsHexDigit(c)))
        {
            throw Invalid(path, "it does not start with a SHA-256 (64 hex digits)");
        }
        return hex.ToLowerInvariant();
    }

    /// <summary>Whether the recorded hash is the stored file's or the plain database's; throws BackupCorrupt when it is neither.</summary>
    public static void Check(string checksumPath, string backupPath, string storedSha, string? plainSha)
    {
        string expected = Read(checksumPath);
        if (!string.Equals(expected, storedSha, StringComparison.OrdinalIgnoreCase) && !string.Equals(expected, plainSha, StringComparison.OrdinalIgnoreCase))
        {
            throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"'{backupPath}' does not match the SHA-256 in '{System.IO.Path.GetFileName(checksumPath)}': it is damaged or altered.", backupPath);
        }
    }

    private static SqliteAdminException Invalid(string path, string why) =>
        new(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData, $"The checksum file '{path}' cannot be used: {why}.", path);
}
