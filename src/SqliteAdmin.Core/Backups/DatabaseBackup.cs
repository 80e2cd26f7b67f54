using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Backups;

/// <summary>
/// Takes one verified backup: copy through SQLite into a temp file beside the destination, check
/// it while compressing/encrypting/hashing it in one pass, flush, rename to the final name, write
/// the manifest, then copy to the -CopyTo folders. Any failure removes every file it created.
/// </summary>
internal static class DatabaseBackup
{
    /// <summary>Separates a backup's name from a side file's original name: <c>&lt;backup&gt;--&lt;file&gt;</c>.</summary>
    public const string SideFileSeparator = "--";

    /// <summary>Runs the backup described by <paramref name="request"/>.</summary>
    public static BackupOutcome Run(BackupRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        string source = Path.GetFullPath(request.SourcePath);
        string destination = Path.GetFullPath(request.Destination);
        string activity = $"Backing up {Path.GetFileName(source)}";
        bool encrypt = request.Passphrase != null;
        bool encode = encrypt || request.Compress;
        List<string> includeFiles = ResolveIncludeFiles(request.IncludeFiles);

        progress?.Report(new OperationProgress(activity, "Opening the database", 0));
        using SqliteConnection sourceConnection = SqliteConnectionFactory.OpenSource(source, request.BusyTimeout, out bool rolledBackHotJournal);
        string journalMode = sourceConnection.ExecuteScalar<string>("PRAGMA journal_mode;");
        string sqliteVersion = sourceConnection.ExecuteScalar<string>("SELECT sqlite_version();");
        long sourceSize = new FileInfo(source).Length;
        DurableFile.EnsureFolder(destination);
        string seriesName = request.Name == null ? BackupFileName.DatabaseNameOf(source) : BackupSeries.ValidateName(request.Name);
        // Held until the manifest is written: a concurrent backup of another database with this name waits, then is refused.
        // Another backup of the same series (the same database from another task) may take minutes: wait for it.
        using IDisposable seriesLock = BackupSeries.Lock(destination, seriesName, TimeSpan.FromTicks(Math.Max(request.BusyTimeout.Ticks, TimeSpan.FromMinutes(30).Ticks)), cancellation);
        BackupSeries.EnsureFree(destination, seriesName, source, request.Name != null, cancellation);

        var created = new List<string>();   // everything this run wrote, removed again on failure
        OpenSslKeys? keys = null;
        string? privateFolder = null;       // made for this run's plain copy, removed at the end
        try
        {
            // Leftovers of killed runs: temp files in the destination, the plain copies an encrypted
            // backup makes beside the source, and private temp folders.
            StaleTempFiles.Sweep(destination);
            StaleTempFiles.Sweep(Path.GetDirectoryName(source)!);
            StaleTempFiles.SweepPrivateFolders();
            // The plain copy of an encrypted backup never touches the destination (often a share):
            // it is made beside the source, which holds the same data, or in a private temp folder.
            string plainFolder = destination;
            if (encrypt)
            {
                plainFolder = PlainWorkFolder(source);
                privateFolder = plainFolder == Path.GetDirectoryName(source) ? null : plainFolder;
            }
            string plainTemp = DurableFile.TempPathIn(plainFolder, "db");
            created.Add(plainTemp);
            OwnerOnlyFile.CreateEmpty(plainTemp);

            OnlineBackupCopier.Outcome copyOutcome = CopyDatabase(sourceConnection, plainTemp, journalMode, request, source, activity, progress, cancellation);
            int restarts = copyOutcome.Restarts;
            sourceConnection.Close();

            keys = encrypt ? OpenSslEncryption.DeriveKeys(request.Passphrase!, OpenSslEncryption.NewSalt(), request.Iterations) : null;
            string storedTemp = encode ? DurableFile.TempPathIn(destination, "stored") : plainTemp;
            if (encode)
            {
                created.Add(storedTemp);
            }

            // Check the copy on one core while the other compresses, encrypts and hashes it.
            long plainSize = new FileInfo(plainTemp).Length;
            Action<long> encodeProgress = done => progress?.Report(new OperationProgress(activity, encode ? "Compressing, encrypting and hashing" : "Hashing",
                50 + (int)(45 * done / Math.Max(1, plainSize))));
            var ((facts, problems), stored) = SideBySide.Run(
                () => CheckCopy(plainTemp, request, cancellation),
                () => encode
                    ? BackupEncoding.Encode(plainTemp, storedTemp, request.Compress, request.CompressionLevel, keys, encodeProgress, cancellation)
                    : HashPlain(plainTemp, encodeProgress, cancellation));
            if (problems.Count > 0)
            {
                throw new SqliteAdminException(ErrorIds.BackupVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                    $"The backup copy of '{source}' failed {request.Verify.ToString().ToLowerInvariant()} check and was not kept: {IntegrityCheck.Summarize(problems, request.Verify)}. " +
                    "The source database itself may be damaged: run Test-SqliteIntegrity on it.", source);
            }

            progress?.Report(new OperationProgress(activity, "Storing side files", 95));
            var sideFiles = includeFiles.Select(path => EncodeSideFile(path, destination, request, created, cancellation)).ToList();

            // Final names: backup, then side files, then the manifest that describes them all.
            var name = new BackupFileName(seriesName, request.Tier, request.UtcNow(), request.Compress, encrypt);
            string finalPath = MoveToFreeName(storedTemp, destination, ref name);
            created.Remove(storedTemp);
            created.Add(finalPath);
            foreach ((IncludedFileEntry entry, string temp) in sideFiles)
            {
                entry.StoredName = name.FileName + SideFileSeparator + entry.StoredName;
                string sidePath = Path.Combine(destination, entry.StoredName);
                DurableFile.MoveNoOverwrite(temp, sidePath);
                created.Remove(temp);
                created.Add(sidePath);
            }

            var manifest = new BackupManifest
            {
                ModuleVersion = request.ModuleVersion,
                BackupFile = name.FileName,
                Database = name.Database,
                SourcePath = source,
                SourceSizeBytes = sourceSize,
                SourceJournalMode = journalMode,
                CreatedUtc = name.CreatedUtc,
                Tier = request.Tier,
                Method = request.Method.ToString(),
                SqliteVersion = sqliteVersion,
                PageSize = facts.PageSize,
                PageCount = facts.PageCount,
                FreelistCount = facts.FreelistCount,
                UserVersion = facts.UserVersion,
                ApplicationId = facts.ApplicationId,
                Tables = facts.Tables.Select(t => new KeyValuePair<string, long?>(t.Name, t.RowCount)).ToList(),
                VerifyMode = request.Verify.ToString(),
                Verified = request.Verify != IntegrityMode.None,
                IntegrityResult = IntegrityCheck.Summarize(problems, request.Verify),
                Restarts = restarts,
                DurationMs = stopwatch.ElapsedMilliseconds,
                IncludedFiles = sideFiles.Select(s => s.Entry).ToList(),
            };
            manifest.SetStorage(stored, request.Compress ? request.CompressionLevel : null, keys, request.Iterations);
            string manifestPath = Path.Combine(destination, name.ManifestFileName);
            WriteNewFile(manifestPath, manifest.ToJson(), created);

            if (encode)
            {
                DurableFile.TryDeleteDatabase(plainTemp);
                created.Remove(plainTemp);
            }
            List<string> finals = new List<string> { finalPath }.Concat(sideFiles.Select(s => Path.Combine(destination, s.Entry.StoredName))).Append(manifestPath).ToList();
            created.Clear(); // from here on the backup is complete; copies cannot undo it

            progress?.Report(new OperationProgress(activity, "Copying to secondary folders", 97));
            var copies = new List<string>();
            var copyFailures = new List<SqliteAdminException>();
            foreach (string folder in request.CopyTo)
            {
                try
                {
                    copies.Add(BackupReplicator.CopyFiles(finals, Path.GetFullPath(folder), cancellation)[0]);
                }
                catch (SqliteAdminException ex)
                {
                    copyFailures.Add(ex);
                }
            }

            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            stopwatch.Stop();
            BackupInfo info = BackupCatalog.ToInfo(finalPath, manifestPath, manifest);
            info.Duration = stopwatch.Elapsed;
            info.Copies = copies;
            info.WritersBlocked = copyOutcome.WritersBlocked;
            info.Status = BackupCheckStatus.Ok;
            info.CheckedUtc = DateTime.UtcNow;
            return new BackupOutcome(info, copyFailures)
            {
                Warnings = rolledBackHotJournal ? new[] { InterruptedWrite.RolledBackMessage(source) } : Array.Empty<string>(),
            };
        }
        catch (Exception ex)
        {
            throw Undo(ex, created, source, $"Cannot write the backup of '{source}' to '{destination}'", cancellation);
        }
        finally
        {
            keys?.Dispose();
            DurableFile.TryDeleteFolder(privateFolder);
        }
    }

    /// <summary>After a failure: removes every file the run wrote and returns what to throw (SQLite and file system errors in the module's words).</summary>
    internal static Exception Undo(Exception ex, List<string> created, string target, string cannotWrite, CancellationToken cancellation)
    {
        foreach (string path in created)
        {
            DurableFile.TryDeleteDatabase(path);
        }
        if (ex is SqliteException sqlite)
        {
            return SqliteErrors.Translate(sqlite, target, cancellation);
        }
        if (DurableFile.IsFileSystemFailure(ex))
        {
            return new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError, $"{cannotWrite}: {ex.Message}", target, ex);
        }
        return ex;
    }

    internal static OnlineBackupCopier.Outcome CopyDatabase(SqliteConnection source, string plainTemp, string journalMode, BackupRequest request, string sourcePath,
        string activity, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        bool wal = string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase);
        OnlineBackupCopier.Outcome outcome;
        if (request.Method == BackupMethod.VacuumInto)
        {
            progress?.Report(new OperationProgress(activity, "VACUUM INTO a compacted copy", 5));
            // VACUUM INTO reads in one transaction: on a rollback-journal database writers wait for all of it.
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            if (!wal && request.MaxWriterBlock != null)
            {
                limit.CancelAfter(request.MaxWriterBlock.Value);
            }
            using CancellationTokenRegistration interrupt = source.InterruptOn(limit.Token);
            using SqliteCommand vacuum = source.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $target;";
            vacuum.Parameters.AddWithValue("$target", plainTemp);
            var held = Stopwatch.StartNew();
            try
            {
                vacuum.ExecuteNonQuery();
            }
            catch (SqliteException ex)
            {
                if (limit.IsCancellationRequested && !cancellation.IsCancellationRequested)
                {
                    throw OnlineBackupCopier.WriterBlockLimit(sourcePath, 0, held.Elapsed, request.MaxWriterBlock!.Value);
                }
                throw OnlineBackupCopier.TranslateStepError(ex.SqliteErrorCode, ex.Message, sourcePath, plainTemp, cancellation);
            }
            // An interrupt can miss a VACUUM that had not started yet; the time held still decides.
            if (!wal && request.MaxWriterBlock != null && held.Elapsed > request.MaxWriterBlock)
            {
                throw OnlineBackupCopier.WriterBlockLimit(sourcePath, 0, held.Elapsed, request.MaxWriterBlock.Value);
            }
            outcome = new OnlineBackupCopier.Outcome(0, wal ? TimeSpan.Zero : held.Elapsed);
        }
        else
        {
            using SqliteConnection target = SqliteConnectionFactory.OpenOrCreate(plainTemp, request.BusyTimeout);
            // The temp file is flushed once, at the end; per-step fsyncs would only slow the copy.
            target.ExecuteNonQuery("PRAGMA synchronous = OFF;");
            outcome = OnlineBackupCopier.Copy(source, target, wal,
                Math.Max(1, request.PagesPerStep), request.MaxRestarts, request.BusyTimeout, request.MaxWriterBlock,
                (copied, total) => progress?.Report(new OperationProgress(activity, $"Copied {copied} of {total} pages", (int)(50 * copied / Math.Max(1, total)))),
                sourcePath, plainTemp, cancellation);
        }

        // A copy of a WAL database is itself marked WAL; make the backup one self-contained file.
        using (SqliteConnection copy = SqliteConnectionFactory.OpenOrCreate(plainTemp, request.BusyTimeout))
        {
            copy.ExecuteScalar<string>("PRAGMA journal_mode = DELETE;");
        }
        DurableFile.Flush(plainTemp);
        return outcome;
    }

    internal static (DatabaseInfo, List<string>) CheckCopy(string plainTemp, BackupRequest request, CancellationToken cancellation)
    {
        List<string> problems;
        using (SqliteConnection copy = SqliteConnectionFactory.OpenReadOnly(plainTemp, request.BusyTimeout))
        using (copy.InterruptOn(cancellation))
        {
            problems = IntegrityCheck.Run(copy, request.Verify, 100, cancellation);
        }
        return (problems.Count > 0 ? new DatabaseInfo()
            : DatabaseInspector.Inspect(plainTemp, request.BusyTimeout, null, cancellation, countDamagedTablesAsUnknown: request.Verify == IntegrityMode.None), problems);
    }

    private static EncodeResult HashPlain(string plainTemp, Action<long> progress, CancellationToken cancellation)
    {
        (long size, string sha, _) = FileHash.Compute(plainTemp, null, progress, cancellation);
        return new EncodeResult { PlainSizeBytes = size, PlainSha256 = sha, StoredSizeBytes = size, StoredSha256 = sha };
    }

    private static (IncludedFileEntry Entry, string Temp) EncodeSideFile(string path, string destination, BackupRequest request, List<string> created, CancellationToken cancellation)
    {
        string temp = DurableFile.TempPathIn(destination, "side");
        created.Add(temp);
        // Every encrypted file has its own salt, so its own key and IV (one key and IV for two
        // files would reuse a CBC IV); the salt is in the file's OpenSSL header and the manifest.
        using OpenSslKeys? keys = request.Passphrase == null ? null
            : OpenSslEncryption.DeriveKeys(request.Passphrase, OpenSslEncryption.NewSalt(), request.Iterations);
        EncodeResult result = BackupEncoding.Encode(path, temp, compress: false, System.IO.Compression.CompressionLevel.NoCompression, keys, null, cancellation);
        var entry = new IncludedFileEntry
        {
            StoredName = Path.GetFileName(path) + (keys != null ? ".enc" : ""),
            SourcePath = path,
            SizeBytes = result.PlainSizeBytes,
            Sha256 = result.PlainSha256,
            StoredSha256 = result.StoredSha256,
            Hmac = result.Hmac,
            SaltHex = keys == null ? null : Hex.ToHex(keys.Salt),
        };
        return (entry, temp);
    }

    /// <summary>
    /// Where the plain copy of an encrypted backup is made: beside the source database (the same
    /// data, on the application's own disk) when that folder takes a file, else a private temp
    /// folder of this user. Never the destination, which is often a share other people read.
    /// </summary>
    internal static string PlainWorkFolder(string source)
    {
        string beside = Path.GetDirectoryName(source)!;
        string probe = DurableFile.TempPathIn(beside, "probe");
        try
        {
            OwnerOnlyFile.CreateEmpty(probe);
            File.Delete(probe);
            return beside;
        }
        catch (Exception ex) when (DurableFile.IsFileSystemFailure(ex))
        {
            DurableFile.TryDelete(probe);
            return OwnerOnlyFile.CreatePrivateFolder();
        }
    }

    /// <summary>Renames the temp to the backup's name, taking the next _n suffix while a file (or its manifest) has that name.</summary>
    internal static string MoveToFreeName(string temp, string folder, ref BackupFileName name)
    {
        for (int attempt = 0; attempt < 1000; attempt++, name = name.NextSequence())
        {
            string path = Path.Combine(folder, name.FileName);
            if (File.Exists(path) || Directory.Exists(path) || File.Exists(Path.Combine(folder, name.ManifestFileName)) || FileLinks.IsLink(path))
            {
                continue;
            }
            try
            {
                DurableFile.MoveNoOverwrite(temp, path);
                return path;
            }
            catch (IOException) when (File.Exists(path) || FileLinks.IsLink(path))
            {
                // Another backup took the name between the check and the rename: try the next one.
            }
        }
        throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.ResourceExists,
            $"No free backup name for {name.Database} in '{folder}'.", folder);
    }

    internal static void WriteNewFile(string path, string text, List<string> created)
    {
        string temp = DurableFile.TempPathIn(Path.GetDirectoryName(path)!, "json");
        created.Add(temp);
        using (FileStream stream = OwnerOnlyFile.CreateNew(temp, 4096))
        {
            byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
            stream.Flush(flushToDisk: true);
        }
        DurableFile.MoveNoOverwrite(temp, path);
        created.Remove(temp);
        created.Add(path);
    }

    private static List<string> ResolveIncludeFiles(IList<string> paths)
    {
        var result = new List<string>();
        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full))
            {
                throw new SqliteAdminException(ErrorIds.IncludeFileNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                    $"The file '{full}' to include with the backup does not exist.", full);
            }
            result.Add(full);
        }
        return result;
    }
}
