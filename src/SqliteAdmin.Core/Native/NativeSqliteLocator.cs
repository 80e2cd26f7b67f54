using System;
using System.IO;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.Native;

/// <summary>Operating-system families the module ships a native SQLite for.</summary>
internal enum NativeOs
{
    /// <summary>Windows (PowerShell 5.1 and 7).</summary>
    Windows,
    /// <summary>Linux with glibc or musl.</summary>
    Linux,
    /// <summary>macOS.</summary>
    MacOS,
    /// <summary>Anything else (FreeBSD, …): no native library is shipped.</summary>
    Other,
}

/// <summary>The runtime identifier chosen for this process and the full path of the native library for it.</summary>
internal sealed class NativeLibraryChoice
{
    /// <summary>Creates a choice.</summary>
    public NativeLibraryChoice(string runtimeIdentifier, string path, bool isSupported)
    {
        RuntimeIdentifier = runtimeIdentifier;
        Path = path;
        IsSupported = isSupported;
    }

    /// <summary>The .NET runtime identifier, e.g. <c>linux-musl-x64</c>.</summary>
    public string RuntimeIdentifier { get; }

    /// <summary>Full path of the native library under <c>runtimes/&lt;rid&gt;/native/</c> in the module folder.</summary>
    public string Path { get; }

    /// <summary>Whether the module ships a native library for this runtime identifier.</summary>
    public bool IsSupported { get; }
}

/// <summary>
/// Chooses the e_sqlite3 build for an operating system and processor: a pure function, so every
/// platform's choice is unit-tested on any machine.
/// </summary>
internal static class NativeSqliteLocator
{
    /// <summary>The runtime identifiers whose native library the build copies into the module folder.</summary>
    public static readonly string[] ShippedRuntimeIdentifiers =
    {
        "win-x64", "win-x86", "win-arm64",
        "linux-x64", "linux-arm64", "linux-musl-x64",
        "osx-x64", "osx-arm64",
    };

    /// <summary>Chooses the runtime identifier and library path for the given platform facts.</summary>
    public static NativeLibraryChoice Choose(NativeOs os, Architecture architecture, bool isMusl, string moduleRoot)
    {
        string arch = architecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            Architecture.Arm => "arm",
            _ => architecture.ToString().ToLowerInvariant(),
        };
        string osPart = os switch
        {
            NativeOs.Windows => "win",
            NativeOs.Linux => isMusl ? "linux-musl" : "linux",
            NativeOs.MacOS => "osx",
            _ => RuntimeInformation.OSDescription.Split(' ')[0].ToLowerInvariant(),
        };
        string fileName = os switch
        {
            NativeOs.Windows => "e_sqlite3.dll",
            NativeOs.MacOS => "libe_sqlite3.dylib",
            _ => "libe_sqlite3.so",
        };
        string rid = osPart + "-" + arch;
        string path = System.IO.Path.Combine(moduleRoot, "runtimes", rid, "native", fileName);
        return new NativeLibraryChoice(rid, path, Array.IndexOf(ShippedRuntimeIdentifiers, rid) >= 0);
    }

    /// <summary>Chooses for the current process.</summary>
    public static NativeLibraryChoice ChooseForCurrentProcess(string moduleRoot)
    {
        NativeOs os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? NativeOs.Windows
            : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? NativeOs.Linux
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? NativeOs.MacOS
            : NativeOs.Other;
        bool musl = os == NativeOs.Linux && IsMuslProcess();
        return Choose(os, RuntimeInformation.ProcessArchitecture, musl, moduleRoot);
    }

    /// <summary>
    /// True when this Linux process runs on musl (Alpine). We look at the C library actually mapped
    /// into the process rather than at files on disk: Debian can have musl installed beside glibc.
    /// </summary>
    internal static bool IsMuslProcess()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/maps"))
            {
                if (line.IndexOf("ld-musl-", StringComparison.Ordinal) >= 0 || line.IndexOf("libc.musl-", StringComparison.Ordinal) >= 0)
                {
                    return true;
                }
            }
            return false;
        }
        catch (IOException)
        {
            return File.Exists("/etc/alpine-release");
        }
        catch (UnauthorizedAccessException)
        {
            return File.Exists("/etc/alpine-release");
        }
    }
}
