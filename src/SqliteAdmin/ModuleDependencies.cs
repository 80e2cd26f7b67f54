using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin;

/// <summary>
/// Makes the third-party assemblies in the module's <c>dependencies/</c> folder loadable before
/// SqliteAdmin.Core first needs one. Deliberately free of PowerShell types, so the load probe
/// (tests) runs the same code without a PowerShell host.
/// </summary>
public static class ModuleDependencies
{
    /// <summary>The folder, under the module folder, that holds Microsoft.Data.Sqlite, SQLitePCLRaw.* and the netstandard polyfills.</summary>
    public const string FolderName = "dependencies";

    /// <summary>The assembly (beside SqliteAdmin.dll) with the private AssemblyLoadContext used on PowerShell 7.</summary>
    public const string LoadContextAssembly = "SqliteAdmin.LoadContext.dll";

    private static readonly object Gate = new();
    private static string? _frameworkFolder;
    private static readonly Dictionary<string, Assembly> FrameworkLoaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// On .NET (PowerShell 7): loads the dependencies into a private AssemblyLoadContext named
    /// SqliteAdmin. On .NET Framework (Windows PowerShell 5.1), which has no load contexts and lets a
    /// module apply no binding redirects: answers AppDomain.AssemblyResolve from the folder. Returns
    /// how: "AssemblyLoadContext:SqliteAdmin" or "AssemblyResolve". Idempotent.
    /// </summary>
    public static string Register(string moduleRoot)
    {
        string folder = Path.Combine(moduleRoot, FolderName);
        if (!RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", StringComparison.Ordinal))
        {
            Assembly loadContext = Assembly.LoadFrom(Path.Combine(moduleRoot, LoadContextAssembly));
            MethodInfo install = loadContext.GetType("SqliteAdmin.LoadContext.DependencyLoadContext", throwOnError: true)!.GetMethod("Install")!;
            return "AssemblyLoadContext:" + (string)install.Invoke(null, new object[] { folder })!;
        }
        lock (Gate)
        {
            if (_frameworkFolder == null)
            {
                _frameworkFolder = folder;
                AppDomain.CurrentDomain.AssemblyResolve += ResolveOnFramework;
            }
        }
        return "AssemblyResolve";
    }

    /// <summary>
    /// The rule the .NET Framework resolver applies, also checked against the built folder by a
    /// module test: a request is answered by a shipped assembly of the same name and public key
    /// token whose version is at least the one requested (Microsoft.Data.Sqlite 10 asks for
    /// SQLitePCLRaw.core 2.1.13 and System.Memory 4.0.1.1; newer ones are shipped).
    /// </summary>
    public static bool Answers(AssemblyName requested, AssemblyName shipped) =>
        string.Equals(requested.Name, shipped.Name, StringComparison.OrdinalIgnoreCase)
        && (requested.Version == null || (shipped.Version != null && shipped.Version >= requested.Version))
        && TokenMatches(requested.GetPublicKeyToken(), shipped.GetPublicKeyToken());

    private static bool TokenMatches(byte[]? requested, byte[]? shipped) =>
        requested == null || requested.Length == 0 || (shipped != null && requested.SequenceEqual(shipped));

    private static Assembly? ResolveOnFramework(object? sender, ResolveEventArgs args)
    {
        var requested = new AssemblyName(args.Name);
        string? folder = _frameworkFolder;
        if (folder == null || requested.Name == null)
        {
            return null;
        }
        string path = Path.Combine(folder, requested.Name + ".dll");
        if (!File.Exists(path))
        {
            return null;
        }
        lock (Gate)
        {
            if (FrameworkLoaded.TryGetValue(requested.Name, out Assembly? loaded))
            {
                return Answers(requested, loaded.GetName()) ? loaded : null;
            }
            AssemblyName shipped = AssemblyName.GetAssemblyName(path);
            if (!Answers(requested, shipped))
            {
                return null;
            }
            loaded = Assembly.LoadFrom(path);
            FrameworkLoaded[requested.Name] = loaded;
            return loaded;
        }
    }
}
