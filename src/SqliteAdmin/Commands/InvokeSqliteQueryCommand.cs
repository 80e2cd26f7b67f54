using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using SqliteAdmin.Core.Query;

namespace SqliteAdmin.Commands;

/// <summary>Invoke-SqliteQuery: SQL against one or many databases, read-only unless -ReadWrite, parameters bound from a hashtable, one object per row as it is read.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "SqliteQuery", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class InvokeSqliteQueryCommand : DatabaseInputCmdlet
{
    /// <summary>The SQL: one or more statements.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Query { get; set; } = "";

    /// <summary>Values for the SQL's @name, :name or $name parameters (keys without the prefix).</summary>
    [Parameter]
    [Alias("SqlParameters")]
    public Hashtable? Parameter { get; set; }

    /// <summary>Open the database for writing and allow statements that change it (asks ShouldProcess).</summary>
    [Parameter]
    public SwitchParameter ReadWrite { get; set; }

    /// <summary>Row (one object per row, default) or Scalar (the first column of the first row).</summary>
    [Parameter]
    public QueryOutput As { get; set; } = QueryOutput.Row;

    /// <summary>Runs the SQL on each database.</summary>
    protected override void ProcessPath(string path)
    {
        if (ReadWrite && !ShouldProcess(path, "Run SQL that may change the database"))
        {
            return;
        }
        var request = new QueryRequest
        {
            Path = path,
            Sql = Query,
            Parameters = QueryParameterTable.ToDictionary(Parameter),
            ReadWrite = ReadWrite,
            BusyTimeout = BusyTimeoutSpan,
        };
        // Rows are read and written on the pipeline thread, one at a time; Ctrl+C interrupts SQLite.
        using SqliteQuery query = SqliteQuery.Start(request, StopToken);
        if (query.RolledBackHotJournal)
        {
            WriteWarning($"{path}: {Core.Data.InterruptedWrite.RolledBackMessage(path)}");
        }
        if (As == QueryOutput.Scalar)
        {
            WriteObject(query.Scalar());
        }
        else
        {
            IReadOnlyList<string>? columns = null;
            foreach (QueryRow row in query.Rows())
            {
                columns = row.Columns;
                var item = new PSObject();
                for (int i = 0; i < row.Values.Length; i++)
                {
                    item.Properties.Add(new PSNoteProperty(columns[i], row.Values[i]));
                }
                WriteObject(item);
            }
        }
        if (ReadWrite)
        {
            WriteVerbose($"{path}: {query.Statements} statement(s) ran, {query.RowsChanged} row(s) changed.");
        }
    }
}
