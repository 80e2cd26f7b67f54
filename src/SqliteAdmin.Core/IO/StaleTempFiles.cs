using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Temp files a killed run of SqliteAdmin left behind (<see cref="DurableFile.TempPrefix"/>): found
/// for listings and health, and removed by the next backup into the same folder. A file counts as
/// stale only when nothing has written it for <see cref="Age"/> and no process has it open, so a
/// backup running at the same moment keeps its own temp files.
/// </summary>
internal static class StaleTempFiles
{
    /// <summary>Name prefix of the series lock files (<c>BackupSeries.Lock</c>), which a sweep never removes.</summary>
    public const string LockPrefix = DurableFile.TempPrefix + "lock-";

    /// <summary>How long a temp file must have been left alone before it is taken for a leftover.</summary>
    public static readonly TimeSpan Age = TimeSpan.FromHours(6);

    /// <summary>The stale temp files directly in <paramref name="folder"/> (none when it does not exist).</summary>
    public static List<FileInfo> Find(string folder, DateTime? utcNow = null)
    {
        DateTime cutoff = (utcNow ?? DateTime.UtcNow) - Age;
        if (!Directory.Exists(folder))
        {
            return new List<FileInfo>();
        }
        List<FileInfo> candidates;
        try
        {
            // Lock files are never leftovers: a backup holds one for as long as it runs.
            candidates = new DirectoryInfo(folder).EnumerateFiles(DurableFile.TempPrefix + "*")
                .Where(f => f.LastWriteTimeUtc < cutoff && !FileLinks.IsLink(f) && !f.Name.StartsWith(LockPrefix, StringComparison.Ordinal))
                .ToList();
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return new List<FileInfo>();
        }
        return candidates.Where(f => FileUsage.FindOtherUsers(new[] { f.FullName }).Count == 0).ToList();
    }

    /// <summary>
    /// Removes the private temp folders (<see cref="OwnerOnlyFile.PrivateFolderPrefix"/>) that killed
    /// runs of this user left in the system temp folder: none of their files written for
    /// <see cref="Age"/> and none open. They may hold a decrypted or plain copy of a database.
    /// </summary>
    public static int SweepPrivateFolders(DateTime? utcNow = null)
    {
        DateTime cutoff = (utcNow ?? DateTime.UtcNow) - Age;
        int removed = 0;
        try
        {
            foreach (DirectoryInfo folder in new DirectoryInfo(Path.GetTempPath()).EnumerateDirectories(OwnerOnlyFile.PrivateFolderPrefix + "*"))
            {
                try
                {
                    // Only a folder this user made the way CreatePrivateFolder makes them: flat, ours,
                    // nothing written for Age, nothing open. Anything else is left alone.
                    if (FileLinks.IsLink(folder) || folder.LastWriteTimeUtc >= cutoff || folder.EnumerateDirectories().Any() || !OwnedByMe(folder.FullName))
                    {
                        continue;
                    }
                    List<FileInfo> files = folder.EnumerateFiles().ToList();
                    if (files.Any(f => f.LastWriteTimeUtc >= cutoff || FileLinks.IsLink(f)) || files.Any(f => FileUsage.FindOtherUsers(new[] { f.FullName }).Count > 0))
                    {
                        continue;
                    }
                    DurableFile.TryDeleteFolder(folder.FullName);
                    removed += Directory.Exists(folder.FullName) ? 0 : 1;
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // Another user's folder we may not read: not ours to remove.
                }
            }
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            // Another user's folder, or the temp folder itself unreadable: nothing of ours to remove.
        }
        return removed;
    }

    /// <summary>True when this process's user owns <paramref name="path"/> (always on Windows, where %TEMP% is per user).</summary>
    private static bool OwnedByMe(string path)
    {
        if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows))
        {
            return true;
        }
        UnixFileStatus? status = UnixFileStatus.TryRead(path);
        return status != null && status.Owner == geteuid();
    }

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    /// <summary>Removes the stale temp files of <paramref name="folder"/>; returns how many went. Never fails.</summary>
    public static int Sweep(string folder, DateTime? utcNow = null)
    {
        int removed = 0;
        foreach (FileInfo file in Find(folder, utcNow))
        {
            DurableFile.TryDelete(file.FullName);
            removed += File.Exists(file.FullName) ? 0 : 1;
        }
        return removed;
    }
}
