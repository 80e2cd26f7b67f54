using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading.Tasks;

namespace SqliteAdmin.Core.Compression;

/// <summary>
/// A write-only stream that gzips on every core: the input is cut into blocks, each compressed
/// into a complete gzip member on a worker, and the members are written in order. The result is a
/// standard multi-member gzip file (RFC 1952) that gunzip, zcat and every gzip reader decompress
/// to the original bytes. Each member carries its own length in an FEXTRA subfield "SA", so
/// <see cref="GzipMemberReader"/> can split the members without relying on the runtime's gzip
/// reader supporting multiple members (.NET Framework's does not).
/// </summary>
public sealed class ParallelGzipStream : Stream
{
    /// <summary>Uncompressed bytes per gzip member.</summary>
    public const int DefaultBlockSize = 4 << 20;

    internal const byte SubfieldId1 = (byte)'S', SubfieldId2 = (byte)'A';
    private const int ExtraLength = 8; // SI1 SI2 LEN(2) + 4-byte member length

    private readonly Stream _output;
    private readonly CompressionLevel _level;
    private readonly int _blockSize;
    private readonly int _maxInFlight;
    private readonly Queue<Task<byte[]>> _pending = new();
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
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override bool CanWrite => !_disposed;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

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

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

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
                foreach (Task<byte[]> task in _pending)
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
        _pending.Enqueue(Task.Run(() => CompressMember(block, length, level)));
        _anyMember = true;
        _block = new byte[_blockSize];
        _filled = 0;
        while (_pending.Count >= _maxInFlight)
        {
            WriteMember(_pending.Dequeue());
        }
    }

    private void WriteMember(Task<byte[]> task)
    {
        byte[] member = task.GetAwaiter().GetResult();
        _output.Write(member, 0, member.Length);
    }

    /// <summary>One gzip member for one block, with its total length in the "SA" extra subfield.</summary>
    internal static byte[] CompressMember(byte[] block, int length, CompressionLevel level)
    {
        byte[] plain;
        if (length == 0)
        {
            // GZipStream writes nothing at all for no input; an empty member is header, an empty
            // final deflate block, CRC 0 and size 0.
            plain = new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 };
        }
        else
        {
            using var buffer = new MemoryStream(length / 2 + 64);
            using (var gzip = new GZipStream(buffer, level, leaveOpen: true))
            {
                gzip.Write(block, 0, length);
            }
            plain = buffer.ToArray();
        }
        // The runtime writes a 10-byte header with no optional fields; insert FEXTRA after it.
        if (plain.Length < 18 || plain[0] != 0x1F || plain[1] != 0x8B || plain[2] != 8 || plain[3] != 0)
        {
            throw new InvalidOperationException("Unexpected gzip header from the runtime's GZipStream.");
        }
        var member = new byte[plain.Length + 2 + ExtraLength];
        Buffer.BlockCopy(plain, 0, member, 0, 10);
        member[3] = 0x04; // FLG.FEXTRA
        member[10] = ExtraLength;
        member[11] = 0;
        member[12] = SubfieldId1;
        member[13] = SubfieldId2;
        member[14] = 4;
        member[15] = 0;
        uint total = (uint)member.Length;
        member[16] = (byte)total;
        member[17] = (byte)(total >> 8);
        member[18] = (byte)(total >> 16);
        member[19] = (byte)(total >> 24);
        Buffer.BlockCopy(plain, 10, member, 20, plain.Length - 10);
        return member;
    }
}
