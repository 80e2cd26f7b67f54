using System;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>Small conveniences over <see cref="SqliteConnection"/> used throughout Core.</summary>
public static class SqliteConnectionExtensions
{
    /// <summary>Runs SQL that returns no rows.</summary>
    public static int ExecuteNonQuery(this SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Runs SQL and converts the first column of the first row.</summary>
    public static T ExecuteScalar<T>(this SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = command.ExecuteScalar();
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Makes <paramref name="cancellation"/> interrupt whatever SQLite statement is running on this
    /// connection, so Ctrl+C stops a long check or count promptly. Dispose the result when done.
    /// </summary>
    public static CancellationTokenRegistration InterruptOn(this SqliteConnection connection, CancellationToken cancellation)
    {
        SQLitePCL.sqlite3 handle = connection.Handle!;
        return cancellation.Register(() => SQLitePCL.raw.sqlite3_interrupt(handle));
    }
}
