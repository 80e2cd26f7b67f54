using System;
using System.IO;
using System.Security.Cryptography;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Crypto;

/// <summary>
/// A pass-through stream that computes the SHA-256 (and optionally an HMAC-SHA256) of every byte
/// read from or written to it, and counts them: hashing happens in the same pass as the copy.
/// </summary>
internal sealed class HashingStream : ForwardOnlyStream
{
    private readonly Stream _inner;
    private readonly bool _leaveOpen;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _hmac;
    private byte[]? _sha256Result;
    private byte[]? _hmacResult;

    /// <summary>Wraps <paramref name="inner"/>; with <paramref name="hmacKey"/>, also computes an HMAC-SHA256.</summary>
    public HashingStream(Stream inner, bool leaveOpen, byte[]? hmacKey = null)
    {
        _inner = inner;
        _leaveOpen = leaveOpen;
        if (hmacKey != null)
        {
            _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, hmacKey);
        }
    }

    /// <summary>Bytes that went through.</summary>
    public long BytesHashed { get; private set; }

    /// <summary>The SHA-256 of everything that went through, lower-case hex. Ends hashing.</summary>
    public string Sha256Hex => Hex.ToHex(_sha256Result ??= _sha256.GetHashAndReset());

    /// <summary>The HMAC-SHA256, lower-case hex; null without a key. Ends hashing.</summary>
    public string? HmacHex => _hmac == null ? null : Hex.ToHex(_hmacResult ??= _hmac.GetHashAndReset());

    /// <inheritdoc />
    public override bool CanRead => _inner.CanRead;
    /// <inheritdoc />
    public override bool CanWrite => _inner.CanWrite;
    /// <inheritdoc />
    public override long Position { get => BytesHashed; set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = _inner.Read(buffer, offset, count);
        Append(buffer, offset, n);
        return n;
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        Append(buffer, offset, count);
        _inner.Write(buffer, offset, count);
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Finish the hashes first: an outer CryptoStream disposes this stream when it writes its
            // final block, and the results are read after that.
            _sha256Result ??= _sha256.GetHashAndReset();
            _hmacResult ??= _hmac?.GetHashAndReset();
            _sha256.Dispose();
            _hmac?.Dispose();
            if (!_leaveOpen)
            {
                _inner.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    private void Append(byte[] buffer, int offset, int count)
    {
        if (count <= 0)
        {
            return;
        }
        if (_sha256Result != null)
        {
            throw new InvalidOperationException("The hash was already read.");
        }
        _sha256.AppendData(buffer, offset, count);
        _hmac?.AppendData(buffer, offset, count);
        BytesHashed += count;
    }
}

/// <summary>Hex encoding and constant-time comparison.</summary>
internal static class Hex
{
    /// <summary>Lower-case hex.</summary>
    public static string ToHex(byte[] bytes)
    {
        var chars = new char[bytes.Length * 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            chars[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xF];
        }
        return new string(chars);
    }

    /// <summary>Parses hex (either case); null if it is not hex.</summary>
    public static byte[]? TryParse(string? hex)
    {
        if (hex == null || hex.Length % 2 != 0)
        {
            return null;
        }
        var bytes = new byte[hex.Length / 2];
        for (int i = 0; i < bytes.Length; i++)
        {
            int hi = Nibble(hex[2 * i]), lo = Nibble(hex[2 * i + 1]);
            if (hi < 0 || lo < 0)
            {
                return null;
            }
            bytes[i] = (byte)((hi << 4) | lo);
        }
        return bytes;
    }

    /// <summary>Compares two hex digests in constant time (for the HMAC).</summary>
    public static bool FixedTimeEquals(string? a, string? b)
    {
        byte[]? x = TryParse(a), y = TryParse(b);
        if (x == null || y == null || x.Length != y.Length)
        {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < x.Length; i++)
        {
            diff |= x[i] ^ y[i];
        }
        return diff == 0;
    }

    private static int Nibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
