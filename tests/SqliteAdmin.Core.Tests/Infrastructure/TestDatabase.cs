using System.Text;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>Builds small realistic databases with the real sqlite3 CLI, in the shapes of the seeds.</summary>
public static class TestDatabase
{
    /// <summary>
    /// A database with the seeds' tables: sync_log (with index), batches (wide, text), audit_log
    /// (foreign key to batches, index). Row counts: sync_log <paramref name="syncRows"/>,
    /// batches 50, audit_log 120. <paramref name="autoVacuum"/> (none, full, incremental) is set
    /// before the first table, where SQLite requires it.
    /// </summary>
    public static string Create(string path, string journalMode = "delete", int syncRows = 200, string autoVacuum = "none")
    {
        var sql = new StringBuilder();
        sql.AppendLine($"PRAGMA auto_vacuum={autoVacuum};");
        sql.AppendLine($"PRAGMA journal_mode={journalMode};");
        sql.AppendLine("PRAGMA user_version=7; PRAGMA application_id=1234;");
        sql.AppendLine("CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);");
        sql.AppendLine("CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);");
        sql.AppendLine("CREATE TABLE batches(id INTEGER PRIMARY KEY, strain TEXT, input_grams REAL, produced INTEGER, stage TEXT, notes TEXT, archived INTEGER DEFAULT 0);");
        sql.AppendLine("CREATE TABLE audit_log(id INTEGER PRIMARY KEY, batch INTEGER REFERENCES batches(id), ts TEXT, field TEXT, old TEXT, new TEXT);");
        sql.AppendLine("CREATE INDEX idx_audit_batch ON audit_log(batch);");
        sql.AppendLine("BEGIN;");
        sql.AppendLine($"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {syncRows}) " +
                       "INSERT INTO sync_log(timestamp,status,records_pulled,records_pushed,conflicts,duration_ms) " +
                       "SELECT datetime('2026-11-01','+'||i||' minutes'), CASE WHEN i%10=0 THEN 'failed' ELSE 'success' END, i%50, i%7, i%3, 100+i FROM n;");
        sql.AppendLine("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50) " +
                       "INSERT INTO batches(strain,input_grams,produced,stage,notes) SELECT 'strain-'||i, i*1.5, i*10, 'stage'||(i%4), hex(randomblob(200)) FROM n;");
        sql.AppendLine("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 120) " +
                       "INSERT INTO audit_log(batch,ts,field,old,new) SELECT 1+(i%50), datetime('2026-11-01','+'||i||' hours'), 'stage', 'a', 'b' FROM n;");
        sql.AppendLine("COMMIT;");
        SqliteCli.Run(path, sql.ToString());
        return path;
    }
}
