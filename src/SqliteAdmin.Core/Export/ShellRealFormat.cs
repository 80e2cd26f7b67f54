using System;

namespace SqliteAdmin.Core.Export;

/// <summary>
/// A REAL as the sqlite3 3.40 shell prints it: SQLite's own printf "%!.15g" (15 significant digits,
/// at least one digit after the point, "e+NN" exponents, "Inf"), step for step in the 80-bit long
/// double arithmetic it uses on x86-64. The bundled SQLite (3.53) renders REALs differently (up to 17
/// digits), so the CSV export cannot take SQLite's text for a REAL and be identical to the 3.40 shell.
/// </summary>
internal static class ShellRealFormat
{
    /// <summary>The most bytes one value takes ("-1.23456789012346e+308" is 22).</summary>
    public const int MaxLength = 32;

    private const int Precision = 15;

    // SQLite keeps the rounder in double: arRound[4] × 1.0e-10 for 14 digits after the first.
    private static readonly Float80 Rounder = Float80.FromDouble(RounderValue());
    private static readonly Float80 E100 = Float80.FromDouble(1e100);
    private static readonly Float80 E10 = Float80.FromDouble(1e10);
    private static readonly Float80 Ten = Float80.FromDouble(10.0);
    private static readonly Float80 E8 = Float80.FromDouble(1e8);
    private static readonly Float80 E8Negative = Float80.FromDouble(1e-8);
    private static readonly Float80 Tenth = Float80.FromDouble(0.1);

    /// <summary>
    /// Every scale SQLite's loops can reach (scale = 1e100^h, then ×1e10 t times, then ×10 o times, each
    /// product rounded to long double as SQLite rounds it) and the thresholds it compares with
    /// (1e100 × scale, 1e10 × scale, 10 × scale).
    /// </summary>
    private static class Scales
    {
        public const int Hundreds = 4, Steps = 10;
        public static readonly Float80[] HundredThreshold = new Float80[Hundreds];
        public static readonly Float80[,] TenThreshold = new Float80[Hundreds + 1, Steps];
        public static readonly Float80[,,] OneThreshold = new Float80[Hundreds + 1, Steps + 1, Steps];
        public static readonly Float80[,,] Scale = new Float80[Hundreds + 1, Steps + 1, Steps + 1];

        static Scales()
        {
            Float80 hundred = Float80.One;
            for (int h = 0; h <= Hundreds; h++)
            {
                if (h < Hundreds)
                {
                    HundredThreshold[h] = E100 * hundred;
                }
                Float80 ten = hundred;
                for (int t = 0; t <= Steps; t++)
                {
                    if (t < Steps)
                    {
                        TenThreshold[h, t] = E10 * ten;
                    }
                    Float80 one = ten;
                    for (int o = 0; o <= Steps; o++)
                    {
                        Scale[h, t, o] = one;
                        if (o < Steps)
                        {
                            OneThreshold[h, t, o] = Ten * one;
                        }
                        one *= Ten;
                    }
                    ten *= E10;
                }
                hundred *= E100;
            }
        }
    }

    private static double RounderValue()
    {
        double rounder = 5.0e-05;
        rounder *= 1.0e-10;
        return rounder;
    }

    /// <summary>Writes the text of <paramref name="value"/> at <paramref name="position"/>; returns the position after it.</summary>
    public static int Write(double value, byte[] buffer, int position)
    {
        if (double.IsNaN(value))
        {
            return Ascii("NaN", buffer, position);
        }
        if (value < 0.0)
        {
            buffer[position++] = (byte)'-';
            value = -value;
        }
        if (double.IsInfinity(value))
        {
            return Ascii("Inf", buffer, position);
        }

        Float80 real = Float80.FromDouble(value);
        int exp = 0;
        if (!real.IsZero)
        {
            // SQLite's three loops (by 1e100, 1e10, 10), with each step's long double products taken
            // from tables made once by the same operations: the same scale, far fewer multiplications.
            int hundreds = 0, tens = 0, ones = 0;
            while (hundreds < Scales.Hundreds && real >= Scales.HundredThreshold[hundreds])
            {
                hundreds++;
            }
            while (tens < Scales.Steps && real >= Scales.TenThreshold[hundreds, tens] && 100 * hundreds + 10 * tens <= 350)
            {
                tens++;
            }
            while (ones < Scales.Steps && real >= Scales.OneThreshold[hundreds, tens, ones] && 100 * hundreds + 10 * tens + ones <= 350)
            {
                ones++;
            }
            exp = 100 * hundreds + 10 * tens + ones;
            real /= Scales.Scale[hundreds, tens, ones];
            while (real < E8Negative)
            {
                real *= E8;
                exp -= 8;
            }
            while (real < Float80.One)
            {
                real = real.TimesTen();
                exp--;
            }
        }
        real += Rounder;
        if (real >= Ten)
        {
            real *= Tenth;
            exp++;
        }

        int precision = Precision - 1;
        bool exponentForm = exp < -4 || exp > precision;
        int e2;
        if (exponentForm)
        {
            e2 = 0;
        }
        else
        {
            precision -= exp;
            e2 = exp;
        }
        int start = position;
        if (e2 < 0)
        {
            buffer[position++] = (byte)'0';
        }
        else
        {
            for (; e2 >= 0; e2--)
            {
                buffer[position++] = NextDigit(ref real);
            }
        }
        buffer[position++] = (byte)'.';
        for (e2++; e2 < 0; precision--, e2++)
        {
            buffer[position++] = (byte)'0';
        }
        while (precision-- > 0)
        {
            buffer[position++] = NextDigit(ref real);
        }
        // Trailing zeros go, but one digit stays after the point ("!" flag).
        while (buffer[position - 1] == '0' && position - 1 > start)
        {
            position--;
        }
        if (buffer[position - 1] == '.')
        {
            buffer[position++] = (byte)'0';
        }
        if (exponentForm)
        {
            buffer[position++] = (byte)'e';
            if (exp < 0)
            {
                buffer[position++] = (byte)'-';
                exp = -exp;
            }
            else
            {
                buffer[position++] = (byte)'+';
            }
            if (exp >= 100)
            {
                buffer[position++] = (byte)('0' + exp / 100);
                exp %= 100;
            }
            buffer[position++] = (byte)('0' + exp / 10);
            buffer[position++] = (byte)('0' + exp % 10);
        }
        return position;
    }

    /// <summary>The text of <paramref name="value"/> as a string (for tests and messages).</summary>
    public static string ToText(double value)
    {
        byte[] buffer = new byte[MaxLength];
        int length = Write(value, buffer, 0);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, length);
    }

    private static byte NextDigit(ref Float80 real)
    {
        real = real.NextDigit(out int digit);
        return (byte)('0' + digit);
    }

    private static int Ascii(string text, byte[] buffer, int position)
    {
        foreach (char c in text)
        {
            buffer[position++] = (byte)c;
        }
        return position;
    }
}
