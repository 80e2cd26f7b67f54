using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>Free and total space of the volume holding a folder.</summary>
internal sealed class VolumeSpace
{
    /// <summary>Creates a figure.</summary>
    public VolumeSpace(string volume, long availableBytes, long totalBytes, string? fileSystem = null, bool isNetwork = false)
    {
        Volume = volume;
        AvailableBytes = availableBytes;
        TotalBytes = totalBytes;
        FileSystem = fileSystem;
        IsNetwork = isNetwork;
    }

    /// <summary>The volume's root (mount point, drive or share); two folders with the same root share their space.</summary>
    public string Volume { get; }
    /// <summary>Bytes this user can still write.</summary>
    public long AvailableBytes { get; }
    /// <summary>Size of the volume.</summary>
    public long TotalBytes { get; }
    /// <summary>Available as a percentage of the total.</summary>
    public double AvailablePercent => TotalBytes <= 0 ? 0 : Math.Round(100.0 * AvailableBytes / TotalBytes, 2);
    /// <summary>The file system type (ext4, nfs4, cifs, NTFS...), when the platform tells.</summary>
    public string? FileSystem { get; }
    /// <summary>A network share: a UNC path, a mapped network drive, or an NFS/SMB/... mount.</summary>
    public bool IsNetwork { get; }
}

/// <summary>Finds the free space of the volume that holds a path, and the folder SQLite puts its temp files in.</summary>
internal static class DiskSpace
{
    /// <summary>
    /// The space of the volume holding <paramref name="folder"/> (an existing folder), or null
    /// when the platform cannot tell (then callers skip their space check rather than guess).
    /// </summary>
    public static VolumeSpace? Of(string folder)
    {
        string full = Path.GetFullPath(folder);
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // GetDiskFreeSpaceEx works for any folder, including UNC shares, and honours quotas.
            if (!GetDiskFreeSpaceExW(full.EndsWith("\\", StringComparison.Ordinal) ? full : full + "\\", out ulong available, out ulong total, out _))
            {
                return null;
            }
            string root = Path.GetPathRoot(full) ?? full;
            DriveInfo? drive = IsUncPath(full) ? null : SafeDrive(root);
            return new VolumeSpace(root, (long)available, (long)total, drive == null ? null : SafeFormat(drive),
                IsUncPath(full) || drive?.DriveType == DriveType.Network);
        }
        // Unix: the mount whose root is the longest prefix of the path (DriveInfo reads the mount table and statvfs).
        DriveInfo? best = null;
        foreach (DriveInfo drive in SafeDrives())
        {
            string root = drive.RootDirectory.FullName;
            if (IsUnder(full, root) && (best == null || root.Length > best.RootDirectory.FullName.Length))
            {
                best = drive;
            }
        }
        if (best == null)
        {
            return null;
        }
        try
        {
            string? fileSystem = SafeFormat(best);
            return new VolumeSpace(best.RootDirectory.FullName, best.AvailableFreeSpace, best.TotalSize, fileSystem,
                best.DriveType == DriveType.Network || IsNetworkFileSystem(fileSystem));
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// The folder SQLite writes its temp files to (VACUUM's temporary copy), chosen in SQLite's own
    /// order: on Unix SQLITE_TMPDIR, TMPDIR, /var/tmp, /usr/tmp, /tmp (the first writable folder);
    /// on Windows the user's temp folder.
    /// </summary>
    public static string SqliteTempDirectory()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return Path.GetTempPath();
        }
        string?[] candidates = { Environment.GetEnvironmentVariable("SQLITE_TMPDIR"), Environment.GetEnvironmentVariable("TMPDIR"), "/var/tmp", "/usr/tmp", "/tmp" };
        foreach (string? candidate in candidates)
        {
            if (!string.IsNullOrEmpty(candidate) && Directory.Exists(candidate) && access(candidate!, WriteAndExecute) == 0)
            {
                return candidate!;
            }
        }
        return ".";
    }

    /// <summary>Formats a byte count for messages: "1.5 GB", "340 KB".</summary>
    public static string Format(long bytes)
    {
        string[] units = { "bytes", "KB", "MB", "GB", "TB" };
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} bytes" : value.ToString(value >= 100 ? "0" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + " " + units[unit];
    }

    /// <summary>
    /// A UNC path (\\server\share\..., also \\?\UNC\... and //server/share/...): always a network share
    /// on Windows, which is where such paths name one.
    /// </summary>
    public static bool IsUncPath(string path)
    {
        if (path.StartsWith(@"\\?\UNC\", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        if (path.StartsWith(@"\\?\", StringComparison.Ordinal) || path.StartsWith(@"\\.\", StringComparison.Ordinal))
        {
            return false; // a local device or long-path prefix
        }
        return path.Length > 2 && (path.StartsWith(@"\\", StringComparison.Ordinal) ||
                                   (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && path.StartsWith("//", StringComparison.Ordinal)))
                               && path[2] != '\\' && path[2] != '/';
    }

    /// <summary>
    /// File system types that live on another machine: NFS, SMB/CIFS, AFP, WebDAV, 9p, SSHFS and the
    /// cluster file systems. SQLite's locking (and WAL's shared memory) is unreliable on all of them.
    /// </summary>
    public static bool IsNetworkFileSystem(string? fileSystem)
    {
        if (string.IsNullOrEmpty(fileSystem))
        {
            return false;
        }
        string type = fileSystem!.ToLowerInvariant();
        if (type.StartsWith("fuse.", StringComparison.Ordinal))
        {
            type = type.Substring(5);
        }
        return NetworkFileSystems.Contains(type) || type.StartsWith("nfs", StringComparison.Ordinal) || type.StartsWith("smb", StringComparison.Ordinal);
    }

    private static readonly string[] NetworkFileSystems =
    {
        "cifs", "smbfs", "afpfs", "afs", "ncpfs", "9p", "sshfs", "davfs", "webdav", "ceph", "glusterfs", "lustre", "gpfs", "beegfs", "rclone", "s3fs", "coda",
    };

    private static string? SafeFormat(DriveInfo drive)
    {
        try
        {
            return drive.DriveFormat;
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static DriveInfo? SafeDrive(string root)
    {
        try
        {
            return new DriveInfo(root);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool IsUnder(string path, string root) =>
        root == "/" || path.Equals(root, StringComparison.Ordinal) || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static DriveInfo[] SafeDrives()
    {
        try
        {
            return DriveInfo.GetDrives().Where(d => d.RootDirectory != null).ToArray();
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is Win32Exception)
        {
            return Array.Empty<DriveInfo>();
        }
    }

    private const int WriteAndExecute = 2 | 1;

    [DllImport("libc", SetLastError = true)]
    private static extern int access(string path, int mode);

    [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetDiskFreeSpaceExW(string directory, out ulong freeBytesAvailable, out ulong totalBytes, out ulong totalFreeBytes);
}
