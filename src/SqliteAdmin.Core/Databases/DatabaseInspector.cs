using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Databases;

/// <summary>Reads the facts Get-SqliteDatabase reports, from one read-only connection in one read transaction.</summary>
internal static class DatabaseInspector
{
    /// <summary>
    /// Inspects the database at <paramref name="path"/>; never creates it, and writes to it only to roll
    /// back a hot journal left by an interrupted transaction, as SQLite would (the result then says so).
    /// </summary>
    /// <exception cref="SqliteAdminException">Not found, not a database, locked, corrupt.</exception>
    public static DatabaseInfo Inspect(string path, TimeSpan busyTimeout, IProgress<OperationProgress>? progress = null, CancellationToken cancellation = default) =>
        Inspect(path, busyTimeout, progress, cancellation, countDamagedTablesAsUnknown: false);

    /// <summary>
    /// As <see cref="Inspect(string, TimeSpan, IProgress{OperationProgress}?, CancellationToken)"/>; with
    /// <paramref name="countDamagedTablesAsUnknown"/>, a table too damaged to count gets a null row
    /// count instead of failing (a backup taken with -IntegrityMode None of a damaged database).
    /// </summary>
    internal static DatabaseInfo Inspect(string path, TimeSpan busyTimeout, IProgress<OperationProgress>? progress, CancellationToken cancellation,
        bool countDamagedTablesAsUnknown)
    {
        path = System.IO.Path.GetFullPath(path);
        string activity = $"Reading {System.IO.Path.GetFileName(path)}";
        progress?.Report(new OperationProgress(activity, "Opening", 0));

        using SqliteConnection connection = SqliteConnectionFactory.OpenSource(path, busyTimeout, out bool rolledBack);
        using CancellationTokenRegistration interrupt = connection.InterruptOn(cancellation);
        try
        {
            // One read transaction: every figure comes from the same committed state, and in WAL mode
            // a reader never blocks the application's writers.
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            using IDisposable keeper = connection.KeepTransactionDisposable(transaction);
            var info = new DatabaseInfo
            {
                Path = path,
                RolledBackHotJournal = rolledBack,
                PageSize = connection.ExecuteScalar<int>("PRAGMA page_size;"),
                PageCount = connection.ExecuteScalar<long>("PRAGMA page_count;"),
                FreelistCount = connection.ExecuteScalar<long>("PRAGMA freelist_count;"),
                JournalMode = connection.ExecuteScalar<string>("PRAGMA journal_mode;"),
                AutoVacuum = AutoVacuumName(connection.ExecuteScalar<long>("PRAGMA auto_vacuum;")),
                UserVersion = connection.ExecuteScalar<long>("PRAGMA user_version;"),
                ApplicationId = connection.ExecuteScalar<long>("PRAGMA application_id;"),
                SchemaVersion = connection.ExecuteScalar<long>("PRAGMA schema_version;"),
                Encoding = connection.ExecuteScalar<string>("PRAGMA encoding;"),
                IndexCount = connection.ExecuteScalar<int>("SELECT count(*) FROM sqlite_master WHERE type = 'index';"),
                SqliteVersion = connection.ExecuteScalar<string>("SELECT sqlite_version();"),
            };
            info.FreePercent = info.PageCount == 0 ? 0 : Math.Round(100.0 * info.FreelistCount / info.PageCount, 2);
            info.Tables = CountRows(connection, activity, progress, cancellation, countDamagedTablesAsUnknown);
            connection.CommitRead(transaction);

            var file = new FileInfo(path);
            file.Refresh();
            info.SizeBytes = file.Length;
            info.LastWriteTimeUtc = file.LastWriteTimeUtc;
            var wal = new FileInfo(path + "-wal");
            info.WalSizeBytes = wal.Exists ? wal.Length : 0;
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return info;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, path, cancellation);
        }
    }

    private static List<TableInfo> CountRows(SqliteConnection connection, string activity, IProgress<OperationProgress>? progress, CancellationToken cancellation,
        bool damagedAsUnknown)
    {
        List<string> names = SqlNames.ListUserTables(connection);
        var tables = new List<TableInfo>(names.Count);
        for (int i = 0; i < names.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(new OperationProgress(activity, $"Counting rows in {names[i]}", 10 + 90 * i / Math.Max(1, names.Count)));
            tables.Add(new TableInfo(names[i], TryCount(connection, names[i], damagedAsUnknown)));
        }
        return tables;
    }

    private static long? TryCount(SqliteConnection connection, string table, bool damagedAsUnknown)
    {
        try
        {
            return connection.ExecuteScalar<long>($"SELECT count(*) FROM {SqlNames.Quote(table)};");
        }
        catch (SqliteException ex) when (damagedAsUnknown && (ex.SqliteErrorCode & 0xFF) == 11)
        {
            return null;
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) == 1)
        {
            // SQLITE_ERROR: e.g. a virtual table whose module this SQLite lacks. The table exists;
            // its count is unknown. Corruption, locks and interrupts still propagate.
            return null;
        }
    }

    private static string AutoVacuumName(long value) => value switch
    {
        0 => "None",
        1 => "Full",
        2 => "Incremental",
        _ => value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
