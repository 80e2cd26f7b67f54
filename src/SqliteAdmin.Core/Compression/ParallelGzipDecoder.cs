using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Compression;

/// <summary>
/// Decompresses the members of a <see cref="ParallelGzipStream"/> file on every core and writes
/// them in order. Members from other tools (no length subfield) are read one after the other.
/// Not a package (SharpZipLib reads members one at a time): splitting needs our own "SA" length subfield; inflating is the in-box DeflateStream.
/// </summary>
internal static class ParallelGzipDecoder
{
    /// <summary>No member of ours inflates past this; a larger one is damage or a decompression bomb.</summary>
    private const int MaxMemberPlainBytes = 16 * ParallelGzipStream.DefaultBlockSize;

    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/>; returns the bytes written.
    /// <paramref name="tooLarge"/> is thrown past <paramref name="limit"/> bytes.
    /// </summary>
    public static long Decode(Stream input, Stream output, long limit, Func<Exception> tooLarge, Action<long>? bytesDone, CancellationToken cancellation)
    {
        int maxInFlight = Math.Max(2, Environment.ProcessorCount);
        var pending = new Queue<Task<MemoryStream>>();
        var buffers = new ConcurrentBag<MemoryStream>();
        var members = new ConcurrentBag<byte[]>();
        long total = 0;
        try
        {
            while (GzipMembers.TryReadHeader(input, out byte[] prefix, out long memberLength))
            {
                cancellation.ThrowIfCancellationRequested();
                if (memberLength == 0 || memberLength > 2L * MaxMemberPlainBytes)
                {
                    // Not one of ours: finish in order, then read the rest as one ordinary gzip stream.
                    while (pending.Count > 0)
                    {
                        total = WriteOut(pending.Dequeue(), output, total, limit, tooLarge, buffers, bytesDone);
                    }
                    using var rest = new GZipStream(new GzipMembers.PrefixedStream(prefix, input, long.MaxValue), CompressionMode.Decompress);
                    return total + StreamPump.Copy(rest, output, n => bytesDone?.Invoke(total + n), cancellation, limit - total, tooLarge);
                }
                // Reuse member buffers: a fresh array per member would pile up on the large-object heap.
                int length = (int)memberLength;
                byte[] member = members.TryTake(out byte[]? free) && free.Length >= length ? free : new byte[Math.Max(length, ParallelGzipStream.DefaultBlockSize + (64 << 10))];
                Buffer.BlockCopy(prefix, 0, member, 0, prefix.Length);
                int needed = length - prefix.Length;
                if (GzipMembers.ReadFully(input, member, prefix.Length, needed) != needed)
                {
                    throw new InvalidDataException("The gzip data is truncated (member body).");
                }
                pending.Enqueue(Task.Run(() => Inflate(member, length, buffers, members)));
                while (pending.Count >= maxInFlight)
                {
                    total = WriteOut(pending.Dequeue(), output, total, limit, tooLarge, buffers, bytesDone);
                }
            }
            while (pending.Count > 0)
            {
                total = WriteOut(pending.Dequeue(), output, total, limit, tooLarge, buffers, bytesDone);
            }
            return total;
        }
        finally
        {
            foreach (Task<MemoryStream> task in pending)
            {
                try
                {
                    task.Wait();
                }
                catch (AggregateException)
                {
                }
            }
        }
    }

    private static MemoryStream Inflate(byte[] member, int length, ConcurrentBag<MemoryStream> buffers, ConcurrentBag<byte[]> members)
    {
        MemoryStream plain = buffers.TryTake(out MemoryStream? reused) ? reused : new MemoryStream(ParallelGzipStream.DefaultBlockSize);
        using (var gzip = new GZipStream(new MemoryStream(member, 0, length, writable: false), CompressionMode.Decompress))
        {
            byte[] chunk = new byte[81920];
            int n;
            while ((n = gzip.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (plain.Length + n > MaxMemberPlainBytes)
                {
                    throw new InvalidDataException("A gzip member inflates past any size this module writes: damaged, or a decompression bomb.");
                }
                plain.Write(chunk, 0, n);
            }
        }
        members.Add(member);
        return plain;
    }

    private static long WriteOut(Task<MemoryStream> task, Stream output, long total, long limit, Func<Exception> tooLarge,
        ConcurrentBag<MemoryStream> buffers, Action<long>? bytesDone)
    {
        MemoryStream plain = task.GetAwaiter().GetResult();
        if (total + plain.Length > limit)
        {
            throw tooLarge();
        }
        output.Write(plain.GetBuffer(), 0, (int)plain.Length);
        total += plain.Length;
        plain.SetLength(0);
        buffers.Add(plain);
        bytesDone?.Invoke(total);
        return total;
    }
}
