using System;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.SyncLog;

/// <summary>
/// Seed 003's sync_log, generated with the sqlite3 CLI: 390 syncs about every 37 minutes over the
/// ten days before <see cref="Now"/>, with failures ('error'), conflicts, records and durations,
/// and the timestamp stored in one of the formats applications use.
/// </summary>
public static class SyncLogFixture
{
    /// <summary>The time the tests' reports are made at: 2026-11-21 06:00:00 UTC.</summary>
    public static readonly DateTime Now = new(2026, 11, 21, 6, 0, 0, DateTimeKind.Utc);

    /// <summary>The same moment as text for the seed's SQL in place of 'now'.</summary>
    public const string NowSql = "'2026-11-21 06:00:00'";

    private const long Base = 1794376800; // 2026-11-11 06:00:00 UTC

    /// <summary>Timestamp formats: SQL expression of the Unix time u, and the column's declared type.</summary>
    public static (string Expression, string Type) Format(string name) => name switch
    {
        "text" => ("datetime(u, 'unixepoch')", "TEXT"),
        "iso-z" => ("strftime('%Y-%m-%dT%H:%M:%SZ', u, 'unixepoch')", "TEXT"),
        "iso-offset" => ("strftime('%Y-%m-%dT%H:%M:%S', u + 7200, 'unixepoch') || '+02:00'", "TEXT"),
        "iso-fraction" => ("strftime('%Y-%m-%dT%H:%M:%f', u, 'unixepoch')", "TEXT"),
        "unix" => ("u", "INTEGER"),
        "unix-ms" => ("u * 1000", "INTEGER"),
        "unix-text" => ("CAST(u AS TEXT)", "TEXT"),
        "unix-real" => ("u + 0.25", "REAL"),
        _ => throw new ArgumentException(name),
    };

    public static string Create(string path, string format = "text", int rows = 390, bool index = true)
    {
        (string expression, string type) = Format(format);
        SqliteCli.Run(path, $@"
PRAGMA journal_mode=wal;
CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp {type} NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);
{(index ? "CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);" : "")}
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < {rows - 1})
INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms, error)
SELECT {expression}, CASE WHEN i % 17 = 0 OR i % 23 = 0 THEN 'error' ELSE 'success' END, i % 40, i % 9,
       CASE WHEN i % 19 = 0 THEN 1 + i % 3 ELSE 0 END, 300 + (i * 7919) % 4000,
       CASE WHEN i % 17 = 0 OR i % 23 = 0 THEN 'NAS unreachable' END
FROM (SELECT i, {Base} + i * 2220 + (i * 13) % 600 AS u FROM n);");
        return path;
    }
}
