using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Writes to a file on a second thread, so the thread that produces the bytes (stepping SQLite,
/// formatting) never waits for write(2) or for the disk, and flushes the file to disk every
/// <c>syncEvery</c> bytes meanwhile, so the final fsync before the rename has little left to do.
/// Durability is unchanged: the caller still flushes to disk once <see cref="Complete"/> returns.
/// At most <c>depth</c> chunks are queued (bounded memory). A write failure on the second thread
/// surfaces on the producer's next Write, or in Complete.
/// </summary>
internal sealed class WriteBehindStream : Stream
{
    private readonly FileStream _target;
    private readonly long _syncEvery;
    private readonly BlockingCollection<(byte[] Chunk, int Count)> _queue;
    private readonly ConcurrentBag<byte[]> _free = new();
    private readonly Thread _writer;
    private Exception? _failure;
    private long _written;

    public WriteBehindStream(FileStream target, int depth = 16, long syncEvery = 64L << 20)
    {
        _target = target;
        _syncEvery = syncEvery;
        _queue = new BlockingCollection<(byte[], int)>(depth);
        _writer = new Thread(WriteOut) { IsBackground = true, Name = "SqliteAdmin write-behind" };
        _writer.Start();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => Interlocked.Read(ref _written);
    public override long Position { get => Length; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ThrowIfFailed();
        while (count > 0)
        {
            byte[] chunk = _free.TryTake(out byte[]? reused) ? reused : new byte[StreamPump.BufferSize];
            int n = Math.Min(count, chunk.Length);
            Buffer.BlockCopy(buffer, offset, chunk, 0, n);
            try
            {
                _queue.Add((chunk, n));
            }
            catch (InvalidOperationException)
            {
                // The writer stopped taking (it failed): report its failure.
                ThrowIfFailed();
                throw;
            }
            offset += n;
            count -= n;
        }
    }

    /// <summary>Nothing to do per call: bytes reach the file in order; <see cref="Complete"/> waits for all of them.</summary>
    public override void Flush() => ThrowIfFailed();

    /// <summary>Waits until every byte written is in the file; rethrows the writer's failure.</summary>
    public void Complete()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }
        _writer.Join();
        ThrowIfFailed();
    }

    private void WriteOut()
    {
        long sinceSync = 0;
        try
        {
            foreach ((byte[] chunk, int count) in _queue.GetConsumingEnumerable())
            {
                _target.Write(chunk, 0, count);
                Interlocked.Add(ref _written, count);
                _free.Add(chunk);
                sinceSync += count;
                if (sinceSync >= _syncEvery)
                {
                    _target.Flush(flushToDisk: true);
                    sinceSync = 0;
                }
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
            _queue.CompleteAdding();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is Exception failure)
        {
            throw new IOException(failure.Message, failure);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            try
            {
                if (!_queue.IsAddingCompleted)
                {
                    _queue.CompleteAdding();
                }
                _writer.Join();
            }
            finally
            {
                _queue.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
