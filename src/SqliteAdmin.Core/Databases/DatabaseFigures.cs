using System;
using System.IO;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Databases;

/// <summary>A database's page figures, journal mode and file sizes: what a vacuum is planned on and a health check judged on.</summary>
internal class DatabaseFigures
{
    /// <summary>Figures to fill in.</summary>
    public DatabaseFigures()
    {
    }

    /// <summary>A copy of <paramref name="other"/>'s figures.</summary>
    protected DatabaseFigures(DatabaseFigures other)
    {
        Path = other.Path;
        PageSize = other.PageSize;
        PageCount = other.PageCount;
        FreelistCount = other.FreelistCount;
        JournalMode = other.JournalMode;
        AutoVacuum = other.AutoVacuum;
        FileBytes = other.FileBytes;
        WalBytes = other.WalBytes;
    }

    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Bytes per page.</summary>
    public long PageSize { get; set; }
    /// <summary>Pages in the database.</summary>
    public long PageCount { get; set; }
    /// <summary>Pages on the freelist.</summary>
    public long FreelistCount { get; set; }
    /// <summary>journal_mode, lower case.</summary>
    public string JournalMode { get; set; } = "";
    /// <summary>auto_vacuum: 0 none, 1 full, 2 incremental.</summary>
    public long AutoVacuum { get; set; }
    /// <summary>Size of the database file in bytes.</summary>
    public long FileBytes { get; set; }
    /// <summary>Size of the -wal file in bytes (0 without one).</summary>
    public long WalBytes { get; set; }

    /// <summary>FreelistCount as a percentage of PageCount.</summary>
    public double FreePercent => FreePercentOf(FreelistCount, PageCount);
    /// <summary>Bytes in pages that hold data: what a vacuumed copy needs.</summary>
    public long UsedBytes => (PageCount - FreelistCount) * PageSize;
    /// <summary>True in WAL mode.</summary>
    public bool IsWal => JournalMode == "wal";

    /// <summary>Free pages as a percentage of all pages, two decimals (0 for no pages).</summary>
    public static double FreePercentOf(long freePages, long pages) => pages == 0 ? 0 : Math.Round(100.0 * freePages / pages, 2);

    /// <summary>Reads the figures of the database open on <paramref name="connection"/> at <paramref name="path"/>.</summary>
    public static DatabaseFigures Read(SqliteConnection connection, string path)
    {
        var wal = new FileInfo(path + "-wal");
        return new DatabaseFigures
        {
            Path = path,
            PageSize = connection.ExecuteScalar<long>("PRAGMA page_size;"),
            PageCount = connection.ExecuteScalar<long>("PRAGMA page_count;"),
            FreelistCount = connection.ExecuteScalar<long>("PRAGMA freelist_count;"),
            JournalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode;").ToLowerInvariant(),
            AutoVacuum = connection.ExecuteScalar<long>("PRAGMA auto_vacuum;"),
            FileBytes = new FileInfo(path).Length,
            WalBytes = wal.Exists ? wal.Length : 0,
        };
    }
}
