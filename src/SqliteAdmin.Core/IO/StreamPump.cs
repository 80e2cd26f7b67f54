using System;
using System.IO;
using System.Threading;

namespace SqliteAdmin.Core.IO;

/// <summary>Copies streams in large buffers, checking for cancellation between them: every streaming pass uses it.</summary>
internal static class StreamPump
{
    /// <summary>The buffer of every streaming pass (and of the file streams it reads and writes).</summary>
    public const int BufferSize = 1 << 20;

    /// <summary>
    /// Copies <paramref name="from"/> to <paramref name="to"/>; returns the bytes copied. Past
    /// <paramref name="limit"/> bytes it stops with <paramref name="tooLarge"/> (InvalidDataException by default).
    /// </summary>
    public static long Copy(Stream from, Stream to, Action<long>? bytesDone, CancellationToken cancellation,
        long limit = long.MaxValue, Func<Exception>? tooLarge = null)
    {
        byte[] buffer = new byte[BufferSize];
        long total = 0;
        int n;
        while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            total += n;
            if (total > limit)
            {
                throw tooLarge?.Invoke() ?? new InvalidDataException($"The data is longer than the {limit} bytes expected.");
            }
            to.Write(buffer, 0, n);
            bytesDone?.Invoke(total);
        }
        return total;
    }
}
