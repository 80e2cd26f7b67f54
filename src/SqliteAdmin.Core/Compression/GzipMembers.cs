using System;
using System.IO;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Compression;

/// <summary>
/// Reads gzip member headers. Members written by <see cref="ParallelGzipStream"/> carry their
/// length in an "SA" extra subfield, so <see cref="ParallelGzipDecoder"/> can split a file into
/// members itself; .NET Framework's GZipStream would stop after the first member.
/// Not a package: the header is ten bytes plus optional fields (RFC 1952), and no gzip library exposes our subfield.
/// </summary>
internal static class GzipMembers
{
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
}
