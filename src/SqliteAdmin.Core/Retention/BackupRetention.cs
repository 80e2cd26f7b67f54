using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Retention;

/// <summary>
/// Applies a retention policy to the module's own backups, per database and folder. Plans from
/// file names (listing 100 000 backups costs about what listing the folder costs); manifests are
/// read only to find each group's newest verified backup, which is never removed, whatever the policy.
/// </summary>
public static class BackupRetention
{
    /// <summary>The reason given to the backup that is kept because it is the newest verified one.</summary>
    public const string NewestVerifiedReason = "newest verified backup (always kept)";

    /// <summary>A backup as retention sees it: from its name, with its manifest read only on demand.</summary>
    public sealed class Candidate
    {
        /// <summary>Creates a candidate; without <paramref name="companions"/> they are looked up in its folder.</summary>
        public Candidate(string path, BackupFileName name, long sizeBytes, IReadOnlyList<FileInfo>? companions = null)
        {
            Path = path;
            Name = name;
            SizeBytes = sizeBytes;
            Companions = companions ?? CompanionFiles(path).Select(f => new FileInfo(f)).ToList();
        }

        /// <summary>Its manifest and side files.</summary>
        public IReadOnlyList<FileInfo> Companions { get; }

        /// <summary>The backup file.</summary>
        public string Path { get; }
        /// <summary>Its parsed name.</summary>
        public BackupFileName Name { get; }
        /// <summary>Its size.</summary>
        public long SizeBytes { get; }
    }

    /// <summary>
    /// The module's backups in a folder (and subfolders with <paramref name="recurse"/>), by name
    /// only, or the one backup file <paramref name="folder"/> names (Get-SqliteBackup output).
    /// Links are skipped; anything else is NotABackup.
    /// </summary>
    public static List<Candidate> Find(string folder, string? database, bool recurse)
    {
        folder = System.IO.Path.GetFullPath(folder);
        if (File.Exists(folder))
        {
            if (!BackupFileName.TryParse(System.IO.Path.GetFileName(folder), out BackupFileName? single) || BackupCatalog.IsLink(folder))
            {
                throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                    $"'{folder}' is neither a folder nor a SqliteAdmin backup; it is not considered.", folder);
            }
            return database != null && !string.Equals(single!.Database, database, StringComparison.OrdinalIgnoreCase)
                ? new List<Candidate>()
                : new List<Candidate> { new(folder, single!, new FileInfo(folder).Length) };
        }
        if (!Directory.Exists(folder))
        {
            throw new SqliteAdminException(ErrorIds.BackupFolderNotFound, SqliteAdminErrorCategory.ObjectNotFound, $"Backup folder '{folder}' does not exist.", folder);
        }
        var found = new List<Candidate>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(folder));
        while (pending.Count > 0)
        {
            DirectoryInfo current = pending.Pop();
            var backups = new List<(FileInfo File, BackupFileName Name)>();
            var others = new List<FileInfo>();
            foreach (FileSystemInfo entry in current.EnumerateFileSystemInfos())
            {
                bool link = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
                if (entry is DirectoryInfo sub)
                {
                    if (recurse && !link)
                    {
                        pending.Push(sub);
                    }
                }
                else if (!link && entry is FileInfo file)
                {
                    if (BackupFileName.TryParse(file.Name, out BackupFileName? name))
                    {
                        backups.Add((file, name!));
                    }
                    else
                    {
                        others.Add(file);
                    }
                }
            }
            // Manifests and side files start with their backup's name: one sorted list and a
            // prefix search per backup, instead of listing the folder again for each one.
            others.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            string[] otherNames = others.Select(o => o.Name).ToArray();
            foreach ((FileInfo file, BackupFileName name) in backups)
            {
                if (database != null && !string.Equals(name.Database, database, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                var companions = new List<FileInfo>();
                int i = Array.BinarySearch(otherNames, file.Name, StringComparer.Ordinal);
                for (i = i < 0 ? ~i : i; i < otherNames.Length && otherNames[i].StartsWith(file.Name, StringComparison.Ordinal); i++)
                {
                    string rest = otherNames[i].Substring(file.Name.Length);
                    if (rest == ".json" || rest.StartsWith(DatabaseBackup.SideFileSeparator, StringComparison.Ordinal))
                    {
                        companions.Add(others[i]);
                    }
                }
                found.Add(new Candidate(file.FullName, name, file.Length, companions));
            }
        }
        return found;
    }

    /// <summary>Plans the policy for each group (database and folder); nothing is removed here.</summary>
    public static List<SqliteRetentionDecision> Plan(IEnumerable<Candidate> candidates, RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        if (policy.IsEmpty)
        {
            throw new SqliteAdminException(ErrorIds.EmptyRetentionPolicy, SqliteAdminErrorCategory.InvalidArgument,
                "No retention rule was given, which would remove every backup. Give at least one of -KeepLast, -KeepHourly, -KeepDaily, -KeepWeekly, -KeepMonthly, -KeepYearly, -KeepWithin, -OlderThan.");
        }
        var decisions = new List<SqliteRetentionDecision>();
        var groups = candidates
            .GroupBy(c => c.Path, StringComparer.Ordinal).Select(g => g.First())   // the same file given twice counts once
            .GroupBy(c => (c.Name.Database.ToUpperInvariant(), System.IO.Path.GetDirectoryName(c.Path)));
        foreach (var group in groups.OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal))
        {
            List<RetentionVerdict<Candidate>> verdicts = RetentionPlanner.Apply(group, c => c.Name.CreatedUtc, c => c.Path, policy, utcNow, zone);
            string? protectedPath = NewestVerified(verdicts.Select(v => v.Item));
            foreach (RetentionVerdict<Candidate> verdict in verdicts)
            {
                var reasons = verdict.Reasons.ToList();
                bool keep = verdict.Keep;
                if (verdict.Item.Path == protectedPath)
                {
                    reasons.Add(NewestVerifiedReason);
                    keep = true;
                }
                decisions.Add(new SqliteRetentionDecision
                {
                    Database = verdict.Item.Name.Database,
                    Path = verdict.Item.Path,
                    CreatedUtc = verdict.Item.Name.CreatedUtc,
                    Tier = verdict.Item.Name.Tier,
                    SizeBytes = verdict.Item.SizeBytes + verdict.Item.Companions.Sum(f => f.Length),
                    Action = keep ? RetentionAction.Keep : RetentionAction.Remove,
                    Reasons = keep ? reasons : new[] { "no rule keeps it" },
                });
            }
        }
        return decisions;
    }

    /// <summary>
    /// Removes the backup, its manifest and its side files. A file that cannot be removed is a
    /// RemoveFailed error; the decision then stays Remove.
    /// </summary>
    public static void Remove(SqliteRetentionDecision decision)
    {
        var failures = new List<string>();
        foreach (string file in new[] { decision.Path }.Concat(CompanionFiles(decision.Path)).ToList())
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (DurableFile.IsFileSystemFailure(ex))
            {
                failures.Add($"{System.IO.Path.GetFileName(file)}: {ex.Message}");
            }
        }
        if (failures.Count > 0)
        {
            throw new SqliteAdminException(ErrorIds.RemoveFailed, SqliteAdminErrorCategory.WriteError,
                $"Could not remove all of backup '{decision.Path}': {string.Join("; ", failures)}", decision.Path);
        }
        decision.Action = RetentionAction.Removed;
    }

    /// <summary>The newest backup whose manifest says it was verified; manifests are read newest first until one is found.</summary>
    private static string? NewestVerified(IEnumerable<Candidate> newestFirst)
    {
        foreach (Candidate candidate in newestFirst)
        {
            SqliteBackupInfo info = BackupCatalog.Describe(candidate.Path, candidate.Name);
            if (info.Verified && info.Status == BackupCheckStatus.NotChecked)
            {
                return candidate.Path;
            }
        }
        return null;
    }

    /// <summary>The manifest and side files (<c>&lt;backup&gt;--*</c>) that belong to a backup; links excluded.</summary>
    internal static IEnumerable<string> CompanionFiles(string backupPath)
    {
        string folder = System.IO.Path.GetDirectoryName(backupPath)!;
        string name = System.IO.Path.GetFileName(backupPath);
        if (File.Exists(backupPath + ".json") && !BackupCatalog.IsLink(backupPath + ".json"))
        {
            yield return backupPath + ".json";
        }
        foreach (string side in Directory.EnumerateFiles(folder, name + DatabaseBackup.SideFileSeparator + "*"))
        {
            if (!BackupCatalog.IsLink(side))
            {
                yield return side;
            }
        }
    }
}
