using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Backups;

/// <summary>A backup being read (by a restore or an integrity check): found, described by its manifest, checked, decoded.</summary>
internal sealed class StoredBackup
{
    private StoredBackup(string path, BackupManifest? manifest, DateTime? createdUtc, bool compressed, bool encrypted, bool foreign = false)
    {
        Path = path;
        Manifest = manifest;
        CreatedUtc = createdUtc;
        Compressed = compressed;
        Encrypted = encrypted;
        Foreign = foreign;
    }

    /// <summary>Made by another tool: no manifest; the format is read from the content, a .sha256 beside it is compared.</summary>
    public bool Foreign { get; }

    public string Path { get; }
    public BackupManifest? Manifest { get; }
    public DateTime? CreatedUtc { get; }
    public bool Compressed { get; }
    public bool Encrypted { get; }
    public long? ExpectedPlainSize => Manifest?.PlainSizeBytes;

    /// <summary>
    /// Finds the backup <paramref name="backupPath"/> names: a file, or the newest verified backup of
    /// <paramref name="database"/> in a folder (at or before <paramref name="before"/>).
    /// </summary>
    public static StoredBackup Find(string backupPath, string? database, DateTime? before, bool allowNoManifest, CancellationToken cancellation, string? destination = null)
    {
        string path = System.IO.Path.GetFullPath(backupPath);
        if (FileLinks.IsLink(path) && File.Exists(path))
        {
            // A link the admin named to a backup (latest.db.gz.enc -> ...): the backup, with its manifest, is the target.
            path = FileLinks.RealPath(path);
        }
        if (Directory.Exists(path))
        {
            return FromFolder(path, database, before, allowNoManifest, destination, cancellation);
        }
        if (!File.Exists(path))
        {
            throw new SqliteAdminException(ErrorIds.BackupNotFound, SqliteAdminErrorCategory.ObjectNotFound, $"Backup '{path}' does not exist.", path);
        }
        if (BackupFileName.TryParse(System.IO.Path.GetFileName(path), out BackupFileName? name))
        {
            return FromInfo(BackupCatalog.Describe(path, name!), allowNoManifest);
        }
        if (!allowNoManifest)
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is not a SqliteAdmin backup. {AllowNoManifestHint}", path);
        }
        return ForeignFile(path);
    }

    /// <summary>A file with a backup name, described by its manifest (or refused without one unless allowed).</summary>
    public static StoredBackup FromFile(string path, BackupFileName name, bool allowNoManifest) =>
        FromInfo(BackupCatalog.Describe(path, name), allowNoManifest);

    private static StoredBackup FromFolder(string folder, string? database, DateTime? beforeLocalOrUtc, bool allowNoManifest, string? destination, CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(database))
        {
            throw new SqliteAdminException(ErrorIds.DatabaseNameRequired, SqliteAdminErrorCategory.InvalidArgument,
                $"'{folder}' is a folder: give -Database to say whose backup to restore (and -Before to go back in time).", folder);
        }
        DateTime? before = beforeLocalOrUtc?.ToUniversalTime();
        List<BackupInfo> all = BackupCatalog.List(folder, database, recurse: false, cancellation);
        // An archive holds several databases: it is restored by naming it, with -Database choosing a member.
        List<BackupInfo> candidates = all.Where(b => b.Status == BackupCheckStatus.NotChecked && b.Verified && b.Members.Count == 0).ToList();
        if (candidates.Count == 0 && all.Any(b => b.Members.Count > 0))
        {
            throw new SqliteAdminException(ErrorIds.NoBackupFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"The backups named '{database}' in '{folder}' are archives of several databases: give the archive itself, e.g. " +
                $"Get-SqliteBackup '{folder}' -Database {database} | Select-Object -First 1 | Restore-SqliteDatabase -Destination <folder>.", folder);
        }
        // One name, several source databases (site1/app.db and site2/app.db): only the series of the
        // destination itself may be picked by name; any other needs the backup named explicitly.
        List<string> sources = BackupSeries.SourcesOf(candidates);
        if (sources.Count > 1)
        {
            if (destination == null || !sources.Any(s => BackupSeries.IsOf(s, destination)))
            {
                throw new SqliteAdminException(ErrorIds.AmbiguousBackupSeries, SqliteAdminErrorCategory.InvalidArgument,
                    $"The backups named '{database}' in '{folder}' are of {sources.Count} different databases ({string.Join(", ", sources.Select(s => "'" + s + "'"))})" +
                    (destination == null ? "" : $", none of them '{destination}'") + ": name the backup itself, e.g. " +
                    $"Get-SqliteBackup '{folder}' -Database {database} | Where-Object SourcePath -eq '{sources[0]}' | Select-Object -First 1 | Restore-SqliteDatabase -Destination ...", folder);
            }
            candidates = candidates.Where(b => b.SourcePath != null && BackupSeries.IsOf(b.SourcePath, destination)).ToList();
        }
        else if (sources.Count == 1 && destination != null && File.Exists(destination) && !BackupSeries.IsOf(sources[0], destination)
                 && BackupSeries.NameOf(folder, destination, cancellation) is string own)
        {
            // One series, of another database, while the destination has backups of its own there
            // (e.g. -Name site2-app): restoring by this name would replace it with the other one's data.
            throw new SqliteAdminException(ErrorIds.BackupOfAnotherDatabase, SqliteAdminErrorCategory.InvalidArgument,
                $"The backups named '{database}' in '{folder}' are of '{sources[0]}', not of '{destination}', whose own backups there are named '{own}' " +
                $"(-Database {own}). To restore the other database's data over it on purpose, give the backup file itself (Get-SqliteBackup ... | Restore-SqliteDatabase).", folder);
        }
        BackupInfo? newest = candidates.FirstOrDefault(b => before == null || b.CreatedUtc <= before);
        if (newest == null)
        {
            throw new SqliteAdminException(ErrorIds.NoBackupFound, SqliteAdminErrorCategory.ObjectNotFound,
                $"No verified backup of '{database}' in '{folder}'" + (before != null ? $" at or before {before:yyyy-MM-dd HH:mm:ss} UTC." : "."), folder);
        }
        return FromInfo(newest, allowNoManifest);
    }

    private static StoredBackup FromInfo(BackupInfo info, bool allowNoManifest)
    {
        EnsureRegularFile(info.Path);
        switch (info.Status)
        {
            case BackupCheckStatus.FailedVerification:
                throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                    $"Backup '{info.Path}' failed its check when it was made and is not restored: {info.StatusMessage}", info.Path);
            case BackupCheckStatus.NoManifest:
            case BackupCheckStatus.ManifestInvalid:
                if (!allowNoManifest)
                {
                    throw new SqliteAdminException(ErrorIds.ManifestInvalid, SqliteAdminErrorCategory.InvalidData,
                        $"Backup '{info.Path}' cannot be checked against its manifest: {info.StatusMessage} {AllowNoManifestHint}", info.Path);
                }
                return ForeignFile(info.Path);
            default:
                return new StoredBackup(info.Path, BackupManifest.Read(info.ManifestPath!), info.CreatedUtc, info.Compressed, info.Encrypted);
        }
    }

    private const string AllowNoManifestHint =
        "To restore a backup another tool made (sqlite3 .backup, gzip, openssl enc), add -AllowNoManifest: its format is read from its content, " +
        "a .sha256 beside it is compared, and its integrity check still runs.";

    /// <summary>A backup without a manifest, restored as what its content turns out to be.</summary>
    public static StoredBackup ForeignFile(string path)
    {
        EnsureRegularFile(path);
        ForeignBackup sniffed = ForeignBackup.Sniff(path, CancellationToken.None);
        return new StoredBackup(path, null, ForeignBackupName.Parse(path).CreatedUtc, sniffed.Compressed, sniffed.Encrypted, foreign: true);
    }

    /// <summary>A FIFO or device under a backup's name would make the read wait forever, or read something else.</summary>
    private static void EnsureRegularFile(string path)
    {
        if (!FileLinks.IsRegularFileOrLinkToOne(path))
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is not a regular file (a FIFO or a device): it is not read as a backup.", path);
        }
    }

    /// <summary>
    /// Before anything is decrypted: size and SHA-256 of the file as stored, and the HMAC (in
    /// constant time) of an encrypted one. A wrong passphrase or any altered byte stops here.
    /// </summary>
    public void CheckStoredFile(Passphrase? passphrase, CancellationToken cancellation)
    {
        if (Manifest == null)
        {
            return;
        }
        if (Encrypted && passphrase == null)
        {
            throw new SqliteAdminException(ErrorIds.PassphraseRequired, SqliteAdminErrorCategory.InvalidArgument,
                $"Backup '{Path}' is encrypted: give -Passphrase, -Credential or -PassphraseVariable.", Path);
        }
        OpenSslKeys? keys = null;
        try
        {
            if (Encrypted)
            {
                byte[] salt = Hex.TryParse(Manifest.SaltHex) ?? throw new SqliteAdminException(ErrorIds.ManifestInvalid, SqliteAdminErrorCategory.InvalidData,
                    $"The manifest of '{Path}' has an invalid salt.", Path);
                keys = OpenSslEncryption.DeriveKeys(passphrase!, salt, Manifest.Iterations ?? OpenSslEncryption.DefaultIterations);
            }
            (long size, string sha, string? hmac) = FileHash.Compute(Path, keys?.HmacKey, null, cancellation);
            bool intact = size == Manifest.StoredSizeBytes && string.Equals(sha, Manifest.StoredSha256, StringComparison.OrdinalIgnoreCase);
            if (keys != null && !Hex.FixedTimeEquals(hmac, Manifest.Hmac))
            {
                throw new SqliteAdminException(ErrorIds.WrongPassphraseOrCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"Wrong passphrase or corrupt backup: the HMAC of '{Path}' does not match its manifest" +
                    (intact ? " (the file itself matches its recorded SHA-256, so the passphrase is the likely cause)." : "."), Path);
            }
            if (!intact)
            {
                throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                    $"Backup '{Path}' is damaged or truncated: it is {size} bytes with a different SHA-256 than its manifest records ({Manifest.StoredSizeBytes} bytes).", Path);
            }
        }
        finally
        {
            keys?.Dispose();
        }
    }

    /// <summary>Decodes into a new owner-only file and checks size and SHA-256; returns the SHA-256.</summary>
    public string DecodeTo(string temp, Action<long> progress, CancellationToken cancellation, Passphrase? passphrase)
    {
        if (Foreign)
        {
            return DecodeForeignTo(temp, progress, cancellation, passphrase);
        }
        EncodeResult result = BackupEncoding.Decode(Path, temp, Compressed, Encrypted ? passphrase : null,
            Manifest?.Iterations ?? OpenSslEncryption.DefaultIterations, Manifest?.PlainSizeBytes ?? long.MaxValue, progress, cancellation);
        if (Manifest != null && (result.PlainSizeBytes != Manifest.PlainSizeBytes || !string.Equals(result.PlainSha256, Manifest.PlainSha256, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SqliteAdminException(ErrorIds.BackupCorrupt, SqliteAdminErrorCategory.InvalidData,
                $"Backup '{Path}' decodes to {result.PlainSizeBytes} bytes with a different SHA-256 than its manifest records ({Manifest.PlainSizeBytes} bytes): it is damaged.", Path);
        }
        return result.PlainSha256;
    }

    /// <summary>
    /// Decodes a foreign backup layer by layer into a new owner-only file, stopping where the disk
    /// would be full (a decompression bomb), and compares a .sha256 beside it; returns the SHA-256.
    /// </summary>
    private string DecodeForeignTo(string temp, Action<long> progress, CancellationToken cancellation, Passphrase? passphrase)
    {
        if (Encrypted && passphrase == null)
        {
            throw new SqliteAdminException(ErrorIds.PassphraseRequired, SqliteAdminErrorCategory.InvalidArgument,
                $"Backup '{Path}' is encrypted (openssl enc): give -Passphrase, -Credential or -PassphraseVariable.", Path);
        }
        using ForeignBackup backup = ForeignBackup.Open(Path, passphrase, cancellation);
        if (backup.Kind != ForeignHeader.Kind.Sqlite)
        {
            throw new SqliteAdminException(ErrorIds.NotABackup, SqliteAdminErrorCategory.InvalidArgument,
                $"'{Path}' ({backup.Format}) holds a tar archive, not one database: restore it as an archive.", Path);
        }
        long limit = DiskSpace.Of(System.IO.Path.GetDirectoryName(temp)!)?.AvailableBytes ?? long.MaxValue;
        EncodeResult result;
        using (FileStream output = OwnerOnlyFile.CreateNew(temp, StreamPump.BufferSize))
        {
            result = backup.CopyContentTo(output, limit, progress, cancellation);
            output.Flush(flushToDisk: true);
        }
        string? checksum = ChecksumFile.Beside(Path);
        if (checksum != null)
        {
            ChecksumFile.Check(checksum, Path, result.StoredSha256, result.PlainSha256);
        }
        return result.PlainSha256;
    }
}
