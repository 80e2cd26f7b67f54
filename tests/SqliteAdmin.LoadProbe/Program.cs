using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;

// Usage: SqliteAdmin.LoadProbe <moduleFolder> <database> [--skip-native-init]
// Prints key=value lines; exit 0 when the database was opened and read through the module.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: SqliteAdmin.LoadProbe <moduleFolder> <database> [--skip-native-init]");
    return 2;
}
string moduleFolder = Path.GetFullPath(args[0]);
string database = Path.GetFullPath(args[1]);
bool skipNative = args.Contains("--skip-native-init");

try
{
    // PowerShell imports a binary module by path (Assembly.LoadFrom); its dependencies then
    // resolve from the module folder. Nothing here knows about runtimes/<rid>/native.
    Assembly core = Assembly.LoadFrom(Path.Combine(moduleFolder, "SqliteAdmin.Core.dll"));
    // What the module initializer does first: make dependencies/ loadable (here: a private
    // AssemblyLoadContext). ModuleDependencies uses no PowerShell type, so no host is needed.
    Assembly module = Assembly.LoadFrom(Path.Combine(moduleFolder, "SqliteAdmin.dll"));
    object how = module.GetType("SqliteAdmin.ModuleDependencies", throwOnError: true)!.GetMethod("Register")!.Invoke(null, new object?[] { moduleFolder })!;
    Console.WriteLine($"dependencies={how}");
    Console.WriteLine("shipped=" + core.GetType("SqliteAdmin.Core.Native.NativeSqliteLoader", throwOnError: true)!.GetProperty("ShippedSqliteVersion")!.GetValue(null));

    if (!skipNative)
    {
        MethodInfo ensure = core.GetType("SqliteAdmin.Core.Native.NativeSqliteLoader", throwOnError: true)!.GetMethod("EnsureLoaded")!;
        object first = ensure.Invoke(null, new object?[] { moduleFolder })!;
        Print("outcome", first, "Outcome");
        Print("rid", first, "RuntimeIdentifier");
        Print("path", first, "Path");
        // Import-Module -Force runs the initializer again in the same process.
        object second = ensure.Invoke(null, new object?[] { moduleFolder })!;
        Print("second-outcome", second, "Outcome");
    }

    MethodInfo inspect = core.GetType("SqliteAdmin.Core.Databases.DatabaseInspector", throwOnError: true)!.GetMethod("Inspect")!;
    object info = inspect.Invoke(null, new object?[] { database, TimeSpan.FromSeconds(5), null, CancellationToken.None })!;
    Print("sqlite", info, "SqliteVersion");
    foreach (PropertyInfo property in info.GetType().GetProperties())
    {
        Console.WriteLine($"info.{property.Name}={property.GetValue(info)}");
    }
    var tables = (System.Collections.IEnumerable)info.GetType().GetProperty("Tables")!.GetValue(info)!;
    Console.WriteLine("tables=" + string.Join(",", tables.Cast<object>().Select(t =>
        $"{t.GetType().GetProperty("Name")!.GetValue(t)}:{t.GetType().GetProperty("RowCount")!.GetValue(t)}")));

    foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name is "Microsoft.Data.Sqlite" or "SQLitePCLRaw.core" or "SQLitePCLRaw.provider.e_sqlite3"))
    {
        Console.WriteLine($"assembly={assembly.GetName().Name}|{assembly.Location}|{System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(assembly)?.Name}");
    }
    if (File.Exists("/proc/self/maps"))
    {
        foreach (string mapped in File.ReadLines("/proc/self/maps").Where(l => l.Contains("libe_sqlite3")).Select(l => l.Substring(l.IndexOf('/'))).Distinct())
        {
            Console.WriteLine("mapped=" + mapped);
        }
    }
    return 0;
}
catch (Exception ex)
{
    for (Exception? e = ex; e != null; e = e.InnerException)
    {
        if (e is TargetInvocationException)
        {
            continue;
        }
        Console.WriteLine($"error={e.GetType().FullName}: {e.Message}");
    }
    return 1;
}

static void Print(string key, object target, string property) =>
    Console.WriteLine($"{key}={target.GetType().GetProperty(property)!.GetValue(target)}");
