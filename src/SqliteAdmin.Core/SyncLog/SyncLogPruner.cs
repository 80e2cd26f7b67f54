using System;
using System.Globalization;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.Retention;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>What Remove-SyncLogEntry was asked to remove.</summary>
internal sealed class SyncLogPruneRequest
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Table and column names (only the table and timestamp column are used).</summary>
    public SyncLogColumns Columns { get; set; } = new SyncLogColumns();
    /// <summary>Remove rows older than this span before now.</summary>
    public Duration? OlderThan { get; set; }
    /// <summary>Keep at most this many of the newest rows (rows tied with the last one kept stay too).</summary>
    public long? KeepLast { get; set; }
    /// <summary>Timestamps written without a zone are local time.</summary>
    public bool ZonelessTimestampsAreLocal { get; set; }
    /// <summary>The time the span is measured from (default: now).</summary>
    public DateTime? Now { get; set; }
    /// <summary>How long to wait for the application's locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
}

/// <summary>What a prune would remove: for -WhatIf and -Confirm.</summary>
internal sealed class SyncLogPrunePlan
{
    /// <summary>Rows that would be removed.</summary>
    public long ToRemove { get; set; }
    /// <summary>Rows in the table.</summary>
    public long Total { get; set; }
    /// <summary>Rows with a timestamp before this (UTC) would go; null when nothing would.</summary>
    public DateTime? Cutoff { get; set; }
    /// <summary>The table's name as the schema spells it.</summary>
    public string Table { get; set; } = "";
    /// <summary>The cutoff exactly as SQLite computed it (Cutoff is rounded to the millisecond).</summary>
    internal double? CutoffSeconds { get; set; }
}

/// <summary>
/// Prunes a sync log the way seed 003 does by hand (older than 90 days; at most 10 000 rows), in
/// one transaction. Rows whose timestamp cannot be read are never removed: their age is unknown.
/// </summary>
internal static class SyncLogPruner
{
    /// <summary>Counts what <see cref="Remove"/> would remove, read-only.</summary>
    public static SyncLogPrunePlan Plan(SyncLogPruneRequest request, CancellationToken cancellation = default)
    {
        Validate(request);
        string path = System.IO.Path.GetFullPath(request.Path);
        using SqliteConnection connection = SqliteConnectionFactory.OpenReadOnly(path, request.BusyTimeout);
        using CancellationTokenRegistration interrupt = connection.InterruptOn(cancellation);
        try
        {
            (SyncLogTable table, TimestampSql time) = Resolve(connection, path, request);
            return PlanOn(connection, table, time, request);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, path, cancellation);
        }
    }

    /// <summary>Removes the rows in one write transaction, reporting each stage (the DELETE of millions of rows takes minutes), and reports what is left.</summary>
    public static SyncLogPruneResult Remove(SyncLogPruneRequest request, IProgress<OperationProgress>? progress = null, CancellationToken cancellation = default)
    {
        Validate(request);
        string path = System.IO.Path.GetFullPath(request.Path);
        string activity = $"Pruning the sync log of {System.IO.Path.GetFileName(path)}";
        progress?.Report(new OperationProgress(activity, "Planning", 0));
        using SqliteConnection connection = SqliteConnectionFactory.OpenReadWrite(path, request.BusyTimeout);
        using CancellationTokenRegistration interrupt = connection.InterruptOn(cancellation);
        try
        {
            // BEGIN IMMEDIATE: the plan and the delete see the same rows.
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
            (SyncLogTable table, TimestampSql time) = Resolve(connection, path, request);
            SyncLogPrunePlan plan = PlanOn(connection, table, time, request);
            long removed = 0;
            if (plan.CutoffSeconds is double cutoff)
            {
                progress?.Report(new OperationProgress(activity, $"Removing {plan.ToRemove} of {plan.Total} rows", 10));
                using SqliteCommand delete = connection.CreateCommand();
                delete.CommandText = $"DELETE FROM {table.Quoted} WHERE {time.Seconds} < $cutoff;";
                delete.Parameters.AddWithValue("$cutoff", cutoff);
                removed = delete.ExecuteNonQuery();
            }
            var result = new SyncLogPruneResult { Path = path, Table = table.Table, Removed = removed, Cutoff = plan.Cutoff };
            progress?.Report(new OperationProgress(activity, "Counting the rows kept", 90));
            using (SqliteCommand left = connection.CreateCommand())
            {
                left.CommandText = $"SELECT count(*), count(t), min(t), max(t) FROM (SELECT {time.Seconds} AS t FROM {table.Quoted});";
                using SqliteDataReader reader = left.ExecuteReader();
                reader.Read();
                result.Remaining = reader.GetInt64(0);
                result.UnreadableKept = reader.GetInt64(0) - reader.GetInt64(1);
                result.OldestKept = reader.IsDBNull(2) ? null : TimestampSql.ToUtc(reader.GetDouble(2));
                result.NewestKept = reader.IsDBNull(3) ? null : TimestampSql.ToUtc(reader.GetDouble(3));
            }
            cancellation.ThrowIfCancellationRequested();
            transaction.Commit();
            progress?.Report(new OperationProgress(activity, "Done", 100) { Completed = true });
            return result;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Translate(ex, path, cancellation);
        }
    }

    private static SyncLogPrunePlan PlanOn(SqliteConnection connection, SyncLogTable table, TimestampSql time, SyncLogPruneRequest request)
    {
        DateTime now = request.Now?.ToUniversalTime() ?? DateTime.UtcNow;
        double? cutoff = request.OlderThan is Duration span ? TimestampSql.ToSeconds(span.Before(now)) : null;
        if (request.KeepLast is long keep)
        {
            // The newest row beyond the newest `keep`: everything older than the last kept row goes.
            using SqliteCommand nth = connection.CreateCommand();
            nth.CommandText = $"SELECT t FROM (SELECT {time.Seconds} AS t FROM {table.Quoted}) WHERE t IS NOT NULL ORDER BY t DESC LIMIT 1 OFFSET $offset;";
            nth.Parameters.AddWithValue("$offset", keep - 1);
            if (nth.ExecuteScalar() is double lastKept)
            {
                cutoff = cutoff is double c ? Math.Max(c, lastKept) : lastKept;
            }
            else if (request.OlderThan == null)
            {
                cutoff = null; // fewer rows than -KeepLast: nothing to remove
            }
        }
        var plan = new SyncLogPrunePlan { Table = table.Table };
        using SqliteCommand count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*), coalesce(sum({time.Seconds} < $cutoff), 0) FROM {table.Quoted};";
        count.Parameters.AddWithValue("$cutoff", cutoff is double value ? value : double.MinValue);
        using SqliteDataReader reader = count.ExecuteReader();
        reader.Read();
        plan.Total = reader.GetInt64(0);
        plan.ToRemove = reader.GetInt64(1);
        plan.CutoffSeconds = plan.ToRemove > 0 ? cutoff : null;
        plan.Cutoff = plan.CutoffSeconds is double limit ? TimestampSql.ToUtc(limit) : null;
        return plan;
    }

    private static (SyncLogTable, TimestampSql) Resolve(SqliteConnection connection, string path, SyncLogPruneRequest request)
    {
        SyncLogTable table = SyncLogTable.Resolve(connection, path, request.Columns, "Timestamp");
        return (table, new TimestampSql(table.Column("Timestamp"), request.ZonelessTimestampsAreLocal));
    }

    private static void Validate(SyncLogPruneRequest request)
    {
        if (request.OlderThan == null && request.KeepLast == null)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "Say what to remove: -OlderThan <span> (such as 90d), -KeepLast <n> (such as 10000), or both.", request.Path);
        }
        if (request.KeepLast is long keep && keep < 1)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                string.Format(CultureInfo.InvariantCulture, "-KeepLast must be 1 or more (it was {0}).", keep), request.Path);
        }
    }
}
