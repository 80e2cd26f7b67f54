using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Finds other processes that have a file open. A restore must not swap a database under a running
/// application: on Linux and macOS the application would keep writing to the old, unlinked file;
/// on Windows the swap fails. An idle SQLite connection holds no lock, so locks alone cannot tell.
/// </summary>
internal static class FileUsage
{
    /// <summary>
    /// Process ids (or, where ids cannot be had, a description) of other processes with any of
    /// <paramref name="paths"/> open. Empty when none is found.
    /// </summary>
    public static List<string> FindOtherUsers(IEnumerable<string> paths)
    {
        var existing = new List<string>();
        foreach (string path in paths)
        {
            if (File.Exists(path))
            {
                existing.Add(Path.GetFullPath(path));
            }
        }
        if (existing.Count == 0)
        {
            return new List<string>();
        }
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return FindOnWindows(existing);
        }
        // macOS has no /proc; lsof matches the named files by device and inode itself.
        return Directory.Exists("/proc/self/fd") ? FindInProc(existing) : FindWithLsof(existing);
    }

    /// <summary>
    /// Compares the file each descriptor has open with the targets by device and inode, so a process
    /// that reached the file through a symlinked folder, a bind mount or a hard link is seen too (the
    /// link text of /proc/&lt;pid&gt;/fd/&lt;n&gt; is only the path that process used).
    /// </summary>
    private static List<string> FindInProc(List<string> paths)
    {
        var identities = paths.Select(UnixFileStatus.TryRead).ToList();
        if (identities.Any(i => i == null))
        {
            // No statx here (or the file just went): the link text is the best we can do.
            var targets = new HashSet<string>(paths, StringComparer.Ordinal);
            return ScanProc((fd, target) => targets.Contains(target));
        }
        return ScanProc((fd, target) =>
        {
            // Sockets, pipes and anonymous inodes ("socket:[123]") are not files: skipped without a
            // stat, which could also wait on an unrelated, hung network mount.
            if (!target.StartsWith("/", StringComparison.Ordinal))
            {
                return false;
            }
            UnixFileStatus? open = UnixFileStatus.TryRead(fd); // follows the link to the open file
            return open != null && identities.Any(i => i!.IsSameFile(open));
        });
    }

    /// <summary>Other processes with a descriptor for which <paramref name="opens"/>(fd entry, link text) is true.</summary>
    private static List<string> ScanProc(Func<string, string, bool> opens)
    {
        var users = new List<string>();
        int self = Process.GetCurrentProcess().Id;
        foreach (string processDir in Directory.EnumerateDirectories("/proc"))
        {
            string name = Path.GetFileName(processDir);
            if (!int.TryParse(name, out int pid) || pid == self)
            {
                continue;
            }
            try
            {
                foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(processDir, "fd")))
                {
                    string? target = ReadLink(fd);
                    if (target != null && opens(fd, target))
                    {
                        users.Add($"process {pid} ({ProcessName(processDir)})");
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // The process ended, or belongs to another user we may not inspect.
            }
        }
        return users;
    }

    private static List<string> FindWithLsof(List<string> paths)
    {
        var users = new List<string>();
        try
        {
            // netstandard2.0 has no ArgumentList: quote each path for the argument string.
            string arguments = "-t -- " + string.Join(" ", paths.Select(p => "\"" + p.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\""));
            var info = new ProcessStartInfo("lsof", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using Process lsof = Process.Start(info)!;
            string output = lsof.StandardOutput.ReadToEnd();
            lsof.WaitForExit();
            int self = Process.GetCurrentProcess().Id;
            foreach (string line in output.Split('\n'))
            {
                if (int.TryParse(line.Trim(), out int pid) && pid != self)
                {
                    users.Add($"process {pid}");
                }
            }
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception || ex is InvalidOperationException)
        {
            // No lsof: the SQLite lock probe in the restore is the remaining check.
        }
        return users;
    }

    private static List<string> FindOnWindows(List<string> paths)
    {
        var users = new List<string>();
        foreach (string path in paths)
        {
            try
            {
                // Windows refuses an exclusive open while any other handle is open.
                using var _ = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            }
            catch (IOException)
            {
                users.Add($"another process (Windows reports '{Path.GetFileName(path)}' open)");
            }
        }
        return users;
    }

    private static string? ReadLink(string path)
    {
        var buffer = new byte[4096];
        int n = readlink(path, buffer, buffer.Length);
        return n <= 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, n);
    }

    private static string ProcessName(string processDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(processDir, "comm")).Trim();
        }
        catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
        {
            return "?";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int readlink(string path, byte[] buffer, int size);
}
