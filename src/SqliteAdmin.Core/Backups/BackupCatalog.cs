using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.IO;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// Finds the module's backups in a folder from their names and manifests, without opening them,
/// and re-hashes them on request. Only exact backup names count; temp files, foreign files and
/// links are never taken for backups.
/// </summary>
internal static class BackupCatalog
{
    /// <summary>Lists backups in <paramref name="folder"/> (or the one backup file it names), newest first.</summary>
    /// <remarks>
    /// With <paramref name="foreign"/>, files other tools made (sqlite3 .backup copies, gzip, openssl
    /// enc, tar archives) are listed too, recognised from their first bytes.
    /// </remarks>
    public static List<BackupInfo> List(string folder, string? database, bool recurse, CancellationToken cancellation, bool foreign = false)
    {
        folder = Path.GetFullPath(folder);
        if (File.Exists(folder))
        {
            // One backup file named directly (or piped from Get-SqliteBackup).
            bool ours = BackupFileName.TryParse(Path.GetFileName(folder), out BackupFileName? single);
            BackupInfo? named = FileLinks.IsLink(folder) ? null : ours ? Describe(folder, single!, foreign, cancellation) : foreign ? DescribeForeign(folder, cancellation) : null;
            if (named == null)
            {
                throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                    foreign ? $"'{folder}' is not a backup: not a SqliteAdmin backup, an SQLite database, gzip, an OpenSSL-encrypted file or a tar archive (read from its first bytes)."
                            : $"'{folder}' is not a SqliteAdmin backup file (name <database>_<tier>_<yyyyMMdd_HHmmss>.db[.gz][.enc]); give a backup file or the folder that holds backups.", folder);
            }
            return new List<BackupInfo> { named };
        }
        if (!Directory.Exists(folder))
        {
            throw new SqliteAdminException(ErrorIds.BackupFolderNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"Backup folder '{folder}' does not exist.", folder);
        }
        var found = new List<(BackupInfo Info, BackupFileName Name)>();
        foreach (string path in EnumerateFiles(folder, recurse))
        {
            cancellation.ThrowIfCancellationRequested();
            if (FileLinks.IsLink(path))
            {
                continue;
            }
            if (!BackupFileName.TryParse(Path.GetFileName(path), out BackupFileName? name))
            {
                if (foreign && MayBeForeign(path) && DescribeForeign(path, cancellation) is BackupInfo other
                    && (database == null || string.Equals(other.Database, database, StringComparison.OrdinalIgnoreCase)))
                {
                    found.Add((other, new BackupFileName(other.Database, BackupTier.Manual, other.CreatedUtc, other.Compressed, other.Encrypted)));
                }
                continue;
            }
            if (database != null && !string.Equals(name!.Database, database, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            found.Add((Describe(path, name!, foreign, cancellation), name!));
        }
        return found.OrderByDescending(f => f.Info.CreatedUtc).ThenByDescending(f => f.Name.Sequence).Select(f => f.Info).ToList();
    }

    /// <summary>Files that are never a backup themselves: manifests, checksums, SQLite's side files, our temp and lock files.</summary>
    private static bool MayBeForeign(string path)
    {
        string name = Path.GetFileName(path);
        return !name.StartsWith(DurableFile.TempPrefix, StringComparison.Ordinal)
            && !new[] { ".json", ".sha256", ".md5", "-wal", "-shm", "-journal", ".lock", ".log", ".txt" }.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
            && FileLinks.IsRegularFile(path);
    }

    /// <summary>A file another tool made, described from its name and its first bytes; null when it is none of the formats.</summary>
    public static BackupInfo? DescribeForeign(string path, CancellationToken cancellation)
    {
        using ForeignBackup? sniffed = ForeignBackup.TrySniff(path, cancellation);
        if (sniffed == null)
        {
            return null;
        }
        ForeignBackupName name = ForeignBackupName.Parse(path);
        var info = new BackupInfo
        {
            Database = name.Database,
            Path = path,
            Tier = BackupTier.Manual,
            CreatedUtc = name.CreatedUtc,
            SizeBytes = new FileInfo(path).Length,
            Status = BackupCheckStatus.NoManifest,
        };
        MarkForeign(info, sniffed, name.TimeFromName ? "" : " Its time is the file's last write time (none in its name).");
        if (sniffed.Kind == ForeignHeader.Kind.Tar)
        {
            try
            {
                using ForeignBackup archive = ForeignBackup.Open(path, null, cancellation);
                ArchiveCatalog.Describe(archive, info, verify: false, cancellation);
            }
            catch (SqliteAdminException ex)
            {
                info.Status = BackupCheckStatus.Corrupt;
                info.StatusMessage = ex.Message;
            }
        }
        return info;
    }

    private static void MarkForeign(BackupInfo info, ForeignBackup sniffed, string note)
    {
        info.Foreign = true;
        info.Format = sniffed.Format;
        info.Compressed = sniffed.Compressed;
        info.Encrypted = sniffed.Encrypted;
        info.ChecksumPath = ChecksumFile.Beside(info.Path);
        info.StatusMessage = $"Foreign backup ({info.Format}) without a manifest" +
            (info.ChecksumPath != null ? $"; -Verify compares it with {Path.GetFileName(info.ChecksumPath)}." : "; -Verify reads it to its end (nothing recorded to compare it with).") + note;
    }

    /// <summary>
    /// Re-reads a foreign backup to its end through every layer (CRC-32 of gzip, padding of the
    /// cipher, the SQLite header) and compares a .sha256 beside it; sets Status.
    /// </summary>
    public static void VerifyForeign(BackupInfo info, Passphrase? passphrase, CancellationToken cancellation)
    {
        if (info.Encrypted && passphrase == null)
        {
            info.StatusMessage = $"Foreign backup ({info.Format}) is encrypted: give -Passphrase, -Credential or -PassphraseVariable to verify it.";
            return;
        }
        try
        {
            using ForeignBackup backup = ForeignBackup.Open(info.Path, passphrase, cancellation);
            info.Format = backup.Format;
            if (backup.Kind == ForeignHeader.Kind.Tar)
            {
                // Each database in the archive hashed and its header checked; what the metadata says it holds must be there.
                ArchiveCatalog.Describe(backup, info, verify: true, cancellation);
                if (info.ChecksumPath != null)
                {
                    ChecksumFile.Check(info.ChecksumPath, info.Path, backup.StoredSha256, null);
                }
                info.Sha256 = backup.StoredSha256;
                ArchiveMemberInfo? bad = info.Members.FirstOrDefault(m => m.Status != "Ok");
                info.Status = bad != null || info.Members.Count == 0 ? BackupCheckStatus.Corrupt : info.ChecksumPath != null ? BackupCheckStatus.Ok : BackupCheckStatus.Readable;
                info.StatusMessage = bad != null ? $"Archive ({info.Format}): '{bad.Name}' is {(bad.Status ?? "unknown").ToLowerInvariant()}."
                    : info.Members.Count == 0 ? $"Archive ({info.Format}) holds no SQLite database."
                    : $"Archive ({info.Format}) of {info.Members.Count} database(s), read to its end without damage" + (info.ChecksumPath != null ? $"; matches {Path.GetFileName(info.ChecksumPath)}." : "; nothing recorded to compare it with.");
                info.CheckedUtc = DateTime.UtcNow;
                return;
            }
            EncodeResult result = backup.CopyContentTo(Stream.Null, long.MaxValue, null, cancellation);
            if (info.ChecksumPath != null)
            {
                ChecksumFile.Check(info.ChecksumPath, info.Path, result.StoredSha256, result.PlainSha256);
            }
            info.Sha256 = result.StoredSha256;
            info.PlainSha256 = backup.Kind == ForeignHeader.Kind.Sqlite ? result.PlainSha256 : null;
            info.PlainSizeBytes = backup.Kind == ForeignHeader.Kind.Sqlite ? result.PlainSizeBytes : null;
            info.Status = info.ChecksumPath != null ? BackupCheckStatus.Ok : BackupCheckStatus.Readable;
            info.StatusMessage = info.ChecksumPath != null
                ? $"Foreign backup ({info.Format}): matches {Path.GetFileName(info.ChecksumPath)}."
                : $"Foreign backup ({info.Format}): read to its end without damage; nothing recorded to compare it with.";
        }
        catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.BackupCorrupt or ErrorIds.WrongPassphraseOrCorrupt or ErrorIds.NotABackup or ErrorIds.ArchiveUnsafe)
        {
            info.Status = ex.ErrorId == ErrorIds.WrongPassphraseOrCorrupt ? BackupCheckStatus.HmacMismatch : BackupCheckStatus.Corrupt;
            info.StatusMessage = ex.Message;
        }
        info.CheckedUtc = DateTime.UtcNow;
    }

    /// <summary>The newest backup file of each name in <paramref name="folder"/>, found from the file names alone.</summary>
    internal static Dictionary<string, (string Path, BackupFileName Name)> NewestByName(string folder, bool recurse, CancellationToken cancellation)
    {
        var newest = new Dictionary<string, (string Path, BackupFileName Name)>(StringComparer.OrdinalIgnoreCase);
        foreach (string path in EnumerateFiles(Path.GetFullPath(folder), recurse))
        {
            cancellation.ThrowIfCancellationRequested();
            if (!BackupFileName.TryParse(Path.GetFileName(path), out BackupFileName? name) || FileLinks.IsLink(path))
            {
                continue;
            }
            if (!newest.TryGetValue(name!.Database, out var known) || name.CreatedUtc > known.Name.CreatedUtc
                || (name.CreatedUtc == known.Name.CreatedUtc && name.Sequence > known.Name.Sequence))
            {
                newest[name.Database] = (path, name);
            }
        }
        return newest;
    }

    /// <summary>Describes one backup file from its manifest (or its name, when the manifest is missing or invalid).</summary>
    public static BackupInfo Describe(string path, BackupFileName name) => Describe(path, name, foreign: false, CancellationToken.None);

    /// <summary>As <see cref="Describe(string, BackupFileName)"/>; with <paramref name="foreign"/> a file with our name and no manifest is read as a foreign backup.</summary>
    public static BackupInfo Describe(string path, BackupFileName name, bool foreign, CancellationToken cancellation)
    {
        string manifestPath = path + ".json";
        if (!File.Exists(manifestPath))
        {
            BackupInfo bare = FromName(path, name, BackupCheckStatus.NoManifest, "No manifest: made by another tool, or the backup was interrupted before its manifest was written.");
            using ForeignBackup? sniffed = foreign && FileLinks.IsRegularFile(path) ? ForeignBackup.TrySniff(path, cancellation) : null;
            if (sniffed != null)
            {
                MarkForeign(bare, sniffed, "");
            }
            return bare;
        }
        try
        {
            BackupManifest manifest = BackupManifest.Read(manifestPath);
            if (!string.Equals(manifest.BackupFile, name.FileName, StringComparison.Ordinal))
            {
                return FromName(path, name, BackupCheckStatus.ManifestInvalid, $"The manifest describes '{manifest.BackupFile}', not this file.");
            }
            BackupInfo info = ToInfo(path, manifestPath, manifest);
            if (!manifest.Verified && !string.Equals(manifest.VerifyMode, "None", StringComparison.OrdinalIgnoreCase))
            {
                info.Status = BackupCheckStatus.FailedVerification;
                info.StatusMessage = $"The backup failed its {manifest.VerifyMode} check when it was made: {manifest.IntegrityResult}";
            }
            return info;
        }
        catch (SqliteAdminException ex)
        {
            return FromName(path, name, BackupCheckStatus.ManifestInvalid, ex.Message);
        }
    }

    /// <summary>The output object for a backup and its manifest.</summary>
    public static BackupInfo ToInfo(string path, string manifestPath, BackupManifest manifest) => new()
    {
        Database = manifest.Database,
        SourcePath = manifest.SourcePath.Length == 0 ? null : manifest.SourcePath,
        Path = path,
        ManifestPath = manifestPath,
        Tier = manifest.Tier,
        Method = manifest.Method,
        CreatedUtc = manifest.CreatedUtc,
        Duration = TimeSpan.FromMilliseconds(manifest.DurationMs),
        SourceSizeBytes = manifest.SourceSizeBytes,
        SizeBytes = File.Exists(path) ? new FileInfo(path).Length : manifest.StoredSizeBytes,
        PlainSizeBytes = manifest.PlainSizeBytes,
        Compressed = manifest.Compression != null,
        Encrypted = manifest.Cipher != null,
        Sha256 = manifest.StoredSha256,
        PlainSha256 = manifest.PlainSha256,
        Verified = manifest.Verified,
        VerifyMode = manifest.VerifyMode,
        IntegrityResult = manifest.IntegrityResult,
        Restarts = manifest.Restarts,
        IncludedFiles = manifest.IncludedFiles.Select(f => SideFilePath(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, f.StoredName))
            .Where(p => p != null).Select(p => p!).ToList(),
        SqliteVersion = manifest.SqliteVersion,
        Format = (manifest.Members.Count > 0 ? "tar" : "db") + (manifest.Compression != null ? ".gz" : "") + (manifest.Cipher != null ? ".enc" : ""),
        Members = manifest.Members.Select(m => new ArchiveMemberInfo
        {
            Database = m.Database,
            Name = m.BackupFile,
            SizeBytes = m.PlainSizeBytes,
            Sha256 = m.PlainSha256,
            TableCount = m.Tables.Count,
            SourcePath = m.SourcePath,
        }).ToList(),
        Iterations = manifest.Iterations,
        Status = BackupCheckStatus.NotChecked,
    };

    /// <summary>
    /// Re-reads a backup and its side files and compares size, SHA-256 and (with a passphrase) the
    /// HMAC against the manifest; sets Status and StatusMessage. Never decrypts.
    /// </summary>
    public static void Verify(BackupInfo info, Passphrase? passphrase, CancellationToken cancellation)
    {
        if (info.Foreign)
        {
            VerifyForeign(info, passphrase, cancellation);
            return;
        }
        if (info.ManifestPath == null || info.Status is BackupCheckStatus.NoManifest or BackupCheckStatus.ManifestInvalid)
        {
            return;
        }
        BackupManifest manifest;
        try
        {
            // Read again: the manifest may have been edited since the listing.
            manifest = BackupManifest.Read(info.ManifestPath);
        }
        catch (SqliteAdminException ex)
        {
            info.Status = BackupCheckStatus.ManifestInvalid;
            info.StatusMessage = ex.Message;
            return;
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(info.Path))!;
        foreach (IncludedFileEntry side in manifest.IncludedFiles)
        {
            if (SideFilePath(folder, side.StoredName) == null)
            {
                // The manifest check already refuses such names; this keeps -Verify inside the folder whatever the manifest says.
                info.Status = BackupCheckStatus.ManifestInvalid;
                info.StatusMessage = $"The manifest names a side file outside the backup's folder ('{BackupManifest.Printable(side.StoredName)}'); it was not read.";
                return;
            }
        }
        OpenSslKeys? keys = null;
        try
        {
            if (passphrase != null && manifest.Cipher != null)
            {
                byte[] salt = Hex.TryParse(manifest.SaltHex) ?? throw new SqliteAdminException(ErrorIds.ManifestInvalid, SqliteAdminErrorCategory.InvalidData,
                    $"Manifest '{info.ManifestPath}' has an invalid salt.", info.ManifestPath);
                keys = OpenSslEncryption.DeriveKeys(passphrase, salt, manifest.Iterations ?? OpenSslEncryption.DefaultIterations);
            }
            string? problem = CheckFile(info.Path, manifest.StoredSizeBytes, manifest.StoredSha256, manifest.Hmac, keys, cancellation, out bool hmacMismatch);
            foreach (IncludedFileEntry side in manifest.IncludedFiles)
            {
                if (problem != null)
                {
                    break;
                }
                string sidePath = SideFilePath(folder, side.StoredName)!;
                // Side files written since 0.2 have their own salt (and so their own HMAC key).
                byte[]? sideSalt = keys == null ? null : Hex.TryParse(side.SaltHex);
                using OpenSslKeys? sideKeys = sideSalt == null ? null : OpenSslEncryption.DeriveKeys(passphrase!, sideSalt, manifest.Iterations ?? OpenSslEncryption.DefaultIterations);
                problem = CheckFile(sidePath, -1, side.StoredSha256, side.Hmac, sideKeys ?? keys, cancellation, out hmacMismatch);
            }
            info.Status = problem == null ? BackupCheckStatus.Ok : hmacMismatch ? BackupCheckStatus.HmacMismatch : BackupCheckStatus.Corrupt;
            info.StatusMessage = problem;
            info.CheckedUtc = DateTime.UtcNow;
            if (problem == null && manifest.Members.Count > 0 && (manifest.Cipher == null || passphrase != null))
            {
                VerifyMembers(info, manifest, passphrase, cancellation);
            }
        }
        finally
        {
            keys?.Dispose();
        }
    }

    /// <summary>Reads an archive of ours through and compares each member's size and SHA-256 with its manifest.</summary>
    private static void VerifyMembers(BackupInfo info, BackupManifest manifest, Passphrase? passphrase, CancellationToken cancellation)
    {
        var found = new BackupInfo { Path = info.Path };
        try
        {
            using ForeignBackup archive = ForeignBackup.Open(info.Path, passphrase, cancellation);
            ArchiveCatalog.Describe(archive, found, verify: true, cancellation);
        }
        catch (SqliteAdminException ex)
        {
            info.Status = ex.ErrorId == ErrorIds.WrongPassphraseOrCorrupt ? BackupCheckStatus.HmacMismatch : BackupCheckStatus.Corrupt;
            info.StatusMessage = ex.Message;
            return;
        }
        foreach (ArchiveMemberInfo member in info.Members)
        {
            BackupManifest recorded = manifest.Members.First(m => m.BackupFile == member.Name);
            ArchiveMemberInfo? read = found.Members.FirstOrDefault(m => string.Equals(m.Name, member.Name, StringComparison.Ordinal));
            member.Status = read == null ? "Missing"
                : read.SizeBytes == recorded.PlainSizeBytes && string.Equals(read.Sha256, recorded.PlainSha256, StringComparison.OrdinalIgnoreCase) ? "Ok" : "Corrupt";
        }
        if (info.Members.FirstOrDefault(m => m.Status != "Ok") is ArchiveMemberInfo bad)
        {
            info.Status = BackupCheckStatus.Corrupt;
            info.StatusMessage = $"'{bad.Name}' in the archive is {bad.Status!.ToLowerInvariant()}: it does not match the manifest.";
        }
    }

    /// <summary>
    /// The full path of a side file named in a manifest, or null unless it is a plain name directly in
    /// <paramref name="folder"/>: "../x", "/dev/zero", "sub/x" and names with NUL never leave the folder.
    /// </summary>
    internal static string? SideFilePath(string folder, string storedName)
    {
        if (!BackupManifest.IsPlainFileName(storedName))
        {
            return null;
        }
        string full = Path.GetFullPath(Path.Combine(folder, storedName));
        return string.Equals(Path.GetDirectoryName(full), folder.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), StringComparison.Ordinal)
            ? full
            : null;
    }

    private static string? CheckFile(string path, long expectedSize, string expectedSha, string? expectedHmac, OpenSslKeys? keys, CancellationToken cancellation, out bool hmacMismatch)
    {
        hmacMismatch = false;
        if (!File.Exists(path))
        {
            return $"'{Path.GetFileName(path)}' is missing.";
        }
        if (!FileLinks.IsRegularFile(path))
        {
            return $"'{Path.GetFileName(path)}' is not a regular file (a link, a FIFO or a device): it is not read.";
        }
        (long size, string sha, string? hmac) = FileHash.Compute(path, keys?.HmacKey, null, cancellation);
        if (expectedSize >= 0 && size != expectedSize)
        {
            return $"'{Path.GetFileName(path)}' is {size} bytes; the manifest says {expectedSize} (truncated or damaged).";
        }
        if (!string.Equals(sha, expectedSha, StringComparison.OrdinalIgnoreCase))
        {
            return $"The SHA-256 of '{Path.GetFileName(path)}' does not match the manifest (damaged or altered).";
        }
        if (keys != null && !Hex.FixedTimeEquals(hmac, expectedHmac))
        {
            hmacMismatch = true;
            return $"The HMAC of '{Path.GetFileName(path)}' does not match: wrong passphrase, or the backup and its manifest were altered.";
        }
        return null;
    }

    private static BackupInfo FromName(string path, BackupFileName name, BackupCheckStatus status, string message) => new()
    {
        Database = name.Database,
        Path = path,
        Tier = name.Tier,
        CreatedUtc = name.CreatedUtc,
        SizeBytes = new FileInfo(path).Length,
        Compressed = name.Compressed,
        Encrypted = name.Encrypted,
        Status = status,
        StatusMessage = message,
    };

    private static IEnumerable<string> EnumerateFiles(string folder, bool recurse)
    {
        var pending = new Stack<string>();
        pending.Push(folder);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (string file in Directory.EnumerateFiles(current))
            {
                yield return file;
            }
            if (!recurse)
            {
                continue;
            }
            foreach (string sub in Directory.EnumerateDirectories(current))
            {
                if (!FileLinks.IsLink(sub))
                {
                    pending.Push(sub);
                }
            }
        }
    }
}
