using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Integrity;

/// <summary>What Test-SqliteIntegrity was asked to check.</summary>
internal sealed class IntegrityRequest
{
    /// <summary>A database, or a backup file (.db, .db.gz, .db.enc, .db.gz.enc).</summary>
    public string Path { get; set; } = "";
    /// <summary>Quick (quick_check) or Full (integrity_check).</summary>
    public IntegrityMode Mode { get; set; } = IntegrityMode.Full;
    /// <summary>Also run foreign_key_check.</summary>
    public bool CheckForeignKeys { get; set; } = true;
    /// <summary>Stop collecting after this many problems.</summary>
    public int MaxErrors { get; set; } = 100;
    /// <summary>Only these tables (and their indexes); null for the whole database.</summary>
    public IList<string>? Tables { get; set; }
    /// <summary>Passphrase of an encrypted backup.</summary>
    public Passphrase? Passphrase { get; set; }
    /// <summary>How long to wait for locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Folder for the decoded copy of a backup while it is checked; null for a new private folder in the system temp folder.</summary>
    public string? TempFolder { get; set; }
}

/// <summary>
/// Runs SQLite's own checks on a database, or on a backup after its hash and HMAC are checked and
/// it is decoded to a private temp file. Damage is a result (Corrupt, Unreadable), not an error;
/// a path that does not exist, a locked database or a wrong invocation is an error.
/// </summary>
internal static class DatabaseIntegrity
{
    /// <summary>
    /// Checks what <paramref name="request"/> names: one result, or one per database of a
    /// multi-database archive (ours, or another tool's tar), each extracted in turn into a private
    /// temp folder, checked and deleted.
    /// </summary>
    public static List<IntegrityResult> CheckAll(IntegrityRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        string path = System.IO.Path.GetFullPath(request.Path);
        if (!File.Exists(path) || !ForeignBackup.IsArchive(path, request.Passphrase, cancellation))
        {
            return new List<IntegrityResult> { Check(request, progress, cancellation) };
        }
        var stopwatch = Stopwatch.StartNew();
        var mode = request.Mode == IntegrityMode.Quick ? IntegrityMode.Quick : IntegrityMode.Full;
        var results = new List<IntegrityResult>();
        string activity = $"Checking {System.IO.Path.GetFileName(path)}";
        IntegrityResult Whole(IntegrityStatus status, string error) => new() { Path = path, Mode = mode, IsBackup = true, Status = status, Errors = new[] { error }, Duration = stopwatch.Elapsed };
        if (BackupFileName.TryParse(System.IO.Path.GetFileName(path), out BackupFileName? name) && name!.Archive && File.Exists(path + ".json"))
        {
            try
            {
                StoredBackup.FromFile(path, name, allowNoManifest: false).CheckStoredFile(request.Passphrase, cancellation);
            }
            catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.BackupCorrupt or ErrorIds.WrongPassphraseOrCorrupt)
            {
                return new List<IntegrityResult> { Whole(IntegrityStatus.Corrupt, ex.Message) };
            }
        }
        string? privateFolder = request.TempFolder == null ? OwnerOnlyFile.CreatePrivateFolder() : null;
        try
        {
            using ForeignBackup archive = ForeignBackup.Open(path, request.Passphrase, cancellation);
            archive.Translate(() => ArchiveReader.Read(archive.Content, path, (member, size, data) =>
            {
                (byte[] head, int read, bool isDatabase) = ArchiveReader.ReadHead(data, size);
                if (!isDatabase)
                {
                    return; // the metadata, a settings file: not a database of the archive
                }
                string temp = System.IO.Path.Combine(request.TempFolder ?? privateFolder!, DurableFile.TempPrefix + "check-" + Guid.NewGuid().ToString("N"));
                try
                {
                    using (FileStream output = OwnerOnlyFile.CreateNew(temp, StreamPump.BufferSize))
                    {
                        output.Write(head, 0, read);
                        StreamPump.Copy(data, output, null, cancellation);
                    }
                    var memberStopwatch = Stopwatch.StartNew();
                    var result = new IntegrityResult { Path = path, Mode = mode, IsBackup = true, Member = member };
                    progress?.Report(new OperationProgress(activity, $"Checking {member}", 50));
                    CheckDatabase(temp, request, result, activity, progress, cancellation);
                    result.Duration = memberStopwatch.Elapsed;
                    results.Add(result);
                }
                finally
                {
                    DurableFile.TryDeleteDatabase(temp);
                }
            }, cancellation));
            archive.FinishStored(cancellation);
            if (ChecksumFile.Beside(path) is string checksum)
            {
                try
                {
                    ChecksumFile.Check(checksum, path, archive.StoredSha256, null);
                }
                catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.BackupCorrupt)
                {
                    results.Clear(); // what was read is not what the checksum was taken of
                    results.Add(Whole(IntegrityStatus.Corrupt, ex.Message));
                }
            }
        }
        catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.BackupCorrupt or ErrorIds.WrongPassphraseOrCorrupt or ErrorIds.ArchiveUnsafe)
        {
            results.Add(Whole(IntegrityStatus.Corrupt, ex.Message));
        }
        finally
        {
            DurableFile.TryDeleteFolder(privateFolder);
        }
        if (results.Count == 0)
        {
            results.Add(Whole(IntegrityStatus.Unreadable, $"'{path}' is an archive that holds no SQLite database."));
        }
        progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
        return results;
    }

    /// <summary>Checks what <paramref name="request"/> names.</summary>
    public static IntegrityResult Check(IntegrityRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        string path = System.IO.Path.GetFullPath(request.Path);
        var result = new IntegrityResult { Path = path, Mode = request.Mode == IntegrityMode.Quick ? IntegrityMode.Quick : IntegrityMode.Full };
        string activity = $"Checking {System.IO.Path.GetFileName(path)}";

        if (File.Exists(path) && BackupFileName.TryParse(System.IO.Path.GetFileName(path), out BackupFileName? name) && (name!.Compressed || name.Encrypted)
            && File.Exists(path + ".json"))
        {
            result.IsBackup = true;
            CheckBackup(StoredBackup.FromFile(path, name, allowNoManifest: false), request, result, activity, progress, cancellation);
        }
        else if (File.Exists(path) && IsEncoded(path, cancellation))
        {
            // Another tool's gzip or openssl file (or ours without its manifest): read by its content.
            result.IsBackup = true;
            CheckBackup(StoredBackup.ForeignFile(path), request, result, activity, progress, cancellation);
        }
        else if (File.Exists(path) && ChecksumFile.Beside(path) is string checksum && !MatchesChecksum(path, checksum, result))
        {
            result.IsBackup = true; // a plain copy with a sha256sum beside it (seed 001) that disagrees
        }
        else
        {
            CheckDatabase(path, request, result, activity, progress, cancellation);
        }
        result.Duration = stopwatch.Elapsed;
        progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
        return result;
    }

    /// <summary>Compares a plain file with the .sha256 beside it; false (and the result Corrupt) when they differ.</summary>
    private static bool MatchesChecksum(string path, string checksum, IntegrityResult result)
    {
        string sha;
        using (FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var hasher = System.Security.Cryptography.SHA256.Create())
        {
            sha = BitConverter.ToString(hasher.ComputeHash(stream)).Replace("-", "");
        }
        try
        {
            ChecksumFile.Check(checksum, path, sha, null);
            return true;
        }
        catch (SqliteAdminException ex) when (ex.ErrorId == ErrorIds.BackupCorrupt)
        {
            result.Status = IntegrityStatus.Corrupt;
            result.Errors = new[] { ex.Message };
            return false;
        }
    }

    private static bool IsEncoded(string path, CancellationToken cancellation)
    {
        using ForeignBackup? sniffed = ForeignBackup.TrySniff(path, cancellation);
        return sniffed != null && sniffed.Layers.Count > 0;
    }

    private static void CheckBackup(StoredBackup backup, IntegrityRequest request, IntegrityResult result, string activity,
        IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        progress?.Report(new OperationProgress(activity, "Checking the backup's hash", 0));
        try
        {
            backup.CheckStoredFile(request.Passphrase, cancellation);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.BackupCorrupt or ErrorIds.WrongPassphraseOrCorrupt)
        {
            result.Status = IntegrityStatus.Corrupt;
            result.Errors = new[] { ex.Message };
            return;
        }
        // Decoded where only this user can read it (a private folder, not the shared temp folder),
        // and removed afterwards whatever happens.
        string? privateFolder = request.TempFolder == null ? OwnerOnlyFile.CreatePrivateFolder() : null;
        string temp = System.IO.Path.Combine(request.TempFolder ?? privateFolder!, DurableFile.TempPrefix + "check-" + Guid.NewGuid().ToString("N"));
        try
        {
            progress?.Report(new OperationProgress(activity, "Decrypting and decompressing", 10));
            try
            {
                backup.DecodeTo(temp, _ => { }, cancellation, request.Passphrase);
            }
            catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.BackupCorrupt or ErrorIds.WrongPassphraseOrCorrupt)
            {
                result.Status = IntegrityStatus.Corrupt;
                result.Errors = new[] { ex.Message };
                return;
            }
            CheckDatabase(temp, request, result, activity, progress, cancellation);
        }
        finally
        {
            DurableFile.TryDeleteDatabase(temp);
            DurableFile.TryDeleteFolder(privateFolder);
        }
    }

    private static void CheckDatabase(string path, IntegrityRequest request, IntegrityResult result, string activity,
        IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        SqliteConnection connection;
        try
        {
            connection = SqliteConnectionFactory.OpenReadOnly(path, request.BusyTimeout);
        }
        catch (SqliteAdminException ex) when (ex.ErrorId is ErrorIds.NotADatabase or ErrorIds.DatabaseCorrupt)
        {
            result.Status = IntegrityStatus.Unreadable;
            result.Errors = new[] { ex.Message };
            return;
        }
        using (connection)
        using (connection.InterruptOn(cancellation))
        {
            try
            {
                var errors = new List<string>();
                IList<string>? tables = ValidateTables(connection, request.Tables, path);
                progress?.Report(new OperationProgress(activity, request.Mode == IntegrityMode.Quick ? "quick_check" : "integrity_check", 20));
                if (tables == null)
                {
                    errors.AddRange(IntegrityCheck.Run(connection, result.Mode, request.MaxErrors, cancellation));
                }
                else
                {
                    foreach (string table in tables)
                    {
                        errors.AddRange(IntegrityCheck.RunForTable(connection, result.Mode, table, cancellation).Take(request.MaxErrors - errors.Count));
                    }
                }
                var violations = new List<ForeignKeyViolation>();
                if (request.CheckForeignKeys && errors.Count == 0)
                {
                    progress?.Report(new OperationProgress(activity, "foreign_key_check", 80));
                    violations = ForeignKeyCheck(connection, tables, request.MaxErrors, cancellation);
                }
                result.Errors = errors;
                result.ForeignKeyViolations = violations;
                result.Status = errors.Count > 0 ? IntegrityStatus.Corrupt : violations.Count > 0 ? IntegrityStatus.Inconsistent : IntegrityStatus.Ok;
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is 11 or 26)
            {
                result.Status = IntegrityStatus.Corrupt;
                result.Errors = new[] { ex.Message };
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, path, cancellation);
            }
        }
    }

    /// <summary>Table names given with -Table must exist: they are then used only as quoted identifiers or pragma arguments.</summary>
    private static IList<string>? ValidateTables(SqliteConnection connection, IList<string>? requested, string path)
    {
        if (requested == null || requested.Count == 0)
        {
            return null;
        }
        List<string> existing = SqlNames.ListUserTables(connection);
        foreach (string table in requested)
        {
            if (!existing.Contains(table, StringComparer.Ordinal))
            {
                throw new SqliteAdminException(ErrorIds.TableNotFound, SqliteAdminErrorCategory.ObjectNotFound,
                    $"Table '{table}' does not exist in '{path}'. Tables: {string.Join(", ", existing)}.", table);
            }
        }
        return requested;
    }

    private static List<ForeignKeyViolation> ForeignKeyCheck(SqliteConnection connection, IList<string>? tables, int max, CancellationToken cancellation)
    {
        var violations = new List<ForeignKeyViolation>();
        IEnumerable<string?> scopes = tables ?? (IEnumerable<string?>)new string?[] { null };
        foreach (string? table in scopes)
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = table == null ? "PRAGMA foreign_key_check;" : "SELECT * FROM pragma_foreign_key_check($table);";
            if (table != null)
            {
                command.Parameters.AddWithValue("$table", table);
            }
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read() && violations.Count < max)
            {
                cancellation.ThrowIfCancellationRequested();
                violations.Add(new ForeignKeyViolation(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3)));
            }
        }
        return violations;
    }
}
