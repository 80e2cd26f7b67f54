using System;
using System.IO;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>
/// A real, small file system (tmpfs of a fixed size) mounted in a temp folder, for "disk full"
/// tests: writes past its size fail with ENOSPC exactly as on a full disk. Needs root, as CI has.
/// </summary>
public sealed class SmallVolume : IDisposable
{
    private readonly TempFolder _folder = new();

    public SmallVolume(long bytes)
    {
        Path = _folder.File("volume");
        Directory.CreateDirectory(Path);
        (int exit, string error) = Cli.Run("mount", new[] { "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", Path });
        if (exit != 0)
        {
            throw new InvalidOperationException($"mounting a {bytes}-byte tmpfs failed (these tests need root): {error}");
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public long AvailableBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        Cli.Run("umount", new[] { "-l", Path });
        _folder.Dispose();
    }
}
