using System;
using System.IO;
using System.Text;

namespace SqliteAdmin.Core.Data;

/// <summary>
/// Checks that a path names an existing SQLite database file before SQLite sees it, so a typo,
/// a folder, an empty file or a text file gets an error that says what it is.
/// </summary>
internal static class SqliteFileProbe
{
    /// <summary>The 16 bytes every SQLite database file starts with.</summary>
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SQLite format 3\0");

    /// <summary>The size of the SQLite database header.</summary>
    public const int HeaderSize = 100;

    /// <summary>Throws a <see cref="SqliteAdminException"/> unless <paramref name="path"/> is an SQLite database file.</summary>
    public static void EnsureDatabaseFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new SqliteAdminException(ErrorIds.PathIsDirectory, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is a directory, not an SQLite database file.", path);
        }
        if (!File.Exists(path))
        {
            throw new SqliteAdminException(ErrorIds.DatabaseNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"Database file '{path}' does not exist.", path);
        }

        byte[] header = new byte[HeaderSize];
        int read;
        long length;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            length = stream.Length;
            read = ReadAtMost(stream, header);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            throw new SqliteAdminException(ErrorIds.DatabaseUnreadable, SqliteAdminErrorCategory.ReadError,
                $"Cannot read '{path}': {ex.Message}", path, ex);
        }

        if (length == 0)
        {
            throw new SqliteAdminException(ErrorIds.NotADatabase, SqliteAdminErrorCategory.InvalidData,
                $"'{path}' is an empty file (0 bytes), not an SQLite database.", path);
        }
        if (read < HeaderSize || !StartsWithMagic(header))
        {
            throw new SqliteAdminException(ErrorIds.NotADatabase, SqliteAdminErrorCategory.InvalidData,
                $"'{path}' is not an SQLite database: it does not start with the SQLite header. " +
                "It may be a text file, a compressed (.gz) or encrypted (.enc) backup, or damaged.", path);
        }
    }

    /// <summary>True when the buffer starts with "SQLite format 3\0".</summary>
    public static bool StartsWithMagic(byte[] header)
    {
        if (header.Length < Magic.Length)
        {
            return false;
        }
        for (int i = 0; i < Magic.Length; i++)
        {
            if (header[i] != Magic[i])
            {
                return false;
            }
        }
        return true;
    }

    private static int ReadAtMost(Stream stream, byte[] buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }
}
