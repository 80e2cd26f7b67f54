using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Integrity;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Tests.Backups;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Integrity;

public class IntegrityTests
{
    private static IntegrityResult Check(string path, IntegrityMode mode = IntegrityMode.Full, Action<IntegrityRequest>? adjust = null, CancellationToken cancellation = default)
    {
        var request = new IntegrityRequest { Path = path, Mode = mode, BusyTimeout = TimeSpan.FromSeconds(5) };
        adjust?.Invoke(request);
        return DatabaseIntegrity.Check(request, null, cancellation);
    }

    [Theory]
    [InlineData(IntegrityMode.Full)]
    [InlineData(IntegrityMode.Quick)]
    public void A_healthy_database_is_Ok(IntegrityMode mode)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), "wal");

        IntegrityResult result = Check(db, mode);

        Assert.Equal(IntegrityStatus.Ok, result.Status);
        Assert.True(result.IsHealthy);
        Assert.Empty(result.Errors);
        Assert.Empty(result.ForeignKeyViolations);
        Assert.Equal(mode, result.Mode);
        Assert.Equal("ok", SqliteCli.Run(db, "PRAGMA integrity_check;"));
    }

    [Fact]
    public void A_damaged_index_is_found_by_the_full_check_as_sqlite3_finds_it()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 20000);
        BackupTests.CorruptIndexPage(db, "idx_sync_log_timestamp");

        IntegrityResult result = Check(db);

        Assert.Equal(IntegrityStatus.Corrupt, result.Status);
        Assert.NotEmpty(result.Errors);
        Assert.NotEqual("ok", SqliteCli.RunAllowingErrors(db, "PRAGMA integrity_check;"));
    }

    [Theory]
    [InlineData("truncate-half")]
    [InlineData("truncate-to-one-page")]
    [InlineData("zero-page-1")]
    [InlineData("bad-magic")]
    [InlineData("bad-page-size")]
    [InlineData("random-middle-pages")]
    public void Real_damage_is_never_reported_as_ok(string damage)
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 20000);
        long length = new FileInfo(db).Length;
        using (var stream = new FileStream(db, FileMode.Open, FileAccess.ReadWrite))
        {
            switch (damage)
            {
                case "truncate-half": stream.SetLength(length / 2); break;
                case "truncate-to-one-page": stream.SetLength(4096); break;
                case "zero-page-1": stream.Write(new byte[4096]); break;
                case "bad-magic": stream.Write("SQLite format 4\0"u8.ToArray()); break;
                case "bad-page-size": stream.Position = 16; stream.Write(new byte[] { 0x01, 0x23 }); break;
                case "random-middle-pages": stream.Position = length / 2; stream.Write(BackupTests.RandomBytes(8192)); break;
            }
        }

        IntegrityResult result = Check(db);

        Assert.NotEqual(IntegrityStatus.Ok, result.Status);
        Assert.False(result.IsHealthy);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Foreign_key_violations_are_listed_with_table_rowid_and_parent()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        SqliteCli.Run(db, "PRAGMA foreign_keys=OFF; INSERT INTO audit_log(id, batch, field) VALUES (9001, 777, 'x'), (9002, 778, 'y');");

        IntegrityResult result = Check(db);
        IntegrityResult without = Check(db, adjust: r => r.CheckForeignKeys = false);

        Assert.Equal(IntegrityStatus.Inconsistent, result.Status);
        Assert.False(result.IsHealthy);
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { "audit_log rowid 9001 -> batches (fk 0)", "audit_log rowid 9002 -> batches (fk 0)" }, result.ForeignKeyViolations.Select(v => v.ToString()));
        Assert.Equal(SqliteCli.Run(db, "PRAGMA foreign_key_check;").Split('\n').Length, result.ForeignKeyViolations.Count);
        Assert.Equal(IntegrityStatus.Ok, without.Status);
    }

    [Fact]
    public void MaxErrors_limits_what_is_collected()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        SqliteCli.Run(db, "PRAGMA foreign_keys=OFF; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50) INSERT INTO audit_log(batch) SELECT 1000 + i FROM n;");

        IntegrityResult result = Check(db, adjust: r => r.MaxErrors = 5);

        Assert.Equal(5, result.ForeignKeyViolations.Count);
    }

    [Fact]
    public void Table_limits_the_check_and_an_unknown_table_is_an_error()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 20000);
        BackupTests.CorruptIndexPage(db, "idx_sync_log_timestamp");

        IntegrityResult damaged = Check(db, adjust: r => r.Tables = new[] { "sync_log" });
        IntegrityResult other = Check(db, adjust: r => r.Tables = new[] { "batches" });
        var unknown = Assert.Throws<SqliteAdminException>(() => Check(db, adjust: r => r.Tables = new[] { "nope\"; DROP TABLE batches;--" }));

        Assert.Equal(IntegrityStatus.Corrupt, damaged.Status);
        Assert.Equal(IntegrityStatus.Ok, other.Status);
        Assert.Equal(ErrorIds.TableNotFound, unknown.ErrorId);
        Assert.Equal("50", SqliteCli.Run(db, "SELECT count(*) FROM batches;"));
    }

    [Fact]
    public void A_malformed_schema_is_reported_promptly_not_executed()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        SqliteCli.Run(db, "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql = 'CREATE TABLE batches(' WHERE name = 'batches';");

        IntegrityResult result = Check(db);

        Assert.NotEqual(IntegrityStatus.Ok, result.Status);
        Assert.Contains(result.Errors, e => e.Contains("malformed", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void An_expensive_hostile_schema_stops_promptly_on_cancel()
    {
        using var folder = new TempFolder();
        string db = folder.File("hostile.db");
        // An expression index that integrity_check must re-evaluate for every row, expensively: built
        // cheaply as length(x), then its schema rewritten to an expression of the same value that
        // costs milliseconds a row (a 1 MB string each time). 20 000 rows make the full check take
        // minutes (sqlite3 3.40 had not finished after 10 s), so a check that only noticed the stop
        // at its end could not finish inside the limit below, however loaded the machine.
        SqliteCli.Run(db, "CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000) INSERT INTO t SELECT i FROM n;" +
                          "CREATE INDEX heavy ON t(length(x));");
        SqliteCli.Run(db, "PRAGMA writable_schema=ON; UPDATE sqlite_schema SET sql = " +
                          "'CREATE INDEX heavy ON t(length(x) + 0 * length(replace(printf(''%.*c'', 1000000, ''x''), ''x'', x)))' WHERE name = 'heavy';");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var stopped = Stopwatch.StartNew();

        Assert.ThrowsAny<OperationCanceledException>(() => Check(db, cancellation: cancel.Token));

        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(30), $"stopping took {stopped.Elapsed}: the check ran on after the stop");
    }

    [Fact]
    public void An_encrypted_backup_is_checked_after_its_hmac_and_leaves_no_temp_file()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"));
        BackupInfo backup = DatabaseBackup.Run(new BackupRequest
        {
            SourcePath = db, Destination = folder.Path + "/b", Compress = true, Passphrase = CryptoTests.Secret("pw"), Iterations = 1000,
        }, null, CancellationToken.None).Backup;
        // A temp folder of this test's own: the shared one sees other tests' files come and go.
        string temps = Directory.CreateDirectory(folder.File("temp")).FullName;

        int decodedSeen = 0;
        var watch = new CallbackProgress(p => decodedSeen = Math.Max(decodedSeen, Directory.GetFiles(temps, DurableFile.TempPrefix + "check-*").Length));
        IntegrityResult ok = DatabaseIntegrity.Check(
            new IntegrityRequest { Path = backup.Path, Passphrase = CryptoTests.Secret("pw"), TempFolder = temps, BusyTimeout = TimeSpan.FromSeconds(5) }, watch, CancellationToken.None);
        IntegrityResult wrong = Check(backup.Path, adjust: r => { r.Passphrase = CryptoTests.Secret("not it"); r.TempFolder = temps; });
        BackupCatalogTests.Damage(backup.Path, "flip-middle");
        IntegrityResult damaged = Check(backup.Path, adjust: r => { r.Passphrase = CryptoTests.Secret("pw"); r.TempFolder = temps; });
        var noPassphrase = Assert.Throws<SqliteAdminException>(() => Check(backup.Path, adjust: r => r.TempFolder = temps));

        Assert.True(ok.IsBackup);
        Assert.Equal(IntegrityStatus.Ok, ok.Status);
        Assert.Equal(IntegrityStatus.Corrupt, wrong.Status);
        Assert.Contains("passphrase", wrong.Errors[0]);
        Assert.Equal(IntegrityStatus.Corrupt, damaged.Status);
        Assert.Equal(ErrorIds.PassphraseRequired, noPassphrase.ErrorId);
        Assert.Equal(1, decodedSeen);
        Assert.Empty(Directory.GetFileSystemEntries(temps));
    }

    [Fact]
    public void A_missing_path_is_an_error_and_a_non_database_is_unreadable()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("notes.db"), new string('x', 500));

        var missing = Assert.Throws<SqliteAdminException>(() => Check(folder.File("missing.db")));
        IntegrityResult text = Check(folder.File("notes.db"));

        Assert.Equal(ErrorIds.DatabaseNotFound, missing.ErrorId);
        Assert.Equal(IntegrityStatus.Unreadable, text.Status);
        Assert.False(File.Exists(folder.File("missing.db")));
    }
}
