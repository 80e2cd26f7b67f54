using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace SqliteAdmin.LoadContext;

/// <summary>
/// The private load context for the assemblies in the module's <c>dependencies/</c> folder
/// (Microsoft.Data.Sqlite, SQLitePCLRaw.*), so that they never clash with another version that a
/// script or another module loaded into the default context, before or after us.
/// </summary>
/// <remarks>
/// SqliteAdmin.dll and SqliteAdmin.Core.dll stay in the default context: PowerShell resolves type
/// names (<c>[SqliteAdmin.HealthStatus]::Fail</c>, <c>-is</c>, format views, OutputType)
/// only there. When SqliteAdmin.Core needs Microsoft.Data.Sqlite or SQLitePCLRaw, the default context
/// cannot find them (they are not beside it), or finds an older version another component loaded,
/// and raises Resolving; we answer with the copy in this context. Anything the runtime itself
/// provides (System.Memory and the other netstandard polyfills shipped for Windows PowerShell 5.1)
/// is left to the runtime.
/// </remarks>
public sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new object();
    private static DependencyLoadContext? _instance;
    private readonly string _folder;
    private readonly HashSet<string> _runtimeAssemblies;

    private DependencyLoadContext(string folder)
        : base("SqliteAdmin")
    {
        _folder = folder;
        _runtimeAssemblies = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string tpa = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "";
        foreach (string path in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            _runtimeAssemblies.Add(Path.GetFileNameWithoutExtension(path));
        }
    }

    /// <summary>
    /// Creates the context for <paramref name="dependencyFolder"/> and hooks the default context's
    /// Resolving event. Idempotent (Import-Module -Force runs the initializer again). Returns the
    /// context's name.
    /// </summary>
    public static string Install(string dependencyFolder)
    {
        lock (Gate)
        {
            if (_instance == null)
            {
                _instance = new DependencyLoadContext(Path.GetFullPath(dependencyFolder));
                Default.Resolving += ResolveForDefaultContext;
            }
            return _instance.Name!;
        }
    }

    /// <summary>Loads a shipped dependency into this context; null leaves the name to the runtime.</summary>
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        string? path = ShippedPath(assemblyName);
        return path == null ? null : LoadFromAssemblyPath(path);
    }

    private static Assembly? ResolveForDefaultContext(AssemblyLoadContext context, AssemblyName assemblyName)
    {
        DependencyLoadContext? self = _instance;
        return self?.ShippedPath(assemblyName) == null ? null : self.LoadFromAssemblyName(assemblyName);
    }

    private string? ShippedPath(AssemblyName assemblyName)
    {
        if (assemblyName.Name == null || _runtimeAssemblies.Contains(assemblyName.Name))
        {
            return null;
        }
        string path = Path.Combine(_folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? path : null;
    }
}
