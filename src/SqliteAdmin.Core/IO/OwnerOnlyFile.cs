using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Creates files readable and writable by their owner only (0600 on Unix, whatever the umask):
/// backups, manifests, side files and temp files may hold everything the database holds.
/// </summary>
public static class OwnerOnlyFile
{
    private const int OwnerReadWrite = 0x180; // 0600

    /// <summary>Creates a new file (never overwriting one) with owner-only permissions and opens it for writing.</summary>
    public static FileStream CreateNew(string path, int bufferSize = 1 << 20)
    {
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, bufferSize);
        try
        {
            Restrict(path);
            return stream;
        }
        catch
        {
            stream.Dispose();
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Creates a new empty owner-only file, so that SQLite opening it keeps those permissions.</summary>
    public static void CreateEmpty(string path)
    {
        using FileStream _ = CreateNew(path, 4096);
    }

    /// <summary>Sets owner-only permissions on an existing file (Unix); on Windows the folder's ACLs apply.</summary>
    public static void Restrict(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return;
        }
        // .NET 7+ (PowerShell 7.4+) has File.SetUnixFileMode; netstandard2.0 reaches it by reflection.
        MethodInfo? set = SetUnixFileMode;
        if (set != null)
        {
            try
            {
                set.Invoke(null, new object[] { path, Enum.ToObject(set.GetParameters()[1].ParameterType, OwnerReadWrite) });
                return;
            }
            catch (TargetInvocationException tie) when (tie.InnerException != null)
            {
                throw new IOException($"Cannot restrict permissions of '{path}' to its owner: {tie.InnerException.Message}", tie.InnerException);
            }
        }
        if (chmod(path, OwnerReadWrite) != 0)
        {
            int errno = Marshal.GetLastWin32Error();
            throw new IOException($"Cannot restrict permissions of '{path}' to its owner (errno {errno}).");
        }
    }

    private static readonly MethodInfo? SetUnixFileMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod(string path, int mode);
}
