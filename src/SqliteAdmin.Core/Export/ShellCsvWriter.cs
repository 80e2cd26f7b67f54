using System;
using System.IO;
using System.Text;

namespace SqliteAdmin.Core.Export;

/// <summary>
/// Writes CSV exactly as the sqlite3 3.40 shell's csv mode does (shell.c, output_csv): a field is
/// quoted when it is empty, holds the separator, or holds any byte of needCsvQuote (control bytes,
/// space, " and ', DEL, and every byte of 128 and above, so all non-ASCII text); quotes are doubled;
/// NULL is an empty, unquoted field; rows end with "\n". Bytes are written as SQLite gives them.
/// </summary>
internal sealed class ShellCsvWriter
{
    private const int BufferSize = 1 << 20;
    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly byte[] _separator;
    private readonly bool[] _needsQuote = new bool[256];
    private readonly bool _numbersMayNeedQuotes;
    private readonly byte[] _number = new byte[ShellRealFormat.MaxLength];
    private static readonly byte[] Quote = { (byte)'"' };
    private int _used;
    private bool _rowStarted;

    public ShellCsvWriter(Stream output, string separator)
    {
        _output = output;
        _separator = Encoding.UTF8.GetBytes(separator);
        for (int b = 0; b < 256; b++)
        {
            _needsQuote[b] = b < 32 || b == ' ' || b == '"' || b == '\'' || b >= 127;
        }
        if (_separator.Length == 1)
        {
            _needsQuote[_separator[0]] = true;
        }
        // Numbers are digits, '-', '+', '.', 'e', "Inf": they need the general check only if the separator could occur in them.
        foreach (byte b in _separator)
        {
            _numbersMayNeedQuotes |= (b >= '0' && b <= '9') || "-+.eInf".IndexOf((char)b) >= 0;
        }
    }

    private long _flushed;

    /// <summary>Bytes written so far (flushed or not).</summary>
    public long BytesWritten => _flushed + _used;

    /// <summary>Writes raw bytes (a byte order mark).</summary>
    public void WriteRaw(byte[] bytes)
    {
        Reserve(bytes.Length);
        Buffer.BlockCopy(bytes, 0, _buffer, _used, bytes.Length);
        Advance(bytes.Length);
    }

    /// <summary>A NULL: nothing between the separators.</summary>
    public void WriteNull() => StartField();

    /// <summary>An INTEGER, as SQLite prints it.</summary>
    public void WriteInteger(long value)
    {
        StartField();
        if (_numbersMayNeedQuotes)
        {
            WriteField(new ReadOnlySpan<byte>(_number, 0, WriteDecimal(value, _number, 0)));
            return;
        }
        Reserve(20);
        Advance(WriteDecimal(value, _buffer, _used) - _used);
    }

    /// <summary>A REAL, as the 3.40 shell prints it.</summary>
    public void WriteReal(double value)
    {
        StartField();
        if (_numbersMayNeedQuotes)
        {
            WriteField(new ReadOnlySpan<byte>(_number, 0, ShellRealFormat.Write(value, _number, 0)));
            return;
        }
        Reserve(ShellRealFormat.MaxLength);
        Advance(ShellRealFormat.Write(value, _buffer, _used) - _used);
    }

    /// <summary>TEXT or BLOB bytes; like the shell (a C string) only up to the first NUL byte.</summary>
    public void WriteText(ReadOnlySpan<byte> text)
    {
        StartField();
        int nul = text.IndexOf((byte)0);
        WriteField(nul >= 0 ? text.Slice(0, nul) : text);
    }

    /// <summary>Column names, as the shell writes its header.</summary>
    public void WriteHeader(string[] names)
    {
        foreach (string name in names)
        {
            WriteText(Encoding.UTF8.GetBytes(name));
        }
        EndRow();
    }

    /// <summary>Ends the row.</summary>
    public void EndRow()
    {
        Reserve(1);
        _buffer[_used] = (byte)'\n';
        Advance(1);
        _rowStarted = false;
    }

    /// <summary>Writes what is buffered to the stream.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            _output.Write(_buffer, 0, _used);
            _flushed += _used;
            _used = 0;
        }
        _output.Flush();
    }

    private bool NeedsQuotes(ReadOnlySpan<byte> text)
    {
        if (text.Length == 0)
        {
            return true;
        }
        foreach (byte b in text)
        {
            if (_needsQuote[b])
            {
                return true;
            }
        }
        return _separator.Length > 1 && text.IndexOf(_separator) >= 0;
    }

    /// <summary>One field's bytes, after its separator: as they are, or quoted with quotes doubled.</summary>
    private void WriteField(ReadOnlySpan<byte> text)
    {
        if (!NeedsQuotes(text))
        {
            Append(text);
            return;
        }
        Append(Quote);
        int from = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                Append(text.Slice(from, i + 1 - from));
                from = i; // the quote is written again: doubled
            }
        }
        Append(text.Slice(from));
        Append(Quote);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Reserve(bytes.Length);
            // A field larger than the buffer (a big TEXT or BLOB) goes through it a buffer's worth at a
            // time, straight from SQLite's memory: never copied whole (a 150 MB value would be 150 MB more).
            while (bytes.Length > _buffer.Length - _used)
            {
                int room = _buffer.Length - _used;
                bytes.Slice(0, room).CopyTo(new Span<byte>(_buffer, _used, room));
                _used += room;
                Reserve(1);
                bytes = bytes.Slice(room);
            }
        }
        bytes.CopyTo(new Span<byte>(_buffer, _used, bytes.Length));
        Advance(bytes.Length);
    }

    private void StartField()
    {
        if (_rowStarted && _separator.Length == 1)
        {
            Reserve(1);
            _buffer[_used++] = _separator[0];
        }
        else if (_rowStarted)
        {
            Reserve(_separator.Length);
            Buffer.BlockCopy(_separator, 0, _buffer, _used, _separator.Length);
            Advance(_separator.Length);
        }
        _rowStarted = true;
    }

    private void Reserve(int bytes)
    {
        if (_used + bytes > _buffer.Length)
        {
            _output.Write(_buffer, 0, _used);
            _flushed += _used;
            _used = 0;
        }
    }

    private void Advance(int bytes) => _used += bytes;

    private static int WriteDecimal(long value, byte[] buffer, int position)
    {
        if (value == long.MinValue)
        {
            const string Min = "-9223372036854775808";
            foreach (char c in Min)
            {
                buffer[position++] = (byte)c;
            }
            return position;
        }
        if (value < 0)
        {
            buffer[position++] = (byte)'-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest != 0; rest /= 10)
        {
            digits++;
        }
        int end = position + digits;
        for (int at = end - 1; at >= position; at--)
        {
            buffer[at] = (byte)('0' + value % 10);
            value /= 10;
        }
        return end;
    }
}
