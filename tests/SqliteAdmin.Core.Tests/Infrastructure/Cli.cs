using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace SqliteAdmin.Core.Tests.Infrastructure;

/// <summary>Runs a real command-line tool (openssl, gunzip, sha256sum) as an independent judge.</summary>
public static class Cli
{
    /// <summary>Runs a command with optional stdin/stdout files and extra environment; returns exit code and stderr.</summary>
    public static (int ExitCode, string StdErr) Run(string file, IEnumerable<string> args, string? stdinFile = null, string? stdoutFile = null,
        IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdinFile != null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (environment != null)
        {
            foreach (var pair in environment)
            {
                info.Environment[pair.Key] = pair.Value;
            }
        }
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        Task copyIn = Task.CompletedTask;
        if (stdinFile != null)
        {
            copyIn = Task.Run(() =>
            {
                using (FileStream input = File.OpenRead(stdinFile))
                {
                    input.CopyTo(process.StandardInput.BaseStream);
                }
                process.StandardInput.Close();
            });
        }
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (stdoutFile != null)
        {
            using FileStream output = File.Create(stdoutFile);
            process.StandardOutput.BaseStream.CopyTo(output);
        }
        else
        {
            process.StandardOutput.ReadToEnd();
        }
        process.WaitForExit();
        try
        {
            copyIn.Wait();
        }
        catch (AggregateException)
        {
            // The tool may exit before reading all its input (e.g. bad decrypt); its exit code says so.
        }
        return (process.ExitCode, errors.Result);
    }

    /// <summary>Runs a command and returns its standard output; throws when it fails.</summary>
    public static string Output(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} failed ({process.ExitCode}): {error}");
        }
        return output.Trim();
    }

    /// <summary>SHA-256 of a file according to sha256sum.</summary>
    public static string Sha256Sum(string path) => Output("sha256sum", path).Split(' ')[0];
}
