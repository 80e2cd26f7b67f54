using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
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
        /// <summary>Creates a candidate: <paramref name="sizeBytes"/> counts the backup with its manifest and side files.</summary>
        public Candidate(string path, BackupFileName name, long sizeBytes)
        {
            Path = path;
            Name = name;
            SizeBytes = sizeBytes;
        }


        /// <summary>The backup file.</summary>
        public string Path { get; }
        /// <summary>Its parsed name.</summary>
        public BackupFileName Name { get; }
        /// <summary>Its size with its manifest and side files.</summary>
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
                : new List<Candidate> { new(folder, single!, new FileInfo(folder).Length + CompanionFiles(folder).Sum(f => new FileInfo(f).Length)) };
        }
        if (!Directory.Exists(folder))
        {
            throw new SqliteAdminException(ErrorIds.BackupFolderNotFound, SqliteAdminErrorCategory.ObjectNotFound, $"Backup folder '{folder}' does not exist.", folder);
        }
        var found = new List<Candidate>();
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            if (recurse)
            {
                foreach (string sub in Directory.EnumerateDirectories(current))
                {
                    if (!BackupCatalog.IsLink(sub))
                    {
                        pending.Push(sub);
                    }
                }
            }
            // Names first (cheap); a file is looked at (one lstat) only when it is a backup or belongs to one.
            var backups = new List<(string Path, string Name, BackupFileName Parsed)>();
            var others = new HashSet<string>(StringComparer.Ordinal);
            var sideFiles = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (string path in Directory.EnumerateFiles(current))
            {
                string name = System.IO.Path.GetFileName(path);
                if (BackupFileName.TryParse(name, out BackupFileName? parsed))
                {
                    if (database == null || string.Equals(parsed!.Database, database, StringComparison.OrdinalIgnoreCase))
                    {
                        backups.Add((path, name, parsed!));
                    }
                    continue;
                }
                others.Add(name);
                string? owner = SideFileOwner(name);
                if (owner != null)
                {
                    if (!sideFiles.TryGetValue(owner, out List<string>? list))
                    {
                        sideFiles[owner] = list = new List<string>();
                    }
                    list.Add(name);
                }
            }
            // One lstat per backup and per companion gives both "is it a link" and its size; on
            // every core, since in folders of 100 000 backups the system calls are the cost.
            var candidates = new Candidate?[backups.Count];
            string folderPath = current;
            Parallel.For(0, backups.Count, i =>
            {
                (string path, string name, BackupFileName parsed) = backups[i];
                var file = new FileInfo(path);
                if ((file.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    return; // links are never candidates
                }
                long bytes = file.Length;
                IEnumerable<string> companions = sideFiles.TryGetValue(name, out List<string>? sides) ? sides : Enumerable.Empty<string>();
                if (others.Contains(name + ".json"))
                {
                    companions = companions.Append(name + ".json");
                }
                foreach (string companionName in companions)
                {
                    var companion = new FileInfo(System.IO.Path.Combine(folderPath, companionName));
                    bytes += (companion.Attributes & FileAttributes.ReparsePoint) != 0 ? 0 : companion.Length;
                }
                candidates[i] = new Candidate(path, parsed, bytes);
            });
            found.AddRange(candidates.Where(c => c != null)!);
        }
        return found;
    }

    /// <summary>The backup a side file (<c>&lt;backup&gt;--&lt;name&gt;</c>) belongs to, or null.</summary>
    private static string? SideFileOwner(string name)
    {
        for (int at = name.IndexOf(DatabaseBackup.SideFileSeparator, StringComparison.Ordinal); at > 0;
             at = name.IndexOf(DatabaseBackup.SideFileSeparator, at + 1, StringComparison.Ordinal))
        {
            string owner = name.Substring(0, at);
            if (BackupFileName.TryParse(owner, out _))
            {
                return owner;
            }
        }
        return null;
    }

    /// <summary>Plans the policy for each group (database and folder); nothing is removed here.</summary>
    public static List<SqliteRetentionDecision> Plan(IEnumerable<Candidate> candidates, RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        if (policy.IsEmpty)
        {
            throw new SqliteAdminException(ErrorIds.EmptyRetentionPolicy, SqliteAdminErrorCategory.InvalidArgument,
                "No retention rule was given, which would remove every backup. Give at least one of -KeepLast, -KeepHourly, -KeepDaily, -KeepWeekly, -KeepMonthly, -KeepYearly, -KeepWithin, -OlderThan.");
        }
        var groups = candidates
            .GroupBy(c => c.Path, StringComparer.Ordinal).Select(g => g.First())   // the same file given twice counts once
            .GroupBy(c => (c.Name.Database.ToUpperInvariant(), System.IO.Path.GetDirectoryName(c.Path)))
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .ToList();
        // Groups are independent: plan them on every core, and keep their order in the output.
        var planned = new List<SqliteRetentionDecision>[groups.Count];
        Parallel.For(0, groups.Count, g => planned[g] = PlanGroup(groups[g], policy, utcNow, zone));
        return planned.SelectMany(d => d).ToList();
    }

    private static List<SqliteRetentionDecision> PlanGroup(IEnumerable<Candidate> group, RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        List<RetentionVerdict<Candidate>> verdicts = RetentionPlanner.Apply(group, c => c.Name.CreatedUtc, c => c.Path, policy, utcNow, zone);
        string? protectedPath = NewestVerified(verdicts.Select(v => v.Item));
        var decisions = new List<SqliteRetentionDecision>(verdicts.Count);
        foreach (RetentionVerdict<Candidate> verdict in verdicts)
        {
            bool keep = verdict.Keep || verdict.Item.Path == protectedPath;
            IReadOnlyList<string> reasons = verdict.Item.Path == protectedPath ? verdict.Reasons.Append(NewestVerifiedReason).ToList() : verdict.Reasons;
            decisions.Add(new SqliteRetentionDecision
            {
                Database = verdict.Item.Name.Database,
                Path = verdict.Item.Path,
                CreatedUtc = verdict.Item.Name.CreatedUtc,
                Tier = verdict.Item.Name.Tier,
                SizeBytes = verdict.Item.SizeBytes,
                Action = keep ? RetentionAction.Keep : RetentionAction.Remove,
                Reasons = keep ? reasons : NoRuleKeepsIt,
            });
        }
        return decisions;
    }

    private static readonly string[] NoRuleKeepsIt = { "no rule keeps it" };

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
