using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Creates files readable and writable by their owner only (0600 on Unix, whatever the umask):
/// backups, manifests, side files and temp files may hold everything the database holds.
/// </summary>
internal static class OwnerOnlyFile
{
    private const int OwnerReadWrite = 0x180; // 0600

    /// <summary>
    /// Creates a new file (never overwriting one) with owner-only permissions and opens it for writing.
    /// On Unix the mode is given to open(2) itself (.NET 7+'s FileStreamOptions.UnixCreateMode), so the
    /// file is 0600 from its first byte: no other user can open it before a chmod, whatever the umask.
    /// </summary>
    public static FileStream CreateNew(string path, int bufferSize = 1 << 20)
    {
        FileStream? born = CreateWithUnixMode(path, bufferSize) ?? WindowsOwnerOnly.TryCreateNew(path, bufferSize);
        if (born != null)
        {
            return born;
        }
        // A runtime before .NET 7 (PowerShell 7.2), or Windows where the ACL APIs could not be reached: create, then restrict.
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

    /// <summary>Name prefix of the private temp folders, so a later run can find those a killed run left.</summary>
    public const string PrivateFolderPrefix = "sqliteadmin-private-";

    /// <summary>
    /// A new, empty folder in the system temp folder that only this user can enter (0700 on Unix,
    /// a random name), for plain copies that must not sit in a shared folder. The caller deletes it.
    /// </summary>
    public static string CreatePrivateFolder()
    {
        // .NET 7+ makes it 0700 from the start; earlier runtimes and Windows get a random name, then chmod.
        MethodInfo? createTemp = typeof(Directory).GetMethod("CreateTempSubdirectory", new[] { typeof(string) });
        if (createTemp != null)
        {
            return ((DirectoryInfo)createTemp.Invoke(null, new object[] { PrivateFolderPrefix })!).FullName;
        }
        string path = Path.Combine(Path.GetTempPath(), PrivateFolderPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && chmod(path, 0x1C0 /* 0700 */) != 0)
        {
            Directory.Delete(path);
            throw new IOException($"Cannot restrict the temp folder '{path}' to its owner (errno {Marshal.GetLastWin32Error()}).");
        }
        return path;
    }

    /// <summary>Opens or creates a lock file (owner-only when created), exclusively: FileShare.None.</summary>
    public static FileStream OpenExclusive(string path) =>
        CreateWithUnixMode(path, 1, FileMode.OpenOrCreate, FileShare.None)
        ?? new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);

    private static FileStream? CreateWithUnixMode(string path, int bufferSize, FileMode mode = FileMode.CreateNew, FileShare share = FileShare.Read)
    {
        if (FileStreamOptionsType == null || FileStreamWithOptions == null || RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }
        // netstandard2.0 cannot name FileStreamOptions: set its properties by reflection.
        object options = Activator.CreateInstance(FileStreamOptionsType)!;
        FileStreamOptionsType.GetProperty("Mode")!.SetValue(options, mode);
        FileStreamOptionsType.GetProperty("Access")!.SetValue(options, FileAccess.ReadWrite);
        FileStreamOptionsType.GetProperty("Share")!.SetValue(options, share);
        FileStreamOptionsType.GetProperty("BufferSize")!.SetValue(options, bufferSize);
        PropertyInfo unixMode = FileStreamOptionsType.GetProperty("UnixCreateMode")!;
        Type modeType = Nullable.GetUnderlyingType(unixMode.PropertyType) ?? unixMode.PropertyType;
        unixMode.SetValue(options, Enum.ToObject(modeType, OwnerReadWrite));
        try
        {
            return (FileStream)FileStreamWithOptions.Invoke(new[] { path, options });
        }
        catch (TargetInvocationException tie) when (tie.InnerException != null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(tie.InnerException).Throw();
            throw;
        }
    }

    private static readonly Type? FileStreamOptionsType =
        Type.GetType("System.IO.FileStreamOptions") is Type t && t.GetProperty("UnixCreateMode") != null ? t : null;

    private static readonly ConstructorInfo? FileStreamWithOptions =
        FileStreamOptionsType == null ? null : typeof(FileStream).GetConstructor(new[] { typeof(string), FileStreamOptionsType });

    private static readonly MethodInfo? SetUnixFileMode = typeof(File).GetMethod("SetUnixFileMode", new[] { typeof(string), Type.GetType("System.IO.UnixFileMode") ?? typeof(void) });

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod(string path, int mode);
}
