using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.Restore;

namespace SqliteAdmin.Core.Repair;

/// <summary>
/// Salvages a damaged database into a new file, seed 004's <c>sqlite3 db .dump | sqlite3 new.db</c>
/// done better: the original is never written (it is read through a private copy, so even its hot
/// journal is rolled back only into that copy); the schema is read around damage too; every table is
/// read around its unreadable pages (<see cref="TableSalvage"/>); indexes are rebuilt from the rows,
/// views and triggers created after the data; the result must pass integrity_check before it gets a
/// final name, or, with <see cref="RepairRequest.Replace"/>, is swapped in the way a restore is.
/// </summary>
internal static class DatabaseRepair
{
    private const int SqliteInterrupt = 9;

    /// <summary>Runs the repair described by <paramref name="request"/>; one result per table, index, view and trigger.</summary>
    public static List<RepairResult> Run(RepairRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        string source = Path.GetFullPath(request.Source);
        string activity = $"Repairing {Path.GetFileName(source)}";
        SqliteFileProbe.EnsureDatabaseFile(source);
        string destination = request.Replace ? source : CheckDestination(source, request);
        string folder = Path.GetDirectoryName(destination)!;
        DurableFile.EnsureFolder(folder);
        List<string> users = DatabaseSwap.OtherUsersOf(source);
        if (users.Count > 0)
        {
            throw new SqliteAdminException(ErrorIds.DatabaseInUse, SqliteAdminErrorCategory.ResourceBusy,
                $"'{source}' is in use by {string.Join(", ", users)}. Stop the application before repairing: a file read while it is written is not one state of the database.", source);
        }

        string work = DurableFile.TempPathIn(folder, "repair-source");
        string temp = DurableFile.TempPathIn(folder, "repair");
        try
        {
            progress?.Report(new OperationProgress(activity, "Copying the damaged database", 0));
            FileState asCopied = FileState.Read(source);
            CopyAsFound(source, work, cancellation);
            request.AfterCopy?.Invoke();
            List<RepairResult> results;
            using (SqliteConnection damaged = SqliteConnectionFactory.OpenDamagedCopy(work, request.BusyTimeout))
            using (damaged.InterruptOn(cancellation))
            {
                OwnerOnlyFile.CreateEmpty(temp);
                using SqliteConnection salvaged = SqliteConnectionFactory.OpenOrCreate(temp, request.BusyTimeout);
                // The damaged schema's SQL is run on this connection: no ATTACH may ever reach another file.
                raw.sqlite3_limit(salvaged.Handle!, raw.SQLITE_LIMIT_ATTACHED, 0);
                using (salvaged.InterruptOn(cancellation))
                {
                    results = new Salvage(damaged, salvaged, source, cancellation, (status, percent) =>
                        progress?.Report(new OperationProgress(activity, status, 5 + percent * 80 / 100))).Run();
                    progress?.Report(new OperationProgress(activity, "Checking integrity of the salvaged database", 85));
                    List<string> problems = IntegrityCheck.Run(salvaged, IntegrityMode.Full, 100, cancellation);
                    if (problems.Count > 0)
                    {
                        throw new SqliteAdminException(ErrorIds.RepairVerificationFailed, SqliteAdminErrorCategory.InvalidData,
                            $"The database salvaged from '{source}' fails integrity_check, so it was not kept: {IntegrityCheck.Summarize(problems, IntegrityMode.Full)}", source);
                    }
                    // -Replace keeps a WAL database in WAL mode (header bytes 18-19 are 2): its applications expect it.
                    salvaged.ExecuteScalar<string>(request.Replace && asCopied.Wal ? "PRAGMA journal_mode = WAL;" : "PRAGMA journal_mode = DELETE;");
                }
            }
            SqliteConnection.ClearAllPools();
            DurableFile.TryDeleteDatabase(work);
            DurableFile.Flush(temp);

            string? safetyCopy = null;
            if (request.Replace)
            {
                string sha = FileHash.Compute(temp, null, null, cancellation).Sha256;
                var swap = new DatabaseSwap(destination, request.SafetyCopyFolder, request.BusyTimeout, request.UtcNow, "repair", ErrorIds.RepairVerificationFailed,
                    stage => progress?.Report(new OperationProgress(activity, stage, 95)));
                try
                {
                    swap.KeepSafetyCopy(cancellation);
                    swap.Replace(temp, sha, cancellation, () => EnsureUnchanged(source, asCopied));
                }
                catch (Exception ex)
                {
                    throw swap.Undo(ex, cancellation);
                }
                safetyCopy = swap.SafetyFolder;
            }
            else
            {
                progress?.Report(new OperationProgress(activity, "Naming the salvaged database", 95));
                Place(temp, destination, request.Force);
            }
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            foreach (RepairResult result in results)
            {
                result.Destination = destination;
                result.Integrity = "ok";
                result.Replaced = request.Replace;
                result.SafetyCopyPath = safetyCopy;
                result.Duration = stopwatch.Elapsed;
            }
            return results;
        }
        catch (Exception ex)
        {
            DurableFile.TryDeleteDatabase(temp);
            DurableFile.TryDeleteDatabase(work);
            throw ex switch
            {
                SqliteException sqlite when IsWriteFailure(sqlite) => new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                    $"Repairing '{source}' failed: the destination folder '{folder}' is full or cannot be written (SQLite: {sqlite.Message}). " +
                    "Nothing was left under the destination's name; the damaged database was not changed.", folder, sqlite),
                SqliteException sqlite => SqliteErrors.Translate(sqlite, source, cancellation),
                _ when DurableFile.IsFileSystemFailure(ex) => new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.WriteError,
                    $"Repairing '{source}' into '{destination}' failed: {ex.Message} Nothing was left under the destination's name; the damaged database was not changed.", destination, ex),
                _ => ex is SqliteAdminException || ex is OperationCanceledException ? ex : new SqliteAdminException(ErrorIds.UnexpectedError, SqliteAdminErrorCategory.NotSpecified, ex.Message, source, ex),
            };
        }
    }

    /// <summary>
    /// SQLITE_FULL, or an I/O error other than a read: writing the private copy or the salvaged file
    /// (both in the destination folder) failed. A failed read is the damage being salvaged.
    /// </summary>
    private static bool IsWriteFailure(SqliteException ex) =>
        (ex.SqliteErrorCode & 0xFF) == 13 /* SQLITE_FULL */ ||
        ((ex.SqliteErrorCode & 0xFF) == 10 /* SQLITE_IOERR */ && ex.SqliteExtendedErrorCode is not (266 or 522) /* IOERR_READ, IOERR_SHORT_READ */);

    /// <summary>What shows a write to the damaged database: its size, time and header change counter, and its -wal's size and time.</summary>
    private sealed class FileState
    {
        internal long Length, WalLength = -1; // -1: no -wal
        internal DateTime Written, WalWritten;
        internal uint ChangeCounter;
        internal bool Wal;

        internal static FileState Read(string path)
        {
            var state = new FileState();
            var file = new FileInfo(path);
            state.Length = file.Length;
            state.Written = file.LastWriteTimeUtc;
            byte[] header = new byte[28];
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                int read = 0, n;
                while (read < header.Length && (n = stream.Read(header, read, header.Length - read)) > 0)
                {
                    read += n;
                }
                if (read == header.Length)
                {
                    state.ChangeCounter = (uint)(header[24] << 24 | header[25] << 16 | header[26] << 8 | header[27]);
                    state.Wal = header[18] == 2 && header[19] == 2;
                }
            }
            var wal = new FileInfo(path + "-wal");
            if (wal.Exists)
            {
                state.WalLength = wal.Length;
                state.WalWritten = wal.LastWriteTimeUtc;
            }
            return state;
        }

        /// <summary>An empty -wal (SQLite makes one when it opens a WAL database) is the same as none: it holds no commit.</summary>
        internal bool SameAs(FileState other) =>
            Length == other.Length && Written == other.Written && ChangeCounter == other.ChangeCounter &&
            Math.Max(0, WalLength) == Math.Max(0, other.WalLength) && (WalLength <= 0 || WalWritten == other.WalWritten);
    }

    /// <summary>Refuses the swap when the damaged database was written after it was copied: the salvage does not hold those writes.</summary>
    private static void EnsureUnchanged(string source, FileState asCopied)
    {
        if (!FileState.Read(source).SameAs(asCopied))
        {
            throw new SqliteAdminException(ErrorIds.DatabaseChangedDuringRepair, SqliteAdminErrorCategory.ResourceBusy,
                $"'{source}' was written while it was repaired (its size, time, change counter or -wal changed since it was copied), " +
                "so the salvaged database lacks those writes: nothing was swapped in, the database was not changed and the salvaged file was removed. " +
                "Stop the application that writes it and repair again.", source);
        }
    }

    private static string CheckDestination(string source, RepairRequest request)
    {
        if (string.IsNullOrEmpty(request.Destination))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                $"Give -Destination (a new file for the salvaged database) or -Replace to repair '{source}'.", source);
        }
        string destination = DestinationFor(source, request.Destination!);
        if (string.Equals(destination, source, RuntimeInformationCompare))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                $"-Destination is the damaged database '{source}' itself; use -Replace to swap the salvaged database in (it keeps a safety copy).", destination);
        }
        if (FileLinks.IsLink(destination))
        {
            throw new SqliteAdminException(ErrorIds.DestinationIsLink, SqliteAdminErrorCategory.InvalidArgument,
                $"The repair destination '{destination}' is a symbolic link; give the path of a file.", destination);
        }
        if (File.Exists(destination) && !request.Force)
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"The repair destination '{destination}' already exists; give a new file name, or -Force to replace it.", destination);
        }
        return destination;
    }

    /// <summary>The file a repair of <paramref name="source"/> writes for -Destination: that file, or the source's name in that folder.</summary>
    internal static string DestinationFor(string source, string destination)
    {
        string full = Path.GetFullPath(destination);
        return Directory.Exists(full) ? Path.Combine(full, Path.GetFileName(source)) : full;
    }

    private static StringComparison RuntimeInformationCompare =>
        System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
            ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>
    /// Copies the database with its -wal and -journal (never -shm: SQLite rebuilds it) to a private,
    /// owner-only name, so that whatever SQLite does on open (roll a hot journal back, replay a WAL)
    /// happens to the copy, and the original stays byte for byte as it was.
    /// </summary>
    private static void CopyAsFound(string source, string work, CancellationToken cancellation)
    {
        foreach (string suffix in new[] { "", "-wal", "-journal" })
        {
            if (suffix.Length > 0 && !File.Exists(source + suffix))
            {
                continue;
            }
            using var input = new FileStream(source + suffix, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, StreamPump.BufferSize);
            using FileStream output = OwnerOnlyFile.CreateNew(work + suffix);
            StreamPump.Copy(input, output, null, cancellation);
        }
    }

    /// <summary>Gives the finished file its name: never over an existing file unless forced, and then with that file's stale side files gone.</summary>
    private static void Place(string temp, string destination, bool force)
    {
        if (force && File.Exists(destination))
        {
            // An old -wal or hot -journal beside the replaced file would be replayed into the new one on open.
            DatabaseSwap.DeleteSideFiles(destination);
            File.Replace(temp, destination, null);
            DurableFile.FlushFolder(Path.GetDirectoryName(destination)!);
            return;
        }
        DurableFile.MoveNoOverwrite(temp, destination);
    }

    /// <summary>One salvage: reads the damaged copy, writes the new database.</summary>
    private sealed class Salvage
    {
        private readonly SqliteConnection _damaged, _salvaged;
        private readonly string _source;
        private readonly CancellationToken _cancellation;
        private readonly Action<string, int> _step;

        internal Salvage(SqliteConnection damaged, SqliteConnection salvaged, string source, CancellationToken cancellation, Action<string, int> step)
        {
            _damaged = damaged;
            _salvaged = salvaged;
            _source = source;
            _cancellation = cancellation;
            _step = step;
        }

        private sealed class SchemaRow
        {
            internal string Type = "", Name = "", Sql = "";
        }

        internal List<RepairResult> Run()
        {
            CopyHeaderSettings();
            List<SchemaRow> schema = ReadSchema();
            EnsureSchemaListsData(schema);
            _salvaged.ExecuteNonQuery("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;");
            var results = new List<RepairResult>();
            List<SchemaRow> tables = schema.Where(r => r.Type == "table" && !IsInternal(r.Name)).ToList();
            for (int i = 0; i < tables.Count; i++)
            {
                _step($"Table {tables[i].Name}", 100 * i / Math.Max(1, tables.Count));
                results.Add(CopyTable(tables[i]));
            }
            CopySequences(schema);
            _step("Indexes, views and triggers", 95);
            // Indexes from the recovered rows; triggers last, so none fired while rows went in.
            foreach (string type in new[] { "index", "view", "trigger" })
            {
                foreach (SchemaRow row in schema.Where(r => r.Type == type && r.Sql.Length > 0 && !IsInternal(r.Name)))
                {
                    results.Add(CreateObject(row));
                }
            }
            NoteForeignKeyViolations(results);
            return results;
        }

        private static bool IsInternal(string name) => name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase);

        private void CopyHeaderSettings()
        {
            // Before the first table: page size, auto_vacuum and encoding only take effect on an empty database.
            foreach (string pragma in new[] { "page_size", "auto_vacuum", "encoding", "user_version", "application_id" })
            {
                object? value;
                try
                {
                    value = _damaged.ExecuteScalar<object>($"PRAGMA {pragma};");
                }
                catch (SqliteException ex) when (TableSalvage.IsDamage(ex))
                {
                    continue;
                }
                string literal = value is string text ? "'" + text.Replace("'", "''") + "'" : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
                if (literal.Length > 0)
                {
                    _salvaged.ExecuteNonQuery($"PRAGMA {pragma} = {literal};");
                }
            }
        }

        private List<SchemaRow> ReadSchema()
        {
            var rows = new List<SchemaRow>();
            var reader = new TableSalvage(_damaged, "sqlite_schema", new[] { "type", "name", "sql" }, "rowid", Array.Empty<string>(), row =>
            {
                if (row[1] is string type && row[2] is string name)
                {
                    rows.Add(new SchemaRow { Type = type, Name = name, Sql = row[3] as string ?? "" });
                    return true;
                }
                return false;
            }, _cancellation);
            reader.Run();
            if (rows.Count == 0 && reader.DamagedRanges > 0)
            {
                throw new SqliteAdminException(ErrorIds.SchemaUnreadable, SqliteAdminErrorCategory.InvalidData,
                    $"The schema of '{_source}' (sqlite_schema, on page 1) is unreadable ({reader.FirstDamage}), so no table can be found by name: nothing was salvaged. " +
                    "Restore the newest verified backup with Restore-SqliteDatabase.", _source);
            }
            return rows;
        }

        /// <summary>
        /// A schema that lists no table over a file with pages in use (more than page 1 and the
        /// freelist) is a damaged page 1 that reads as empty, not an empty database: refused, since the
        /// "salvaged" database would be empty (and -Replace would swap it in).
        /// </summary>
        private void EnsureSchemaListsData(List<SchemaRow> schema)
        {
            if (schema.Any(r => r.Type == "table" && !IsInternal(r.Name)))
            {
                return;
            }
            long pages, free;
            try
            {
                pages = _damaged.ExecuteScalar<long>("PRAGMA page_count;");
                free = _damaged.ExecuteScalar<long>("PRAGMA freelist_count;");
            }
            catch (SqliteException ex) when (TableSalvage.IsDamage(ex))
            {
                return;
            }
            if (pages > 1 + free)
            {
                throw new SqliteAdminException(ErrorIds.SchemaUnreadable, SqliteAdminErrorCategory.InvalidData,
                    $"The schema of '{_source}' (sqlite_schema, on page 1) lists no table, yet the file has {pages} pages and only {free} of them are free: " +
                    "page 1 is damaged and the data on the other pages cannot be found by name. Nothing was salvaged and nothing was replaced. " +
                    "Restore the newest verified backup with Restore-SqliteDatabase.", _source);
            }
        }

        private RepairResult CopyTable(SchemaRow table)
        {
            var result = new RepairResult { Database = _source, Name = table.Name, Type = "table" };
            bool existing = false;
            try
            {
                RunSchemaStatement(table);
            }
            catch (UnsafeSchemaSqlException ex)
            {
                result.Status = RepairStatus.Failed;
                result.RowsRecovered = 0;
                result.Message = ex.Message;
                return result;
            }
            catch (SqliteException ex) when (ex.Message.IndexOf("already exists", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                existing = true; // a virtual table's shadow table, made with it: its rows are copied over the defaults
            }
            catch (SqliteException ex)
            {
                result.Status = RepairStatus.Failed;
                result.RowsRecovered = 0;
                result.Message = $"Not recreated: its definition in the damaged schema is not valid SQL any more ({ex.Message}).";
                return result;
            }
            if (table.Sql.TrimStart().StartsWith("CREATE VIRTUAL", StringComparison.OrdinalIgnoreCase))
            {
                result.Status = RepairStatus.Complete;
                result.Message = "Virtual table: recreated; its rows live in its shadow tables.";
                return result;
            }
            var columns = new List<string>();
            var allNames = new List<string>();
            var keys = new List<(long Pk, string Name)>();
            using (SqliteCommand info = _salvaged.CreateCommand())
            {
                info.CommandText = "SELECT name, hidden, pk FROM pragma_table_xinfo($t);";
                info.Parameters.AddWithValue("$t", table.Name);
                using SqliteDataReader reader = info.ExecuteReader();
                while (reader.Read())
                {
                    string name = reader.GetString(0);
                    allNames.Add(name);
                    if (reader.GetInt64(1) == 0)
                    {
                        columns.Add(name); // hidden 2 and 3 are generated columns: computed, not copied
                    }
                    if (reader.GetInt64(2) > 0)
                    {
                        keys.Add((reader.GetInt64(2), name));
                    }
                }
            }
            string? rowid = RowidName(table.Name, allNames);
            string quoted = SqlNames.Quote(table.Name);
            using SqliteCommand insert = _salvaged.CreateCommand();
            var names = (rowid != null ? new[] { rowid } : Array.Empty<string>()).Concat(columns).ToList();
            // TEXT arrives as its stored bytes and goes in through CAST(... AS TEXT), so text that is not
            // valid in the database's encoding is kept byte for byte (a .NET string would turn it into U+FFFD).
            insert.CommandText = $"INSERT OR {(existing ? "REPLACE" : "IGNORE")} INTO main.{quoted}({string.Join(", ", names.Select(SqlNames.Quote))}) " +
                                 $"VALUES({string.Join(", ", names.Select((_, i) => $"CASE WHEN $t{i} THEN CAST($p{i} AS TEXT) ELSE $p{i} END"))});";
            // No declared type: each value binds as what it is (integer, real, text, blob), as it was stored.
            SqliteParameter[] parameters = names.Select((_, i) => insert.Parameters.AddWithValue("$p" + i, DBNull.Value)).ToArray();
            SqliteParameter[] isText = names.Select((_, i) => insert.Parameters.Add("$t" + i, SqliteType.Integer)).ToArray();
            var salvage = new TableSalvage(_damaged, table.Name, columns, rowid, keys.OrderBy(k => k.Pk).Select(k => k.Name).ToList(), row =>
            {
                for (int i = 0; i < parameters.Length; i++)
                {
                    parameters[i].Value = row[i] is TableSalvage.RawText text ? text.Bytes : row[i] ?? DBNull.Value;
                    isText[i].Value = row[i] is TableSalvage.RawText ? 1 : 0;
                }
                return insert.ExecuteNonQuery() > 0;
            }, _cancellation, rawText: true);
            _salvaged.ExecuteNonQuery("BEGIN;");
            try
            {
                salvage.Run();
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) != SqliteInterrupt)
            {
                // The damaged copy cannot query the table at all (SQLite skipped its schema row): nothing to read.
                salvage.NoteUnreadable(ex);
            }
            _salvaged.ExecuteNonQuery("COMMIT;");

            result.RowsRecovered = salvage.Recovered;
            result.RowsRejected = salvage.Rejected;
            result.DamagedRanges = salvage.DamagedRanges;
            result.RowsExpected = CountRows(table.Name, existing);
            result.Status = salvage.DamagedRanges == 0 && (result.RowsExpected == null || result.RowsExpected == result.RowsRecovered)
                ? RepairStatus.Complete
                : salvage.Recovered == 0 ? RepairStatus.Failed : RepairStatus.Partial;
            result.Message = Describe(salvage, result);
            return result;
        }

        /// <summary>A name for the rowid that no column shadows; null for a WITHOUT ROWID table.</summary>
        private string? RowidName(string table, List<string> columns)
        {
            foreach (string candidate in new[] { "rowid", "_rowid_", "oid" })
            {
                if (columns.Any(c => string.Equals(c, candidate, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }
                try
                {
                    _salvaged.ExecuteNonQuery($"SELECT {candidate} FROM main.{SqlNames.Quote(table)} LIMIT 0;");
                    return candidate;
                }
                catch (SqliteException)
                {
                    return null; // "no such column": WITHOUT ROWID
                }
            }
            return null;
        }

        /// <summary>count(*) over the table's own b-tree in the damaged original; null when damage stops the count.</summary>
        private long? CountRows(string table, bool shadow)
        {
            try
            {
                return _damaged.ExecuteScalar<long>($"SELECT count(*) FROM main.{SqlNames.Quote(table)}{(shadow ? "" : " NOT INDEXED")};");
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) != SqliteInterrupt)
            {
                return null; // damage, or a table the damaged schema lists but SQLite cannot resolve
            }
        }

        private static string Describe(TableSalvage salvage, RepairResult result)
        {
            var parts = new List<string>();
            if (salvage.DamagedRanges > 0)
            {
                string ranges = string.Join(", ", salvage.LostRanges.Take(5).Select(r =>
                    r.From == null && r.To == null ? "rows in unknown key ranges"
                    : r.From == r.To ? $"rowid {r.From}"
                    : $"rowids {(r.From?.ToString(CultureInfo.InvariantCulture) ?? "…")}–{(r.To?.ToString(CultureInfo.InvariantCulture) ?? "…")}"))
                    + (salvage.LostRanges.Count > 5 ? $" and {salvage.LostRanges.Count - 5} more" : "");
                parts.Add($"Unreadable: {ranges} (SQLite: {SqliteMessage(salvage.FirstDamage)}).");
            }
            if (result.RowsExpected != null && result.RowsExpected != result.RowsRecovered)
            {
                parts.Add($"{result.RowsExpected - result.RowsRecovered} of {result.RowsExpected} rows not recovered.");
            }
            if (salvage.RecoveredFromDamagedPages > 0)
            {
                parts.Add($"{salvage.RecoveredFromDamagedPages} row(s) were read from damaged pages (in rowid order, inside the damaged range).");
            }
            if (salvage.Rejected > 0)
            {
                parts.Add($"{salvage.Rejected} row(s) read from damaged pages were out of order or broke a constraint, and were left out.");
            }
            return string.Join(" ", parts);
        }

        /// <summary>"database disk image is malformed" out of "SQLite Error 11: 'database disk image is malformed'.".</summary>
        private static string SqliteMessage(string? message)
        {
            message ??= "";
            int open = message.IndexOf('\''), close = message.LastIndexOf('\'');
            return open >= 0 && close > open ? message.Substring(open + 1, close - open - 1) : message;
        }

        /// <summary>AUTOINCREMENT counters: never below the original's, so no deleted id is ever handed out again.</summary>
        private void CopySequences(List<SchemaRow> schema)
        {
            if (!schema.Any(r => r.Type == "table" && string.Equals(r.Name, "sqlite_sequence", StringComparison.OrdinalIgnoreCase)) ||
                _salvaged.ExecuteScalar<long>("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence';") == 0)
            {
                return;
            }
            using SqliteCommand update = _salvaged.CreateCommand();
            update.CommandText = "UPDATE sqlite_sequence SET seq = max(seq, $seq) WHERE name = $name;";
            SqliteParameter name = update.Parameters.Add("$name", SqliteType.Text), seq = update.Parameters.Add("$seq", SqliteType.Integer);
            using SqliteCommand insert = _salvaged.CreateCommand();
            insert.CommandText = "INSERT INTO sqlite_sequence(name, seq) SELECT $name, $seq WHERE EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $name);";
            insert.Parameters.Add("$name", SqliteType.Text);
            insert.Parameters.Add("$seq", SqliteType.Integer);
            try
            {
                var sequences = new TableSalvage(_damaged, "sqlite_sequence", new[] { "name", "seq" }, "rowid", Array.Empty<string>(), row =>
                {
                    name.Value = row[1] ?? DBNull.Value;
                    seq.Value = row[2] ?? DBNull.Value;
                    if (update.ExecuteNonQuery() > 0)
                    {
                        return true;
                    }
                    insert.Parameters[0].Value = name.Value;
                    insert.Parameters[1].Value = seq.Value;
                    return insert.ExecuteNonQuery() > 0;
                }, _cancellation);
                sequences.Run();
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) != SqliteInterrupt)
            {
                // Unreadable, or listed but not resolvable: the counters stay at the highest rowid recovered, which the inserts set.
            }
        }

        private RepairResult CreateObject(SchemaRow row)
        {
            var result = new RepairResult { Database = _source, Name = row.Name, Type = row.Type, Status = RepairStatus.Complete };
            try
            {
                RunSchemaStatement(row);
                if (row.Type == "index")
                {
                    result.Message = "Rebuilt from the recovered rows.";
                }
            }
            catch (UnsafeSchemaSqlException ex)
            {
                result.Status = RepairStatus.Failed;
                result.Message = ex.Message;
            }
            catch (SqliteException ex)
            {
                result.Status = RepairStatus.Failed;
                result.Message = $"Not recreated ({ex.Message}).";
            }
            return result;
        }

        /// <summary>The CREATE statement a schema row of each type may hold (after leading blanks and comments).</summary>
        private static readonly Dictionary<string, Regex> CreateKinds = new()
        {
            ["table"] = new Regex(@"^CREATE\s+((TEMP|TEMPORARY)\s+)?TABLE\b|^CREATE\s+VIRTUAL\s+TABLE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
            ["index"] = new Regex(@"^CREATE\s+(UNIQUE\s+)?INDEX\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
            ["view"] = new Regex(@"^CREATE\s+((TEMP|TEMPORARY)\s+)?VIEW\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
            ["trigger"] = new Regex(@"^CREATE\s+((TEMP|TEMPORARY)\s+)?TRIGGER\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant),
        };

        /// <summary>
        /// Runs the SQL of one schema row, which comes from the damaged (possibly hostile) file: exactly
        /// one statement, of the kind the row's type says, or nothing at all. SQLite's own parser finds
        /// where the first statement ends; anything after it but blanks and comments is refused, so a
        /// second statement (an ATTACH, an INSERT) never runs. SQLite errors are thrown as they are.
        /// </summary>
        private void RunSchemaStatement(SchemaRow row)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(row.Sql);
            sqlite3 db = _salvaged.Handle!;
            int rc = raw.sqlite3_prepare_v2(db, new ReadOnlySpan<byte>(utf8), out sqlite3_stmt statement, out ReadOnlySpan<byte> tail);
            using (statement)
            {
                if (rc != raw.SQLITE_OK)
                {
                    throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string() ?? "unknown error", rc, raw.sqlite3_extended_errcode(db));
                }
                if (statement == null || statement.IsInvalid)
                {
                    throw new UnsafeSchemaSqlException($"Not recreated: its definition in the damaged schema holds no statement.");
                }
                int length = utf8.Length - tail.Length;
                if (HasMoreStatements(db, tail))
                {
                    throw new UnsafeSchemaSqlException($"Not recreated, for safety: its definition in the damaged schema holds more than one statement; only the first was checked and nothing was run ({Shorten(Encoding.UTF8.GetString(utf8, 0, length))} …).");
                }
                string first = StripLeadingComments(Encoding.UTF8.GetString(utf8, 0, length));
                if (!CreateKinds.TryGetValue(row.Type, out Regex? kind) || !kind.IsMatch(first))
                {
                    throw new UnsafeSchemaSqlException($"Not recreated, for safety: its definition in the damaged schema is not a CREATE {row.Type.ToUpperInvariant()} statement ({Shorten(first)}).");
                }
                rc = raw.sqlite3_step(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    throw new SqliteException(raw.sqlite3_errmsg(db).utf8_to_string() ?? "unknown error", rc, raw.sqlite3_extended_errcode(db));
                }
            }
        }

        /// <summary>True when <paramref name="tail"/> holds anything SQLite would run (not only blanks, semicolons and comments).</summary>
        private static bool HasMoreStatements(sqlite3 db, ReadOnlySpan<byte> tail)
        {
            while (tail.Length > 0)
            {
                int rc = raw.sqlite3_prepare_v2(db, tail, out sqlite3_stmt next, out ReadOnlySpan<byte> rest);
                using (next)
                {
                    if (rc != raw.SQLITE_OK || (next != null && !next.IsInvalid) || rest.Length == tail.Length)
                    {
                        return rc != raw.SQLITE_OK || (next != null && !next.IsInvalid);
                    }
                }
                tail = rest;
            }
            return false;
        }

        private static string StripLeadingComments(string sql)
        {
            int i = 0;
            while (i < sql.Length)
            {
                if (char.IsWhiteSpace(sql[i]))
                {
                    i++;
                }
                else if (string.CompareOrdinal(sql, i, "--", 0, 2) == 0)
                {
                    int end = sql.IndexOf('\n', i);
                    i = end < 0 ? sql.Length : end + 1;
                }
                else if (string.CompareOrdinal(sql, i, "/*", 0, 2) == 0)
                {
                    int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    i = end < 0 ? sql.Length : end + 2;
                }
                else
                {
                    break;
                }
            }
            return sql.Substring(i);
        }

        private static string Shorten(string sql)
        {
            string oneLine = Regex.Replace(sql.Trim(), @"\s+", " ");
            return oneLine.Length <= 60 ? oneLine : oneLine.Substring(0, 60) + "…";
        }

        /// <summary>A schema row whose SQL is refused before anything of it runs.</summary>
        private sealed class UnsafeSchemaSqlException : Exception
        {
            internal UnsafeSchemaSqlException(string message) : base(message) { }
        }

        /// <summary>Rows whose parent row was lost with a damaged page: said on the child table's result.</summary>
        private void NoteForeignKeyViolations(List<RepairResult> results)
        {
            var counts = new Dictionary<string, (long Rows, HashSet<string> Parents)>(StringComparer.OrdinalIgnoreCase);
            using (SqliteCommand check = _salvaged.CreateCommand())
            {
                check.CommandText = "PRAGMA foreign_key_check;";
                using SqliteDataReader reader = check.ExecuteReader();
                while (reader.Read())
                {
                    string table = reader.GetString(0);
                    counts.TryGetValue(table, out var entry);
                    entry.Parents ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    entry.Parents.Add(reader.GetString(2));
                    counts[table] = (entry.Rows + 1, entry.Parents);
                }
            }
            foreach (RepairResult result in results.Where(r => r.Type == "table" && counts.ContainsKey(r.Name)))
            {
                var (rows, parents) = counts[result.Name];
                result.Message = (result.Message + $" {rows} row(s) refer to rows of {string.Join(", ", parents)} that were not recovered (PRAGMA foreign_key_check).").Trim();
            }
        }
    }
}
