using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Native;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Export;

/// <summary>
/// Writes a query's or a table's rows to a CSV file, byte for byte what <c>sqlite3 -header -csv</c>
/// (3.40) writes for the same SQL: streamed through SQLite's C API in one pass with a 1 MB buffer
/// (memory stays flat whatever the row count), into a temp file beside the destination that is
/// flushed and then renamed, so the final name never holds half an export.
/// </summary>
internal static class CsvExport
{
    private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };

    /// <summary>Runs the export; on any failure or cancellation the temp file is removed and nothing is left under the destination's name.</summary>
    public static ExportResult Run(ExportRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        if ((request.Query == null) == (request.Table == null))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "Give either a query or a table to export, not both or neither.", request.Path);
        }
        if (string.IsNullOrEmpty(request.Delimiter))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "The delimiter is empty.", request.Path);
        }
        string destination = DestinationFile(request);
        bool replacing = CheckDestination(request, destination);

        using SqliteConnection connection = SqliteConnectionFactory.OpenSource(request.Path, request.BusyTimeout, out bool rolledBack);
        using CancellationTokenRegistration interrupt = connection.InterruptOn(cancellation);
        string? table = null;
        string sql = request.Query ?? "";
        if (request.Table != null)
        {
            table = SqlNames.FindTableOrView(connection, request.Table) ?? throw TableNotFound(connection, request);
            sql = "SELECT * FROM " + SqlNames.Quote(table) + ";";
        }
        bool utf8 = string.Equals(connection.ExecuteScalar<string>("PRAGMA encoding;"), "UTF-8", StringComparison.OrdinalIgnoreCase);
        using SqlBatch batch = SqlBatch.Open(connection, request.Path, sql, request.Parameters, allowWrites: false, cancellation);

        string folder = Path.GetDirectoryName(destination)!;
        string temp = DurableFile.TempPathIn(folder, "export");
        var clock = Stopwatch.StartNew();
        var result = new ExportResult { Path = request.Path, Destination = destination, Table = table, Query = sql, RolledBackHotJournal = rolledBack };
        string activity = $"Exporting {Path.GetFileName(request.Path)} to {Path.GetFileName(destination)}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            using (var behind = new WriteBehindStream(stream))
            {
                // The file is written (and flushed to disk as it grows) on a second thread while this
                // one steps SQLite and formats: the shell does both on one.
                var writer = new ShellCsvWriter(behind, request.Delimiter);
                if (request.ByteOrderMark)
                {
                    writer.WriteRaw(Utf8Bom);
                }
                progress?.Report(new OperationProgress(activity, "Running the query"));
                long nextReport = 500;
                SqliteDirectCalls? direct = request.ThroughSqlitePclRaw ? null : SqliteDirectCalls.Current;
                while (batch.NextStatement())
                {
                    sqlite3_stmt statement = batch.Current;
                    IntPtr handle = batch.CurrentHandle;
                    int columns = raw.sqlite3_column_count(statement);
                    bool headerDue = request.Header;
                    while (batch.Step())
                    {
                        if (headerDue)
                        {
                            writer.WriteHeader(batch.ColumnNames());
                            headerDue = false;
                        }
                        if (direct != null)
                        {
                            WriteRow(writer, direct, handle, columns);
                        }
                        else
                        {
                            WriteRow(writer, statement, columns, utf8);
                        }
                        result.Rows++;
                        if ((result.Rows & 0xFFF) == 0)
                        {
                            cancellation.ThrowIfCancellationRequested();
                            if (progress != null && clock.ElapsedMilliseconds >= nextReport)
                            {
                                nextReport = clock.ElapsedMilliseconds + 500;
                                progress.Report(new OperationProgress(activity, $"{result.Rows:N0} rows, {writer.BytesWritten / 1048576.0:N1} MB written"));
                            }
                        }
                    }
                    result.Columns = columns;
                }
                writer.Flush();
                behind.Complete();
                stream.Flush(flushToDisk: true);
                result.SizeBytes = stream.Length;
            }
            cancellation.ThrowIfCancellationRequested();
            Publish(temp, destination, replacing);
            result.Replaced = replacing;
            result.Duration = clock.Elapsed;
            progress?.Report(new OperationProgress(activity, $"{result.Rows:N0} rows written", 100) { Completed = true });
            return result;
        }
        catch (Exception ex)
        {
            DurableFile.TryDelete(temp);
            if (DurableFile.IsFileSystemFailure(ex))
            {
                throw new SqliteAdminException(ErrorIds.ExportWriteFailed, SqliteAdminErrorCategory.WriteError,
                    $"Cannot write '{destination}': {ex.Message} Nothing was left under that name.", destination, ex);
            }
            throw;
        }
    }

    private static void WriteRow(ShellCsvWriter writer, SqliteDirectCalls direct, IntPtr statement, int columns)
    {
        for (int i = 0; i < columns; i++)
        {
            switch (direct.ColumnType(statement, i))
            {
                case raw.SQLITE_INTEGER:
                    writer.WriteInteger(direct.ColumnInt64(statement, i));
                    break;
                case raw.SQLITE_FLOAT:
                    writer.WriteReal(direct.ColumnDouble(statement, i));
                    break;
                case raw.SQLITE_NULL:
                    writer.WriteNull();
                    break;
                default:
                    // TEXT and BLOB alike through sqlite3_column_text, as the shell reads them: a BLOB of a
                    // UTF-16 database is decoded as UTF-16 text there, so it is here.
                    writer.WriteText(direct.ColumnText(statement, i));
                    break;
            }
        }
        writer.EndRow();
    }

    /// <summary>The same through SQLitePCLRaw, where <see cref="SqliteDirectCalls"/> could not find the library.</summary>
    private static void WriteRow(ShellCsvWriter writer, sqlite3_stmt statement, int columns, bool utf8)
    {
        for (int i = 0; i < columns; i++)
        {
            switch (raw.sqlite3_column_type(statement, i))
            {
                case raw.SQLITE_INTEGER:
                    writer.WriteInteger(raw.sqlite3_column_int64(statement, i));
                    break;
                case raw.SQLITE_FLOAT:
                    writer.WriteReal(raw.sqlite3_column_double(statement, i));
                    break;
                case raw.SQLITE_NULL:
                    writer.WriteNull();
                    break;
                default:
                    if (!utf8)
                    {
                        // Converts the value in place to UTF-8, which column_blob then returns.
                        raw.sqlite3_column_text(statement, i);
                    }
                    // TEXT and BLOB: the bytes the shell's sqlite3_column_text gives.
                    writer.WriteText(raw.sqlite3_column_blob(statement, i));
                    break;
            }
        }
        writer.EndRow();
    }

    /// <summary>The file to write: the destination, or inside an existing folder a name from the database (and table).</summary>
    internal static string DestinationFile(ExportRequest request)
    {
        string destination = Path.GetFullPath(request.Destination);
        if (!Directory.Exists(destination))
        {
            return destination;
        }
        string name = Path.GetFileNameWithoutExtension(request.Path);
        if (request.Table != null)
        {
            name += "_" + new string(request.Table.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c).ToArray());
        }
        return Path.Combine(destination, name + ".csv");
    }

    /// <summary>True when an existing file will be replaced; throws when it may not be, or cannot be written beside.</summary>
    private static bool CheckDestination(ExportRequest request, string destination)
    {
        // The database and the files SQLite keeps beside it: replacing its -wal or -journal would destroy committed data.
        string source = Path.GetFullPath(request.Path);
        StringComparison names = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)
            || System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.OSX)
            ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            if (string.Equals(source + suffix, destination, names))
            {
                throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                    suffix.Length == 0
                        ? $"The destination '{destination}' is the database itself."
                        : $"The destination '{destination}' is the database's own {suffix} file; replacing it would destroy its data.",
                    destination);
            }
        }
        string? folder = Path.GetDirectoryName(destination);
        if (folder == null || !Directory.Exists(folder))
        {
            throw new SqliteAdminException(ErrorIds.DestinationNotWritable, SqliteAdminErrorCategory.ObjectNotFound,
                $"The folder of '{destination}' does not exist.", destination);
        }
        if (!File.Exists(destination))
        {
            return false;
        }
        if (!request.Force)
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"'{destination}' exists. Give -Force to replace it, or another -Destination.", destination);
        }
        return true;
    }

    /// <summary>Renames the finished temp file to its name: never over a file that appeared meanwhile, unless replacing.</summary>
    private static void Publish(string temp, string destination, bool replacing)
    {
        if (replacing && File.Exists(destination))
        {
            // One rename over the old file (rename(2) on Unix, ReplaceFile on Windows): readers see the old or the new file, never a mix.
            File.Replace(temp, destination, null);
            DurableFile.FlushFolder(Path.GetDirectoryName(destination)!);
            return;
        }
        try
        {
            DurableFile.MoveNoOverwrite(temp, destination);
        }
        catch (IOException ex) when (File.Exists(destination))
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"'{destination}' was created by someone else while the export ran; it was left as it is.", destination, ex);
        }
    }

    private static SqliteAdminException TableNotFound(SqliteConnection connection, ExportRequest request)
    {
        var tables = SqlNames.ListUserTables(connection);
        return new SqliteAdminException(ErrorIds.TableNotFound, SqliteAdminErrorCategory.ObjectNotFound,
            $"'{request.Path}' has no table or view named '{request.Table}'. Its tables are: {(tables.Count == 0 ? "(none)" : string.Join(", ", tables))}.",
            request.Path);
    }
}
