using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SqliteAdmin.Core.Export;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Export;

/// <summary>REAL text against the sqlite3 3.40 shell itself, value by value.</summary>
public class ShellRealFormatTests
{
    /// <summary>
    /// Doubles of every kind (random bit patterns, random magnitudes, money-like decimals, halves just
    /// past 2^53, tiny and huge, subnormals, powers of ten and their neighbours) stored through
    /// sqlite3 as exact hex, printed by the shell in csv mode and by us: the same text for every one.
    /// </summary>
    [Fact]
    public void EveryValueMatchesTheShell()
    {
        using var folder = new TempFolder();
        var random = new Random(20261202);
        var values = new List<double>
        {
            0.0, -0.0, 1.0, -1.0, 0.1, 0.2, 0.30000000000000004, 1.0 / 3, 2.0 / 3, Math.PI, Math.E, 1e15, 1e16, 1e14, 999999999999999.0,
            9999999999999998.0, 123456789012345678.0, 1e-4, 1e-5, 0.00012345, 1.5e-300, 1e300, double.MaxValue, double.Epsilon,
            2.2250738585072014E-308, 4.9406564584124654E-324 * 3, 0.5, 2.5, 1e100, 1e-100, 1e22, 1e23, 9.999999999999999e22, 100.0, 12.345,
            0.15, 0.25, 0.35, 1.005, 2.675, 1234567.891, -98765.4321, 4503599627370497.5, 1e308, 5e-324,
        };
        for (int p = -320; p <= 308; p++)
        {
            double power = double.Parse("1e" + p, CultureInfo.InvariantCulture);
            values.Add(power);
            values.Add(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(power) + 1));
            values.Add(BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(power) - 1));
        }
        byte[] bits = new byte[8];
        while (values.Count < 60000)
        {
            random.NextBytes(bits);
            double raw = BitConverter.ToDouble(bits, 0);
            values.Add(raw);
            values.Add(random.NextDouble() * Math.Pow(10, random.Next(-12, 22)));
            values.Add(Math.Round((random.NextDouble() - 0.5) * 2e6, random.Next(0, 7)));
            values.Add(random.Next(0, int.MaxValue) + 0.5);
        }
        values = values.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).ToList();

        string db = folder.File("reals.db");
        SqliteCli.Run(db, ExactDoubleInserts(values));
        // What is stored is the judge's input (the shell's own parser may round a last bit differently).
        values = StoredReals(db);

        string[] shell = SqliteCli.Run(db, ".mode csv\nSELECT x FROM r ORDER BY i;").Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(values.Count, shell.Length);
        var mismatches = values.Select((v, i) => (Value: v, Ours: ShellRealFormat.ToText(v), Shell: shell[i]))
            .Where(m => m.Ours != m.Shell).Take(10).ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Select(m => $"{m.Value:R}: ours {m.Ours}, shell {m.Shell}")));
    }

    [Fact]
    public void InfinitiesAreInfLikeTheShell()
    {
        Assert.Equal("Inf", ShellRealFormat.ToText(double.PositiveInfinity));
        Assert.Equal("-Inf", ShellRealFormat.ToText(double.NegativeInfinity));
        Assert.Equal("0.0", ShellRealFormat.ToText(-0.0));
        Assert.Equal("1.0e+15", ShellRealFormat.ToText(1e15));
        Assert.Equal("100000000000000.0", ShellRealFormat.ToText(1e14));
    }

    /// <summary>The REALs of table r, in order, as stored.</summary>
    internal static List<double> StoredReals(string db)
    {
        using var connection = SqliteAdmin.Core.Data.SqliteConnectionFactory.OpenReadOnly(db, TimeSpan.FromSeconds(5));
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT x FROM r ORDER BY i;";
        using var reader = command.ExecuteReader();
        var stored = new List<double>();
        while (reader.Read())
        {
            stored.Add(reader.GetDouble(0));
        }
        return stored;
    }

    /// <summary>
    /// INSERTs that store each double (nearly) exactly: the shell parses decimal text itself, so each value is
    /// written as its shortest round-trip text ("R"), which every correct parser reads back to the same bits.
    /// </summary>
    internal static string ExactDoubleInserts(IEnumerable<double> values)
    {
        var sql = new StringBuilder("CREATE TABLE r(i INTEGER PRIMARY KEY, x REAL); BEGIN;\n");
        foreach (double v in values)
        {
            sql.Append("INSERT INTO r(x) VALUES (").Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(");\n");
        }
        return sql.Append("COMMIT;\n").ToString();
    }
}
