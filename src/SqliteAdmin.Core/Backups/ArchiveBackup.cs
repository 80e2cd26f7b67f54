using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using ICSharpCode.SharpZipLib.Tar;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Compression;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// Puts several databases into one archive, <c>&lt;set&gt;_&lt;tier&gt;_&lt;time&gt;.tar.gz[.enc]</c>:
/// each copied through SQLite's backup API and checked as a single backup is, then written as a tar
/// stream (our manifest first, then the databases under their own file names) that is gzipped on
/// every core, encrypted as <c>openssl enc -aes-256-cbc -pbkdf2</c> does, and hashed in one pass, so
/// <c>openssl enc -d … | tar -xzf -</c> gives the databases back. The manifest beside it describes the
/// archive as a whole (size, SHA-256, HMAC) and each member with a single backup's facts. Any failure
/// removes every file the run wrote.
/// </summary>
internal static class ArchiveBackup
{
    /// <summary>Backs up <paramref name="sources"/> into one archive named <paramref name="archiveName"/>; the rest of the request as for one backup.</summary>
    public static BackupInfo Run(IReadOnlyList<string> sources, string archiveName, BackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        List<string> paths = sources.Select(Path.GetFullPath).ToList();
        string destination = Path.GetFullPath(request.Destination);
        string name = BackupSeries.ValidateName(archiveName);
        string activity = $"Backing up {paths.Count} databases into {name}";
        if (paths.Count == 0)
        {
            throw new SqliteAdminException(ErrorIds.DatabaseNotFound, SqliteAdminErrorCategory.InvalidArgument, "No database was given for the archive.");
        }
        IGrouping<string, string>? clash = paths.GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (clash != null)
        {
            throw new SqliteAdminException(ErrorIds.ArchiveMemberConflict, SqliteAdminErrorCategory.InvalidArgument,
                $"Two databases named '{clash.Key}' cannot be members of one archive ({string.Join(", ", clash)}): an archive holds each under its file name. Make one archive per name.");
        }
        string? reserved = paths.FirstOrDefault(p => Path.GetFileName(p) is string file
            && (string.Equals(file, ArchiveReader.ManifestEntry, StringComparison.OrdinalIgnoreCase) || string.Equals(file, ArchiveReader.SeedMetadataEntry, StringComparison.OrdinalIgnoreCase)));
        if (reserved != null)
        {
            throw new SqliteAdminException(ErrorIds.ArchiveMemberConflict, SqliteAdminErrorCategory.InvalidArgument,
                $"'{reserved}' cannot be a member of an archive: an archive holds each database under its file name, and '{Path.GetFileName(reserved)}' is the name of the archive's own description. Copy or rename the database first.", reserved);
        }
        bool encrypt = request.Passphrase != null;
        DurableFile.EnsureFolder(destination);
        using IDisposable seriesLock = BackupSeries.Lock(destination, name, TimeSpan.FromTicks(Math.Max(request.BusyTimeout.Ticks, TimeSpan.FromMinutes(30).Ticks)), cancellation);

        var created = new List<string>();
        var privateFolders = new List<string>();
        OpenSslKeys? keys = null;
        try
        {
            StaleTempFiles.Sweep(destination);
            var members = new List<(BackupManifest Manifest, string Temp)>();
            string sqliteVersion = "";
            int restarts = 0;
            for (int i = 0; i < paths.Count; i++)
            {
                string source = paths[i];
                string step = $"{Path.GetFileName(source)} ({i + 1} of {paths.Count})";
                var member = new BackupManifest { BackupFile = Path.GetFileName(source), Database = BackupFileName.DatabaseNameOf(source), SourcePath = source };
                string temp;
                OnlineBackupCopier.Outcome copied;
                using (SqliteConnection connection = SqliteConnectionFactory.OpenSource(source, request.BusyTimeout, out _))
                {
                    member.SourceJournalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode;");
                    member.SqliteVersion = sqliteVersion = connection.ExecuteScalar<string>("SELECT sqlite_version();");
                    member.SourceSizeBytes = new FileInfo(source).Length;
                    // The plain copy of an encrypted archive's member is made beside its source, never in the destination.
                    string folder = destination;
                    if (encrypt)
                    {
                        StaleTempFiles.Sweep(Path.GetDirectoryName(source)!);
                        folder = DatabaseBackup.PlainWorkFolder(source);
                        if (folder != Path.GetDirectoryName(source))
                        {
                            privateFolders.Add(folder);
                        }
                    }
                    temp = DurableFile.TempPathIn(folder, "db");
                    created.Add(temp);
                    OwnerOnlyFile.CreateEmpty(temp);
                    int index = i;
                    var memberProgress = new Relay(p => progress?.Report(new OperationProgress(activity, $"{step}: {p.Status}", (100 * index + Math.Max(0, p.PercentComplete)) / 2 / paths.Count)));
                    copied = DatabaseBackup.CopyDatabase(connection, temp, member.SourceJournalMode, request, source, activity, memberProgress, cancellation);
                }
                restarts += copied.Restarts;
                progress?.Report(new OperationProgress(activity, $"{step}: checking the copy", (50 * i + 40) / paths.Count));
                var ((facts, problems), hash) = SideBySide.Run(
                    () => DatabaseBackup.CheckCopy(temp, request, cancellation),
                    () => FileHash.Compute(temp, null, null, cancellation));
                if (problems.Count > 0)
                {
                    throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                        $"The copy of '{source}' failed its {request.Verify.ToString().ToLowerInvariant()} check, so no archive was kept: {IntegrityCheck.Summarize(problems, request.Verify)}. " +
                        "The source database itself may be damaged: run Test-SqliteIntegrity on it.", source);
                }
                member.Method = request.Method.ToString();
                member.PageSize = facts.PageSize;
                member.PageCount = facts.PageCount;
                member.FreelistCount = facts.FreelistCount;
                member.UserVersion = facts.UserVersion;
                member.ApplicationId = facts.ApplicationId;
                member.Tables = facts.Tables.Select(t => new KeyValuePair<string, long?>(t.Name, t.RowCount)).ToList();
                member.PlainSizeBytes = member.StoredSizeBytes = hash.Size;
                member.PlainSha256 = member.StoredSha256 = hash.Sha256;
                member.VerifyMode = request.Verify.ToString();
                member.Verified = request.Verify != IntegrityMode.None;
                member.IntegrityResult = IntegrityCheck.Summarize(problems, request.Verify);
                member.Restarts = copied.Restarts;
                members.Add((member, temp));
            }

            var fileName = new BackupFileName(name, request.Tier, request.UtcNow(), compressed: true, encrypt, archive: true);
            foreach ((BackupManifest member, _) in members)
            {
                member.ModuleVersion = request.ModuleVersion;
                member.CreatedUtc = fileName.CreatedUtc;
                member.Tier = request.Tier;
            }
            keys = encrypt ? OpenSslEncryption.DeriveKeys(request.Passphrase!, OpenSslEncryption.NewSalt(), request.Iterations) : null;
            string storedTemp = DurableFile.TempPathIn(destination, "stored");
            created.Add(storedTemp);
            long total = members.Sum(m => m.Manifest.PlainSizeBytes);
            EncodeResult stored = WriteArchive(storedTemp, BackupManifest.ArchiveInsideJson(name, fileName.CreatedUtc, request.ModuleVersion, members.Select(m => m.Manifest)),
                members, fileName.CreatedUtc, request, keys,
                done => progress?.Report(new OperationProgress(activity, "Archiving, compressing, encrypting and hashing", 50 + (int)(45 * done / Math.Max(1, total)))), cancellation);

            string finalPath = DatabaseBackup.MoveToFreeName(storedTemp, destination, ref fileName);
            created.Remove(storedTemp);
            created.Add(finalPath);
            var manifest = new BackupManifest
            {
                ModuleVersion = request.ModuleVersion,
                BackupFile = fileName.FileName,
                Database = name,
                CreatedUtc = fileName.CreatedUtc,
                Tier = request.Tier,
                Method = request.Method.ToString(),
                SqliteVersion = sqliteVersion,
                VerifyMode = request.Verify.ToString(),
                Verified = request.Verify != IntegrityMode.None,
                IntegrityResult = request.Verify == IntegrityMode.None ? "not run" : "ok",
                Restarts = restarts,
                DurationMs = stopwatch.ElapsedMilliseconds,
                Members = members.Select(m => m.Manifest).ToList(),
            };
            manifest.SetStorage(stored, request.CompressionLevel, keys, request.Iterations);
            string manifestPath = Path.Combine(destination, fileName.ManifestFileName);
            DatabaseBackup.WriteNewFile(manifestPath, manifest.ToJson(), created);
            foreach ((_, string temp) in members)
            {
                DurableFile.TryDeleteDatabase(temp);
                created.Remove(temp);
            }
            created.Clear();
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            BackupInfo info = BackupCatalog.ToInfo(finalPath, manifestPath, manifest);
            info.Duration = stopwatch.Elapsed;
            info.Status = BackupCheckStatus.Ok;
            info.CheckedUtc = DateTime.UtcNow;
            return info;
        }
        catch (Exception ex)
        {
            throw DatabaseBackup.Undo(ex, created, destination, $"Cannot write the archive '{name}' to '{destination}'", cancellation);
        }
        finally
        {
            keys?.Dispose();
            foreach (string folder in privateFolders)
            {
                DurableFile.TryDeleteFolder(folder);
            }
        }
    }

    /// <summary>tar → gzip (every core) → OpenSSL encryption → hash and HMAC → a new owner-only file, in one streaming pass.</summary>
    private static EncodeResult WriteArchive(string storedPath, string insideManifest, List<(BackupManifest Manifest, string Temp)> members, DateTime createdUtc,
        BackupRequest request, OpenSslKeys? keys, Action<long> bytesDone, CancellationToken cancellation) =>
        BackupEncoding.EncodeWith(storedPath, compress: true, request.CompressionLevel, keys, plain =>
        {
            using var tar = new TarOutputStream(plain, Encoding.UTF8) { IsStreamOwner = false };
            byte[] manifest = new UTF8Encoding(false).GetBytes(insideManifest);
            PutEntry(tar, ArchiveReader.ManifestEntry, manifest.Length, createdUtc);
            tar.Write(manifest, 0, manifest.Length);
            tar.CloseEntry();
            long before = 0;
            foreach ((BackupManifest member, string temp) in members)
            {
                using var input = new FileStream(temp, FileMode.Open, FileAccess.Read, FileShare.Read, StreamPump.BufferSize);
                if (input.Length != member.PlainSizeBytes)
                {
                    throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                        $"The copy of '{member.SourcePath}' changed size after it was checked; no archive was kept.", member.SourcePath);
                }
                PutEntry(tar, member.BackupFile, member.PlainSizeBytes, createdUtc);
                long start = before;
                StreamPump.Copy(input, tar, done => bytesDone(start + done), cancellation);
                tar.CloseEntry();
                before += member.PlainSizeBytes;
            }
        });

    private static void PutEntry(TarOutputStream tar, string name, long size, DateTime createdUtc)
    {
        TarEntry entry = TarEntry.CreateTarEntry(name);
        entry.Size = size;
        entry.ModTime = createdUtc;
        entry.TarHeader.Mode = Convert.ToInt32("600", 8); // as owner-only as the backup itself
        entry.TarHeader.UserName = "";
        entry.TarHeader.GroupName = "";
        tar.PutNextEntry(entry);
    }

    /// <summary>Passes a member's progress on, synchronously (Progress&lt;T&gt; would post it to another thread, after the fact).</summary>
    private sealed class Relay : IProgress<OperationProgress>
    {
        private readonly Action<OperationProgress> _report;

        public Relay(Action<OperationProgress> report) => _report = report;

        public void Report(OperationProgress value) => _report(value);
    }
}
