using System;
using System.Threading;
using SqliteAdmin.Core;
using SqliteAdmin;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Crypto;
using SqliteAdmin.Core.Progress;

// Usage: SqliteAdmin.FaultHost backup <database> <destination> [--compress] [--encrypt-var NAME] [--pages N] [--include FILE]
//        SqliteAdmin.FaultHost restore <backup> <destination> [--encrypt-var NAME]
// Prints "step: <status>" for every progress report (flushed), then "done: <path>" or "error: <id>: <message>".
if (args.Length >= 3 && args[0] == "restore")
{
    var restore = new SqliteAdmin.Core.Restore.RestoreRequest { BackupPath = args[1], Destination = args[2] };
    if (args.Length >= 5 && args[3] == "--encrypt-var")
    {
        restore.Passphrase = Passphrase.FromEnvironmentVariable(args[4]);
    }
    try
    {
        var result = SqliteAdmin.Core.Restore.DatabaseRestore.Run(restore, new StepPrinter(), CancellationToken.None);
        Console.WriteLine("done: " + result.Destination + " safety: " + result.SafetyCopyPath);
        return 0;
    }
    catch (SqliteAdminException ex)
    {
        Console.WriteLine($"error: {ex.ErrorId}: {ex.Message}");
        return 1;
    }
}
if (args.Length < 3 || args[0] != "backup")
{
    Console.Error.WriteLine("usage: SqliteAdmin.FaultHost backup|restore ...");
    return 2;
}
var request = new BackupRequest { SourcePath = args[1], Destination = args[2], Iterations = 1000 };
for (int i = 3; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--compress": request.Compress = true; break;
        case "--encrypt-var":
            try
            {
                request.Passphrase = Passphrase.FromEnvironmentVariable(args[++i]);
            }
            catch (SqliteAdminException ex)
            {
                // As the cmdlet does: an empty or unset variable is an error before anything is written.
                Console.WriteLine($"error: {ex.ErrorId}: {ex.Message}");
                return 1;
            }
            break;
        case "--pages": request.PagesPerStep = int.Parse(args[++i]); break;
        case "--include": request.IncludeFiles.Add(args[++i]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
Console.Out.Flush();
var progress = new StepPrinter();
try
{
    BackupOutcome outcome = DatabaseBackup.Run(request, progress, CancellationToken.None);
    Console.WriteLine("done: " + outcome.Backup.Path);
    return 0;
}
catch (SqliteAdminException ex)
{
    Console.WriteLine($"error: {ex.ErrorId}: {ex.Message}");
    return 1;
}

internal sealed class StepPrinter : IProgress<OperationProgress>
{
    private string _last = "";

    public void Report(OperationProgress value)
    {
        // One line per kind of step (not per page), so a test can wait for a step by name.
        string step = System.Text.RegularExpressions.Regex.Replace(value.Status, "[0-9]", "");
        if (step != _last)
        {
            _last = step;
            Console.WriteLine("step: " + value.Status);
            Console.Out.Flush();
        }
    }
}
