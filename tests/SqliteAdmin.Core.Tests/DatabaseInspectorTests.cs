using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Native;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests;

public class DatabaseInspectorTests
{
    private static readonly TimeSpan Busy = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData("delete")]
    [InlineData("wal")]
    public void Reports_the_same_facts_as_the_sqlite3_cli(string journalMode)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), journalMode, syncRows: 3000);
        SqliteCli.Run(db, "DELETE FROM sync_log WHERE id % 2 = 0;"); // leave free pages

        DatabaseInfo info = DatabaseInspector.Inspect(db, Busy);

        string[] cli = SqliteCli.Run(db,
            "PRAGMA page_size; PRAGMA page_count; PRAGMA freelist_count; PRAGMA journal_mode; PRAGMA encoding; PRAGMA schema_version;" +
            "SELECT count(*) FROM sqlite_master WHERE type='index'; SELECT count(*) FROM sync_log;").Split('\n');
        Assert.Equal(Path.GetFullPath(db), info.Path);
        Assert.Equal(int.Parse(cli[0]), info.PageSize);
        Assert.Equal(long.Parse(cli[1]), info.PageCount);
        Assert.Equal(long.Parse(cli[2]), info.FreelistCount);
        Assert.True(info.FreelistCount > 0);
        Assert.Equal(Math.Round(100.0 * info.FreelistCount / info.PageCount, 2), info.FreePercent);
        Assert.Equal(cli[3], info.JournalMode);
        Assert.Equal(cli[4], info.Encoding);
        Assert.Equal(long.Parse(cli[5]), info.SchemaVersion);
        Assert.Equal(int.Parse(cli[6]), info.IndexCount);
        Assert.Equal(7, info.UserVersion);
        Assert.Equal(1234, info.ApplicationId);
        Assert.Equal("None", info.AutoVacuum);
        Assert.Equal(NativeSqliteLoader.ShippedSqliteVersion, info.SqliteVersion);
        Assert.Equal(new FileInfo(db).Length, info.SizeBytes);
        Assert.Equal(new[] { "audit_log", "batches", "sync_log" }, info.Tables.Select(t => t.Name));
        Assert.Equal(long.Parse(cli[7]), info.Tables.Single(t => t.Name == "sync_log").RowCount);
        Assert.Equal(1500, info.Tables.Single(t => t.Name == "sync_log").RowCount);
        Assert.Equal(50, info.Tables.Single(t => t.Name == "batches").RowCount);
        Assert.Equal(120, info.Tables.Single(t => t.Name == "audit_log").RowCount);
    }

    [Fact]
    public void Reports_wal_size_and_auto_vacuum_and_odd_table_names()
    {
        using var folder = new TempFolder();
        string db = folder.File("odd.db");
        // A writer that stays open keeps its un-checkpointed WAL frames in the -wal file.
        using Process writer = SqliteCli.Start(db);
        writer.StandardInput.WriteLine("PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
        writer.StandardInput.WriteLine("CREATE TABLE \"we\"\"ird [name]\"(x); INSERT INTO \"we\"\"ird [name]\" VALUES (1),(2);");
        writer.StandardInput.WriteLine("SELECT 'ready';");
        writer.StandardInput.Flush();
        while (writer.StandardOutput.ReadLine() is string line && line != "ready")
        {
            // "wal" from the journal_mode pragma comes first.
        }
        try
        {
            DatabaseInfo info = DatabaseInspector.Inspect(db, Busy);

            Assert.Equal("Incremental", info.AutoVacuum);
            Assert.Equal("wal", info.JournalMode);
            Assert.True(info.WalSizeBytes > 0, "the writer's frames are still in the WAL");
            Assert.Equal(new FileInfo(db + "-wal").Length, info.WalSizeBytes);
            TableInfo table = Assert.Single(info.Tables);
            Assert.Equal("we\"ird [name]", table.Name);
            Assert.Equal(2, table.RowCount);
        }
        finally
        {
            SqliteCli.Release(writer);
        }
    }

    [Fact]
    public void Reads_a_wal_database_while_another_process_writes_without_blocking_it()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("busy.db"), "wal");
        // A writer with busy_timeout 0 and -bail: if our reads ever blocked it, it would fail with
        // "database is locked" and exit non-zero.
        var script = new StringBuilder("PRAGMA busy_timeout=0; PRAGMA synchronous=OFF;\n");
        for (int i = 0; i < 4000; i++)
        {
            script.Append("INSERT INTO sync_log(timestamp,status) VALUES (datetime('now'),'success');\n");
        }
        using Process writer = SqliteCli.Start(db);
        writer.StandardInput.Write(script.ToString());
        writer.StandardInput.Close();

        int reads = 0;
        long lastCount = 0;
        while (!writer.HasExited || reads == 0)
        {
            DatabaseInfo info = DatabaseInspector.Inspect(db, TimeSpan.Zero);
            long count = info.Tables.Single(t => t.Name == "sync_log").RowCount!.Value;
            Assert.True(count >= lastCount, "each read sees a committed state at least as new as the last");
            lastCount = count;
            reads++;
        }
        string errors = writer.StandardError.ReadToEnd();
        writer.WaitForExit();

        Assert.True(writer.ExitCode == 0, $"writer failed: {errors}");
        Assert.Equal("", errors);
        Assert.True(reads > 1, $"only {reads} read(s) overlapped the writer");
        Assert.Equal(4200, DatabaseInspector.Inspect(db, Busy).Tables.Single(t => t.Name == "sync_log").RowCount);
    }

    [Fact]
    public void A_lock_held_by_another_process_is_a_clear_error_after_the_busy_timeout()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("locked.db"), "delete");
        Process holder = SqliteCli.HoldLock(db, "BEGIN EXCLUSIVE; INSERT INTO batches(strain) VALUES ('x');");
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var ex = Assert.Throws<SqliteAdminException>(() => DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(1)));
            stopwatch.Stop();

            Assert.Equal(ErrorIds.DatabaseLocked, ex.ErrorId);
            Assert.Equal(SqliteAdminErrorCategory.ResourceBusy, ex.Category);
            Assert.Contains("locked by another process", ex.Message);
            Assert.Contains(db, ex.Message);
            Assert.True(stopwatch.Elapsed >= TimeSpan.FromSeconds(0.9), "it waited for the lock to clear first");
        }
        finally
        {
            SqliteCli.Release(holder);
        }

        // Once the lock is gone the same call succeeds, and the killed writer's insert is not there.
        Assert.Equal(50, DatabaseInspector.Inspect(db, Busy).Tables.Single(t => t.Name == "batches").RowCount);
    }

    [Fact]
    public void Cancellation_stops_the_inspection()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("big.db"), "delete", syncRows: 200_000);
        using var cancel = new CancellationTokenSource();
        var progress = new CallbackProgress(p =>
        {
            if (p.Status.StartsWith("Counting", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => DatabaseInspector.Inspect(db, Busy, progress, cancel.Token));
    }

    public static TheoryData<string, Action<string>, string, string> BadInputs => new()
    {
        { "missing.db", _ => { }, ErrorIds.DatabaseNotFound, "does not exist" },
        { "folder.db", p => Directory.CreateDirectory(p), ErrorIds.PathIsDirectory, "is a directory" },
        { "empty.db", p => File.WriteAllBytes(p, Array.Empty<byte>()), ErrorIds.NotADatabase, "empty file" },
        { "notes.db", p => File.WriteAllText(p, "This is a text file, not a database.\n" + new string('x', 500)), ErrorIds.NotADatabase, "not an SQLite database" },
        { "tiny.db", p => File.WriteAllText(p, "SQLite"), ErrorIds.NotADatabase, "not an SQLite database" },
        { "random.db", p => File.WriteAllBytes(p, RandomBytes(8192)), ErrorIds.NotADatabase, "not an SQLite database" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_a_clear_error_and_changes_nothing_on_disk(string name, Action<string> make, string errorId, string messagePart)
    {
        using var folder = new TempFolder();
        string path = folder.File(name);
        make(path);
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseInspector.Inspect(path, Busy));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Contains(messagePart, ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    [Fact]
    public void A_damaged_header_page_is_reported_not_hidden()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("damaged.db"));
        // Keep the magic string but wreck the rest of page 1 (schema root): SQLite must complain.
        using (var stream = new FileStream(db, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 100;
            stream.Write(RandomBytes(3000));
        }
        FolderSnapshot before = FolderSnapshot.Take(folder.Path);

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseInspector.Inspect(db, Busy));

        Assert.Contains(ex.ErrorId, new[] { ErrorIds.DatabaseCorrupt, ErrorIds.NotADatabase });
        Assert.Equal(before, FolderSnapshot.Take(folder.Path));
    }

    private static byte[] RandomBytes(int n)
    {
        var bytes = new byte[n];
        new Random(42).NextBytes(bytes);
        return bytes;
    }
}
