using System.IO;
using System.Runtime.InteropServices;
using SqliteAdmin.Core.Native;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests;

public class NativeSqliteLocatorTests
{
    private const string Root = "/opt/modules/SqliteAdmin";

    [Theory]
    [InlineData(nameof(NativeOs.Windows), Architecture.X64, false, "win-x64", "e_sqlite3.dll")]
    [InlineData(nameof(NativeOs.Windows), Architecture.X86, false, "win-x86", "e_sqlite3.dll")]
    [InlineData(nameof(NativeOs.Windows), Architecture.Arm64, false, "win-arm64", "e_sqlite3.dll")]
    [InlineData(nameof(NativeOs.Linux), Architecture.X64, false, "linux-x64", "libe_sqlite3.so")]
    [InlineData(nameof(NativeOs.Linux), Architecture.Arm64, false, "linux-arm64", "libe_sqlite3.so")]
    [InlineData(nameof(NativeOs.Linux), Architecture.X64, true, "linux-musl-x64", "libe_sqlite3.so")]
    [InlineData(nameof(NativeOs.MacOS), Architecture.X64, false, "osx-x64", "libe_sqlite3.dylib")]
    [InlineData(nameof(NativeOs.MacOS), Architecture.Arm64, false, "osx-arm64", "libe_sqlite3.dylib")]
    public void Chooses_the_shipped_library_for_each_supported_platform(string osName, Architecture arch, bool musl, string rid, string file)
    {
        NativeLibraryChoice choice = NativeSqliteLocator.Choose((NativeOs)System.Enum.Parse(typeof(NativeOs), osName), arch, musl, Root);

        Assert.True(choice.IsSupported);
        Assert.Equal(rid, choice.RuntimeIdentifier);
        Assert.Equal(Path.Combine(Root, "runtimes", rid, "native", file), choice.Path);
    }

    [Theory]
    [InlineData(nameof(NativeOs.Linux), Architecture.Arm, false, "linux-arm")]
    [InlineData(nameof(NativeOs.Linux), Architecture.Arm64, true, "linux-musl-arm64")]
    [InlineData(nameof(NativeOs.Windows), Architecture.Arm, false, "win-arm")]
    public void Unsupported_platform_fails_naming_the_rid_and_the_path_tried(string osName, Architecture arch, bool musl, string rid)
    {
        NativeLibraryChoice choice = NativeSqliteLocator.Choose((NativeOs)System.Enum.Parse(typeof(NativeOs), osName), arch, musl, Root);
        Assert.False(choice.IsSupported);

        var ex = Assert.Throws<SqliteAdminException>(() => NativeSqliteLoader.EnsureShipped(choice));

        Assert.Equal(ErrorIds.NativeLibraryUnsupportedPlatform, ex.ErrorId);
        Assert.Contains($"'{rid}'", ex.Message);
        Assert.Contains(choice.Path, ex.Message);
    }

    [Fact]
    public void Unknown_operating_system_is_unsupported()
    {
        NativeLibraryChoice choice = NativeSqliteLocator.Choose(NativeOs.Other, Architecture.X64, false, Root);

        Assert.False(choice.IsSupported);
        var ex = Assert.Throws<SqliteAdminException>(() => NativeSqliteLoader.EnsureShipped(choice));
        Assert.Contains(choice.RuntimeIdentifier, ex.Message);
    }

    [Fact]
    public void Supported_platform_with_the_file_missing_fails_naming_the_rid_and_the_path()
    {
        using var folder = new TempFolder();
        NativeLibraryChoice choice = NativeSqliteLocator.Choose(NativeOs.Linux, Architecture.X64, false, folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => NativeSqliteLoader.EnsureShipped(choice));

        Assert.Equal(ErrorIds.NativeLibraryLoadFailed, ex.ErrorId);
        Assert.Contains("'linux-x64'", ex.Message);
        Assert.Contains(choice.Path, ex.Message);
    }

    [Fact]
    public void This_machine_is_detected_as_glibc_linux_x64()
    {
        // The CI machine is Debian x64; if this changes, the child-process loading test changes too.
        NativeLibraryChoice choice = NativeSqliteLocator.ChooseForCurrentProcess(Root);

        Assert.Equal("linux-x64", choice.RuntimeIdentifier);
        Assert.False(NativeSqliteLocator.IsMuslProcess());
    }
}
