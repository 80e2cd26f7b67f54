using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using SqliteAdmin;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;

// Usage:
//   SqliteAdmin.Benchmarks [--size 1GB|64MB] [--runs 3] [--work DIR] [--out FILE] [--only TEXT] [--pwsh PATH|none] [--module PSD1] [--export-rows 10000000]
//   SqliteAdmin.Benchmarks op <operation> <database> <folder>     (internal: one measured run of ours)
// Needs sqlite3, gzip, openssl and sha256sum on PATH (the baselines). Each row also runs the cmdlet
// in `pwsh -NoProfile -NonInteractive -File`, importing out/SqliteAdmin/SqliteAdmin.psd1; pwsh is
// the local dotnet tool's (found through `dotnet pwsh -c '$PSHOME'`) unless --pwsh says otherwise.
if (args.Length > 0 && args[0] == "op")
{
    return Benchmark.RunOurs(args[1], args[2], args[3]);
}
var options = Options.Parse(args);
return Benchmark.Run(options);

internal sealed record Options(long SizeBytes, string SizeLabel, int Runs, string Work, string? Out, string? Only, string? Pwsh, string? Module, long ExportRows)
{
    public static Options Parse(string[] args)
    {
        string size = "1GB";
        int runs = 3;
        string work = Path.Combine(Path.GetTempPath(), "sqliteadmin-bench");
        string? output = null;
        string? only = null;
        string? pwsh = null;
        string? module = null;
        long exportRows = 10_000_000;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--size": size = args[++i]; break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--work": work = args[++i]; break;
                case "--out": output = args[++i]; break;
                case "--only": only = args[++i]; break;
                case "--pwsh": pwsh = args[++i]; break;
                case "--module": module = args[++i]; break;
                case "--export-rows": exportRows = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        string digits = new(size.TakeWhile(char.IsDigit).ToArray());
        string unit = size.Substring(digits.Length).ToUpperInvariant();
        long bytes = long.Parse(digits, CultureInfo.InvariantCulture) * unit switch { "GB" or "G" or "GIB" => 1L << 30, "MB" or "M" or "MIB" => 1L << 20, _ => throw new ArgumentException("size like 64MB or 1GB") };
        return new Options(bytes, size.ToUpperInvariant(), runs, work, output, only, pwsh, module, exportRows);
    }
}

internal static class Benchmark
{
    private const string Passphrase = "benchmark passphrase";

    /// <summary>The passphrase the encrypted rows use (SQLITEADMIN_BENCH_PASS).</summary>
    public const string PassphraseText = Passphrase;

    /// <summary>The inputs of the rows, made once in the work folder (for the pwsh runs).</summary>
    public static string RetentionInput(string db, string work) => RetentionFolder(db, work);
    /// <inheritdoc cref="RetentionInput"/>
    public static string SyncLogInput(string work) => SyncLogDatabase(work);
    /// <inheritdoc cref="RetentionInput"/>
    public static string RestoreInput(string db, string work) => RestoreSource(db, work);
    /// <inheritdoc cref="RetentionInput"/>
    public static string ExportInput(string work) => ExportDatabase(work);

    /// <summary>Rows of the CSV export row's table (--export-rows; 10 M by default).</summary>
    private static long _exportRows = 10_000_000;

    /// <summary>What the CSV export row exports, ours and the shell's alike.</summary>
    public const string ExportQuery = "SELECT * FROM audit_export;";

    private static readonly (string Name, string Baseline, string Target)[] Operations =
    {
        ("verified backup", "sqlite3 .backup + sha256sum + sqlite3 \"PRAGMA quick_check\"", "≤ 1.0"),
        ("compressed backup", "sqlite3 .backup + gzip -6", "≤ 0.4"),
        ("compressed + encrypted backup", "sqlite3 .backup + gzip -6 + openssl enc -aes-256-cbc -pbkdf2", "≤ 0.45"),
        ("restore of a compressed + encrypted backup, verified", "openssl enc -d + gunzip + sqlite3 \"PRAGMA integrity_check\"", "≤ 1.0"),
        ("full integrity check", "sqlite3 \"PRAGMA integrity_check\"", "≤ 1.1"),
        ("archive of two databases (compressed)", "sqlite3 .backup ×2 + tar -czf", "≤ 0.4"),
        ("retention plan over 100 000 backup files", "find dir -type f", "≤ 3"),
        ("sync-log report, 10 M rows (summary)", "seed 003's GROUP BY query in sqlite3", "≤ 1.5"),
        ("sync-log report, 10 M rows (-GroupBy Day)", "seed 003's GROUP BY query in sqlite3", "≤ 1.5"),
        ("CSV export 10M rows vs sqlite3 -header -csv", "sqlite3 -header -csv db \"SELECT * FROM audit_export;\" > file", "≤ 1.2"),
    };

    // Seed 003's "conflict summary" query over the whole log (the window covers all 10 M rows).
    private const string SeedGroupBy = "SELECT DATE(timestamp) as date, COUNT(*) as total_syncs, SUM(conflicts) as total_conflicts, ROUND(AVG(conflicts), 2) as avg_conflicts, " +
                                       "SUM(CASE WHEN status = 'error' THEN 1 ELSE 0 END) as failed_syncs FROM sync_log WHERE timestamp > datetime('now', '-400 days') " +
                                       "GROUP BY DATE(timestamp) ORDER BY date DESC;";

    /// <summary>A sync_log of 10 million syncs, one every 3 seconds up to 10 minutes ago (about 347 days), indexed on timestamp; made once.</summary>
    private static string SyncLogDatabase(string work)
    {
        return MadeOnce(Path.Combine(work, "synclog-10M.db"),
            "PRAGMA journal_mode=wal; CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);" +
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 10000000) " +
            "INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms) " +
            "SELECT datetime(strftime('%s', 'now') - 600 - (10000000 - i) * 3, 'unixepoch'), CASE WHEN abs(random()) % 20 = 0 THEN 'error' ELSE 'success' END, " +
            "abs(random()) % 200, abs(random()) % 50, CASE WHEN abs(random()) % 25 = 0 THEN 1 + abs(random()) % 4 ELSE 0 END, 200 + abs(random()) % 5000 FROM n;" +
            "CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp); PRAGMA wal_checkpoint(TRUNCATE);");
    }

    /// <summary>A database that sqlite3 makes from <paramref name="sql"/> once (under a .partial name until complete).</summary>
    private static string MadeOnce(string db, string sql)
    {
        if (File.Exists(db))
        {
            return db;
        }
        string partial = db + ".partial";
        File.Delete(partial);
        Shell("sqlite3", partial, sql);
        File.Move(partial, db);
        return db;
    }

    /// <summary>
    /// An audit log of --export-rows rows (seed 000's audit_log shape plus a REAL), made once: text with
    /// the odd comma, quote and line break, integers, NULLs and REALs, as the export guides export.
    /// </summary>
    private static string ExportDatabase(string work)
    {
        return MadeOnce(Path.Combine(work, $"export-{_exportRows}.db"),
            "CREATE TABLE audit_export(id INTEGER PRIMARY KEY, ts TEXT, batch INTEGER, strain TEXT, field TEXT, old TEXT, new TEXT, grams REAL);" +
            $"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < {_exportRows}) " +
            "INSERT INTO audit_export(ts, batch, strain, field, old, new, grams) " +
            "SELECT strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i * 3, 'unixepoch'), 1 + abs(random()) % 40000, 'strain-' || (abs(random()) % 500), " +
            "CASE abs(random()) % 4 WHEN 0 THEN 'stage' WHEN 1 THEN 'notes' WHEN 2 THEN 'grams' ELSE 'status' END, " +
            "CASE WHEN i % 50 = 0 THEN 'said \"hold\", then' || char(10) || 'released' ELSE 'stage-' || (abs(random()) % 6) END, " +
            "CASE WHEN i % 17 = 0 THEN NULL ELSE 'stage-' || (abs(random()) % 6) END, (abs(random()) % 1000000) / 7.0 FROM n;");
    }

    /// <summary>A folder of 100 000 backups (10 databases, hourly) with manifests, made once; the newest of each is verified.</summary>
    private static string RetentionFolder(string db, string work)
    {
        string folder = Path.Combine(work, "retention-100k");
        if (Directory.Exists(folder))
        {
            return folder;
        }
        string seedFolder = Path.Combine(work, "retention-seed");
        if (Directory.Exists(seedFolder))
        {
            Directory.Delete(seedFolder, recursive: true);
        }
        var small = Path.Combine(work, "retention-small.db");
        File.Delete(small);
        Shell("sqlite3", small, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        BackupInfo seed = DatabaseBackup.Run(new BackupRequest { SourcePath = small, Destination = seedFolder }, null, CancellationToken.None).Backup;
        string manifest = File.ReadAllText(seed.ManifestPath!);
        string building = folder + ".partial";
        Directory.CreateDirectory(building);
        var start = new DateTime(2015, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 100_000; i++)
        {
            var name = new BackupFileName($"app{i % 10}", BackupTier.Hourly, start.AddHours(i / 10), false, false).FileName;
            File.WriteAllBytes(Path.Combine(building, name), new byte[] { 1 });
            File.WriteAllText(Path.Combine(building, name + ".json"), manifest.Replace(Path.GetFileName(seed.Path), name));
        }
        Directory.Move(building, folder);
        return folder;
    }

    /// <summary>The second database of the archive row: a copy of the benchmark database under another name, made once.</summary>
    public static string SecondDatabase(string db)
    {
        string second = Path.Combine(Path.GetDirectoryName(db)!, Path.GetFileNameWithoutExtension(db) + "-second.db");
        if (!File.Exists(second))
        {
            Shell("sqlite3", db, $".backup '{second}.partial'");
            File.Move(second + ".partial", second);
        }
        return second;
    }

    /// <summary>The encrypted backup the restore rows start from, made once with our own code.</summary>
    private static string RestoreSource(string db, string work)
    {
        string folder = Path.Combine(work, "restore-source");
        string? existing = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.db.gz.enc").FirstOrDefault() : null;
        if (existing != null)
        {
            return existing;
        }
        Environment.SetEnvironmentVariable("SQLITEADMIN_BENCH_PASS", Passphrase);
        return DatabaseBackup.Run(new BackupRequest
        {
            SourcePath = db, Destination = folder, Compress = true,
            Passphrase = SqliteAdmin.Core.Crypto.Passphrase.FromEnvironmentVariable("SQLITEADMIN_BENCH_PASS"),
        }, null, CancellationToken.None).Backup.Path;
    }

    public static int Run(Options options)
    {
        _exportRows = options.ExportRows;
        Directory.CreateDirectory(options.Work);
        string db = Path.Combine(options.Work, $"bench-{options.SizeLabel}.db");
        if (!File.Exists(db))
        {
            Console.Error.WriteLine($"generating {options.SizeLabel} database {db} ...");
            DatabaseGenerator.Generate(db, options.SizeBytes);
        }
        long dbSize = new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
        Console.Error.WriteLine($"database: {dbSize / 1048576.0:F0} MB");

        var cmdlets = PwshRunner.Create(options);
        var startups = new List<double>();
        var rows = new List<string>();
        foreach (var (name, baseline, target) in Operations)
        {
            if (options.Only != null && name.IndexOf(options.Only, StringComparison.OrdinalIgnoreCase) < 0)
            {
                continue;
            }
            var ours = new List<double>();
            var theirs = new List<double>();
            var inPwsh = new List<double>();
            long peak = 0;
            for (int run = 0; run < options.Runs; run++)
            {
                // Alternate so drift on a shared machine hits both sides alike.
                (double seconds, long peakBytes) = MeasureOurs(name, db, options.Work);
                ours.Add(seconds);
                peak = Math.Max(peak, peakBytes);
                theirs.Add(MeasureBaseline(name, db, options.Work));
                string cmdletNote = "";
                if (cmdlets != null)
                {
                    // The cmdlet as a scheduled task runs it, then pwsh that only imports the module.
                    inPwsh.Add(cmdlets.Measure(name, db, options.Work));
                    startups.Add(cmdlets.MeasureStartup(options.Work));
                    cmdletNote = $", pwsh -File {inPwsh[^1]:F2} s (startup + import {startups[^1]:F2} s)";
                }
                Console.Error.WriteLine($"{name} run {run + 1}: ours {ours[^1]:F2} s, baseline {theirs[^1]:F2} s, peak {peakBytes / 1048576.0:F0} MB{cmdletNote}");
            }
            double o = Median(ours), b = Median(theirs);
            string cmdletCells = " | | |";
            if (cmdlets != null)
            {
                double whole = Median(inPwsh), cmdlet = whole - Median(startups);
                cmdletCells = $" {whole:F2} s | {cmdlet:F2} s | **{cmdlet / o:F2}** |";
            }
            rows.Add($"| {name} | {baseline} | {b:F2} s | {o:F2} s | **{o / b:F2}** | {target} | {peak / 1048576.0:F0} |{cmdletCells}");
        }

        var report = new StringBuilder();
        report.AppendLine($"Benchmark {DateTime.UtcNow:yyyy-MM-dd}, database {dbSize / 1048576.0:F0} MB (WAL, sync_log/batches/audit_log), " +
                          $"{Environment.ProcessorCount} cores, median of {options.Runs} alternating runs, warm cache.");
        report.AppendLine();
        report.AppendLine("| operation | baseline | baseline time | ours (Core) | ratio | target | our peak MB | pwsh -File, whole run | cmdlet (run − startup) | cmdlet / Core (≤ 1.05) |");
        report.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        rows.ForEach(r => report.AppendLine(r));
        report.AppendLine();
        report.AppendLine(cmdlets == null
            ? "The cmdlet columns are empty: no pwsh (--pwsh none, or `dotnet pwsh` not found)."
            : $"Cmdlet columns: `pwsh -NoProfile -NonInteractive -File` running a script that imports {cmdlets.ModuleLabel} and runs the cmdlet " +
              "(output kept in a variable, as a script that logs or filters it does; -WhatIf for the retention plan), timed from outside the process. " +
              $"**Subtracted:** pwsh's startup + Import-Module, measured in the same runs by a script that only imports the module (median {Median(startups):F2} s), " +
              "so `cmdlet` compares with `ours`, which is timed inside its process around the Core call.");
        Console.WriteLine(report);
        if (options.Out != null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.Out))!);
            File.WriteAllText(options.Out, report.ToString());
        }
        return 0;
    }

    private static (double Seconds, long PeakBytes) MeasureOurs(string operation, string db, string work)
    {
        string folder = Fresh(work, "ours");
        string input = db;
        if (operation.StartsWith("retention", StringComparison.Ordinal))
        {
            input = RetentionFolder(db, work);
        }
        if (operation.StartsWith("sync-log", StringComparison.Ordinal))
        {
            input = SyncLogDatabase(work);
        }
        if (operation.StartsWith("CSV export", StringComparison.Ordinal))
        {
            input = ExportDatabase(work);
        }
        if (operation.StartsWith("restore", StringComparison.Ordinal))
        {
            // Restore over an existing database, as an admin does: the safety copy is part of the cost.
            File.Copy(db, Path.Combine(folder, "app.db"));
            input = RestoreSource(db, work);
        }
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(typeof(Benchmark).Assembly.Location);
        foreach (string arg in new[] { "op", operation, input, folder })
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"our {operation} failed: {output}");
        }
        string[] parts = output.Trim().Split(' ');
        Directory.Delete(folder, recursive: true);
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>One run of our operation, in a process of its own so its peak working set is its own.</summary>
    public static int RunOurs(string operation, string db, string folder)
    {
        Environment.SetEnvironmentVariable("SQLITEADMIN_BENCH_PASS", Passphrase);
        if (operation.StartsWith("restore", StringComparison.Ordinal) || operation == "full integrity check")
        {
            return RunOursCheckOrRestore(operation, db, folder);
        }
        if (operation.StartsWith("sync-log", StringComparison.Ordinal))
        {
            var report = Stopwatch.StartNew();
            var logRequest = new SqliteAdmin.Core.SyncLog.SyncLogRequest { Path = db, Last = SqliteAdmin.Duration.Parse("400d") };
            long syncs;
            if (operation.Contains("GroupBy"))
            {
                logRequest.GroupBy = SqliteAdmin.SyncLogGrouping.Day;
                syncs = SqliteAdmin.Core.SyncLog.SyncLogAnalyzer.Periods(logRequest, null, CancellationToken.None).Sum(p => p.TotalSyncs);
            }
            else
            {
                syncs = SqliteAdmin.Core.SyncLog.SyncLogAnalyzer.Report(logRequest, null, CancellationToken.None).TotalSyncs;
            }
            report.Stop();
            if (syncs != 10_000_000)
            {
                throw new InvalidOperationException($"reported {syncs} syncs");
            }
            Process me = Process.GetCurrentProcess();
            me.Refresh();
            Console.WriteLine($"{report.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {me.PeakWorkingSet64}");
            return 0;
        }
        if (operation.StartsWith("CSV export", StringComparison.Ordinal))
        {
            var export = Stopwatch.StartNew();
            var result = SqliteAdmin.Core.Export.CsvExport.Run(new SqliteAdmin.Core.Export.ExportRequest
            {
                Path = db, Query = ExportQuery, Destination = Path.Combine(folder, "audit_export.csv"),
            }, null, CancellationToken.None);
            export.Stop();
            Process me = Process.GetCurrentProcess();
            me.Refresh();
            long peak = me.PeakWorkingSet64;
            // The shell's file for the same query, kept beside the database by the baseline: ours must be the same bytes.
            string shellFile = db + ".shell.csv";
            if (File.Exists(shellFile) && !SameBytes(shellFile, result.Destination))
            {
                throw new InvalidOperationException("our CSV differs from sqlite3's");
            }
            Console.WriteLine($"{export.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {peak}");
            return 0;
        }
        if (operation.StartsWith("retention", StringComparison.Ordinal))
        {
            var plan = Stopwatch.StartNew();
            var policy = new SqliteAdmin.Core.Retention.RetentionPolicy { KeepHourly = 24, KeepDaily = 30, KeepWeekly = 12, KeepMonthly = 24, KeepYearly = 10 };
            var decisions = SqliteAdmin.Core.Retention.BackupRetention.Plan(SqliteAdmin.Core.Retention.BackupRetention.Find(db, null, recurse: false), policy, DateTime.UtcNow, TimeZoneInfo.Local);
            plan.Stop();
            if (decisions.Count != 100_000)
            {
                throw new InvalidOperationException($"planned {decisions.Count} backups");
            }
            Process me = Process.GetCurrentProcess();
            me.Refresh();
            Console.WriteLine($"{plan.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {me.PeakWorkingSet64}");
            return 0;
        }
        var request = new BackupRequest { SourcePath = db, Destination = folder };
        if (operation.StartsWith("archive", StringComparison.Ordinal))
        {
            // Two databases in one tar.gz, each copied through the backup API and quick_checked.
            request.Compress = true;
            var archive = Stopwatch.StartNew();
            SqliteAdmin.Core.Backups.ArchiveBackup.Run(new[] { db, SecondDatabase(db) }, "bench", request, null, CancellationToken.None);
            archive.Stop();
            Process me = Process.GetCurrentProcess();
            me.Refresh();
            Console.WriteLine($"{archive.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {me.PeakWorkingSet64}");
            return 0;
        }
        if (operation != "verified backup")
        {
            request.Compress = true;
            request.CompressionLevel = System.IO.Compression.CompressionLevel.Optimal;
        }
        if (operation == "compressed + encrypted backup")
        {
            request.Passphrase = SqliteAdmin.Core.Crypto.Passphrase.FromEnvironmentVariable("SQLITEADMIN_BENCH_PASS");
        }
        var stopwatch = Stopwatch.StartNew();
        DatabaseBackup.Run(request, null, CancellationToken.None);
        stopwatch.Stop();
        Process self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"{stopwatch.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {self.PeakWorkingSet64}");
        return 0;
    }

    /// <summary>Two files with the same bytes, compared in 1 MB pieces (after the measurement).</summary>
    private static bool SameBytes(string a, string b)
    {
        using FileStream first = File.OpenRead(a), second = File.OpenRead(b);
        if (first.Length != second.Length)
        {
            return false;
        }
        byte[] x = new byte[1 << 20], y = new byte[1 << 20];
        int n;
        while ((n = first.Read(x, 0, x.Length)) > 0)
        {
            second.ReadExactly(y, 0, n);
            if (!x.AsSpan(0, n).SequenceEqual(y.AsSpan(0, n)))
            {
                return false;
            }
        }
        return true;
    }

    private static int RunOursCheckOrRestore(string operation, string input, string folder)
    {
        var stopwatch = Stopwatch.StartNew();
        if (operation == "full integrity check")
        {
            // The same work as the baseline: integrity_check only (foreign_key_check is measured apart in the notes).
            var result = SqliteAdmin.Core.Integrity.DatabaseIntegrity.Check(new SqliteAdmin.Core.Integrity.IntegrityRequest { Path = input, CheckForeignKeys = false }, null, CancellationToken.None);
            if (!result.IsHealthy)
            {
                throw new InvalidOperationException("benchmark database is not healthy");
            }
        }
        else
        {
            SqliteAdmin.Core.Restore.DatabaseRestore.Run(new SqliteAdmin.Core.Restore.RestoreRequest
            {
                BackupPath = input,
                Destination = Path.Combine(folder, "app.db"),
                Passphrase = SqliteAdmin.Core.Crypto.Passphrase.FromEnvironmentVariable("SQLITEADMIN_BENCH_PASS"),
            }, null, CancellationToken.None);
        }
        stopwatch.Stop();
        Process self = Process.GetCurrentProcess();
        self.Refresh();
        Console.WriteLine($"{stopwatch.Elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture)} {self.PeakWorkingSet64}");
        return 0;
    }

    private static double MeasureBaseline(string operation, string db, string work)
    {
        string folder = Fresh(work, "baseline");
        string copy = Path.Combine(folder, "copy.db");
        if (operation.StartsWith("restore", StringComparison.Ordinal))
        {
            string backup = RestoreSource(db, work);
            var restore = Stopwatch.StartNew();
            Shell("openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "10000", "-md", "sha256", "-in", backup, "-out", copy + ".gz", "-pass", "pass:" + Passphrase);
            Shell("gunzip", copy + ".gz");
            Shell("sqlite3", copy, "PRAGMA integrity_check;");
            restore.Stop();
            Directory.Delete(folder, recursive: true);
            return restore.Elapsed.TotalSeconds;
        }
        if (operation.StartsWith("retention", StringComparison.Ordinal))
        {
            string retention = RetentionFolder(db, work);
            var list = Stopwatch.StartNew();
            Shell("find", retention, "-type", "f");
            list.Stop();
            return list.Elapsed.TotalSeconds;
        }
        if (operation.StartsWith("CSV export", StringComparison.Ordinal))
        {
            string source = ExportDatabase(work);
            string file = Path.Combine(folder, "audit_export.csv");
            var export = Stopwatch.StartNew();
            // As the guides run it: the shell's output redirected into a file.
            Shell("/bin/sh", "-c", "sqlite3 -header -csv \"$0\" \"$1\" > \"$2\"", source, ExportQuery, file);
            export.Stop();
            File.Copy(file, source + ".shell.csv", overwrite: true);
            Directory.Delete(folder, recursive: true);
            return export.Elapsed.TotalSeconds;
        }
        if (operation.StartsWith("sync-log", StringComparison.Ordinal))
        {
            string log = SyncLogDatabase(work);
            var query = Stopwatch.StartNew();
            Shell("sqlite3", log, SeedGroupBy);
            query.Stop();
            return query.Elapsed.TotalSeconds;
        }
        if (operation == "full integrity check")
        {
            var check = Stopwatch.StartNew();
            Shell("sqlite3", db, "PRAGMA integrity_check;");
            check.Stop();
            return check.Elapsed.TotalSeconds;
        }
        if (operation.StartsWith("archive", StringComparison.Ordinal))
        {
            string second = SecondDatabase(db);
            var archive = Stopwatch.StartNew();
            Shell("sqlite3", db, $".backup '{Path.Combine(folder, "a.db")}'");
            Shell("sqlite3", second, $".backup '{Path.Combine(folder, "b.db")}'");
            Shell("tar", "-czf", Path.Combine(folder, "x.tar.gz"), "-C", folder, "a.db", "b.db");
            archive.Stop();
            Directory.Delete(folder, recursive: true);
            return archive.Elapsed.TotalSeconds;
        }
        var stopwatch = Stopwatch.StartNew();
        Shell("sqlite3", db, $".backup '{copy}'");
        switch (operation)
        {
            case "verified backup":
                Shell("sha256sum", copy);
                Shell("sqlite3", copy, "PRAGMA quick_check;");
                break;
            case "compressed backup":
                Shell("gzip", "-6", copy);
                break;
            default:
                Shell("gzip", "-6", copy);
                Shell("openssl", "enc", "-aes-256-cbc", "-pbkdf2", "-iter", "10000", "-md", "sha256", "-in", copy + ".gz", "-out", copy + ".gz.enc", "-pass", "pass:" + Passphrase);
                break;
        }
        stopwatch.Stop();
        Directory.Delete(folder, recursive: true);
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static void Shell(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed: {error}");
        }
    }

    private static string Fresh(string work, string name)
    {
        string folder = Path.Combine(work, name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        return folder;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>Runs each operation's cmdlet in a non-interactive pwsh, as a scheduled task does.</summary>
internal sealed class PwshRunner
{
    private readonly string _pwsh;
    private readonly string _module;

    private PwshRunner(string pwsh, string module)
    {
        _pwsh = pwsh;
        _module = module;
    }

    public string ModuleLabel => "out/SqliteAdmin/SqliteAdmin.psd1";

    /// <summary>The runner, or null when there is no pwsh (--pwsh none) or no built module.</summary>
    public static PwshRunner? Create(Options options)
    {
        if (string.Equals(options.Pwsh, "none", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        string pwsh = options.Pwsh ?? FindToolPwsh() ?? throw new InvalidOperationException("no pwsh: run `dotnet tool restore` in the repository, or give --pwsh PATH (or --pwsh none)");
        string module = options.Module ?? FindModule() ?? throw new InvalidOperationException("out/SqliteAdmin/SqliteAdmin.psd1 not found: run `dotnet build SqliteAdmin.sln -c Release`, or give --module PATH");
        Console.Error.WriteLine($"pwsh: {pwsh}; module: {module}");
        return new PwshRunner(pwsh, Path.GetFullPath(module));
    }

    /// <summary>The local tool's pwsh: `dotnet pwsh -c '$PSHOME'` from the repository, plus pwsh.</summary>
    private static string? FindToolPwsh()
    {
        string? repository = FindRepository();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = repository ?? Environment.CurrentDirectory };
        foreach (string arg in new[] { "pwsh", "-NoProfile", "-NonInteractive", "-Command", "$PSHOME" })
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        string home = process.StandardOutput.ReadToEnd().Trim();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        string candidate = Path.Combine(home, OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");
        return process.ExitCode == 0 && File.Exists(candidate) ? candidate : null;
    }

    private static string? FindRepository()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SqliteAdmin.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string? FindModule()
    {
        string? repository = FindRepository();
        string? module = repository == null ? null : Path.Combine(repository, "out", "SqliteAdmin", "SqliteAdmin.psd1");
        return module != null && File.Exists(module) ? module : null;
    }

    /// <summary>pwsh that only imports the module: what the cmdlet run costs before the cmdlet.</summary>
    public double MeasureStartup(string work) => Run(work, "$null = $PSVersionTable");

    /// <summary>One whole `pwsh -File` run of the operation's cmdlet, on the same inputs as Core.</summary>
    public double Measure(string operation, string db, string work)
    {
        string folder = Fresh(work, "pwsh");
        string command;
        if (operation.StartsWith("retention", StringComparison.Ordinal))
        {
            command = $"Remove-ExpiredBackup -LiteralPath {Quote(Benchmark.RetentionInput(db, work))} -KeepHourly 24 -KeepDaily 30 -KeepWeekly 12 -KeepMonthly 24 -KeepYearly 10 -WhatIf";
        }
        else if (operation.StartsWith("sync-log", StringComparison.Ordinal))
        {
            command = $"Get-SyncLogReport -LiteralPath {Quote(Benchmark.SyncLogInput(work))} -Last 400d" + (operation.Contains("GroupBy") ? " -GroupBy Day" : "");
        }
        else if (operation.StartsWith("CSV export", StringComparison.Ordinal))
        {
            command = $"Export-SqliteData -LiteralPath {Quote(Benchmark.ExportInput(work))} -Query {Quote(Benchmark.ExportQuery)} -Destination {Quote(Path.Combine(folder, "audit_export.csv"))}";
        }
        else if (operation.StartsWith("restore", StringComparison.Ordinal))
        {
            // Over an existing database, as the Core row does.
            string target = Path.Combine(folder, "app.db");
            File.Copy(db, target);
            command = $"Restore-SqliteDatabase -LiteralPath {Quote(Benchmark.RestoreInput(db, work))} -Destination {Quote(target)} -PassphraseVariable SQLITEADMIN_BENCH_PASS -Force";
        }
        else if (operation.StartsWith("archive", StringComparison.Ordinal))
        {
            command = $"Backup-SqliteDatabase -LiteralPath {Quote(db)}, {Quote(Benchmark.SecondDatabase(db))} -Destination {Quote(folder)} -Archive bench";
        }
        else if (operation == "full integrity check")
        {
            command = $"Test-SqliteIntegrity -LiteralPath {Quote(db)} -Mode Full -NoForeignKeys";
        }
        else
        {
            command = $"Backup-SqliteDatabase -LiteralPath {Quote(db)} -Destination {Quote(folder)}" + operation switch
            {
                "verified backup" => "",
                "compressed backup" => " -Compress",
                _ => " -Compress -Encrypt -PassphraseVariable SQLITEADMIN_BENCH_PASS",
            };
        }
        double seconds = Run(work, $"$result = {command}\nif (-not $result) {{ throw 'the cmdlet returned nothing' }}");
        Directory.Delete(folder, recursive: true);
        return seconds;
    }

    private double Run(string work, string body)
    {
        string script = Path.Combine(work, "pwsh-bench.ps1");
        File.WriteAllText(script, $"$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'Continue'\nImport-Module -Name {Quote(_module)}\n{body}\n");
        var info = new ProcessStartInfo(_pwsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-NoProfile", "-NonInteractive", "-File", script })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["SQLITEADMIN_BENCH_PASS"] = Benchmark.PassphraseText;
        var stopwatch = Stopwatch.StartNew();
        using Process process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        stopwatch.Stop();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pwsh failed ({body}): {error.Result}");
        }
        return stopwatch.Elapsed.TotalSeconds;
    }

    private static string Quote(string path) => "'" + path.Replace("'", "''") + "'";

    private static string Fresh(string work, string name)
    {
        string folder = Path.Combine(work, name);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        Directory.CreateDirectory(folder);
        return folder;
    }
}

/// <summary>Builds a realistic database with the shapes of the seeds, using the real sqlite3 CLI.</summary>
internal static class DatabaseGenerator
{
    public static void Generate(string path, long targetBytes)
    {
        Run(path, """
            PRAGMA journal_mode=WAL; PRAGMA page_size=4096;
            CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);
            CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);
            CREATE TABLE batches(id INTEGER PRIMARY KEY, strain TEXT, input_grams REAL, produced INTEGER, stage TEXT, archived INTEGER, notes TEXT, created_at TEXT, updated_at TEXT);
            CREATE TABLE audit_log(id INTEGER PRIMARY KEY, batch INTEGER REFERENCES batches(id), strain TEXT, ts TEXT, field TEXT, old TEXT, new TEXT);
            CREATE INDEX idx_audit_batch ON audit_log(batch);
            """);
        // Chunks of ~64 MB until the target: text that compresses like real application data
        // (words, numbers, timestamps) with some random content that does not.
        const string Words = "harvest,trim,cure,package,inspect,ship,receive,count,label,weigh,sample,archive,review,approve,return,adjust";
        for (int chunk = 0; FileSize(path) < targetBytes; chunk++)
        {
            Run(path, $"""
                PRAGMA synchronous=OFF;
                BEGIN;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 40000)
                INSERT INTO batches(strain,input_grams,produced,stage,archived,notes,created_at,updated_at)
                SELECT 'strain-' || (abs(random()) % 500), (abs(random()) % 100000) / 10.0, abs(random()) % 5000,
                       'stage-' || (abs(random()) % 6), abs(random()) % 2,
                       replace(printf('%.*c', 30, 'x'), 'x', (SELECT value FROM json_each('["' || replace('{Words}', ',', '","') || '"]') ORDER BY random() LIMIT 1) || ' ')
                         || ' lot ' || hex(randomblob(24)) || ' operator ' || (abs(random()) % 40),
                       datetime('2025-01-01', '+' || (i + {chunk} * 40000) || ' minutes'), datetime('now')
                FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 150000)
                INSERT INTO sync_log(timestamp,status,records_pulled,records_pushed,conflicts,duration_ms,error)
                SELECT datetime('2025-01-01', '+' || (i + {chunk} * 150000) || ' minutes'),
                       CASE WHEN abs(random()) % 20 = 0 THEN 'failed' ELSE 'success' END,
                       abs(random()) % 200, abs(random()) % 50, abs(random()) % 3, 200 + abs(random()) % 5000,
                       CASE WHEN abs(random()) % 20 = 0 THEN 'timeout contacting master database' END
                FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 150000)
                INSERT INTO audit_log(batch,strain,ts,field,old,new)
                SELECT 1 + abs(random()) % ({chunk} * 40000 + 40000), 'strain-' || (abs(random()) % 500),
                       datetime('2025-01-01', '+' || i || ' seconds'), 'stage', 'stage-' || (abs(random()) % 6), 'stage-' || (abs(random()) % 6)
                FROM n;
                COMMIT;
                """);
            Console.Error.Write($"\r{FileSize(path) / 1048576} MB");
        }
        Console.Error.WriteLine();
    }

    private static long FileSize(string path) =>
        new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

    private static void Run(string db, string sql)
    {
        var info = new ProcessStartInfo("sqlite3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-bail");
        info.ArgumentList.Add(db);
        using Process process = Process.Start(info)!;
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("sqlite3: " + error);
        }
    }
}
