using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using SqliteAdmin.Core.Tests.Infrastructure;
using Xunit;

namespace SqliteAdmin.Core.Tests.Repair;

/// <summary>
/// Real damaged databases: an undamaged original made by the sqlite3 CLI, then real bytes of one of
/// its pages flipped (found through the CLI's dbstat virtual table) or the file cut short.
/// </summary>
public static class DamagedDatabase
{
    /// <summary>The fixtures, by name.</summary>
    public static readonly string[] Kinds = { "leaf", "two-leaves", "leaf-pointers", "leaf-content", "interior", "index", "truncated", "schema-row", "schema-page" };

    /// <summary>The tables of the original, with how to list their rows for comparison.</summary>
    public static readonly (string Table, string Rows)[] Tables =
    {
        ("items", "SELECT rowid, * FROM {0}.items"),
        ("events", "SELECT rowid, * FROM {0}.events"),
        ("tags", "SELECT * FROM {0}.tags"),
        ("log", "SELECT rowid, * FROM {0}.log"),
    };

    /// <summary>
    /// The original: a 3-level rowid table with an INTEGER PRIMARY KEY (items, 3000 rows, page size
    /// 1024), a table with an implicit rowid and a blob (events), a WITHOUT ROWID table (tags), an
    /// AUTOINCREMENT table filled by a trigger with its counter above the highest rowid (log), two
    /// indexes, a view and the trigger.
    /// </summary>
    public static string CreateOriginal(string path)
    {
        SqliteCli.Run(path, @"
PRAGMA page_size=1024; PRAGMA user_version=42;
CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER, note TEXT);
CREATE TABLE events(ts TEXT, kind TEXT, payload BLOB);
CREATE TABLE tags(tag TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;
CREATE TABLE log(id INTEGER PRIMARY KEY AUTOINCREMENT, msg TEXT);
CREATE INDEX items_name ON items(name);
CREATE INDEX events_ts ON events(ts);
CREATE VIEW big_items AS SELECT * FROM items WHERE qty > 50;
CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log(msg) VALUES ('added ' || new.name); END;
BEGIN;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 3000)
INSERT INTO items(id,name,qty,note) SELECT i, 'item-' || printf('%05d', i), i % 100, hex(randomblob(20)) FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 2000)
INSERT INTO events SELECT datetime('2026-01-01', '+' || i || ' minutes'), 'k' || (i%7), randomblob(30) FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 1500)
INSERT INTO tags SELECT 'tag-' || printf('%05d', i), i FROM c;
DELETE FROM log WHERE id > 2990;
COMMIT;");
        return path;
    }

    /// <summary>Copies <paramref name="original"/> to <paramref name="damaged"/> and damages the copy as <paramref name="kind"/> says.</summary>
    public static string Damage(string original, string damaged, string kind)
    {
        File.Copy(original, damaged);
        switch (kind)
        {
            case "leaf":
                FlipPageHeader(damaged, Page(original, "name = 'items' AND pagetype = 'leaf'", 150));
                break;
            case "two-leaves":
                FlipPageHeader(damaged, Page(original, "name = 'items' AND pagetype = 'leaf'", 40));
                FlipPageHeader(damaged, Page(original, "name = 'items' AND pagetype = 'leaf'", 150));
                break;
            case "leaf-pointers":
                // Three cell pointers of a leaf overwritten: its first cells and its last are intact.
                Scramble(damaged, (Page(original, "name = 'items' AND pagetype = 'leaf'", 150) - 1) * 1024 + 12, 6);
                break;
            case "leaf-content":
                // 200 bytes in the middle of a leaf's cell content area.
                Scramble(damaged, (Page(original, "name = 'items' AND pagetype = 'leaf'", 150) - 1) * 1024 + 500, 200);
                break;
            case "interior":
                // Not the root: one of the interior pages under it, with a few dozen leaves below.
                FlipPageHeader(damaged, Page(original, "name = 'items' AND pagetype = 'internal' AND path <> '/'", 0));
                break;
            case "index":
                FlipPageHeader(damaged, Page(original, "name = 'items_name' AND pagetype = 'leaf'", 30));
                break;
            case "truncated":
                using (var stream = new FileStream(damaged, FileMode.Open, FileAccess.Write))
                {
                    stream.SetLength(stream.Length * 6 / 10);
                }
                break;
            case "schema-row":
                // Page 1 holds sqlite_schema: garble the text of one CREATE statement in it.
                byte[] bytes = File.ReadAllBytes(damaged);
                int at = IndexOf(bytes, System.Text.Encoding.ASCII.GetBytes("CREATE TABLE tags"));
                for (int i = at + 3; i < at + 9; i++)
                {
                    bytes[i] ^= 0xFF;
                }
                File.WriteAllBytes(damaged, bytes);
                break;
            case "schema-page":
                // The b-tree header of page 1 (after the 100-byte file header): sqlite_schema is unreadable.
                Flip(damaged, 100, 12);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
        return damaged;
    }

    private static long Page(string db, string where, int offset) =>
        long.Parse(SqliteCli.Run(db, $"SELECT pageno FROM dbstat WHERE {where} ORDER BY path LIMIT 1 OFFSET {offset};"), CultureInfo.InvariantCulture);

    /// <summary>Inverts the first 24 bytes of a page: its b-tree header and first cell pointers.</summary>
    private static void FlipPageHeader(string db, long page) => Flip(db, (page - 1) * 1024, 24);

    private static void Flip(string db, long offset, int count)
    {
        using var stream = new FileStream(db, FileMode.Open, FileAccess.ReadWrite);
        byte[] buffer = new byte[count];
        stream.Position = offset;
        Assert.Equal(count, stream.Read(buffer, 0, count));
        for (int i = 0; i < count; i++)
        {
            buffer[i] ^= 0xFF;
        }
        stream.Position = offset;
        stream.Write(buffer, 0, count);
    }

    /// <summary>Overwrites bytes with a fixed pseudo-random sequence (the same on every run).</summary>
    private static void Scramble(string db, long offset, int count)
    {
        var random = new Random(7);
        byte[] buffer = new byte[count];
        random.NextBytes(buffer);
        using var stream = new FileStream(db, FileMode.Open, FileAccess.Write);
        stream.Position = offset;
        stream.Write(buffer, 0, count);
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return i;
            }
        }
        throw new InvalidOperationException("text not found");
    }

    /// <summary>Rows per table in a database (0 where the table is missing or unreadable), counted by the sqlite3 CLI.</summary>
    public static Dictionary<string, long> CountRows(string db)
    {
        var counts = new Dictionary<string, long>();
        foreach ((string table, _) in Tables)
        {
            string output = File.Exists(db) ? SqliteCli.RunAllowingErrors(db, $"SELECT count(*) FROM {table};") : "";
            counts[table] = long.TryParse(output, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
        }
        return counts;
    }

    /// <summary>The seed 004 runbook: <c>sqlite3 damaged .dump | sqlite3 recovered</c>; returns the recovered file and the dump's text.</summary>
    public static (string Database, string Script) DumpInto(string damaged, string recovered, string command = ".dump")
    {
        string script = recovered + ".sql";
        Cli.Run("sqlite3", new[] { damaged, command }, stdoutFile: script);
        Cli.Run("sqlite3", new[] { recovered }, stdinFile: script);
        return (recovered, File.ReadAllText(script));
    }

    /// <summary>
    /// The rows .dump read, per table, even where its script ends in ROLLBACK: Read counts the
    /// distinct rows its INSERT statements hold, Genuine those of them that the undamaged original has
    /// (.dump prints what a damaged page yields, garbage included, and can print a row twice).
    /// </summary>
    public static Dictionary<string, (long Read, long Genuine)> RowsIn(string script, string original, string scratch)
    {
        var sql = new System.Text.StringBuilder($"PRAGMA synchronous = OFF; ATTACH '{original.Replace("'", "''")}' AS o; BEGIN;\n");
        foreach ((string table, _) in Tables)
        {
            // Same columns, no constraints: every statement .dump printed goes in, garbage too.
            sql.Append($"CREATE TABLE main.{table} AS SELECT * FROM o.{table} WHERE 0;\n");
        }
        foreach (string line in script.Split('\n'))
        {
            if (Tables.Any(t => line.StartsWith($"INSERT INTO {t.Table} ", StringComparison.Ordinal) || line.StartsWith($"INSERT INTO \"{t.Table}\" ", StringComparison.Ordinal)))
            {
                sql.Append(line).Append('\n');
            }
        }
        File.WriteAllText(scratch + ".sql", sql.Append("COMMIT;\n").ToString());
        Cli.Run("sqlite3", new[] { scratch }, stdinFile: scratch + ".sql");
        return Tables.ToDictionary(t => t.Table, t =>
        {
            string[] counts = SqliteCli.Run(scratch, $"ATTACH '{original.Replace("'", "''")}' AS o; " +
                $"SELECT (SELECT count(*) FROM (SELECT DISTINCT * FROM main.{t.Table})), (SELECT count(*) FROM (SELECT * FROM main.{t.Table} INTERSECT SELECT * FROM o.{t.Table}));").Split('|');
            return (long.Parse(counts[0], CultureInfo.InvariantCulture), long.Parse(counts[1], CultureInfo.InvariantCulture));
        });
    }

    /// <summary>Rows of <paramref name="db"/> that the undamaged original does not have, per table (the CLI compares whole rows, rowid included).</summary>
    public static Dictionary<string, long> InventedRows(string db, string original)
    {
        var invented = new Dictionary<string, long>();
        foreach ((string table, string rows) in Tables)
        {
            string output = SqliteCli.RunAllowingErrors(db,
                $"ATTACH '{original.Replace("'", "''")}' AS o; SELECT count(*) FROM ({string.Format(CultureInfo.InvariantCulture, rows, "main")} EXCEPT {string.Format(CultureInfo.InvariantCulture, rows, "o")});");
            invented[table] = long.TryParse(output, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : (output.Contains("no such table") ? 0 : -1);
        }
        return invented;
    }
}
