using System;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Threading;
using SqliteAdmin.Core.Compression;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>Sizes and digests of one file encoded for storage.</summary>
internal sealed class EncodeResult
{
    /// <summary>Bytes read from the plain file.</summary>
    public long PlainSizeBytes { get; set; }
    /// <summary>SHA-256 of the plain bytes.</summary>
    public string PlainSha256 { get; set; } = "";
    /// <summary>Bytes written to the stored file.</summary>
    public long StoredSizeBytes { get; set; }
    /// <summary>SHA-256 of the stored file.</summary>
    public string StoredSha256 { get; set; } = "";
    /// <summary>HMAC-SHA256 of the stored file, when encrypted.</summary>
    public string? Hmac { get; set; }
}

/// <summary>
/// Turns a plain file into its stored form in one streaming pass: hash the plain bytes, gzip them
/// on every core, encrypt them as OpenSSL does, and hash and HMAC what is written. Memory stays at
/// a few buffers whatever the file size.
/// </summary>
internal static class BackupEncoding
{

    /// <summary>Encodes <paramref name="plainPath"/> into a new owner-only file <paramref name="storedPath"/>.</summary>
    public static EncodeResult Encode(string plainPath, string storedPath, bool compress, CompressionLevel level, OpenSslKeys? keys,
        Action<long>? bytesDone, CancellationToken cancellation)
    {
        using var input = new FileStream(plainPath, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize);
        return EncodeWith(storedPath, compress, level, keys, top => StreamPump.Copy(input, top, bytesDone, cancellation));
    }

    /// <summary>
    /// The one encoding pipeline: what <paramref name="writePlain"/> writes is hashed, gzipped on
    /// every core, encrypted as OpenSSL does, and hashed and HMACed into a new owner-only file.
    /// </summary>
    public static EncodeResult EncodeWith(string storedPath, bool compress, CompressionLevel level, OpenSslKeys? keys, Action<Stream> writePlain)
    {
        using FileStream output = OwnerOnlyFile.CreateNew(storedPath, StreamPump.BufferSize);
        var stored = new HashingStream(output, leaveOpen: true, keys?.HmacKey);
        Stream? encryptor = keys != null ? OpenSslEncryption.CreateEncryptor(stored, keys) : null;
        Stream? compressor = compress ? new ParallelGzipStream(encryptor ?? stored, level) : null;
        var plain = new HashingStream(compressor ?? encryptor ?? stored, leaveOpen: true);
        try
        {
            writePlain(plain);
        }
        finally
        {
            plain.Dispose();
            compressor?.Dispose();
            encryptor?.Dispose(); // writes the final padded block, then disposes 'stored'
            stored.Dispose();
        }
        output.Flush(flushToDisk: true);
        return new EncodeResult
        {
            PlainSizeBytes = plain.BytesHashed,
            PlainSha256 = plain.Sha256Hex,
            StoredSizeBytes = stored.BytesHashed,
            StoredSha256 = stored.Sha256Hex,
            Hmac = stored.HmacHex,
        };
    }

    /// <summary>
    /// Decodes a stored file into a new owner-only plain file: decrypt (OpenSSL format), gunzip,
    /// and hash. Stops with BackupCorrupt past <paramref name="maxPlainBytes"/> (a decompression bomb
    /// or the wrong manifest). A wrong passphrase or damaged ciphertext is WrongPassphraseOrCorrupt.
    /// The caller compares the returned size and SHA-256 with the manifest: GZipStream does not
    /// report a truncated file.
    /// </summary>
    public static EncodeResult Decode(string storedPath, string plainPath, bool compressed, Passphrase? passphrase, int iterations,
        long maxPlainBytes, Action<long>? bytesDone, CancellationToken cancellation)
    {
        FileStream output = OwnerOnlyFile.CreateNew(plainPath, StreamPump.BufferSize);
        try
        {
            using (output)
            {
                return DecodeInto(storedPath, output, compressed, passphrase, iterations, maxPlainBytes, bytesDone, cancellation);
            }
        }
        catch
        {
            // Nothing half-decoded stays behind; CreateNew above guarantees the file is ours.
            IO.DurableFile.TryDelete(plainPath);
            throw;
        }
    }

    private static EncodeResult DecodeInto(string storedPath, FileStream output, bool compressed, Passphrase? passphrase, int iterations,
        long maxPlainBytes, Action<long>? bytesDone, CancellationToken cancellation)
    {
        using var input = new FileStream(storedPath, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize);
        OpenSslKeys? keys = null;
        Stream? decryptor = null;
        try
        {
            if (passphrase != null)
            {
                keys = OpenSslEncryption.DeriveKeys(passphrase, OpenSslEncryption.ReadHeader(input, storedPath), iterations);
                decryptor = OpenSslEncryption.CreateDecryptor(input, keys);
            }
            Stream source = decryptor ?? input;
            using var plain = new HashingStream(output, leaveOpen: true);
            if (compressed)
            {
                ParallelGzipDecoder.Decode(source, plain, maxPlainBytes, () => TooLarge(maxPlainBytes), bytesDone, cancellation);
            }
            else
            {
                StreamPump.Copy(source, plain, bytesDone, cancellation, maxPlainBytes, () => TooLarge(maxPlainBytes));
            }
            output.Flush(flushToDisk: true);
            return new EncodeResult { PlainSizeBytes = plain.BytesHashed, PlainSha256 = plain.Sha256Hex, StoredSizeBytes = input.Length };
        }
        catch (Exception ex) when (ex is CryptographicException || (ex is InvalidDataException && passphrase != null))
        {
            throw new SqliteAdminException(ErrorIds.WrongPassphraseOrCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"Cannot decrypt '{storedPath}': wrong passphrase, or the backup is corrupt.", storedPath, ex);
        }
        catch (InvalidDataException ex)
        {
            throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"Cannot decompress '{storedPath}': {ex.Message}", storedPath, ex);
        }
        finally
        {
            try
            {
                decryptor?.Dispose();
            }
            catch (CryptographicException)
            {
                // Disposing after a failed decrypt re-reports the bad padding; the failure is already thrown.
            }
            keys?.Dispose();
        }
    }

    private static SqliteAdminException TooLarge(long limit) =>
        new(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
            $"The backup decodes to more than the {limit} bytes its manifest states; stopped (corrupt, or not the file the manifest describes).");
}
