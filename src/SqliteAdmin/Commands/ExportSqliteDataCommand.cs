using System;
using System.Collections;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Export;

namespace SqliteAdmin.Commands;

/// <summary>Export-SqliteData: a query's or a table's rows to a CSV file, byte for byte what sqlite3 -header -csv writes, streamed, under a temp name until complete.</summary>
[Cmdlet(VerbsData.Export, "SqliteData", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ExportResult))]
public sealed class ExportSqliteDataCommand : DatabaseInputCmdlet
{
    /// <summary>The SQL whose rows are exported (read-only statements). Give -Query or -Table.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Query { get; set; }

    /// <summary>Tables or views to export whole (SELECT * FROM each), one file each: several need a folder as -Destination. Give -Query or -Table.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Table { get; set; }

    /// <summary>Values for the query's @name, :name or $name parameters (keys without the prefix).</summary>
    [Parameter]
    [Alias("SqlParameters")]
    public Hashtable? Parameter { get; set; }

    /// <summary>The CSV file to write, or an existing folder (the file is then named after the database, and the table).</summary>
    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = "";

    /// <summary>Replace an existing file (in one rename, after the new one is complete).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The field separator (default ","), as sqlite3's -separator.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Delimiter { get; set; } = ",";

    /// <summary>Start the file with a UTF-8 byte order mark, so Excel opens it as UTF-8.</summary>
    [Parameter]
    public SwitchParameter Utf8Bom { get; set; }

    /// <summary>Leave out the header row of column names (sqlite3 -csv without -header).</summary>
    [Parameter]
    public SwitchParameter NoHeader { get; set; }

    /// <summary>One of -Query and -Table.</summary>
    protected override void PrepareInvocation()
    {
        if ((Query == null) == (Table == null))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "Give -Query or -Table (one of them).", Destination);
        }
    }

    /// <summary>Exports from each database: the query, or each table in turn.</summary>
    protected override void ProcessPath(string path)
    {
        string destination = FileSystemPath(Destination);
        if (Table is { Length: > 1 } && !System.IO.Directory.Exists(destination))
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                $"{Table.Length} tables need a folder as -Destination (one CSV file each); '{destination}' is not an existing folder.", destination);
        }
        foreach (string? table in Table ?? new string?[] { null })
        {
            try
            {
                ExportOne(path, table, destination);
            }
            catch (Exception ex) when (table != null && Table!.Length > 1 && ex is not RuntimeException and not PSInvalidOperationException)
            {
                // One table's failure (a name clash, a missing table) does not keep the database's other tables from their files.
                WriteFailure(ex, path);
            }
        }
    }

    private void ExportOne(string path, string? table, string destination)
    {
        var request = new ExportRequest
        {
            Path = path,
            Query = Query,
            Table = table,
            Parameters = QueryParameterTable.ToDictionary(Parameter),
            Destination = destination,
            Force = Force,
            Delimiter = Delimiter,
            ByteOrderMark = Utf8Bom,
            Header = !NoHeader,
            BusyTimeout = BusyTimeoutSpan,
        };
        string what = table != null ? $"table {table}" : "query rows";
        // Two inputs (databases, or tables) with one destination file: even with -Force the later must not replace the earlier's file.
        string target = CsvExport.DestinationFile(request);
        ClaimDestination(target, path, $"was not exported{(table != null ? $" (table {table})" : "")}. Give -Destination a folder, or one input per call.");
        if (!ShouldProcess(request.Destination, $"Export {what} of '{path}' to CSV{(Force ? " (replacing an existing file)" : "")}"))
        {
            ReleaseDestination(target);
            return;
        }
        ExportResult result = RunWithProgress((progress, stop) => CsvExport.Run(request, progress, stop));
        if (result.RolledBackHotJournal)
        {
            WriteWarning($"{path}: {Core.Data.InterruptedWrite.RolledBackMessage(path)}");
        }
        WriteObject(result);
    }
}
