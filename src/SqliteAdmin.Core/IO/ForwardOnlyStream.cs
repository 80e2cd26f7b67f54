using System;
using System.IO;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Base of SqliteAdmin's pass-through streams (hashing, parallel gzip, gzip members): they move
/// forward only, so seeking, length and position setting are not supported.
/// </summary>
internal abstract class ForwardOnlyStream : Stream
{
    /// <inheritdoc />
    public override bool CanSeek => false;
    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();
    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Flush()
    {
    }
    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
