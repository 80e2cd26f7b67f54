using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

/// <summary>Reliability cases 1 and 2: backups of databases that another process is writing, or that a killed writer left behind.</summary>
public class ConcurrentWriterTests
{
    // Each transaction inserts the same value into a and b and bumps the counter: a backup equals
    // one committed state exactly when count(a) = count(b) = counter and a's ids have no gap.
    private const string Schema =
        "CREATE TABLE a(id INTEGER PRIMARY KEY, v INTEGER, pad BLOB); CREATE TABLE b(id INTEGER PRIMARY KEY, v INTEGER, pad BLOB);" +
        "CREATE TABLE counter(n INTEGER); INSERT INTO counter VALUES (0);" +
        "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i < 15000) INSERT INTO a(v,pad) SELECT i, randomblob(600) FROM s;" +
        "INSERT INTO b(v,pad) SELECT v, pad FROM a; UPDATE counter SET n = 15000;";

    private const string ConsistencyQuery =
        "SELECT (SELECT count(*) FROM a)||'|'||(SELECT count(*) FROM b)||'|'||(SELECT n FROM counter)||'|'||(SELECT max(id) FROM a)||'|'||(SELECT count(*) FROM a JOIN b USING(id) WHERE a.v = b.v);";

    [Theory]
    [InlineData("wal")]
    [InlineData("delete")]
    public async Task A_backup_taken_while_another_process_writes_equals_one_committed_state(string journalMode)
    {
        using var folder = new TempFolder();
        string db = folder.File("busy.db");
        SqliteCli.Run(db, $"PRAGMA journal_mode={journalMode};" + Schema);

        await using CommittingWriter writer = CommittingWriter.Start(db);
        long before = WaitForCounterAbove(db, 15100); // the writer is committing before the backup starts

        BackupRequest request = new()
        {
            SourcePath = db,
            Destination = Path.Combine(folder.Path, "b"),
            PagesPerStep = 32,
            MaxRestarts = 3,
            BusyTimeout = TimeSpan.FromSeconds(60),
        };
        BackupInfo info = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        long after = ReadCounter(db);

        await writer.StopAndAssertCleanAsync();

        string[] state = SqliteCli.Run(info.Path, ConsistencyQuery).Split('|');
        Assert.Equal("ok", SqliteCli.Run(info.Path, "PRAGMA integrity_check;"));
        Assert.Equal(state[0], state[1]);                 // count(a) = count(b)
        Assert.Equal(state[0], state[2]);                 // = counter
        Assert.Equal(state[0], state[3]);                 // no gap in a's ids
        Assert.Equal(state[0], state[4]);                 // every a row has its b twin
        long inBackup = long.Parse(state[0]);
        Assert.True(after > before, $"the writer did not commit while the backup ran (before {before}, after {after})");
        Assert.InRange(inBackup, before, after);
        Assert.True(info.Restarts <= request.MaxRestarts);
        if (journalMode == "wal")
        {
            Assert.Equal(0, info.Restarts); // a WAL source is copied from one read snapshot
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Writers_held_off_by_the_final_snapshot_are_reported_and_limited_by_MaxWriterBlock(bool limited)
    {
        using var folder = new TempFolder();
        string db = folder.File("busy.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=delete;" + Schema);
        await using CommittingWriter writer = CommittingWriter.Start(db);
        WaitForCounterAbove(db, 15100);
        string dest = Path.Combine(folder.Path, "b");
        BackupRequest request = new()
        {
            SourcePath = db, Destination = dest, PagesPerStep = 8, MaxRestarts = 1, BusyTimeout = TimeSpan.FromSeconds(60),
            // Any step under the lock takes longer than one tick: the limit is always passed.
            MaxWriterBlock = limited ? TimeSpan.FromTicks(1) : null,
        };

        BackupInfo? made = null;
        SqliteAdminException? refused = null;
        try
        {
            made = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
        }
        catch (SqliteAdminException ex)
        {
            refused = ex;
        }
        long afterBackup = ReadCounter(db);
        Thread.Sleep(200);
        long later = ReadCounter(db);
        await writer.StopAndAssertCleanAsync();

        Assert.True(later > afterBackup, "the writer did not carry on after the backup");
        if (limited)
        {
            Assert.NotNull(refused);
            Assert.Equal(ErrorIds.WriterBlockLimit, refused!.ErrorId);
            Assert.Contains("WAL", refused.Message);
            Assert.Empty(Directory.Exists(dest) ? Directory.GetFileSystemEntries(dest) : Array.Empty<string>());
            Assert.Empty(Directory.GetFiles(folder.Path, ".sqliteadmin-tmp-*"));
        }
        else
        {
            Assert.Null(refused);
            Assert.Equal(1, made!.Restarts);
            Assert.True(made.WritersBlocked > TimeSpan.Zero, "the final snapshot copy held the writers, and that must be reported");
        }
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("wal")]
    public void VacuumInto_of_a_rollback_journal_database_honours_MaxWriterBlock_and_a_wal_one_never_blocks(string journalMode)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), journalMode, syncRows: 20_000);
        string dest = Path.Combine(folder.Path, "b");
        var request = new BackupRequest { SourcePath = db, Destination = dest, Method = BackupMethod.VacuumInto, MaxWriterBlock = TimeSpan.FromTicks(1) };

        if (journalMode == "wal")
        {
            BackupInfo made = DatabaseBackup.Run(request, null, CancellationToken.None).Backup;
            Assert.Equal(TimeSpan.Zero, made.WritersBlocked);
            return;
        }
        var refused = Assert.Throws<SqliteAdminException>(() => DatabaseBackup.Run(request, null, CancellationToken.None));
        Assert.Equal(ErrorIds.WriterBlockLimit, refused.ErrorId);
        Assert.Empty(Directory.Exists(dest) ? Directory.GetFileSystemEntries(dest) : Array.Empty<string>());
        Assert.Empty(Directory.GetFiles(folder.Path, ".sqliteadmin-tmp-*"));
    }

    /// <summary>A second sqlite3 process committing one transaction after another (each keeps a, b and counter consistent) until stopped.</summary>
    private sealed class CommittingWriter : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _feeder;

        private CommittingWriter(Process process)
        {
            _process = process;
            _feeder = Task.Factory.StartNew(() =>
            {
                for (long i = 15001; !_stop.IsCancellationRequested; i++)
                {
                    _process.StandardInput.WriteLine(
                        $"BEGIN IMMEDIATE; INSERT INTO a(v,pad) VALUES ({i}, randomblob(600)); INSERT INTO b(v,pad) VALUES ({i}, randomblob(600)); UPDATE counter SET n = n + 1; COMMIT;");
                }
                _process.StandardInput.Close();
            }, TaskCreationOptions.LongRunning);
        }

        public static CommittingWriter Start(string db)
        {
            Process process = SqliteCli.Start(db);
            process.StandardInput.WriteLine("PRAGMA busy_timeout=60000; PRAGMA synchronous=OFF;");
            return new CommittingWriter(process);
        }

        /// <summary>Stops the writer and asserts it never failed (no busy or locked error reached it).</summary>
        public async Task StopAndAssertCleanAsync()
        {
            _stop.Cancel();
            await _feeder;
            string errors = _process.StandardError.ReadToEnd();
            _process.WaitForExit();
            Assert.True(_process.ExitCode == 0 && errors.Length == 0, $"the writer failed: {errors}");
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                _stop.Cancel();
                await _feeder;
            }
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.Dispose();
            _stop.Dispose();
        }
    }

    private static long ReadCounter(string db) =>
        long.Parse(SqliteCli.Run(db, "PRAGMA busy_timeout=30000; SELECT n FROM counter;").Split('\n')[^1]);

    private static long WaitForCounterAbove(string db, long value)
    {
        var deadline = Stopwatch.StartNew();
        long n;
        while ((n = ReadCounter(db)) <= value)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the writer never started committing");
            Thread.Sleep(20);
        }
        return n;
    }

    [Fact]
    public void Every_row_a_killed_writer_committed_to_the_wal_is_in_the_backup()
    {
        using var folder = new TempFolder();
        string db = folder.File("crashed.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");

        // 50 committed transactions, then SIGKILL: no checkpoint, no cleanup.
        SqliteCli.RunThenKill(db, "PRAGMA wal_autocheckpoint=0;\n" + string.Concat(Enumerable.Repeat(
            "BEGIN; WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM s WHERE x < 100) INSERT INTO t(v) SELECT 'row' FROM s; COMMIT;\n", 50)));
        Assert.True(new FileInfo(db + "-wal").Length > 0, "the committed rows are only in the WAL");

        BackupInfo info = DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.Path + "/b" }, null, CancellationToken.None).Backup;

        Assert.Equal("5000", SqliteCli.Run(info.Path, "SELECT count(*) FROM t;"));
        Assert.Equal("delete", SqliteCli.Run(info.Path, "PRAGMA journal_mode;"));
        Assert.False(File.Exists(info.Path + "-wal"));
    }
}
