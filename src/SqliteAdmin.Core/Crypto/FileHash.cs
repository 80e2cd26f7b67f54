using System;
using System.IO;
using System.Threading;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Crypto;

/// <summary>The SHA-256 (and HMAC) of a file as sha256sum / openssl dgst compute it, streamed.</summary>
internal static class FileHash
{
    /// <summary>Size, SHA-256 (hex) and, under <paramref name="hmacKey"/>, HMAC-SHA256 (hex) of <paramref name="path"/>.</summary>
    public static (long Size, string Sha256, string? Hmac) Compute(string path, byte[]? hmacKey, Action<long>? bytesDone, CancellationToken cancellation)
    {
        using var input = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize);
        using var hashing = new HashingStream(input, leaveOpen: true, hmacKey);
        StreamPump.Copy(hashing, Stream.Null, bytesDone, cancellation);
        return (hashing.BytesHashed, hashing.Sha256Hex, hashing.HmacHex);
    }
}
