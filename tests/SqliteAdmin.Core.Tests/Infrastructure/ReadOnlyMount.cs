using System;
using System.IO;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>
/// A read-only view of a folder (a read-only bind mount), for "database on a read-only medium"
/// tests: root ignores file and folder permissions, but not a read-only mount (EROFS). Needs root,
/// as CI has.
/// </summary>
public sealed class ReadOnlyMount : IDisposable
{
    private readonly TempFolder _mountPoint = new();

    public ReadOnlyMount(string folder)
    {
        Path = _mountPoint.File("ro");
        Directory.CreateDirectory(Path);
        (int exit, string error) = Cli.Run("mount", new[] { "--bind", "-o", "ro", folder, Path });
        if (exit != 0)
        {
            throw new InvalidOperationException($"a read-only bind mount of '{folder}' failed (these tests need root): {error}");
        }
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Cli.Run("umount", new[] { "-l", Path });
        _mountPoint.Dispose();
    }
}
