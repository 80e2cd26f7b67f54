using System.IO;
using System.Management.Automation;
using SqliteAdmin.Core.Native;

namespace SqliteAdmin;

/// <summary>
/// Runs when the module is imported: loads the module's own native SQLite by full path before any
/// Microsoft.Data.Sqlite type initialises. The logic lives in Core (NativeSqliteLoader) so that a
/// test without PowerShell runs exactly the same code.
/// </summary>
public sealed class SqliteAdminModuleInitializer : IModuleAssemblyInitializer
{
    /// <summary>Called by PowerShell on Import-Module.</summary>
    public void OnImport()
    {
        string moduleRoot = Path.GetDirectoryName(typeof(SqliteAdminModuleInitializer).Assembly.Location)!;
        NativeSqliteLoader.EnsureLoaded(moduleRoot);
    }
}
