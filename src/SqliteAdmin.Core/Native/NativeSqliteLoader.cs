using System;
using System.ComponentModel;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.Native;

/// <summary>How the native SQLite library came to be usable in this process.</summary>
internal enum NativeLoadOutcome
{
    /// <summary>This call loaded the library from the module folder.</summary>
    Loaded,
    /// <summary>An earlier call in this process already loaded it.</summary>
    AlreadyInitialized,
    /// <summary>
    /// Another component had already set up a working SQLite provider at least as new as the one the
    /// module ships; nothing was loaded.
    /// </summary>
    ProvidedByHost,
    /// <summary>
    /// The module's library was loaded, but the provider still answers with an older SQLite that
    /// another component loaded first (Windows PowerShell 5.1, where a DllImport binds by file name
    /// to the first e_sqlite3.dll in the process). SqliteVersion is that older version.
    /// </summary>
    OlderHostLibrary,
}

/// <summary>What <see cref="NativeSqliteLoader.EnsureLoaded"/> did.</summary>
internal sealed class NativeLoadResult
{
    internal NativeLoadResult(NativeLoadOutcome outcome, string? runtimeIdentifier, string? path, string sqliteVersion)
    {
        Outcome = outcome;
        RuntimeIdentifier = runtimeIdentifier;
        Path = path;
        SqliteVersion = sqliteVersion;
    }

    /// <summary>What happened.</summary>
    public NativeLoadOutcome Outcome { get; }
    /// <summary>The runtime identifier used, when the library was loaded by us.</summary>
    public string? RuntimeIdentifier { get; }
    /// <summary>The full path loaded, when the library was loaded by us.</summary>
    public string? Path { get; }
    /// <summary>The SQLite library version now in use, e.g. 3.35.5.</summary>
    public string SqliteVersion { get; }
}

/// <summary>
/// Loads the module's own e_sqlite3 by full path before any Microsoft.Data.Sqlite type initialises.
/// Neither PowerShell edition finds it by itself: Windows PowerShell 5.1's DllImport never looks in
/// the module folder, and PowerShell 7 probes a different folder shape. A SQLite that another
/// component already set up is used only when it is at least <see cref="ShippedSqliteVersion"/>;
/// otherwise ours is loaded by full path and our provider is bound to it. Runs from the module
/// initializer and, in tests, from a child process that loads the built module folder.
/// </summary>
internal static class NativeSqliteLoader
{
    private const string LibraryName = "e_sqlite3";
    private static readonly object Gate = new();
    private static NativeLoadResult? _result;
    private static IntPtr _handle;

    /// <summary>
    /// The SQLite version of the native libraries shipped in <c>runtimes/</c>, e.g. 3.53.4 (set at
    /// build time from the native package's version).
    /// </summary>
    public static string ShippedSqliteVersion { get; } = typeof(NativeSqliteLoader).Assembly
        .GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false)
        .Cast<AssemblyMetadataAttribute>()
        .Single(a => a.Key == nameof(ShippedSqliteVersion)).Value!;

    /// <summary>
    /// Makes SQLite usable in this process, loading <c>runtimes/&lt;rid&gt;/native/</c> from
    /// <paramref name="moduleRoot"/> (default: the folder of this assembly). Idempotent; skips
    /// loading when a working provider is already present.
    /// </summary>
    /// <exception cref="SqliteAdminException">The platform is unsupported or the library failed to load; the message names the RID and path.</exception>
    public static NativeLoadResult EnsureLoaded(string? moduleRoot = null)
    {
        lock (Gate)
        {
            if (_result != null)
            {
                return new NativeLoadResult(NativeLoadOutcome.AlreadyInitialized, _result.RuntimeIdentifier, _result.Path, _result.SqliteVersion);
            }

            string? hostVersion = TryGetWorkingSqliteVersion();
            if (hostVersion != null && IsAtLeast(hostVersion, ShippedSqliteVersion))
            {
                _result = new NativeLoadResult(NativeLoadOutcome.ProvidedByHost, null, null, hostVersion);
                return _result;
            }
            // Nothing set up, or something older: load ours and (re)bind our provider to it below.

            moduleRoot ??= System.IO.Path.GetDirectoryName(typeof(NativeSqliteLoader).Assembly.Location)!;
            NativeLibraryChoice choice = NativeSqliteLocator.ChooseForCurrentProcess(moduleRoot);
            EnsureShipped(choice);

            try
            {
                _handle = LoadByFullPath(choice.Path);
                RegisterResolverIfCoreClr();
                // Sets a new provider (and, since SQLitePCLRaw 3, its callback bridges) even when an
                // older one was set: the provider's DllImports bind on first call, through the
                // resolver above, to the library we just loaded.
                SQLitePCL.Batteries_V2.Init();
            }
            catch (Exception ex) when (ex is not SqliteAdminException)
            {
                throw LoadFailed(choice, ex.Message, ex);
            }

            string version = TryGetWorkingSqliteVersion()
                ?? throw LoadFailed(choice, "the library loaded but SQLite did not answer", null);
            // Where the provider's DllImport binds by file name (.NET Framework), an e_sqlite3 that
            // another component loaded first answers instead of ours; say so rather than pretend.
            NativeLoadOutcome outcome = IsAtLeast(version, ShippedSqliteVersion) ? NativeLoadOutcome.Loaded : NativeLoadOutcome.OlderHostLibrary;
            _result = new NativeLoadResult(outcome, choice.RuntimeIdentifier, choice.Path, version);
            return _result;
        }
    }

    /// <summary>
    /// Throws unless the module ships a library for the chosen runtime and the file is present;
    /// the message names the runtime identifier and the path tried.
    /// </summary>
    internal static void EnsureShipped(NativeLibraryChoice choice)
    {
        if (!choice.IsSupported)
        {
            throw new SqliteAdminException(
                ErrorIds.NativeLibraryUnsupportedPlatform,
                SqliteAdminErrorCategory.NotImplemented,
                $"SqliteAdmin has no native SQLite library for runtime '{choice.RuntimeIdentifier}' (tried '{choice.Path}'). " +
                $"Supported: {string.Join(", ", NativeSqliteLocator.ShippedRuntimeIdentifiers)}.",
                choice.Path);
        }
        if (!File.Exists(choice.Path))
        {
            throw LoadFailed(choice, "the file does not exist; the module folder is incomplete, reinstall the module", null);
        }
    }

    private static SqliteAdminException LoadFailed(NativeLibraryChoice choice, string reason, Exception? inner) =>
        new(ErrorIds.NativeLibraryLoadFailed, SqliteAdminErrorCategory.ResourceUnavailable,
            $"Could not load the native SQLite library for runtime '{choice.RuntimeIdentifier}' from '{choice.Path}': {reason}",
            choice.Path, inner);

    /// <summary>Whether SQLite version <paramref name="version"/> (e.g. 3.53.4) is at least <paramref name="minimum"/>.</summary>
    internal static bool IsAtLeast(string version, string minimum) =>
        Version.TryParse(version, out Version? v) && Version.TryParse(minimum, out Version? m) && v >= m;

    /// <summary>The SQLite version if a provider is already set and its library answers; otherwise null.</summary>
    private static string? TryGetWorkingSqliteVersion()
    {
        try
        {
            return SQLitePCL.raw.sqlite3_libversion().utf8_to_string();
        }
        catch (Exception)
        {
            // No provider yet ("You need to call SQLitePCL.raw.SetProvider()"), or its library is not resolvable.
            return null;
        }
    }

    private static IntPtr LoadByFullPath(string path)
    {
        MethodInfo? load = NativeLibraryType?.GetMethod("Load", new[] { typeof(string) });
        if (load != null)
        {
            // .NET Core / PowerShell 7: System.Runtime.InteropServices.NativeLibrary, reached by reflection from netstandard2.0.
            try
            {
                return (IntPtr)load.Invoke(null, new object[] { path })!;
            }
            catch (TargetInvocationException tie) when (tie.InnerException != null)
            {
                throw tie.InnerException;
            }
        }
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            // .NET Framework / Windows PowerShell 5.1: once e_sqlite3.dll is loaded by full path, the
            // loader hands the same module to the provider's DllImport("e_sqlite3") by its base name.
            IntPtr handle = LoadLibraryW(path);
            if (handle == IntPtr.Zero)
            {
                throw new Win32Exception(Marshal.GetLastWin32Error());
            }
            return handle;
        }
        throw new PlatformNotSupportedException("this runtime has neither NativeLibrary nor LoadLibrary");
    }

    private static Type? NativeLibraryType => Type.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: false);

    /// <summary>
    /// On .NET Core, DllImport("e_sqlite3") in the provider assembly does not search our folder;
    /// a DllImportResolver on that assembly answers with the handle we loaded.
    /// </summary>
    private static void RegisterResolverIfCoreClr()
    {
        Type? nativeLibrary = NativeLibraryType;
        Type? resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver", throwOnError: false);
        if (nativeLibrary == null || resolverType == null)
        {
            return;
        }
        MethodInfo target = typeof(NativeSqliteLoader).GetMethod(nameof(ResolveDllImport), BindingFlags.NonPublic | BindingFlags.Static)!;
        Delegate resolver = Delegate.CreateDelegate(resolverType, target);
        MethodInfo set = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType })!;
        Assembly provider = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
        try
        {
            set.Invoke(null, new object[] { provider, resolver });
        }
        catch (TargetInvocationException tie) when (tie.InnerException is InvalidOperationException)
        {
            // Another component already registered a resolver for this assembly; it answers instead.
            // The version check after Init() tells whether that worked.
        }
    }

    // The exact shape DllImportResolver requires: (string, Assembly, DllImportSearchPath?) -> IntPtr.
    private static IntPtr ResolveDllImport(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        string.Equals(libraryName, LibraryName, StringComparison.Ordinal) ? _handle : IntPtr.Zero;

    [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern IntPtr LoadLibraryW(string path);
}
