using System;
using System.Management.Automation;
using SqliteAdmin.Core.Data;
using SqliteAdmin.Core.Databases;

namespace SqliteAdmin.Commands;

/// <summary>Get-SqliteDatabase: facts about SQLite databases (size, WAL, pages, free space, journal mode, tables and row counts).</summary>
[Cmdlet(VerbsCommon.Get, "SqliteDatabase", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DatabaseInfo))]
public sealed class GetSqliteDatabaseCommand : DatabaseInputCmdlet
{
    /// <summary>Inspects each database; a failure on one is a non-terminating error and the rest continue.</summary>
    protected override void ProcessPath(string path)
    {
        DatabaseInfo info = RunWithProgress((progress, stop) => DatabaseInspector.Inspect(path, BusyTimeoutSpan, progress, stop));
        if (info.RolledBackHotJournal)
        {
            WriteWarning(InterruptedWrite.RolledBackMessage(info.Path));
        }
        WriteObject(info);
    }
}
