using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using SqliteAdmin.Core.Data;

namespace SqliteAdmin.Core.Repair;

/// <summary>
/// Reads every row of one table that SQLite can still read, around the pages it cannot: a scan up
/// from the first rowid until damage, a scan down from the last (what the shell's .dump also tries),
/// then, in the gap between, probes for the first readable rowid (exponential steps, then bisection:
/// a seek into a damaged page fails, a seek past it lands on the next good one) and scans again from
/// there, as often as there are damaged stretches. Only the table's own b-tree is read (NOT INDEXED),
/// so a damaged index never costs a row. Rows go to the caller one by one; a row whose rowid
/// is out of order in its scan cannot come from an intact page and is rejected, never emitted.
/// </summary>
internal sealed class TableSalvage
{
    private const int SqliteCorrupt = 11, SqliteIoErr = 10, SqliteNotADb = 26, SqliteRange = 25, SqliteError = 1;

    private readonly SqliteConnection _source;
    private readonly string _table;
    private readonly IReadOnlyList<string> _columns;
    private readonly string? _rowid;
    private readonly IReadOnlyList<string> _keyColumns;
    private readonly Func<object?[], bool> _emit;
    private readonly CancellationToken _cancellation;
    private readonly bool _rawText;

    /// <summary>A TEXT value as its stored bytes (in the database's encoding, valid or not).</summary>
    internal sealed class RawText
    {
        internal RawText(byte[] bytes) => Bytes = bytes;

        internal byte[] Bytes { get; }
    }

    /// <param name="source">The connection to the damaged database.</param>
    /// <param name="table">The table's name (unquoted).</param>
    /// <param name="columns">The columns to copy (unquoted names).</param>
    /// <param name="rowid">A name of the rowid that no column shadows; null for a WITHOUT ROWID table.</param>
    /// <param name="keyColumns">A WITHOUT ROWID table's primary key columns, for its backward scan.</param>
    /// <param name="emit">Takes one row (the rowid first when there is one); false when the destination refused it.</param>
    /// <param name="cancellation">Stops the reading.</param>
    /// <param name="rawText">Emit TEXT values (other than the rowid) as <see cref="RawText"/>, their stored bytes, instead of strings.</param>
    internal TableSalvage(SqliteConnection source, string table, IReadOnlyList<string> columns, string? rowid,
        IReadOnlyList<string> keyColumns, Func<object?[], bool> emit, CancellationToken cancellation, bool rawText = false)
    {
        _rawText = rawText;
        _source = source;
        _table = table;
        _columns = columns;
        _rowid = rowid;
        _keyColumns = keyColumns;
        _emit = emit;
        _cancellation = cancellation;
    }

    /// <summary>Rows emitted and taken.</summary>
    internal long Recovered { get; private set; }

    /// <summary>Rows read but refused (out of order, or by the destination).</summary>
    internal long Rejected { get; private set; }

    /// <summary>Unreadable stretches the reading could not get past.</summary>
    internal int DamagedRanges => LostRanges.Count;

    /// <summary>The first damage met, in SQLite's words.</summary>
    internal string? FirstDamage { get; private set; }

    /// <summary>Rowid ranges (inclusive) that could not be read; bounds are null where unknown.</summary>
    internal List<(long? From, long? To)> LostRanges { get; } = new();

    private string From => $"main.{SqlNames.Quote(_table)} NOT INDEXED";

    private string SelectList => string.Join(", ", (_rowid != null ? new[] { _rowid } : Array.Empty<string>()).Concat(_columns).Select(SqlNames.Quote));

    /// <summary>Rows taken from damaged pages in the second, lenient pass (<see cref="ReadGapsLeniently"/>).</summary>
    internal long RecoveredFromDamagedPages { get; private set; }

    /// <summary>Reads the table.</summary>
    internal void Run()
    {
        if (_rowid == null)
        {
            RunWithoutRowid();
            return;
        }
        ReadAroundDamage();
        ReadGapsLeniently();
    }

    private void ReadAroundDamage()
    {
        (long? last, bool damaged) = Scan(up: true, from: null, bound: null);
        if (!damaged)
        {
            return;
        }
        (long? lowest, bool damagedDown) = Scan(up: false, from: null, bound: last);
        if (!damagedDown)
        {
            return; // the backward scan reached the forward one: nothing is missing after all
        }
        // The unread gap lies strictly between `low` and `high` (null: unbounded).
        long? low = last, high = lowest;
        while (true)
        {
            long? start = FindReadableStart(low, high);
            if (start == null)
            {
                AddLost(low + 1, high - 1);
                return;
            }
            // Rows just below the new start (a readable stretch the probes jumped over), then up from it.
            (long? below, bool damagedBelow) = Scan(up: false, from: start.Value - 1, bound: low);
            if (damagedBelow)
            {
                AddLost(low + 1, (below ?? start.Value) - 1);
            }
            (long? next, bool damagedAbove) = Scan(up: true, from: start.Value, bound: high);
            if (!damagedAbove)
            {
                return;
            }
            low = next ?? start;
        }
    }

    /// <summary>
    /// One scan in rowid order, up from <paramref name="from"/> (inclusive) or down from it, until
    /// the row <paramref name="bound"/> (a rowid already read, so known to exist) or the end. Returns
    /// the last rowid taken and whether the scan stopped on damage. The bound is checked here, not
    /// in SQL: SQLite ends a range scan quietly at the first rowid past the range, and a garbage
    /// cell of a damaged page past the range would end it there, losing the rows between unnoticed.
    /// Only the bound row itself ends the scan cleanly.
    /// </summary>
    private (long? Last, bool Damaged) Scan(bool up, long? from, long? bound)
    {
        long? last = null;
        try
        {
            foreach (object?[] row in InRowidOrder(up, from))
            {
                if (row[0] is long at && at == bound)
                {
                    return (last, false); // reached the rows already read
                }
                if (bound != null && row[0] is long beyond && (up ? beyond > bound : beyond < bound))
                {
                    // Past the bound without meeting it: a garbage cell, or the bound's page is damaged.
                    Rejected++;
                    FirstDamage ??= $"rowid {beyond} out of order";
                    return (last, true);
                }
                if (row[0] is not long id || (last != null && (up ? id <= last : id >= last)) || (from != null && (up ? id < from : id > from)))
                {
                    // An intact b-tree page never yields this: the row is garbage from a damaged one.
                    Rejected++;
                    continue;
                }
                last = id;
                Take(row);
            }
            return (last, bound != null); // the end, without meeting the bound row: something between is unreadable
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            NoteDamage(ex);
            return (last, true);
        }
    }

    /// <summary>
    /// A damaged page is refused whole while SQLite checks cell sizes (cell_size_check, on for every
    /// read so far), although the cells before (and after) its damaged ones are often intact: the
    /// shell's .dump, which does not check, returns them. So each lost range is read once more with
    /// the check off, up from its start and down from its end, taking only rows strictly inside the
    /// range and strictly in rowid order, and stopping at the first row that is not.
    /// </summary>
    private void ReadGapsLeniently()
    {
        if (LostRanges.Count == 0)
        {
            return;
        }
        var ranges = new List<(long? From, long? To)>(LostRanges);
        LostRanges.Clear();
        _source.ExecuteNonQuery("PRAGMA cell_size_check = OFF;");
        try
        {
            foreach ((long? from, long? to) in ranges)
            {
                long before = Recovered;
                long? up = ScanWithin(up: true, from, to);
                long? down = ScanWithin(up: false, up + 1 ?? from, to);
                RecoveredFromDamagedPages += Recovered - before;
                AddLost(up + 1 ?? from, down - 1 ?? to);
            }
        }
        finally
        {
            _source.ExecuteNonQuery("PRAGMA cell_size_check = ON;");
        }
    }

    /// <summary>Rows with rowids from <paramref name="from"/> to <paramref name="to"/> (null: unbounded), up or down, while in order; the last rowid taken.</summary>
    private long? ScanWithin(bool up, long? from, long? to)
    {
        // From the row read just outside the range (a seek into the damaged page itself would meet
        // its damaged cells in the page's binary search), then step into the range.
        long? start = up ? (from == long.MinValue ? from : from - 1) : (to == long.MaxValue ? to : to + 1);
        long? last = null;
        try
        {
            foreach (object?[] row in InRowidOrder(up, start))
            {
                if (last == null && row[0] is long outside && outside == start && (up ? outside < from : outside > to))
                {
                    continue;
                }
                if (row[0] is not long id || id < from || id > to || (last != null && (up ? id <= last : id >= last)))
                {
                    break;
                }
                last = id;
                Take(row);
            }
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            // The end of what can be read this way.
        }
        return last;
    }

    /// <summary>The rows (rowid first) up from <paramref name="from"/> (inclusive; null: the first) or down from it; damage is thrown as SQLite reports it.</summary>
    private IEnumerable<object?[]> InRowidOrder(bool up, long? from)
    {
        string rowid = SqlNames.Quote(_rowid!);
        using SqliteCommand command = _source.CreateCommand();
        command.CommandText = $"SELECT {SelectList} FROM {From}" + (from != null ? $" WHERE {rowid} {(up ? ">=" : "<=")} $from" : "") +
                              $" ORDER BY {rowid}" + (up ? "" : " DESC") + ";";
        if (from != null)
        {
            command.Parameters.AddWithValue("$from", from.Value);
        }
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            _cancellation.ThrowIfCancellationRequested();
            yield return ReadRow(reader);
        }
    }

    /// <summary>
    /// The smallest rowid above <paramref name="low"/> and below <paramref name="high"/> that a seek can
    /// reach without meeting damage; null when there is none.
    /// </summary>
    private long? FindReadableStart(long? low, long? high)
    {
        using SqliteCommand probe = _source.CreateCommand();
        probe.CommandText = $"SELECT {SqlNames.Quote(_rowid!)} FROM {From} WHERE {SqlNames.Quote(_rowid!)} >= $x ORDER BY {SqlNames.Quote(_rowid!)} LIMIT 1;";
        SqliteParameter x = probe.Parameters.Add("$x", SqliteType.Integer);

        // Probe: the first rowid at or above `at` (below `high`), "none" when nothing is there, or damage.
        (bool Damaged, long? Found) Probe(long at)
        {
            _cancellation.ThrowIfCancellationRequested();
            x.Value = at;
            try
            {
                object? value = probe.ExecuteScalar();
                return value is long id && (high == null || id < high) && id >= at ? (false, id) : (false, null);
            }
            catch (SqliteException ex) when (IsDamage(ex))
            {
                return (true, null);
            }
        }

        long first = low == null ? long.MinValue : low.Value == long.MaxValue ? long.MaxValue : low.Value + 1;
        if (low == long.MaxValue)
        {
            return null;
        }
        // Rowids are nearly always positive: a gap starting far below zero is also searched from 0.
        var starts = new List<long> { first };
        if (first < 0 && (high == null || high > 0))
        {
            starts.Add(0);
        }
        foreach (long start in starts)
        {
            long failedAt = start - 1;
            for (int k = 0; k < 64; k++)
            {
                long at;
                try
                {
                    at = checked(start + ((1L << k) - 1));
                }
                catch (OverflowException)
                {
                    break;
                }
                if (k == 63 || (high != null && at >= high))
                {
                    break;
                }
                (bool damaged, long? found) = Probe(at);
                if (damaged)
                {
                    failedAt = at;
                    continue;
                }
                if (found == null)
                {
                    break; // nothing readable from here up to `high`
                }
                // Bisect between the last failing seek and this one for the first readable rowid.
                long good = at, bad = failedAt;
                long result = found.Value;
                while (unchecked((ulong)(good - bad)) > 1)
                {
                    long mid = unchecked(bad + (long)(unchecked((ulong)(good - bad)) / 2));
                    (bool midDamaged, long? midFound) = Probe(mid);
                    if (midDamaged || midFound == null)
                    {
                        bad = mid;
                    }
                    else
                    {
                        good = mid;
                        result = midFound.Value;
                    }
                }
                return result;
            }
        }
        return null;
    }

    /// <summary>A WITHOUT ROWID table: a scan in key order until damage, then one in reverse key order (duplicates are refused by the key).</summary>
    private void RunWithoutRowid()
    {
        if (!ScanByKey(descending: false))
        {
            return;
        }
        LostRanges.Add((null, null));
        if (_keyColumns.Count > 0)
        {
            ScanByKey(descending: true);
        }
    }

    /// <summary>True when the scan stopped on damage.</summary>
    private bool ScanByKey(bool descending)
    {
        using SqliteCommand command = _source.CreateCommand();
        command.CommandText = $"SELECT {SelectList} FROM {From}" +
                              (descending ? " ORDER BY " + string.Join(", ", _keyColumns.Select(c => SqlNames.Quote(c) + " DESC")) : "") + ";";
        try
        {
            using SqliteDataReader reader = command.ExecuteReader();
            while (reader.Read())
            {
                _cancellation.ThrowIfCancellationRequested();
                Take(ReadRow(reader));
            }
            return false;
        }
        catch (SqliteException ex) when (IsDamage(ex))
        {
            NoteDamage(ex);
            return true;
        }
    }

    private object?[] ReadRow(SqliteDataReader reader)
    {
        var row = new object?[reader.FieldCount];
        for (int i = 0; i < row.Length; i++)
        {
            // GetFieldValue<byte[]> of a TEXT value is sqlite3_column_blob: the stored bytes, unconverted.
            row[i] = reader.IsDBNull(i) ? null
                : _rawText && reader.GetFieldType(i) == typeof(string) ? new RawText(reader.GetFieldValue<byte[]>(i))
                : reader.GetValue(i);
        }
        return row;
    }

    private void Take(object?[] row)
    {
        if (_emit(row))
        {
            Recovered++;
        }
        else
        {
            Rejected++;
        }
    }

    private void NoteDamage(SqliteException ex) => FirstDamage ??= ex.Message;

    /// <summary>Records rowids that could not be read; an empty range (two rows read side by side around the damage) loses nothing.</summary>
    private void AddLost(long? from, long? to)
    {
        if (!(from > to))
        {
            LostRanges.Add((from, to));
        }
    }

    /// <summary>The table could not be read at all.</summary>
    internal void NoteUnreadable(SqliteException ex)
    {
        NoteDamage(ex);
        LostRanges.Add((null, null));
    }

    /// <summary>
    /// The errors a damaged file gives: corrupt, I/O (a short read), not a database, out of range,
    /// and the generic error SQLite uses for a few malformed records. Interrupt (Ctrl+C) and the rest
    /// are not damage and stop the repair.
    /// </summary>
    internal static bool IsDamage(SqliteException ex) =>
        (ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteIoErr or SqliteNotADb or SqliteRange ||
        ((ex.SqliteErrorCode & 0xFF) == SqliteError && ex.Message.IndexOf("malformed", StringComparison.OrdinalIgnoreCase) >= 0);
}
