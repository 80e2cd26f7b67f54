using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Retention;

/// <summary>
/// Applies a retention policy to the module's own backups, per database and folder. Plans from
/// file names (listing 100 000 backups costs about what listing the folder costs); manifests are
/// read only to find each group's newest verified backup, which is never removed, whatever the policy.
/// </summary>
internal static class BackupRetention
{
    /// <summary>The reason given to the backup that is kept because it is the newest verified one.</summary>
    public const string NewestVerifiedReason = "newest verified backup (always kept)";

    /// <summary>The reason given to the newest backup of a group with foreign backups of which none could be verified.</summary>
    public const string NewestUnverifiableReason = "newest backup, none could be verified (always kept)";

    /// <summary>A backup as retention sees it: from its name, with its manifest read only on demand.</summary>
    public sealed class Candidate
    {
        /// <summary>Creates a candidate: <paramref name="sizeBytes"/> counts the backup with its side files.</summary>
        public Candidate(string path, BackupFileName name, long sizeBytes)
            : this(path, name, sizeBytes, null)
        {
        }

        internal Candidate(string path, BackupFileName name, long sizeBytes, string? folder, IReadOnlyList<string>? sideFiles = null)
        {
            Path = path;
            Name = name;
            SizeBytes = sizeBytes;
            _folder = folder;
            SideFiles = sideFiles;
        }

        /// <summary>Made by another tool (recognised by content, named by the admin's pattern): no manifest; its .sha256 is its side file.</summary>
        internal bool Foreign { get; set; }

        /// <summary>Its side files as the folder listing found them; null when not listed (then looked up on removal).</summary>
        internal IReadOnlyList<string>? SideFiles { get; }

        private string? _folder;

        /// <summary>The backup file.</summary>
        public string Path { get; }
        /// <summary>Its parsed name.</summary>
        public BackupFileName Name { get; }
        /// <summary>Its size with its side files (the manifest, a few KB, goes with it but is not counted).</summary>
        public long SizeBytes { get; }
        /// <summary>The folder it is in (its group with the database name); one string per folder when found by <see cref="Find"/>.</summary>
        internal string Folder => _folder ??= System.IO.Path.GetDirectoryName(Path) ?? "";
    }

    /// <summary>
    /// The module's backups in a folder (and subfolders with <paramref name="recurse"/>), by name
    /// only, or the one backup file <paramref name="folder"/> names (Get-SqliteBackup output).
    /// Links are skipped; anything else is NotABackup.
    /// </summary>
    /// <remarks>
    /// With <paramref name="foreign"/>, files another tool made whose names it matches are
    /// candidates too, when their content is a backup (an SQLite database, gzip, OpenSSL, tar):
    /// without it no file the module did not write is ever considered.
    /// </remarks>
    public static List<Candidate> Find(string folder, string? database, bool recurse, Func<string, bool>? foreign = null)
    {
        folder = System.IO.Path.GetFullPath(folder);
        if (File.Exists(folder))
        {
            if (foreign != null && !BackupFileName.TryParse(System.IO.Path.GetFileName(folder), out _) && foreign(System.IO.Path.GetFileName(folder))
                && ForeignCandidate(folder, System.IO.Path.GetDirectoryName(folder)!, new Lazy<HashSet<string>>(() => ManifestSources(System.IO.Path.GetDirectoryName(folder)!))) is Candidate named)
            {
                return database != null && !string.Equals(named.Name.Database, database, StringComparison.OrdinalIgnoreCase) ? new List<Candidate>() : new List<Candidate> { named };
            }
            if (!BackupFileName.TryParse(System.IO.Path.GetFileName(folder), out BackupFileName? single) || FileLinks.IsLink(folder))
            {
                throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                    $"'{folder}' is neither a folder nor a SqliteAdmin backup; it is not considered.", folder);
            }
            return database != null && !string.Equals(single!.Database, database, StringComparison.OrdinalIgnoreCase)
                ? new List<Candidate>()
                : new List<Candidate> { new(folder, single!, new FileInfo(folder).Length + CompanionFiles(folder).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length)) };
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
                    if (!FileLinks.IsLink(sub))
                    {
                        pending.Push(sub);
                    }
                }
            }
            // Names first, from one listing (no system call per file); a file is looked at (one
            // lstat) only when it is a backup or belongs to one. DirectoryInfo's listing would
            // lstat every entry on Unix, foreign files included, and on one core.
            var backups = new List<(string Path, string Name, BackupFileName Parsed)>();
            var foreignFiles = new List<string>();
            Dictionary<string, List<string>>? sideFiles = null;
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
                if (foreign != null && foreign(name))
                {
                    foreignFiles.Add(path);
                    continue;
                }
                string? owner = SideFileOwner(name);
                if (owner != null)
                {
                    sideFiles ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
                    if (!sideFiles.TryGetValue(owner, out List<string>? list))
                    {
                        sideFiles[owner] = list = new List<string>();
                    }
                    list.Add(path);
                }
            }
            // The lstat gives both "is it a link" and the size; on every core, since in folders
            // of 100 000 backups these system calls are most of the cost.
            var candidates = new Candidate?[backups.Count];
            // The folder as GetDirectoryName gives it for each file, so groups match candidates made elsewhere.
            string folderPath = System.IO.Path.GetDirectoryName(System.IO.Path.Combine(current, "_")) ?? current;
            int folderFd = UnixFileStatus.OpenFolder(current);
            try
            {
            Parallel.For(0, backups.Count, i =>
            {
                (string path, string name, BackupFileName parsed) = backups[i];
                long bytes = SizeUnlessLink(folderFd, path, name, out bool candidate);
                if (!candidate)
                {
                    return; // links (and files gone meanwhile) are never candidates
                }
                // The manifest (a few KB) is not sized: its lstat was a third of the cost of planning
                // 100 000 backups. It goes with the backup all the same (CompanionFiles).
                List<string>? sides = null;
                if (sideFiles != null && sideFiles.TryGetValue(name, out sides))
                {
                    foreach (string side in sides)
                    {
                        bytes += SizeUnlessLink(side);
                    }
                }
                // The side files found here go with the decision, so removing 100 000 backups does not
                // list the folder again for each one.
                candidates[i] = new Candidate(path, parsed, bytes, folderPath, (IReadOnlyList<string>?)sides ?? Array.Empty<string>());
            });
            }
            finally
            {
                UnixFileStatus.CloseFolder(folderFd);
            }
            foreach (Candidate? candidate in candidates)
            {
                if (candidate != null)
                {
                    found.Add(candidate);
                }
            }
            // Foreign files are read (their first bytes) only when the admin's pattern names them.
            // The manifests of the folder are read once for all its foreign files (and only if one is a backup).
            var sources = new Lazy<HashSet<string>>(() => ManifestSources(folderPath));
            foreach (string path in foreignFiles)
            {
                if (ForeignCandidate(path, folderPath, sources) is Candidate other
                    && (database == null || string.Equals(other.Name.Database, database, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add(other);
                }
            }
        }
        return found;
    }

    /// <summary>A foreign file as a candidate, when its content is a backup and it is a regular file (never a link); null otherwise.</summary>
    private static Candidate? ForeignCandidate(string path, string folder, Lazy<HashSet<string>> manifestSources)
    {
        if (path.EndsWith(".sha256", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return null; // a pattern such as preroll_tracker* must not make a checksum or a manifest a backup of its own
        }
        long size = SizeUnlessLink(path, out bool isFile);
        if (!isFile || !FileLinks.IsRegularFile(path) || BackupCatalog.DescribeForeign(path, CancellationToken.None) is not BackupInfo info)
        {
            return null;
        }
        if (MayBeLive(path, info, manifestSources))
        {
            return null;
        }
        var sides = new List<string>();
        if (info.ChecksumPath != null && !FileLinks.IsLink(info.ChecksumPath))
        {
            sides.Add(info.ChecksumPath);
            size += SizeUnlessLink(info.ChecksumPath);
        }
        return new Candidate(path, new BackupFileName(info.Database, BackupTier.Manual, info.CreatedUtc, info.Compressed, info.Encrypted), size, folder, sides) { Foreign = true };
    }

    /// <summary>
    /// Whether a foreign file may be a live database rather than a backup of one, so it is never a
    /// candidate: a plain database whose name carries no time (app.db), a file a manifest in the
    /// folder names as its source, one another process has open or with a -wal or -journal beside it.
    /// </summary>
    private static bool MayBeLive(string path, BackupInfo info, Lazy<HashSet<string>> manifestSources)
    {
        if (!info.Compressed && !info.Encrypted && info.Format == "db" && !ForeignBackupName.Parse(path).TimeFromName)
        {
            return true;
        }
        if (File.Exists(path + "-wal") || File.Exists(path + "-journal"))
        {
            return true;
        }
        if (manifestSources.Value.Contains(System.IO.Path.GetFullPath(path)))
        {
            return true;
        }
        try
        {
            Restore.DatabaseSwap.EnsureNotInUse(path, TimeSpan.Zero);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.DatabaseInUse)
        {
            return true;
        }
        return false;
    }

    /// <summary>The source paths the manifests in a folder name (unreadable manifests name none).</summary>
    private static HashSet<string> ManifestSources(string folder)
    {
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (string manifest in Directory.EnumerateFiles(folder, "*.json"))
        {
            try
            {
                BackupManifest read = BackupManifest.Read(manifest);
                foreach (string source in new[] { read.SourcePath }.Concat(read.IncludedFiles.Select(f => f.SourcePath)))
                {
                    if (!string.IsNullOrEmpty(source))
                    {
                        sources.Add(System.IO.Path.GetFullPath(source));
                    }
                }
            }
            catch (SqliteAdminException)
            {
                // not one of our manifests (backup_metadata.json): it names no source
            }
        }
        return sources;
    }

    /// <summary>The size of a companion file; 0 for a link or a file that is not there.</summary>
    private static long SizeUnlessLink(string path) => SizeUnlessLink(path, out _);

    /// <summary>A file's size from one lstat; <paramref name="isFile"/> false for a link or nothing there.</summary>
    private static long SizeUnlessLink(string path, out bool isFile) => SizeUnlessLink(-1, path, null, out isFile);

    /// <summary>As above, looked up by <paramref name="name"/> in the open folder <paramref name="folderFd"/> when there is one.</summary>
    private static long SizeUnlessLink(int folderFd, string path, string? name, out bool isFile)
    {
        bool known = folderFd >= 0 && name != null
            ? UnixFileStatus.TryReadTypeAt(folderFd, name, out bool exists, out bool isLink, out _, out long size)
            : UnixFileStatus.TryReadType(path, out exists, out isLink, out _, out size);
        if (known)
        {
            isFile = exists && !isLink;
            return isFile ? size : 0;
        }
        var file = new FileInfo(path);
        isFile = file.Exists && !FileLinks.IsLink(file);
        return isFile ? file.Length : 0;
    }

    /// <summary>The backup a side file (<c>&lt;backup&gt;--&lt;name&gt;</c>) belongs to, or null.</summary>
    private static string? SideFileOwner(string name)
    {
        // Most names (manifests) have no separator: one scan, no allocation.
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
    public static List<RetentionDecision> Plan(IEnumerable<Candidate> candidates, RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        if (policy.IsEmpty)
        {
            throw new SqliteAdminException(ErrorIds.EmptyRetentionPolicy, SqliteAdminErrorCategory.InvalidArgument,
                "No retention rule was given, which would remove every backup. Give at least one of -KeepLast, -KeepHourly, -KeepDaily, -KeepWeekly, -KeepMonthly, -KeepYearly, -KeepWithin, -OlderThan.");
        }
        // Groups by database (case-insensitive) and folder; the same file given twice counts once.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var byGroup = new Dictionary<(string Database, string Folder), List<Candidate>>(GroupKeyComparer.Instance);
        foreach (Candidate candidate in candidates)
        {
            if (!seen.Add(candidate.Path))
            {
                continue;
            }
            var key = (candidate.Name.Database, candidate.Folder);
            if (!byGroup.TryGetValue(key, out List<Candidate>? members))
            {
                byGroup[key] = members = new List<Candidate>();
            }
            members.Add(candidate);
        }
        var groups = byGroup.Select(g => (Database: g.Key.Database.ToUpperInvariant(), g.Key.Folder, Members: g.Value))
            .OrderBy(g => g.Database, StringComparer.Ordinal).ThenBy(g => g.Folder, StringComparer.Ordinal)
            .ToList();
        // Groups are independent: plan them on every core, and keep their order in the output.
        var planned = new List<RetentionDecision>[groups.Count];
        Parallel.For(0, groups.Count, g => planned[g] = BySource(groups[g].Members).SelectMany(series => PlanGroup(series, policy, utcNow, zone)).ToList());
        var decisions = new List<RetentionDecision>(seen.Count);
        foreach (List<RetentionDecision> group in planned)
        {
            decisions.AddRange(group);
        }
        return decisions;
    }

    /// <summary>Groups up to this size have every manifest read to tell their sources apart; larger ones are sampled.</summary>
    internal const int ReadAllManifestsUpTo = 5000;

    /// <summary>
    /// Splits one name's backups by the source database their manifests record (reliability case
    /// 24): a folder written before backup series were checked may hold site1/app.db's and
    /// site2/app.db's backups under one name, and each must keep its own newest verified backup and
    /// its own count. Since series are checked at backup time, one name has one source, so large
    /// groups are only sampled (the newest and oldest 8, and 16 spread between) and read in full
    /// when the sample shows more than one source. Backups whose source is unknown (no manifest)
    /// stay with the newest source's series.
    /// </summary>
    private static IEnumerable<List<Candidate>> BySource(List<Candidate> group)
    {
        if (group.Count < 2)
        {
            return new[] { group };
        }
        List<Candidate> newestFirst = group.OrderByDescending(c => c.Name.CreatedUtc).ThenByDescending(c => c.Name.Sequence).ToList();
        var sources = new string?[newestFirst.Count];
        var read = new bool[newestFirst.Count];
        void ReadSources(IEnumerable<int> indexes) => Parallel.ForEach(indexes.Where(i => !read[i]).ToList(), i =>
        {
            sources[i] = BackupCatalog.Describe(newestFirst[i].Path, newestFirst[i].Name).SourcePath;
            read[i] = true;
        });
        int n = newestFirst.Count;
        if (n <= ReadAllManifestsUpTo)
        {
            ReadSources(Enumerable.Range(0, n));
        }
        else
        {
            ReadSources(Enumerable.Range(0, 8).Concat(Enumerable.Range(n - 8, 8)).Concat(Enumerable.Range(0, 16).Select(k => (int)((long)k * n / 16))));
            if (BackupSeries.SourcesOf(sources).Count > 1)
            {
                ReadSources(Enumerable.Range(0, n));
            }
        }
        if (BackupSeries.SourcesOf(sources).Count < 2)
        {
            return new[] { group };
        }
        string? fallback = sources.FirstOrDefault(s => s != null);
        var bySource = new Dictionary<string, List<Candidate>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < n; i++)
        {
            string source = System.IO.Path.GetFullPath(sources[i] ?? fallback!);
            string key = bySource.Keys.FirstOrDefault(k => BackupSeries.IsOf(k, source)) ?? source;
            if (!bySource.TryGetValue(key, out List<Candidate>? members))
            {
                bySource[key] = members = new List<Candidate>();
                order.Add(key);
            }
            members.Add(newestFirst[i]);
        }
        return order.Select(k => bySource[k]);
    }

    private static List<RetentionDecision> PlanGroup(IEnumerable<Candidate> group, RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        List<RetentionVerdict<Candidate>> verdicts = RetentionPlanner.Apply(group, c => c.Name.CreatedUtc, c => c.Path, policy, utcNow, zone);
        string? protectedPath = NewestVerified(verdicts.Select(v => v.Item));
        string protectedReason = NewestVerifiedReason;
        if (protectedPath == null && verdicts.Count > 0 && verdicts.Any(v => v.Item.Foreign))
        {
            // Nothing in a group with foreign backups could be verified (encrypted ones cannot be read
            // without the passphrase): the newest stays, so a policy never removes the last copy.
            protectedPath = verdicts[0].Item.Path;
            protectedReason = NewestUnverifiableReason;
        }
        var decisions = new List<RetentionDecision>(verdicts.Count);
        foreach (RetentionVerdict<Candidate> verdict in verdicts)
        {
            bool keep = verdict.Keep || verdict.Item.Path == protectedPath;
            IReadOnlyList<string> reasons = verdict.Item.Path == protectedPath ? verdict.Reasons.Append(protectedReason).ToList() : verdict.Reasons;
            decisions.Add(new RetentionDecision
            {
                Database = verdict.Item.Name.Database,
                Path = verdict.Item.Path,
                CreatedUtc = verdict.Item.Name.CreatedUtc,
                Tier = verdict.Item.Name.Tier,
                Foreign = verdict.Item.Foreign,
                SizeBytes = verdict.Item.SizeBytes,
                Action = keep ? RetentionAction.Keep : RetentionAction.Remove,
                Reasons = keep ? reasons : NoRuleKeepsIt,
                SideFiles = verdict.Item.SideFiles,
            });
        }
        return decisions;
    }

    /// <summary>Database names compare as <c>ToUpperInvariant</c> does (case-insensitive), folders exactly.</summary>
    private sealed class GroupKeyComparer : IEqualityComparer<(string Database, string Folder)>
    {
        public static readonly GroupKeyComparer Instance = new();

        public bool Equals((string Database, string Folder) x, (string Database, string Folder) y) =>
            string.Equals(x.Database, y.Database, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Folder, y.Folder, StringComparison.Ordinal);

        public int GetHashCode((string Database, string Folder) key) =>
            StringComparer.OrdinalIgnoreCase.GetHashCode(key.Database) * 31 + StringComparer.Ordinal.GetHashCode(key.Folder);
    }

    private static readonly string[] NoRuleKeepsIt = { "no rule keeps it" };

    /// <summary>What removing these expired backups of one database (and folder) does, in one sentence for -WhatIf and -Confirm.</summary>
    public static string DescribeRemoval(IReadOnlyList<RetentionDecision> expired)
    {
        var names = expired.Take(3).Select(d => System.IO.Path.GetFileName(d.Path)).ToList();
        string more = expired.Count > names.Count ? $", and {expired.Count - names.Count} more" : "";
        return $"Remove {expired.Count} expired backup(s) of '{expired[0].Database}' with their manifests and side files " +
               $"({DiskSpace.Format(expired.Sum(d => d.SizeBytes))}): {string.Join(", ", names)}{more}";
    }

    /// <summary>
    /// Removes the backup, its manifest and its side files. A file that cannot be removed is a
    /// RemoveFailed error; the decision then stays Remove.
    /// </summary>
    public static void Remove(RetentionDecision decision)
    {
        var failures = new List<string>();
        foreach (string file in new[] { decision.Path }.Concat(CompanionFiles(decision.Path, decision.SideFiles)).ToList())
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
            if (candidate.Foreign)
            {
                // No manifest says it was verified: it is, when it reads to its end through every
                // layer and matches the .sha256 beside it, if any. Encrypted ones cannot be read here.
                if (BackupCatalog.DescribeForeign(candidate.Path, CancellationToken.None) is BackupInfo foreign && !foreign.Encrypted)
                {
                    BackupCatalog.VerifyForeign(foreign, null, CancellationToken.None);
                    if (foreign.Status is BackupCheckStatus.Ok or BackupCheckStatus.Readable)
                    {
                        return candidate.Path;
                    }
                }
                continue;
            }
            BackupInfo info = BackupCatalog.Describe(candidate.Path, candidate.Name);
            if (info.Verified && info.Status == BackupCheckStatus.NotChecked)
            {
                return candidate.Path;
            }
        }
        return null;
    }

    /// <summary>The manifest and side files (<c>&lt;backup&gt;--*</c>) that belong to a backup; links excluded.</summary>
    internal static IEnumerable<string> CompanionFiles(string backupPath, IReadOnlyList<string>? knownSideFiles = null)
    {
        string folder = System.IO.Path.GetDirectoryName(backupPath)!;
        string name = System.IO.Path.GetFileName(backupPath);
        if (File.Exists(backupPath + ".json") && !FileLinks.IsLink(backupPath + ".json"))
        {
            yield return backupPath + ".json";
        }
        foreach (string side in knownSideFiles ?? Directory.EnumerateFiles(folder, name + DatabaseBackup.SideFileSeparator + "*"))
        {
            if (!FileLinks.IsLink(side))
            {
                yield return side;
            }
        }
    }
}
