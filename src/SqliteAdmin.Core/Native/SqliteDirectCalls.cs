using System;
using System.Runtime.InteropServices;
using SQLitePCL;

namespace SqliteAdmin.Core.Native;

/// <summary>
/// The few SQLite calls of an export's inner loop (step and the column getters), called straight
/// into the very library SQLitePCLRaw uses, without its per-call SafeHandle marshalling and
/// provider dispatch: measured, those cost more than SQLite's own work at 10 M rows x 8 columns
/// (2 M rows: 3.4 s through SQLitePCLRaw, 1.9 s direct, same process). The library is found from
/// an address inside it (sqlite3_libversion's static string) with dladdr or GetModuleHandleEx, so
/// it is whichever e_sqlite3 (ours or a host's) the provider is bound to, never another copy.
/// Null when that cannot be done; callers then go through SQLitePCLRaw.
/// </summary>
internal sealed unsafe class SqliteDirectCalls
{
    private static readonly Lazy<SqliteDirectCalls?> Instance = new(TryResolve);

    private readonly delegate* unmanaged[Cdecl]<IntPtr, int> _step;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, int> _columnType;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, long> _columnInt64;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, double> _columnDouble;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, byte*> _columnText;
    private readonly delegate* unmanaged[Cdecl]<IntPtr, int, int> _columnBytes;

    private SqliteDirectCalls(Func<string, IntPtr> export)
    {
        _step = (delegate* unmanaged[Cdecl]<IntPtr, int>)export("sqlite3_step");
        _columnType = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)export("sqlite3_column_type");
        _columnInt64 = (delegate* unmanaged[Cdecl]<IntPtr, int, long>)export("sqlite3_column_int64");
        _columnDouble = (delegate* unmanaged[Cdecl]<IntPtr, int, double>)export("sqlite3_column_double");
        _columnText = (delegate* unmanaged[Cdecl]<IntPtr, int, byte*>)export("sqlite3_column_text");
        _columnBytes = (delegate* unmanaged[Cdecl]<IntPtr, int, int>)export("sqlite3_column_bytes");
    }

    /// <summary>The calls, or null where the library cannot be found (then use SQLitePCLRaw).</summary>
    public static SqliteDirectCalls? Current => Instance.Value;

    public int Step(IntPtr statement) => _step(statement);

    public int ColumnType(IntPtr statement, int column) => _columnType(statement, column);

    public long ColumnInt64(IntPtr statement, int column) => _columnInt64(statement, column);

    public double ColumnDouble(IntPtr statement, int column) => _columnDouble(statement, column);

    /// <summary>A value as sqlite3_column_text gives it (UTF-8; a BLOB's bytes as they are), valid until the next step.</summary>
    public ReadOnlySpan<byte> ColumnText(IntPtr statement, int column)
    {
        byte* data = _columnText(statement, column);
        int length = _columnBytes(statement, column);
        return data == null ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(data, length);
    }

    private static SqliteDirectCalls? TryResolve()
    {
        try
        {
            IntPtr inside;
            fixed (byte* version = raw.sqlite3_libversion())
            {
                inside = (IntPtr)version;
            }
            Func<string, IntPtr>? export = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? WindowsExports(inside) : UnixExports(inside);
            if (export == null)
            {
                return null;
            }
            var versionNumber = (delegate* unmanaged[Cdecl]<int>)export("sqlite3_libversion_number");
            if (versionNumber == null || versionNumber() != raw.sqlite3_libversion_number())
            {
                return null;
            }
            var calls = new SqliteDirectCalls(export);
            return calls._step == null || calls._columnType == null || calls._columnInt64 == null || calls._columnDouble == null ||
                   calls._columnText == null || calls._columnBytes == null
                ? null
                : calls;
        }
        catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException || ex is BadImageFormatException)
        {
            return null;
        }
    }

    private static Func<string, IntPtr>? WindowsExports(IntPtr inside)
    {
        const uint FromAddress = 0x4, UnchangedRefCount = 0x2;
        if (!GetModuleHandleExW(FromAddress | UnchangedRefCount, inside, out IntPtr module) || module == IntPtr.Zero)
        {
            return null;
        }
        return name => GetProcAddress(module, name);
    }

    private static Func<string, IntPtr>? UnixExports(IntPtr inside)
    {
        Func<IntPtr, DlInfo?> addressInfo = info => dladdr(info, out DlInfo found) != 0 ? found : null;
        DlInfo? info;
        try
        {
            info = addressInfo(inside);
        }
        catch (EntryPointNotFoundException)
        {
            // glibc before 2.34 keeps dladdr in libdl.
            info = dladdr_libdl(inside, out DlInfo found) != 0 ? found : null;
        }
        if (info == null || info.Value.FileName == IntPtr.Zero)
        {
            return null;
        }
        string? file = Marshal.PtrToStringAnsi(info.Value.FileName);
        if (string.IsNullOrEmpty(file))
        {
            return null;
        }
        // RTLD_NOLOAD: only the library already loaded (Linux 4, macOS 0x10); RTLD_LAZY 1.
        int noLoad = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x10 : 0x4;
        IntPtr handle = OpenLoaded(file!, 1 | noLoad);
        if (handle == IntPtr.Zero)
        {
            return null;
        }
        return name => Symbol(handle, name);
    }

    private static IntPtr OpenLoaded(string file, int flags)
    {
        try
        {
            return dlopen(file, flags);
        }
        catch (EntryPointNotFoundException)
        {
            return dlopen_libdl(file, flags);
        }
    }

    private static IntPtr Symbol(IntPtr handle, string name)
    {
        try
        {
            return dlsym(handle, name);
        }
        catch (EntryPointNotFoundException)
        {
            return dlsym_libdl(handle, name);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public IntPtr FileName;
        public IntPtr FileBase;
        public IntPtr SymbolName;
        public IntPtr SymbolAddress;
    }

    [DllImport("libc", EntryPoint = "dladdr")]
    private static extern int dladdr(IntPtr address, out DlInfo info);

    [DllImport("libdl.so.2", EntryPoint = "dladdr")]
    private static extern int dladdr_libdl(IntPtr address, out DlInfo info);

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen(string file, int flags);

    [DllImport("libdl.so.2", EntryPoint = "dlopen")]
    private static extern IntPtr dlopen_libdl(string file, int flags);

    [DllImport("libc", EntryPoint = "dlsym")]
    private static extern IntPtr dlsym(IntPtr handle, string name);

    [DllImport("libdl.so.2", EntryPoint = "dlsym")]
    private static extern IntPtr dlsym_libdl(IntPtr handle, string name);

    [DllImport("kernel32", SetLastError = true)]
    private static extern bool GetModuleHandleExW(uint flags, IntPtr address, out IntPtr module);

    [DllImport("kernel32", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern IntPtr GetProcAddress(IntPtr module, string name);
}
