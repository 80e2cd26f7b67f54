using System;
using System.Diagnostics;
using System.IO;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>The real sqlite3 command-line shell: an independent judge and a second process for lock tests.</summary>
public static class SqliteCli
{
    /// <summary>Runs sqlite3 on a database with SQL on standard input and returns its standard output; throws on failure.</summary>
    public static string Run(string database, string sql)
    {
        using Process process = Start(database);
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 || error.Length > 0)
        {
            throw new InvalidOperationException($"sqlite3 failed ({process.ExitCode}): {error}");
        }
        return output.Trim();
    }

    /// <summary>Runs sqlite3 and returns standard output and error together, whatever the exit code (for damaged databases).</summary>
    public static string RunAllowingErrors(string database, string sql)
    {
        using Process process = Start(database);
        process.StandardInput.Write(sql);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }

    /// <summary>Starts sqlite3 on a database with redirected streams, for a test to drive.</summary>
    public static Process Start(string database, params string[] options)
    {
        var info = new ProcessStartInfo("sqlite3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-bail");
        foreach (string option in options)
        {
            info.ArgumentList.Add(option);
        }
        info.ArgumentList.Add(database);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start sqlite3");
    }

    /// <summary>
    /// Starts sqlite3 holding a lock: it runs <paramref name="sql"/> (e.g. BEGIN EXCLUSIVE) and waits
    /// until it has printed the marker, so the lock is certainly held when this returns.
    /// </summary>
    public static Process HoldLock(string database, string sql)
    {
        Process process = Start(database);
        process.StandardInput.WriteLine(sql);
        process.StandardInput.WriteLine("SELECT 'lock-held';");
        process.StandardInput.Flush();
        string? line = process.StandardOutput.ReadLine();
        if (line != "lock-held")
        {
            process.Kill();
            throw new InvalidOperationException($"sqlite3 did not take the lock: {line} {process.StandardError.ReadToEnd()}");
        }
        return process;
    }

    /// <summary>
    /// A writer that crashes: sqlite3 runs <paramref name="sql"/>, prints a marker once it has, and is
    /// killed with SIGKILL (no rollback, no checkpoint, no cleanup), leaving the database as a crashed
    /// application would: a hot journal after an open transaction, un-checkpointed frames in the -wal.
    /// </summary>
    public static void RunThenKill(string database, string sql)
    {
        using Process process = Start(database);
        process.StandardInput.WriteLine(sql);
        process.StandardInput.WriteLine("SELECT 'sqliteadmin-test-marker';");
        process.StandardInput.Flush();
        while (process.StandardOutput.ReadLine() is string line && line != "sqliteadmin-test-marker")
        {
        }
        process.Kill();
        process.WaitForExit();
    }

    /// <summary>Ends a process started by <see cref="HoldLock"/>, releasing its lock.</summary>
    public static void Release(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        process.Dispose();
    }
}
