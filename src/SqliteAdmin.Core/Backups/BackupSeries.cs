using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// A backup series: the backups of one source database in one folder. The name in the backup files
/// (the database's file name, or -Name) groups them; the source path each manifest records tells
/// two databases with the same file name apart (site1/app.db and site2/app.db), so one can never
/// be pruned, restored or judged by the other's backups (reliability case 24).
/// </summary>
internal static class BackupSeries
{
    private static readonly StringComparison PathComparison =
        RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// True when a backup whose manifest records <paramref name="recordedSource"/> is of the database
    /// at <paramref name="source"/>. A backup without a recorded source (no manifest) cannot tell, and counts.
    /// </summary>
    public static bool IsOf(string? recordedSource, string source) =>
        string.IsNullOrEmpty(recordedSource) || string.Equals(Normalize(recordedSource!), Normalize(source), PathComparison);

    /// <summary>The distinct source paths recorded by <paramref name="backups"/> (backups without one left out).</summary>
    public static List<string> SourcesOf(IEnumerable<BackupInfo> backups) => SourcesOf(backups.Select(b => b.SourcePath));

    /// <summary>The distinct source paths among <paramref name="recorded"/>, as a manifest records them (nulls left out).</summary>
    public static List<string> SourcesOf(IEnumerable<string?> recorded) =>
        recorded.Where(s => !string.IsNullOrEmpty(s)).Select(s => Normalize(s!))
            .Distinct(RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal).ToList();

    /// <summary>
    /// Before a backup of <paramref name="source"/> is written as series <paramref name="name"/> into
    /// <paramref name="folder"/>: refuses when backups of that name there belong to another database.
    /// </summary>
    public static void EnsureFree(string folder, string name, string source, bool nameGiven, CancellationToken cancellation)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }
        // The newest backup of the name with a readable manifest speaks for the series: since this
        // check exists a series has one source, so one manifest (rarely a few) is read, not all.
        string? recorded = null;
        var named = Directory.EnumerateFiles(folder)
            .Select(path => (Path: path, Parsed: BackupFileName.TryParse(Path.GetFileName(path), out BackupFileName? parsed) ? parsed : null))
            .Where(f => f.Parsed != null && string.Equals(f.Parsed.Database, name, StringComparison.OrdinalIgnoreCase) && !IO.FileLinks.IsLink(f.Path))
            .OrderByDescending(f => f.Parsed!.CreatedUtc).ThenByDescending(f => f.Parsed!.Sequence);
        foreach (var (path, parsed) in named)
        {
            cancellation.ThrowIfCancellationRequested();
            recorded = BackupCatalog.Describe(path, parsed!).SourcePath;
            if (recorded != null)
            {
                break;
            }
        }
        if (recorded == null || IsOf(recorded, source))
        {
            return;
        }
        string suggestion = SuggestName(source);
        throw new SqliteAdminException(ErrorIds.BackupSeriesConflict, SqliteAdminErrorCategory.ResourceExists,
            $"The backups named '{name}' in '{folder}' are of '{recorded}', not of '{source}': two databases never share a backup series " +
            $"(retention, restore and health would mix them). " +
            (nameGiven ? "Choose another -Name for this database." : $"Give this database a series of its own with -Name, e.g. -Name {suggestion}.") +
            " If the database was moved, move its old backups to another folder or keep backing it up under a new -Name.", source);
    }

    /// <summary>
    /// The backups of the database at <paramref name="source"/> in <paramref name="folder"/>, newest
    /// first, whatever their series name: those named after the database, and every series whose
    /// newest manifest records it as the source (a -Name); backups of another source never count.
    /// </summary>
    public static List<BackupInfo> ListOf(string folder, string source, bool recurse, CancellationToken cancellation)
    {
        string ownName = BackupFileName.DatabaseNameOf(source);
        var names = BackupCatalog.NewestByName(folder, recurse, cancellation)
            .Where(n => string.Equals(n.Key, ownName, StringComparison.OrdinalIgnoreCase)
                || BackupCatalog.Describe(n.Value.Path, n.Value.Name).SourcePath is string recorded && IsOf(recorded, source))
            .Select(n => n.Key).ToList();
        return names.SelectMany(n => BackupCatalog.List(folder, n, recurse, cancellation))
            .Where(b => IsOf(b.SourcePath, source))
            .OrderByDescending(b => b.CreatedUtc).ToList();
    }

    /// <summary>
    /// Holds the series <paramref name="name"/> in <paramref name="folder"/> for one backup at a time,
    /// so two databases with the same file name backed up at the same moment cannot both pass
    /// <see cref="EnsureFree"/>. The lock is an exclusive lock on a temp file of the folder
    /// (flock on Linux and macOS, a sharing lock on Windows), removed on release; a killed run
    /// leaves it as a stale temp file, which the next backup sweeps. Another backup of the same
    /// series waits up to <paramref name="wait"/>.
    /// </summary>
    public static IDisposable Lock(string folder, string name, TimeSpan wait, CancellationToken cancellation)
    {
        // One lock per name whatever its case: series names compare without regard to case.
        string path = Path.Combine(folder, IO.StaleTempFiles.LockPrefix + name.ToLowerInvariant());
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            FileStream? held = null;
            try
            {
                held = IO.OwnerOnlyFile.OpenExclusive(path);
                // The holder before us may have removed the file between our open and our lock:
                // then we hold a lock on a file nobody else can find, so start again.
                if (SameFile(held, path))
                {
                    File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // a lock in use never looks like a leftover
                    return new SeriesLock(held, path);
                }
                held.Dispose();
            }
            catch (IOException ex) when (File.Exists(path))
            {
                held?.Dispose();
                if (waited.Elapsed >= wait)
                {
                    throw new SqliteAdminException(ErrorIds.BackupInProgress, SqliteAdminErrorCategory.ResourceBusy,
                        $"Another backup named '{name}' into '{folder}' is running and did not finish within the busy timeout ({wait.TotalSeconds:0} s).", folder, ex);
                }
            }
            cancellation.ThrowIfCancellationRequested();
            Thread.Sleep(100);
        }
    }

    private static bool SameFile(FileStream held, string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return true; // the sharing lock keeps others from opening, and so from removing, the file
        }
        string byHandle = (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "/proc/self/fd/" : "/dev/fd/") + held.SafeFileHandle.DangerousGetHandle();
        IO.UnixFileStatus? open = IO.UnixFileStatus.TryRead(byHandle);
        IO.UnixFileStatus? named = IO.UnixFileStatus.TryRead(path);
        return open == null || (named != null && open.IsSameFile(named));
    }

    private sealed class SeriesLock : IDisposable
    {
        private readonly FileStream _held;
        private readonly string _path;

        public SeriesLock(FileStream held, string path)
        {
            _held = held;
            _path = path;
        }

        public void Dispose()
        {
            // Removed while still locked, so a waiting backup cannot lock it and then lose it; and
            // only if the name is still our file, never another run's lock.
            if (SameFile(_held, _path))
            {
                IO.DurableFile.TryDelete(_path);
            }
            _held.Dispose();
        }
    }

    /// <summary>The series name of <paramref name="source"/>'s own backups in <paramref name="folder"/>, or null when it has none there.</summary>
    public static string? NameOf(string folder, string source, CancellationToken cancellation) =>
        BackupCatalog.NewestByName(folder, recurse: false, cancellation)
            .Where(n => BackupCatalog.Describe(n.Value.Path, n.Value.Name).SourcePath is string recorded && IsOf(recorded, source))
            .Select(n => n.Key).FirstOrDefault();

    /// <summary>A readable series name for a database: its folder's name and its own, e.g. site1-app.</summary>
    public static string SuggestName(string source)
    {
        string folder = Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(source)) ?? "");
        string name = BackupFileName.DatabaseNameOf(source);
        string suggestion = string.IsNullOrEmpty(folder) ? name + "-2" : folder + "-" + name;
        // Only what -Name accepts: letters, digits, single '-', '_'.
        var clean = new string(suggestion.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '-').ToArray());
        while (clean.Contains("--"))
        {
            clean = clean.Replace("--", "-");
        }
        clean = clean.Trim('-');
        return clean.Length == 0 ? "series-2" : clean;
    }

    /// <summary>
    /// Checks a series name given with -Name: it becomes the start of every backup file name, so it
    /// must be a plain file-name part that the backup name parser reads back unchanged.
    /// </summary>
    public static string ValidateName(string name)
    {
        bool plain = name.Length is > 0 and <= 100 && !name.StartsWith("-", StringComparison.Ordinal)
            && name.IndexOf("--", StringComparison.Ordinal) < 0 && name.All(c => char.IsLetterOrDigit(c) || c == '-' || c == '_');
        if (plain && BackupFileName.TryParse(new BackupFileName(name, BackupTier.Manual, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), false, false).FileName, out BackupFileName? back)
            && back!.Database == name)
        {
            return name;
        }
        throw new SqliteAdminException(ErrorIds.InvalidSeriesName, SqliteAdminErrorCategory.InvalidArgument,
            $"'{name}' cannot name a backup series: use letters, digits, '-' and '_', not starting with '-' and without '--' (it starts every backup file name, e.g. site1-app_daily_20261201_020000.db).", name);
    }

    private static string Normalize(string path)
    {
        try
        {
            return IO.FileLinks.RealPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException || ex is NotSupportedException || ex is PathTooLongException)
        {
            return path;
        }
    }
}
