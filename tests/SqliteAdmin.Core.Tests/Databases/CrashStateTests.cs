using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.Health;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.Tests.Infrastructure;
using Xunit;

namespace SqliteAdmin.Core.Tests.Databases;

/// <summary>
/// Reliability case 25: what a writer killed mid-transaction leaves (a hot -journal; a -wal without
/// its -shm), and a database on a read-only medium. The faults are real: a sqlite3 process killed
/// with SIGKILL, a read-only bind mount.
/// </summary>
public class CrashStateTests
{
    /// <summary>
    /// A database whose committed marker is 'committed', and a sqlite3 process killed (SIGKILL) in the
    /// middle of a transaction that spilled to the file: the -journal is hot, the file holds half of it.
    /// </summary>
    internal static string DatabaseWithHotJournal(string path)
    {
        SqliteCli.Run(path, "CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT); CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES('committed');" +
                            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO t(pad) SELECT hex(randomblob(40)) FROM n;");
        // A one-page cache makes SQLite spill changed pages into the database file mid-transaction.
        SqliteCli.RunThenKill(path, "PRAGMA cache_size=1; BEGIN; UPDATE t SET pad = hex(randomblob(40)); UPDATE marker SET v = 'uncommitted';");
        Assert.True(new FileInfo(path + "-journal") is { Exists: true, Length: > 0 }, "the killed writer left a hot journal");
        return path;
    }

    [Fact]
    public void Get_SqliteDatabase_rolls_back_a_hot_journal_and_says_so()
    {
        using var folder = new TempFolder();
        string db = DatabaseWithHotJournal(folder.File("app.db"));

        DatabaseInfo info = DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(5));

        Assert.True(info.RolledBackHotJournal);
        Assert.Equal(3000, info.Tables.Single(t => t.Name == "t").RowCount);
        Assert.False(File.Exists(db + "-journal"), "the journal was rolled back and removed, as SQLite does");
        Assert.Equal("committed", SqliteCli.Run(db, "SELECT v FROM marker;"));
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
    }

    [Fact]
    public void A_database_without_a_hot_journal_is_not_reported_as_rolled_back()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        Assert.False(DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(5)).RolledBackHotJournal);
    }

    [Fact]
    public void Backup_rolls_back_a_hot_journal_and_backs_up_the_last_committed_state()
    {
        using var folder = new TempFolder();
        string db = DatabaseWithHotJournal(folder.File("app.db"));

        BackupOutcome outcome = DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.File("b") }, null, CancellationToken.None);

        Assert.Contains(outcome.Warnings, w => w.Contains("rolled back a hot journal", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("committed", SqliteCli.Run(outcome.Backup.Path, "SELECT v FROM marker;"));
        Assert.Equal("ok", SqliteCli.Run(outcome.Backup.Path, "PRAGMA integrity_check;"));
        Assert.False(File.Exists(db + "-journal"));
    }

    [Fact]
    public void Health_reports_a_hot_journal_as_its_own_finding_and_writes_nothing()
    {
        using var folder = new TempFolder();
        string db = DatabaseWithHotJournal(folder.File("app.db"));
        string before = Cli.Sha256Sum(db), journalBefore = Cli.Sha256Sum(db + "-journal");

        var rows = DatabaseHealth.Test(new HealthRequest { Path = db, BusyTimeout = TimeSpan.FromSeconds(5) }, null, CancellationToken.None);

        HealthCheck row = Assert.Single(rows, r => r.Check == HealthCheckNames.HotJournal);
        Assert.Equal(HealthStatus.Fail, row.Status);
        Assert.Contains(db + "-journal", row.Message);
        Assert.Contains("Get-SqliteDatabase", row.Message); // the fix
        Assert.DoesNotContain(rows, r => r.Message.Contains("SQLite Error", StringComparison.Ordinal) || r.Message.Contains("readonly database", StringComparison.Ordinal));
        Assert.Equal(before, Cli.Sha256Sum(db));
        Assert.Equal(journalBefore, Cli.Sha256Sum(db + "-journal"));
    }

    [Fact]
    public void A_read_only_command_names_the_hot_journal_and_the_fix_instead_of_an_sqlite_code()
    {
        using var folder = new TempFolder();
        string db = DatabaseWithHotJournal(folder.File("app.db"));

        var ex = Assert.Throws<SqliteAdminException>(() => DatabaseIntegrity.Check(new IntegrityRequest { Path = db, BusyTimeout = TimeSpan.FromSeconds(5) }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.HotJournal, ex.ErrorId);
        Assert.Contains(db + "-journal", ex.Message);
        Assert.DoesNotContain("readonly database", ex.Message);
        Assert.True(File.Exists(db + "-journal"), "a read-only command leaves the journal where it is");
    }

    [Fact]
    public void On_a_read_only_medium_a_hot_journal_stops_backup_and_inspection_with_its_own_error_and_changes_nothing()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("media"));
        DatabaseWithHotJournal(folder.File("media/app.db"));
        using var medium = new ReadOnlyMount(folder.File("media"));
        string db = medium.File("app.db");
        string before = Cli.Sha256Sum(db);

        var inspect = Assert.Throws<SqliteAdminException>(() => DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(5)));
        var backup = Assert.Throws<SqliteAdminException>(() =>
            DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.File("b") }, null, CancellationToken.None));
        var health = DatabaseHealth.Test(new HealthRequest { Path = db, BusyTimeout = TimeSpan.FromSeconds(5) }, null, CancellationToken.None);

        foreach (SqliteAdminException ex in new[] { inspect, backup })
        {
            Assert.Equal(ErrorIds.HotJournal, ex.ErrorId);
            Assert.Contains(db + "-journal", ex.Message);
            Assert.Contains("writable folder", ex.Message); // the fix
            Assert.DoesNotContain("readonly database", ex.Message);
        }
        Assert.Contains("writable folder", Assert.Single(health, r => r.Check == HealthCheckNames.HotJournal).Message);
        Assert.Equal(before, Cli.Sha256Sum(db));
        Assert.True(File.Exists(db + "-journal"));
        Assert.False(Directory.Exists(folder.File("b")) && Directory.EnumerateFiles(folder.File("b")).Any(), "no backup file was made");
    }

    [Fact]
    public void A_clean_database_on_a_read_only_medium_is_inspected_and_backed_up()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("media"));
        TestDatabase.Create(folder.File("media/app.db"));
        using var medium = new ReadOnlyMount(folder.File("media"));

        DatabaseInfo info = DatabaseInspector.Inspect(medium.File("app.db"), TimeSpan.FromSeconds(5));
        BackupOutcome outcome = DatabaseBackup.Run(new BackupRequest { SourcePath = medium.File("app.db"), Destination = folder.File("b") }, null, CancellationToken.None);

        Assert.False(info.RolledBackHotJournal);
        Assert.Equal("200", SqliteCli.Run(outcome.Backup.Path, "SELECT count(*) FROM sync_log;"));
    }

    [Fact]
    public void A_wal_database_on_a_read_only_medium_says_what_is_wrong_and_what_to_do()
    {
        using var folder = new TempFolder();
        Directory.CreateDirectory(folder.File("media"));
        TestDatabase.Create(folder.File("media/app.db"), journalMode: "wal");
        using var medium = new ReadOnlyMount(folder.File("media"));

        var ex = Assert.Throws<SqliteAdminException>(() =>
            DatabaseBackup.Run(new BackupRequest { SourcePath = medium.File("app.db"), Destination = folder.File("b") }, null, CancellationToken.None));

        Assert.Equal(ErrorIds.WalNeedsWritableFolder, ex.ErrorId);
        Assert.Contains("app.db-shm", ex.Message);
        Assert.Contains("writable folder", ex.Message);
    }

    [Fact]
    public void A_wal_left_by_a_killed_writer_without_its_shm_is_read_and_backed_up_whole()
    {
        using var folder = new TempFolder();
        string db = folder.File("app.db");
        SqliteCli.Run(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);");
        SqliteCli.RunThenKill(db, "PRAGMA wal_autocheckpoint=0; WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM s WHERE x < 500) INSERT INTO t(v) SELECT 'row' FROM s;");
        File.Delete(db + "-shm");
        Assert.True(new FileInfo(db + "-wal").Length > 0, "the committed rows are only in the WAL");

        DatabaseInfo info = DatabaseInspector.Inspect(db, TimeSpan.FromSeconds(5));
        BackupOutcome outcome = DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.File("b") }, null, CancellationToken.None);
        var health = DatabaseHealth.Test(new HealthRequest { Path = db, BusyTimeout = TimeSpan.FromSeconds(5) }, null, CancellationToken.None);

        Assert.Equal(500, info.Tables.Single().RowCount);
        Assert.Equal("500", SqliteCli.Run(outcome.Backup.Path, "SELECT count(*) FROM t;"));
        Assert.DoesNotContain(health, r => r.Status == HealthStatus.Fail && r.Check is HealthCheckNames.File or HealthCheckNames.Integrity);
    }
}
