using System;
using System.IO;
using System.IO.Compression;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Compression;

/// <summary>
/// Reads a gzip file member by member. Members written by <see cref="ParallelGzipStream"/> carry
/// their length, so each is decompressed on its own; .NET Framework's GZipStream would otherwise
/// stop after the first member. Any other gzip file is handed to GZipStream whole.
/// </summary>
public sealed class GzipMemberReader : ForwardOnlyStream
{
    private readonly Stream _input;
    private Stream? _member;
    private bool _done;

    /// <summary>Reads gzip data from <paramref name="input"/> (not closed by this stream).</summary>
    public GzipMemberReader(Stream input) => _input = input;

    /// <inheritdoc />
    public override bool CanRead => true;
    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        while (!_done)
        {
            _member ??= NextMember();
            if (_member == null)
            {
                _done = true;
                break;
            }
            int n = _member.Read(buffer, offset, count);
            if (n > 0)
            {
                return n;
            }
            _member.Dispose();
            _member = null;
        }
        return 0;
    }

    private Stream? NextMember()
    {
        if (!TryReadHeader(_input, out byte[] prefix, out long memberLength))
        {
            return null;
        }
        if (memberLength > 0)
        {
            return new GZipStream(new PrefixedStream(prefix, _input, memberLength - prefix.Length), CompressionMode.Decompress);
        }
        return Whole(prefix);
    }

    /// <summary>
    /// Reads one member header. False at the end of the input. <paramref name="prefix"/> holds the
    /// bytes read; <paramref name="memberLength"/> is the whole member's length from our "SA"
    /// subfield, or 0 for a member written by another tool.
    /// </summary>
    internal static bool TryReadHeader(Stream input, out byte[] prefix, out long memberLength)
    {
        memberLength = 0;
        var header = new byte[12];
        int got = ReadFully(input, header, 0, 10);
        if (got == 0)
        {
            prefix = Array.Empty<byte>();
            return false;
        }
        if (got < 10 || header[0] != 0x1F || header[1] != 0x8B)
        {
            throw new InvalidDataException("The data is not in gzip format (bad member header).");
        }
        if ((header[3] & 0x04) != 0 && ReadFully(input, header, 10, 2) == 2)
        {
            int xlen = header[10] | (header[11] << 8);
            var extra = new byte[xlen];
            if (ReadFully(input, extra, 0, xlen) != xlen)
            {
                throw new InvalidDataException("The gzip data is truncated (member header).");
            }
            prefix = Concat(header, 12, extra);
            memberLength = FindLength(extra);
            if (memberLength > 0 && memberLength - prefix.Length < 8)
            {
                throw new InvalidDataException("The gzip member length is invalid.");
            }
            return true;
        }
        prefix = Concat(header, got, Array.Empty<byte>());
        return true;
    }

    /// <summary>A gzip file from elsewhere: one GZipStream over the rest (multi-member only where the runtime supports it).</summary>
    private Stream Whole(byte[] prefix)
    {
        Stream whole = new GZipStream(new PrefixedStream(prefix, _input, long.MaxValue), CompressionMode.Decompress);
        return new LastStream(whole, () => _done = true);
    }

    private static long FindLength(byte[] extra)
    {
        for (int i = 0; i + 4 <= extra.Length;)
        {
            int len = extra[i + 2] | (extra[i + 3] << 8);
            if (extra[i] == ParallelGzipStream.SubfieldId1 && extra[i + 1] == ParallelGzipStream.SubfieldId2 && len == 4 && i + 8 <= extra.Length)
            {
                return (uint)(extra[i + 4] | (extra[i + 5] << 8) | (extra[i + 6] << 16) | (extra[i + 7] << 24));
            }
            i += 4 + len;
        }
        return 0;
    }

    private static byte[] Concat(byte[] a, int aLength, byte[] b)
    {
        var result = new byte[aLength + b.Length];
        Buffer.BlockCopy(a, 0, result, 0, aLength);
        Buffer.BlockCopy(b, 0, result, aLength, b.Length);
        return result;
    }

    internal static int ReadFully(Stream stream, byte[] buffer, int offset, int count)
    {
        int total = 0;
        while (total < count)
        {
            int n = stream.Read(buffer, offset + total, count - total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Bytes already read, then at most <c>limit</c> more bytes of the underlying stream (left open).</summary>
    internal sealed class PrefixedStream : ForwardOnlyStream
    {
        private readonly byte[] _prefix;
        private readonly Stream _inner;
        private int _prefixPos;
        private long _remaining;

        public PrefixedStream(byte[] prefix, Stream inner, long limit)
        {
            _prefix = prefix;
            _inner = inner;
            _remaining = limit;
        }

        public override bool CanRead => true;
        public override bool CanWrite => false;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_prefixPos < _prefix.Length)
            {
                int take = Math.Min(count, _prefix.Length - _prefixPos);
                Buffer.BlockCopy(_prefix, _prefixPos, buffer, offset, take);
                _prefixPos += take;
                return take;
            }
            if (_remaining <= 0)
            {
                return 0;
            }
            int n = _inner.Read(buffer, offset, (int)Math.Min(count, _remaining));
            _remaining -= n;
            return n;
        }
    }

    /// <summary>Wraps the final stream of a foreign gzip file and marks the reader done when it ends.</summary>
    private sealed class LastStream : ForwardOnlyStream
    {
        private readonly Stream _inner;
        private readonly Action _onEnd;

        public LastStream(Stream inner, Action onEnd)
        {
            _inner = inner;
            _onEnd = onEnd;
        }

        public override bool CanRead => true;
        public override bool CanWrite => false;

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = _inner.Read(buffer, offset, count);
            if (n == 0)
            {
                _onEnd();
            }
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
