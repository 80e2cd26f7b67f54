using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Compression;

/// <summary>
/// A write-only stream that gzips on every core: the input is cut into blocks, each compressed
/// into a complete gzip member on a worker, and the members are written in order. The result is a
/// standard multi-member gzip file (RFC 1952) that gunzip, zcat and every gzip reader decompress
/// to the original bytes. Each member carries its own length in an FEXTRA subfield "SA", so
/// <see cref="ParallelGzipDecoder"/> can split the members without relying on the runtime's gzip
/// reader supporting multiple members (.NET Framework's does not).
/// Not a package: no maintained netstandard2.0 library writes gzip in parallel (DotNetZip's ParallelDeflateOutputStream is unmaintained); the compression itself is the in-box DeflateStream.
/// </summary>
internal sealed class ParallelGzipStream : ForwardOnlyStream
{
    /// <summary>Uncompressed bytes per gzip member.</summary>
    public const int DefaultBlockSize = 4 << 20;

    internal const byte SubfieldId1 = (byte)'S', SubfieldId2 = (byte)'A';
    private const int ExtraLength = 8; // SI1 SI2 LEN(2) + 4-byte member length

    private readonly Stream _output;
    private readonly CompressionLevel _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<MemoryStream>> _pending = new();
    private readonly ConcurrentBag<byte[]> _blocks = new();
    private readonly ConcurrentBag<MemoryStream> _buffers = new();
    private byte[] _block;
    private int _filled;
    private bool _anyMember;
    private bool _disposed;

    /// <summary>Compresses into <paramref name="output"/> (left open) at <paramref name="level"/>.</summary>
    public ParallelGzipStream(Stream output, CompressionLevel level, int blockSize = DefaultBlockSize, int? workers = null)
    {
        _output = output;
        _level = level;
        _blockSize = blockSize;
        _maxInFlight = Math.Max(1, workers ?? Environment.ProcessorCount) + 1;
        _block = new byte[blockSize];
    }

    /// <inheritdoc />
    public override bool CanRead => false;
    /// <inheritdoc />
    public override bool CanWrite => !_disposed;

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        while (count > 0)
        {
            int take = Math.Min(count, _blockSize - _filled);
            Buffer.BlockCopy(buffer, offset, _block, _filled, take);
            _filled += take;
            offset += take;
            count -= take;
            if (_filled == _blockSize)
            {
                Submit();
            }
        }
    }

    /// <summary>Writes every member compressed so far, in order; the last partial block stays until Dispose.</summary>
    public override void Flush()
    {
        while (_pending.Count > 0)
        {
            WriteMember(_pending.Dequeue());
        }
        _output.Flush();
    }

    /// <summary>Compresses the last block and writes all members. Does not close the output.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            try
            {
                if (_filled > 0 || !_anyMember)
                {
                    Submit(); // an empty input still becomes one (empty) gzip member
                }
                Flush();
            }
            finally
            {
                // After a failure, wait for the workers so no task outlives the stream.
                foreach (Task<MemoryStream> task in _pending)
                {
                    try
                    {
                        task.Wait();
                    }
                    catch (AggregateException)
                    {
                    }
                }
                _pending.Clear();
            }
        }
        base.Dispose(disposing);
    }

    private void Submit()
    {
        byte[] block = _block;
        int length = _filled;
        CompressionLevel level = _level;
        _pending.Enqueue(Task.Run(() =>
        {
            MemoryStream member = _buffers.TryTake(out MemoryStream? reused) ? reused : new MemoryStream(_blockSize / 2);
            Compress(block, length, level, member);
            _blocks.Add(block);
            return member;
        }));
        _anyMember = true;
        _block = _blocks.TryTake(out byte[]? free) ? free : new byte[_blockSize];
        _filled = 0;
        while (_pending.Count >= _maxInFlight)
        {
            WriteMember(_pending.Dequeue());
        }
    }

    /// <summary>
    /// Writes one compressed block as a gzip member with its total length in the "SA" extra
    /// subfield, straight from the pooled buffer, then returns the buffer to the pool. Blocks and
    /// buffers are reused: fresh 4 MB arrays per block would pile up on the large-object heap.
    /// </summary>
    private void WriteMember(Task<MemoryStream> task)
    {
        MemoryStream member = task.GetAwaiter().GetResult();
        byte[] gzip = member.GetBuffer();
        int length = (int)member.Length;
        // The runtime writes a 10-byte header with no optional fields; FEXTRA goes after it.
        if (length < 18 || gzip[0] != 0x1F || gzip[1] != 0x8B || gzip[2] != 8 || gzip[3] != 0)
        {
            throw new InvalidOperationException("Unexpected gzip header from the runtime's GZipStream.");
        }
        var head = new byte[20];
        Buffer.BlockCopy(gzip, 0, head, 0, 10);
        head[3] = 0x04; // FLG.FEXTRA
        head[10] = ExtraLength;
        head[12] = SubfieldId1;
        head[13] = SubfieldId2;
        head[14] = 4;
        uint total = (uint)(length + 2 + ExtraLength);
        head[16] = (byte)total;
        head[17] = (byte)(total >> 8);
        head[18] = (byte)(total >> 16);
        head[19] = (byte)(total >> 24);
        _output.Write(head, 0, head.Length);
        _output.Write(gzip, 10, length - 10);
        member.SetLength(0);
        _buffers.Add(member);
    }

    private static void Compress(byte[] block, int length, CompressionLevel level, MemoryStream member)
    {
        if (length == 0)
        {
            // GZipStream writes nothing at all for no input; an empty member is a header, an empty
            // final deflate block, CRC 0 and size 0.
            byte[] empty = { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 };
            member.Write(empty, 0, empty.Length);
            return;
        }
        using var gzip = new GZipStream(member, level, leaveOpen: true);
        gzip.Write(block, 0, length);
    }
}
