using System.IO;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using SqliteAdmin.Core.Native;

namespace SqliteAdmin;

/// <summary>
/// Runs when the module is imported: makes the dependencies/ folder loadable (a private
/// AssemblyLoadContext on PowerShell 7, AssemblyResolve on Windows PowerShell 5.1), then loads the
/// module's own native SQLite by full path before any Microsoft.Data.Sqlite type initialises. The
/// logic lives in ModuleDependencies and Core (NativeSqliteLoader) so that a test without PowerShell
/// runs exactly the same code.
/// </summary>
public sealed class SqliteAdminModuleInitializer : IModuleAssemblyInitializer
{
    /// <summary>Called by PowerShell on Import-Module.</summary>
    public void OnImport()
    {
        string moduleRoot = Path.GetDirectoryName(typeof(SqliteAdminModuleInitializer).Assembly.Location)!;
        ModuleDependencies.Register(moduleRoot);
        LoadNativeSqlite(moduleRoot);
    }

    // A separate method, compiled only after Register has run: compiling it needs SQLitePCLRaw's types.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadNativeSqlite(string moduleRoot) => NativeSqliteLoader.EnsureLoaded(moduleRoot);
}
