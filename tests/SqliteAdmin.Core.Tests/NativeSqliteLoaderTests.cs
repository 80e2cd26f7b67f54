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
        Assert.Equal(NativeSqliteLoader.ShippedSqliteVersion, result.SqliteVersion);
        Assert.Equal(NativeLoadOutcome.AlreadyInitialized, NativeSqliteLoader.EnsureLoaded(folder.Path).Outcome);
    }

    [Theory]
    [InlineData("3.53.4", "3.53.4", true)]
    [InlineData("3.53.10", "3.53.4", true)]
    [InlineData("3.54.0", "3.53.4", true)]
    [InlineData("3.35.5", "3.53.4", false)]
    [InlineData("3.53.3", "3.53.4", false)]
    [InlineData("not a version", "3.53.4", false)]
    public void A_host_sqlite_counts_only_when_at_least_the_shipped_version(string version, string shipped, bool expected)
    {
        // Compared as versions, not strings: 3.53.10 is newer than 3.53.4.
        Assert.Equal(expected, NativeSqliteLoader.IsAtLeast(version, shipped));
    }

    [Fact]
    public void The_shipped_version_comes_from_the_native_package()
    {
        Assert.Matches(@"^3\.\d+\.\d+$", NativeSqliteLoader.ShippedSqliteVersion);
    }
}
