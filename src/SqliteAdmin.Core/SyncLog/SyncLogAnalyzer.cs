using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.Retention;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>What Get-SyncLogReport was asked for.</summary>
internal sealed class SyncLogRequest
{
    /// <summary>The database.</summary>
    public string Path { get; set; } = "";
    /// <summary>Table and column names.</summary>
    public SyncLogColumns Columns { get; set; } = new SyncLogColumns();
    /// <summary>The status value of a successful sync (compared without regard to case).</summary>
    public string SuccessStatus { get; set; } = "success";
    /// <summary>Start of the window; overrides <see cref="Last"/>.</summary>
    public DateTime? Since { get; set; }
    /// <summary>The window's length before now (default 7 days).</summary>
    public Duration Last { get; set; } = new Duration(0, 0, 7, 0);
    /// <summary>Summary, or hours, or days.</summary>
    public SyncLogGrouping GroupBy { get; set; }
    /// <summary>Critical when no sync succeeded for this long (of business time, with <see cref="BusinessHours"/>).</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromHours(4);
    /// <summary>Warning above this percentage of syncs with conflicts.</summary>
    public double MaxConflictPercent { get; set; } = 5;
    /// <summary>Critical above this percentage of failed syncs.</summary>
    public double MaxFailurePercent { get; set; } = 10;
    /// <summary>When syncs are expected; null: always.</summary>
    public BusinessHours? BusinessHours { get; set; }
    /// <summary>Timestamps written without a zone are local time (default: UTC, as SQLite's datetime('now') writes them).</summary>
    public bool ZonelessTimestampsAreLocal { get; set; }
    /// <summary>The zone periods and alert times are shown in (default: local).</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;
    /// <summary>The time of the report (default: now).</summary>
    public DateTime? Now { get; set; }
    /// <summary>How long to wait for locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = SqliteConnectionFactory.DefaultBusyTimeout;
}

/// <summary>
/// Measures a sync log inside SQLite, for <see cref="SyncLogJudge"/> to judge: one streaming
/// aggregate over the rows of the window (found through an index on the timestamp when there is
/// one), bound parameters only, names checked against the schema, the database opened read-only.
/// Memory does not grow with rows.
/// </summary>
internal static class SyncLogAnalyzer
{
    /// <summary>The summary of one database's sync log.</summary>
    public static SyncLogReport Report(SyncLogRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        using var session = new Session(request, progress, cancellation);
        return session.Run(s => s.Summarize());
    }

    /// <summary>The sync log per hour or day (every period of the window, empty ones too).</summary>
    public static IReadOnlyList<SyncLogPeriod> Periods(SyncLogRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
    {
        using var session = new Session(request, progress, cancellation);
        return session.Run(s => s.GroupPeriods());
    }

    /// <summary>One read-only connection and the checked names, window and SQL of one request.</summary>
    private sealed class Session : IDisposable
    {
        private readonly SyncLogRequest _request;
        private readonly IProgress<OperationProgress>? _progress;
        private readonly CancellationToken _cancellation;
        private readonly string _path;
        private readonly string _activity;
        private readonly SqliteConnection _connection;
        private readonly CancellationTokenRegistration _interrupt;
        private SyncLogTable _table = null!;
        private TimestampSql _time = null!;
        private DateTime _fromUtc, _toUtc;
        private double _from, _to;
        private double? _lastSuccess;

        public Session(SyncLogRequest request, IProgress<OperationProgress>? progress, CancellationToken cancellation)
        {
            _request = request;
            _progress = progress;
            _cancellation = cancellation;
            _path = System.IO.Path.GetFullPath(request.Path);
            _activity = $"Reading the sync log of {System.IO.Path.GetFileName(_path)}";
            _connection = SqliteConnectionFactory.OpenReadOnly(_path, request.BusyTimeout);
            _interrupt = _connection.InterruptOn(cancellation);
        }

        public T Run<T>(Func<Session, T> work)
        {
            try
            {
                _progress?.Report(new OperationProgress(_activity, "Checking the table and columns", 0));
                _table = SyncLogTable.Resolve(_connection, _path, _request.Columns, "Timestamp", "Status", "Pulled", "Pushed", "Conflicts", "Duration");
                _time = new TimestampSql(_table.Column("Timestamp"), _request.ZonelessTimestampsAreLocal);
                DateTime now = _request.Now?.ToUniversalTime() ?? DateTime.UtcNow;
                _toUtc = now;
                _fromUtc = _request.Since is DateTime since ? (since.Kind == DateTimeKind.Utc ? since : since.ToUniversalTime()) : _request.Last.Before(now);
                if (_fromUtc >= _toUtc)
                {
                    throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                        $"-Since {_fromUtc:u} is not before now ({_toUtc:u}): the report window is empty.", _path);
                }
                _from = TimestampSql.ToSeconds(_fromUtc);
                _to = TimestampSql.ToSeconds(_toUtc);
                // One read transaction: every figure comes from the same state of the log.
                using SqliteTransaction transaction = _connection.BeginTransaction(deferred: true);
                T result = work(this);
                transaction.Commit();
                _progress?.Report(new OperationProgress(_activity, "Done", 100) { Completed = true });
                return result;
            }
            catch (SqliteException ex)
            {
                throw SqliteErrors.Translate(ex, _path, _cancellation);
            }
        }

        public void Dispose()
        {
            _interrupt.Dispose();
            _connection.Dispose();
        }

        /// <summary>
        /// The rows to aggregate, as a subquery: the timestamp read once per row (t), success (ok)
        /// and the figures. When the window covers every readable timestamp the table is scanned
        /// as a whole; otherwise an index on the timestamp finds the window's rows and the rows
        /// whose timestamp has no readable shape (so they are counted as unreadable).
        /// </summary>
        private string Rows(SqliteCommand command, string prefix, double from, double to, bool withShapeless, bool flatten = false)
        {
            string where = "";
            if (!CoversEverything(from, to))
            {
                where = "WHERE " + _time.Window(prefix) + (withShapeless ? " OR " + _time.Shapeless : "");
                TimestampSql.BindWindow(command, prefix, from, to);
            }
            // LIMIT -1 keeps SQLite from flattening the subquery into the outer query, which would read
            // t once per use; flattening is cheaper when t is used only a few times per row.
            return $"(SELECT {_time.Seconds} AS t, ({_table.Column("Status")} = $success COLLATE NOCASE) AS ok, {_table.Column("Conflicts")} AS conf, " +
                   $"{_table.Column("Pulled")} AS pulled, {_table.Column("Pushed")} AS pushed, {_table.Column("Duration")} AS dur " +
                   $"FROM {_table.Quoted} {where}{(flatten ? "" : " LIMIT -1")})";
        }

        private bool? _coversEverything;

        private bool CoversEverything(double from, double to)
        {
            if (from != _from || to != _to)
            {
                return false;
            }
            if (_coversEverything is bool known)
            {
                return known;
            }
            // The oldest and newest stored values (an index answers each at once); if both read as
            // times inside the window, so does everything in between of the same kind.
            object? oldest = Scalar($"SELECT min({_table.Column("Timestamp")}) FROM {_table.Quoted};");
            object? newest = Scalar($"SELECT max({_table.Column("Timestamp")}) FROM {_table.Quoted};");
            bool covers = false;
            if (oldest != null && newest != null && oldest.GetType() == newest.GetType())
            {
                double? a = Read(oldest), b = Read(newest);
                covers = a >= from && b < to;
            }
            _coversEverything = covers;
            return covers;
        }

        private double? Read(object value)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = $"SELECT {_time.Normalize("$v")};";
            command.Parameters.AddWithValue("$v", value);
            object? result = command.ExecuteScalar();
            return result is double d ? d : result is long l ? l : null;
        }

        private object? Scalar(string sql)
        {
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = sql;
            object? value = command.ExecuteScalar();
            return value is DBNull ? null : value;
        }

        private string InWindow => "(t >= $from AND t < $to)";

        private void BindCommon(SqliteCommand command, double from, double to)
        {
            command.Parameters.AddWithValue("$success", _request.SuccessStatus);
            command.Parameters.AddWithValue("$from", from);
            command.Parameters.AddWithValue("$to", to);
        }

        public SyncLogReport Summarize()
        {
            SyncLogFigures figures = Measure();
            var (status, alerts) = SyncLogJudge.Judge(figures, _request);
            return figures.ToReport(status, alerts);
        }

        private SyncLogFigures Measure()
        {
            var figures = new SyncLogFigures { Path = _path, Table = _table.Table, From = _fromUtc, To = _toUtc };
            _progress?.Report(new OperationProgress(_activity, "Aggregating the window", 10));
            _cancellation.ThrowIfCancellationRequested();
            // When every stored timestamp lies in the window, one plain pass over the table needs no
            // per-row window test; it is kept only if no timestamp turned out unreadable.
            if (!(CoversEverything(_from, _to) && TryWholeTable(figures)))
            {
                AggregateWindow(figures);
            }
            figures.ConsecutiveFailures = _lastSuccess is double success ? CountAfter(success) : figures.Failed;
            figures.TimestampFormat = DescribeTimestamps();
            figures.TableEmpty = Scalar($"SELECT EXISTS (SELECT 1 FROM {_table.Quoted});") is long exists && exists == 0;
            return figures;
        }

        /// <summary>The figures of <see cref="ReadFigures"/>, over the rows where <paramref name="guard"/> holds (all rows without one).</summary>
        private static string Figures(string? guard)
        {
            string V(string value) => guard == null ? value : $"CASE WHEN {guard} THEN {value} END";
            return $"sum({V("ok")}), sum({V("conf")} > 0), sum({V("conf")}), sum({V("pulled")}), sum({V("pushed")}), " +
                   $"avg({V("dur")}), max({V("dur")}), max(t), max(CASE WHEN ok THEN t END), sqliteadmin_p95({V("dur")})";
        }

        private bool TryWholeTable(SyncLogFigures figures)
        {
            NearestRank.Register(_connection, 0.95);
            using SqliteCommand command = _connection.CreateCommand();
            command.CommandText = $"SELECT count(*), count(t), {Figures(null)} FROM {Rows(command, "w", _from, _to, withShapeless: false, flatten: true)};";
            BindCommon(command, _from, _to);
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) != reader.GetInt64(1))
            {
                return false;
            }
            figures.TotalSyncs = reader.GetInt64(1);
            ReadFigures(reader, 2, figures);
            return true;
        }

        private void AggregateWindow(SyncLogFigures figures)
        {
            NearestRank.Register(_connection, 0.95);
            using SqliteCommand command = _connection.CreateCommand();
            string rows = Rows(command, "w", _from, _to, withShapeless: true, flatten: false);
            // Rows of the window, plus rows whose timestamp cannot be read (t NULL): those are only counted.
            command.CommandText = $"SELECT count(t), {Figures("t IS NOT NULL")}, " +
                                  $"count(*) - count(t) FROM {rows} WHERE {InWindow} OR t IS NULL;";
            BindCommon(command, _from, _to);
            using SqliteDataReader reader = command.ExecuteReader();
            reader.Read();
            figures.TotalSyncs = reader.GetInt64(0);
            ReadFigures(reader, 1, figures);
            figures.UnreadableTimestamps = reader.GetInt64(11);
        }

        private void ReadFigures(SqliteDataReader reader, int first, SyncLogFigures figures)
        {
            long Long(int i) => reader.IsDBNull(first + i) ? 0 : reader.GetInt64(first + i);
            double? Double(int i) => reader.IsDBNull(first + i) ? null : reader.GetDouble(first + i);
            figures.Succeeded = Long(0);
            figures.SyncsWithConflicts = Long(1);
            figures.Conflicts = Long(2);
            figures.RecordsPulled = Long(3);
            figures.RecordsPushed = Long(4);
            figures.AvgDurationMs = Double(5) is double avg ? Math.Round(avg, 1) : null;
            figures.MaxDurationMs = Double(6);
            figures.LastSync = Double(7) is double last ? TimestampSql.ToUtc(last) : null;
            // Kept exactly as SQLite computed it for the follow-up query; the DateTime is rounded to the millisecond.
            _lastSuccess = Double(8);
            figures.LastSuccess = _lastSuccess is double success ? TimestampSql.ToUtc(success) : null;
            figures.P95DurationMs = Double(9);
        }

        /// <summary>Syncs after the last success (all of them failed, or they would be the last success).</summary>
        private long CountAfter(double lastSuccess)
        {
            _progress?.Report(new OperationProgress(_activity, "Counting failures since the last success", 80));
            using SqliteCommand command = _connection.CreateCommand();
            string rows = Rows(command, "a", lastSuccess, _to, withShapeless: false);
            command.CommandText = $"SELECT count(*) FROM {rows} WHERE t > $from AND t < $to AND ok IS NOT 1;";
            BindCommon(command, lastSuccess, _to);
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }

        private string DescribeTimestamps()
        {
            using SqliteCommand command = _connection.CreateCommand();
            string where = CoversEverything(_from, _to) ? "" : "WHERE " + _time.Window("d");
            if (where.Length > 0)
            {
                TimestampSql.BindWindow(command, "d", _from, _to);
            }
            command.CommandText = $"SELECT {_table.Column("Timestamp")} FROM {_table.Quoted} {where} LIMIT 200;";
            var sample = new List<object?>();
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                sample.Add(reader.IsDBNull(0) ? null : reader.GetValue(0));
            }
            return TimestampSql.Describe(sample, _request.ZonelessTimestampsAreLocal);
        }

        public IReadOnlyList<SyncLogPeriod> GroupPeriods()
        {
            // Rows are summed into quarter hours (UTC) as SQLite streams them (no GROUP BY: its sort
            // would hold the whole window), then folded into local hours or days, which is right for
            // every time zone (all offsets are whole quarter hours) and across DST changes.
            const int Quarter = 900;
            double origin = Math.Floor(_from / Quarter) * Quarter;
            var quarters = new Dictionary<long, PeriodTotals>();
            _progress?.Report(new OperationProgress(_activity, "Aggregating per period", 10));
            _cancellation.ThrowIfCancellationRequested();
            using (SqliteCommand command = _connection.CreateCommand())
            {
                string rows = Rows(command, "w", _from, _to, withShapeless: false);
                command.CommandText =
                    $"SELECT CAST((t - $origin) / {Quarter} AS INTEGER), coalesce(ok, 0), coalesce(conf, 0), coalesce(pulled, 0), coalesce(pushed, 0), dur FROM {rows} WHERE {InWindow};";
                BindCommon(command, _from, _to);
                command.Parameters.AddWithValue("$origin", origin);
                long currentKey = long.MinValue;
                PeriodTotals current = new PeriodTotals();
                // Stepped through SQLite's own API: at tens of millions of rows the per-row cost of a data reader dominates.
                RawQuery.ForEachRow(_connection, command, row =>
                {
                    long key = SQLitePCL.raw.sqlite3_column_int64(row, 0);
                    if (key != currentKey)
                    {
                        // Rows mostly arrive in time order, so this lookup runs about once per quarter, not per row.
                        if (!quarters.TryGetValue(key, out current!))
                        {
                            quarters[key] = current = new PeriodTotals();
                        }
                        currentKey = key;
                    }
                    long conflicts = SQLitePCL.raw.sqlite3_column_int64(row, 2);
                    current.Syncs++;
                    current.Succeeded += SQLitePCL.raw.sqlite3_column_int64(row, 1);
                    current.WithConflicts += conflicts > 0 ? 1 : 0;
                    current.Conflicts += conflicts;
                    current.Pulled += SQLitePCL.raw.sqlite3_column_int64(row, 3);
                    current.Pushed += SQLitePCL.raw.sqlite3_column_int64(row, 4);
                    if (SQLitePCL.raw.sqlite3_column_type(row, 5) != SQLitePCL.raw.SQLITE_NULL)
                    {
                        current.DurationSum += SQLitePCL.raw.sqlite3_column_double(row, 5);
                        current.Durations++;
                    }
                }, _cancellation);
            }

            TimeZoneInfo zone = _request.TimeZone;
            DateTime PeriodOf(DateTime utc)
            {
                DateTime local = TimeZoneInfo.ConvertTimeFromUtc(utc, zone);
                return _request.GroupBy == SyncLogGrouping.Hour ? new DateTime(local.Year, local.Month, local.Day, local.Hour, 0, 0) : local.Date;
            }
            var periods = new SortedDictionary<DateTime, PeriodTotals>();
            // Every period of the window appears, so a day without syncs shows as 0, not as a gap.
            for (DateTime utc = _fromUtc; utc < _toUtc; utc = utc.AddSeconds(Quarter))
            {
                periods[PeriodOf(utc)] = new PeriodTotals();
            }
            periods[PeriodOf(_toUtc.AddTicks(-1))] = new PeriodTotals();
            foreach (var quarter in quarters)
            {
                periods[PeriodOf(TimestampSql.ToUtc(Math.Max(origin + quarter.Key * (double)Quarter, _from)))].Add(quarter.Value);
            }
            return periods.Select(p => new SyncLogPeriod
            {
                Path = _path,
                Table = _table.Table,
                Period = p.Key,
                TotalSyncs = p.Value.Syncs,
                Succeeded = p.Value.Succeeded,
                Failed = p.Value.Syncs - p.Value.Succeeded,
                FailureRate = SyncLogFigures.Percent(p.Value.Syncs - p.Value.Succeeded, p.Value.Syncs),
                SyncsWithConflicts = p.Value.WithConflicts,
                ConflictRate = SyncLogFigures.Percent(p.Value.WithConflicts, p.Value.Syncs),
                Conflicts = p.Value.Conflicts,
                AvgConflicts = p.Value.Syncs == 0 ? null : Math.Round((double)p.Value.Conflicts / p.Value.Syncs, 2),
                RecordsPulled = p.Value.Pulled,
                RecordsPushed = p.Value.Pushed,
                AvgDurationMs = p.Value.Durations == 0 ? null : Math.Round(p.Value.DurationSum / p.Value.Durations, 1),
            }).ToList();
        }
    }

    /// <summary>Running sums of one quarter hour, hour or day.</summary>
    private sealed class PeriodTotals
    {
        public long Syncs, Succeeded, WithConflicts, Conflicts, Pulled, Pushed, Durations;
        public double DurationSum;

        public void Add(PeriodTotals other)
        {
            Syncs += other.Syncs;
            Succeeded += other.Succeeded;
            WithConflicts += other.WithConflicts;
            Conflicts += other.Conflicts;
            Pulled += other.Pulled;
            Pushed += other.Pushed;
            Durations += other.Durations;
            DurationSum += other.DurationSum;
        }
    }

    /// <summary>
    /// The nearest-rank percentile of the values SQLite passes in, from a histogram of distinct
    /// values: exact, and its memory grows with distinct durations, not with rows. Registered
    /// through SQLite's own function API (one call per row is the cost that matters).
    /// </summary>
    private sealed class NearestRank
    {
        private readonly double _fraction;
        private readonly Dictionary<double, long> _counts = new();
        private long _total;

        private NearestRank(double fraction) => _fraction = fraction;

        /// <summary>Registers a fresh sqliteadmin_p95(x) aggregate on the connection, for one query.</summary>
        public static NearestRank Register(SqliteConnection connection, double fraction)
        {
            var rank = new NearestRank(fraction);
            SQLitePCL.raw.sqlite3_create_function(connection.Handle, "sqliteadmin_p95", 1, SQLitePCL.raw.SQLITE_DETERMINISTIC, null,
                (context, userData, args) =>
                {
                    int type = SQLitePCL.raw.sqlite3_value_type(args[0]);
                    if (type == SQLitePCL.raw.SQLITE_INTEGER || type == SQLitePCL.raw.SQLITE_FLOAT)
                    {
                        rank.Add(SQLitePCL.raw.sqlite3_value_double(args[0]));
                    }
                },
                (context, userData) =>
                {
                    if (rank.Result() is double result)
                    {
                        SQLitePCL.raw.sqlite3_result_double(context, result);
                    }
                    else
                    {
                        SQLitePCL.raw.sqlite3_result_null(context);
                    }
                });
            return rank;
        }

        private void Add(double value)
        {
            _counts[value] = _counts.TryGetValue(value, out long n) ? n + 1 : 1;
            _total++;
        }

        private double? Result()
        {
            if (_total == 0)
            {
                return null;
            }
            long rank = (long)Math.Ceiling(_fraction * _total);
            long seen = 0;
            foreach (var pair in _counts.OrderBy(p => p.Key))
            {
                seen += pair.Value;
                if (seen >= rank)
                {
                    return pair.Key;
                }
            }
            return _counts.Keys.Max();
        }
    }
}
