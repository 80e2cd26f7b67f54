using System;
using System.Threading;
using Microsoft.Data.Sqlite;

namespace SqliteAdmin.Core.Data;

/// <summary>Small conveniences over <see cref="SqliteConnection"/> used throughout Core.</summary>
internal static class SqliteConnectionExtensions
{
    /// <summary>Runs SQL that returns no rows.</summary>
    public static int ExecuteNonQuery(this SqliteConnection connection, string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>
    /// Ends a read transaction after whatever it read was accepted (e.g. a damaged table counted as
    /// unknown). Since the SQLite upgrade (3.35.5 to 3.53), after a read met a corrupt page the COMMIT
    /// fails with SQLITE_CORRUPT again and ends the transaction, or finds it already ended; neither
    /// changes what was read. With <see cref="KeepTransactionDisposable"/> the Dispose that follows is safe.
    /// </summary>
    public static void CommitRead(this SqliteConnection connection, SqliteTransaction transaction)
    {
        RestartIfEndedBySqlite(connection, transaction);
        try
        {
            transaction.Commit();
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) == 11 && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
        {
            // SQLITE_CORRUPT at COMMIT of a read transaction that SQLite has now ended: nothing to undo.
        }
    }

    /// <summary>
    /// Declare right after the transaction (<c>using var _ = connection.KeepTransactionDisposable(transaction);</c>):
    /// disposed first, it makes sure the transaction's own Dispose has something to roll back. When
    /// SQLite ended the transaction itself (a corrupt page, since 3.53), that rollback would fail with
    /// "cannot rollback - no transaction is active" and hide the real error.
    /// </summary>
    public static IDisposable KeepTransactionDisposable(this SqliteConnection connection, SqliteTransaction transaction) =>
        new TransactionKeeper(connection, transaction);

    private static void RestartIfEndedBySqlite(SqliteConnection connection, SqliteTransaction transaction)
    {
        // transaction.Connection is null once the transaction completed through its own Commit or Rollback.
        if (transaction.Connection != null && connection.Handle != null && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0)
        {
            connection.ExecuteNonQuery("BEGIN DEFERRED;");
        }
    }

    private sealed class TransactionKeeper : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteTransaction _transaction;

        public TransactionKeeper(SqliteConnection connection, SqliteTransaction transaction)
        {
            _connection = connection;
            _transaction = transaction;
        }

        public void Dispose() => RestartIfEndedBySqlite(_connection, _transaction);
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
