using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Links as the module means them: symbolic links and junctions, which it never follows, lists,
/// prunes or deletes. Other reparse points are ordinary files: on Windows, deduplicated files and
/// cloud placeholders (OneDrive, Azure File Sync) carry the reparse-point attribute too, and
/// treating them as links would hide real backups from listing, retention and health.
/// </summary>
internal static class FileLinks
{
    // .NET 6+ (PowerShell 7.2+): FileSystemInfo.LinkTarget is non-null only for symbolic links and
    // junctions. netstandard2.0 reaches it by reflection.
    private static readonly PropertyInfo? LinkTarget = typeof(FileSystemInfo).GetProperty("LinkTarget");

    /// <summary>True for a symbolic link or junction at <paramref name="path"/>; false for anything else, or nothing there.</summary>
    public static bool IsLink(string path)
    {
        try
        {
            return IsLink(new FileInfo(path));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// True for a regular file that is not a link: the only kind the module opens from a backup
    /// folder. Anyone who can write to a share could put a FIFO under a manifest's or backup's name
    /// (reading it would wait forever) or a link to a file elsewhere. Linux asks the kernel for
    /// the type without following links; elsewhere links and folders are excluded.
    /// </summary>
    public static bool IsRegularFile(string path)
    {
        if (UnixFileStatus.TryReadType(path, out bool exists, out bool isLink, out bool isRegular, out _))
        {
            return exists && isRegular && !isLink;
        }
        return File.Exists(path) && !IsLink(path);
    }

    /// <summary>
    /// True when <paramref name="path"/> is, or links to, a regular file: for a file the admin named
    /// (links followed), never a FIFO or device whose read would wait forever.
    /// </summary>
    public static bool IsRegularFileOrLinkToOne(string path)
    {
        if (UnixFileStatus.TryReadTargetType(path, out bool exists, out bool isRegular))
        {
            return exists && isRegular;
        }
        return File.Exists(path);
    }

    /// <summary>
    /// The path with every link resolved (realpath on Unix), so a database reached through a
    /// symlinked folder is recognised as itself; the full path when it cannot be resolved
    /// (nothing there, or Windows, where a path names one file in practice).
    /// </summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return full;
        }
        IntPtr resolved = realpath(full, IntPtr.Zero);
        if (resolved == IntPtr.Zero)
        {
            return full;
        }
        try
        {
            int length = 0;
            while (Marshal.ReadByte(resolved, length) != 0)
            {
                length++;
            }
            var bytes = new byte[length];
            Marshal.Copy(resolved, bytes, 0, length);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            free(resolved);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath(string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);

    /// <summary>Where a link points (as written in the link), or null when that cannot be read.</summary>
    public static string? TargetOf(string path)
    {
        try
        {
            return LinkTarget?.GetValue(new FileInfo(path)) as string;
        }
        catch (TargetInvocationException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="info"/> is a symbolic link or junction (its lstat attributes, not its target's).</summary>
    public static bool IsLink(FileSystemInfo info)
    {
        FileAttributes attributes = info.Attributes;
        if ((int)attributes == -1 || (attributes & FileAttributes.ReparsePoint) == 0)
        {
            return false; // nothing there, or a plain file
        }
        if (LinkTarget == null)
        {
            // Windows PowerShell 5.1 (.NET Framework) cannot tell a link from a placeholder without
            // reading the reparse tag: stay on the safe side and leave it alone.
            return true;
        }
        try
        {
            return LinkTarget.GetValue(info) != null;
        }
        catch (TargetInvocationException)
        {
            return true;
        }
    }
}
