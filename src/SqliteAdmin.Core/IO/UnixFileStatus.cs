using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// What Unix says about a file: the identity of the file itself (device + inode, the same through any
/// symlink, bind mount or hard link) and its owner, group and mode.
/// Not a package (Mono.Posix): a native library per platform to ship and load, for two system calls.
/// </summary>
internal sealed class UnixFileStatus
{
    private UnixFileStatus(ulong device, ulong inode, uint owner, uint group, int mode)
    {
        Device = device;
        Inode = inode;
        Owner = owner;
        Group = group;
        Mode = mode;
    }

    /// <summary>The device the file lives on.</summary>
    public ulong Device { get; }
    /// <summary>The file's inode number on that device.</summary>
    public ulong Inode { get; }
    /// <summary>Owning user id.</summary>
    public uint Owner { get; }
    /// <summary>Owning group id.</summary>
    public uint Group { get; }
    /// <summary>Permission bits (including setuid/setgid/sticky), e.g. 0640.</summary>
    public int Mode { get; }

    /// <summary>True when both describe the same file.</summary>
    public bool IsSameFile(UnixFileStatus other) => Device == other.Device && Inode == other.Inode;

    /// <summary>
    /// The status of the file <paramref name="path"/> leads to (symlinks followed; for a
    /// <c>/proc/&lt;pid&gt;/fd/&lt;n&gt;</c> entry, the file that descriptor has open). Null on Windows,
    /// when the file does not exist, or when the system call is not available.
    /// </summary>
    public static UnixFileStatus? TryRead(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }
        return RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ReadOnMacOS(path) : ReadOnLinux(path);
    }

    /// <summary>
    /// Gives <paramref name="path"/> this owner, group and mode. Throws an IOException when the system
    /// refuses (changing the owner needs root or the same owner).
    /// </summary>
    public void ApplyOwnerAndModeTo(string path)
    {
        UnixFileStatus? current = TryRead(path);
        if (current == null || current.Owner != Owner || current.Group != Group)
        {
            if (chown(path, Owner, Group) != 0)
            {
                int errno = Marshal.GetLastWin32Error();
                throw new IOException($"Cannot give '{path}' the owner {Owner}:{Group} of the file it replaces (errno {errno}); run as root or as that owner.");
            }
        }
        // After chown, which may clear setuid/setgid bits.
        if (chmod(path, Mode & 0xFFF) != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            throw new IOException($"Cannot give '{path}' the mode {Convert.ToString(Mode & 0xFFF, 8)} of the file it replaces (errno {errno}).");
        }
    }

    // struct statx has the same layout on every Linux architecture (unlike struct stat), so one
    // declaration serves x64, arm64 and musl; glibc has the wrapper since 2.28, musl since 1.2.5.
    private const int AtFdCwd = -100, StatxBasicStats = 0x7ff, StatxSize = 256;

    private static UnixFileStatus? ReadOnLinux(string path)
    {
        var buffer = new byte[StatxSize];
        int result;
        try
        {
            result = statx(AtFdCwd, path, 0, StatxBasicStats, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            // An older musl without the wrapper: the system call itself (Linux 4.11+).
            long? number = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => 332,
                Architecture.Arm64 => 291,
                Architecture.X86 => 383,
                Architecture.Arm => 397,
                _ => null,
            };
            if (number == null)
            {
                return null;
            }
            result = syscall(number.Value, AtFdCwd, path, 0, StatxBasicStats, buffer);
        }
        if (result != 0)
        {
            return null;
        }
        ulong device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140); // dev major, minor
        return new UnixFileStatus(device, BitConverter.ToUInt64(buffer, 32), BitConverter.ToUInt32(buffer, 20),
            BitConverter.ToUInt32(buffer, 24), BitConverter.ToUInt16(buffer, 28) & 0xFFF);
    }

    [ThreadStatic]
    private static byte[]? _sizeBuffer;
    private static bool _statxMissing;

    /// <summary>As <see cref="TryReadType"/>, but of what a link points to.</summary>
    internal static bool TryReadTargetType(string path, out bool exists, out bool isRegular) =>
        TryReadType(path, out exists, out _, out isRegular, out _, followLinks: true);

    /// <summary>
    /// One statx(2), not following a link unless asked: whether <paramref name="path"/> exists, is a
    /// symbolic link or a regular file (not a FIFO, socket or device), and its size. Retention sizes
    /// 100 000 backups this way (FileInfo costs an lstat plus a geteuid per file). False where it
    /// cannot run (not Linux, no statx): the caller asks FileInfo instead.
    /// </summary>
    internal static bool TryReadType(string path, out bool exists, out bool isLink, out bool isRegular, out long size, bool followLinks = false) =>
        TryReadTypeAt(AtFdCwd, path, out exists, out isLink, out isRegular, out size, followLinks);

    /// <summary>
    /// As <see cref="TryReadType"/>, for <paramref name="name"/> inside the folder open as
    /// <paramref name="folderFd"/> (<see cref="OpenFolder"/>): the kernel looks up one name, not a whole path.
    /// </summary>
    internal static bool TryReadTypeAt(int folderFd, string name, out bool exists, out bool isLink, out bool isRegular, out long size, bool followLinks = false)
    {
        exists = isLink = isRegular = false;
        size = 0;
        if (_statxMissing || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return false;
        }
        byte[] buffer = _sizeBuffer ??= new byte[StatxSize];
        int result;
        try
        {
            result = statx(folderFd, name, followLinks ? 0 : 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x201 /* STATX_TYPE | STATX_SIZE */, buffer);
        }
        catch (EntryPointNotFoundException)
        {
            _statxMissing = true;
            return false;
        }
        if (result != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            return errno is 2 or 20; // ENOENT, ENOTDIR: nothing there
        }
        exists = true;
        int type = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        isLink = type == 0xA000;
        isRegular = type == 0x8000;
        size = BitConverter.ToInt64(buffer, 40);
        return true;
    }

    /// <summary>A folder opened for <see cref="TryReadTypeAt"/> (Linux); -1 where that is not available. Close with <see cref="CloseFolder"/>.</summary>
    internal static int OpenFolder(string path) =>
        _statxMissing || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? -1 : open(path, 0x10000 /* O_RDONLY | O_DIRECTORY */);

    /// <summary>Closes what <see cref="OpenFolder"/> opened.</summary>
    internal static void CloseFolder(int fd)
    {
        if (fd >= 0)
        {
            close(fd);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open(string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    // macOS's struct stat with 64-bit inodes (the only layout on arm64; "stat$INODE64" on x64):
    // dev_t st_dev (int32) at 0, mode_t st_mode (uint16) at 4, ino_t st_ino (uint64) at 8,
    // uid_t st_uid at 16, gid_t st_gid at 20. Not run by this repository's tests (Linux CI).
    private static UnixFileStatus? ReadOnMacOS(string path)
    {
        var buffer = new byte[256];
        int result = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? stat_inode64(path, buffer) : stat_mac(path, buffer);
        if (result != 0)
        {
            return null;
        }
        return new UnixFileStatus(BitConverter.ToUInt32(buffer, 0), BitConverter.ToUInt64(buffer, 8), BitConverter.ToUInt32(buffer, 16),
            BitConverter.ToUInt32(buffer, 20), BitConverter.ToUInt16(buffer, 4) & 0xFFF);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int syscall(long number, int dirfd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern int stat_mac(string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "stat$INODE64", SetLastError = true)]
    private static extern int stat_inode64(string path, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, uint owner, uint group);

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod(string path, int mode);
}
