using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>Temp names, flushing to disk and no-overwrite renames: the steps that keep half-written files away from final names.</summary>
internal static class DurableFile
{
    /// <summary>Prefix of every temp file SqliteAdmin writes; such files are never taken for backups.</summary>
    public const string TempPrefix = ".sqliteadmin-tmp-";

    /// <summary>A unique temp path in <paramref name="folder"/> (the same folder as the final file, so the rename is atomic).</summary>
    public static string TempPathIn(string folder, string purpose) =>
        Path.Combine(folder, TempPrefix + purpose + "-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    /// <summary>Flushes a file's data to the disk (fsync), so a rename after it never exposes an empty or partial file after a crash.</summary>
    public static void Flush(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>
    /// Renames <paramref name="from"/> to <paramref name="to"/>; fails if <paramref name="to"/> exists
    /// (never overwrites). Then flushes the folder, so the new name itself survives a power cut.
    /// </summary>
    public static void MoveNoOverwrite(string from, string to)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                File.Move(from, to);
                break;
            }
            catch (IOException ex) when (attempt < 10 && IsSharingViolation(ex) && !File.Exists(to))
            {
                // Windows: an antivirus scanner or the indexer has just opened the new file; it lets go in milliseconds.
                System.Threading.Thread.Sleep(50 * attempt);
            }
        }
        FlushFolder(Path.GetDirectoryName(Path.GetFullPath(to))!);
    }

    /// <summary>ERROR_SHARING_VIOLATION or ERROR_LOCK_VIOLATION: another process has the file open (Windows only).</summary>
    private static bool IsSharingViolation(IOException ex) =>
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && (ex.HResult & 0xFFFF) is 32 or 33;

    /// <summary>
    /// fsync of a folder on Unix: a rename is durable only once its directory entry is on disk.
    /// (Windows offers no such call; NTFS journals the rename itself.) Best effort: a file system
    /// that cannot fsync a folder (some network shares) is not an error.
    /// </summary>
    public static void FlushFolder(string folder)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }
        int fd = open(folder, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }
        try
        {
            fsync(fd);
        }
        finally
        {
            close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>
    /// True for a failure of the file system: IOException (disk full, I/O error), access denied, and
    /// the ArgumentOutOfRangeException .NET's FileStream throws when a write passes the largest file
    /// the file system or the process's file-size limit allows (EFBIG).
    /// </summary>
    public static bool IsFileSystemFailure(Exception ex) =>
        ex is IOException || ex is UnauthorizedAccessException ||
        (ex is ArgumentOutOfRangeException && ex.TargetSite?.DeclaringType?.Namespace == "System.IO");

    /// <summary>Deletes a file if it exists, ignoring failures: used only for temp files on the way out of a failure.</summary>
    public static void TryDelete(string? path)
    {
        if (path == null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes a private temp folder this run made, with whatever is left in it; ignores failures.</summary>
    public static void TryDeleteFolder(string? path)
    {
        if (path == null)
        {
            return;
        }
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Deletes a temp database and the journal/WAL files SQLite may have left beside it.</summary>
    public static void TryDeleteDatabase(string? path)
    {
        if (path == null)
        {
            return;
        }
        foreach (string suffix in new[] { "", "-journal", "-wal", "-shm" })
        {
            TryDelete(path + suffix);
        }
    }

    /// <summary>Creates a destination folder if missing; a clear error when that is impossible.</summary>
    public static void EnsureFolder(string folder)
    {
        try
        {
            if (File.Exists(folder))
            {
                throw new IOException("a file with that name exists");
            }
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
        {
            throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                $"Cannot use '{folder}' as a destination folder: {ex.Message}", folder, ex);
        }
    }
}
