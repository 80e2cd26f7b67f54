using System;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Native;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests;

public class NativeSqliteLoaderTests
{
    [Fact]
    public void Skips_loading_when_the_host_already_provides_a_working_sqlite()
    {
        // In this test host, deps.json lets Microsoft.Data.Sqlite find e_sqlite3 by itself, as a
        // second module or the host might. The loader must then use that library and not look in
        // the folder, which here has no runtimes/ at all (loading from it would throw).
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("x.db"));
        DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(5));

        NativeLoadResult result = NativeSqliteLoader.EnsureLoaded(folder.Path);

        Assert.Contains(result.Outcome, new[] { NativeLoadOutcome.ProvidedByHost, NativeLoadOutcome.AlreadyInitialized });
        Assert.Null(result.Path);
        Assert.Equal("3.35.5", result.SqliteVersion);
        Assert.Equal(NativeLoadOutcome.AlreadyInitialized, NativeSqliteLoader.EnsureLoaded(folder.Path).Outcome);
    }
}
