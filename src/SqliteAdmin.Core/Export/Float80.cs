using System;

namespace SqliteAdmin.Core.Export;

/// <summary>
/// The x87 80-bit extended ("long double") arithmetic that the sqlite3 3.40 shell formats REAL values
/// with, emulated exactly: a 64-bit significand, round to nearest even. Only non-negative finite values
/// and the operations <see cref="ShellRealFormat"/> needs. Why not double: the shell's digits come from
/// long double steps, and doing them in double gives different text for about 4 values in 100.
/// </summary>
internal readonly struct Float80
{
    private const ulong TopBit = 1UL << 63;

    /// <summary>Significand with bit 63 set, or 0 for zero.</summary>
    private readonly ulong _m;
    /// <summary>Power of two of the significand's lowest bit: the value is _m × 2^_e.</summary>
    private readonly int _e;

    private Float80(ulong m, int e)
    {
        _m = m;
        _e = e;
    }

    public static readonly Float80 Zero = default;
    public static readonly Float80 One = FromDouble(1.0);

    public bool IsZero => _m == 0;

    /// <summary>Exactly the value of a finite, non-negative double (subnormals included).</summary>
    public static Float80 FromDouble(double value)
    {
        long bits = BitConverter.DoubleToInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong fraction = (ulong)bits & ((1UL << 52) - 1);
        if (biased == 0)
        {
            return fraction == 0 ? Zero : Normalized(fraction, -1074);
        }
        return Normalized(fraction | (1UL << 52), biased - 1075);
    }

    private static Float80 Normalized(ulong m, int e)
    {
        int shift = LeadingZeros(m);
        return new Float80(m << shift, e - shift);
    }

    /// <summary>a × b, rounded to 64 bits.</summary>
    public static Float80 operator *(Float80 a, Float80 b)
    {
        if (a.IsZero || b.IsZero)
        {
            return Zero;
        }
        Multiply(a._m, b._m, out ulong hi, out ulong lo);
        return Round(hi, lo, false, a._e + b._e);
    }

    /// <summary>a × 10, rounded to 64 bits: the step between two digits.</summary>
    public Float80 TimesTen()
    {
        if (IsZero)
        {
            return Zero;
        }
        Multiply(_m, 10, out ulong hi, out ulong lo);
        return Round(hi, lo, false, _e);
    }

    /// <summary>a ÷ b (b not zero), rounded to 64 bits.</summary>
    public static Float80 operator /(Float80 a, Float80 b)
    {
        if (a.IsZero)
        {
            return Zero;
        }
        if (b._m == TopBit)
        {
            // A power of two: exact.
            return new Float80(a._m, a._e - b._e - 63);
        }
        // Restoring division, 128 quotient bits: q = floor(a.m × 2^127 / b.m), the rest is sticky.
        ulong remainder = a._m, qHi = 0, qLo = 0;
        bool remainderHigh = false;
        for (int i = 0; i < 128; i++)
        {
            bool bit = remainderHigh || remainder >= b._m;
            if (bit)
            {
                remainder -= b._m; // wraps correctly when remainderHigh: the true difference is below 2^64
            }
            qHi = (qHi << 1) | (qLo >> 63);
            qLo = (qLo << 1) | (bit ? 1UL : 0UL);
            remainderHigh = (remainder & TopBit) != 0;
            remainder <<= 1;
        }
        return Round(qHi, qLo, remainder != 0 || remainderHigh, a._e - b._e - 127);
    }

    /// <summary>a + b, rounded to 64 bits.</summary>
    public static Float80 operator +(Float80 a, Float80 b)
    {
        if (a.IsZero)
        {
            return b;
        }
        if (b.IsZero)
        {
            return a;
        }
        Float80 big = a._e >= b._e ? a : b, small = a._e >= b._e ? b : a;
        int distance = big._e - small._e;
        ulong yHi, yLo;
        bool sticky = false;
        if (distance == 0)
        {
            (yHi, yLo) = (small._m, 0);
        }
        else if (distance < 64)
        {
            (yHi, yLo) = (small._m >> distance, small._m << (64 - distance));
        }
        else if (distance < 128)
        {
            yHi = 0;
            yLo = distance == 64 ? small._m : small._m >> (distance - 64);
            sticky = distance != 64 && (small._m << (128 - distance)) != 0;
        }
        else
        {
            (yHi, yLo, sticky) = (0, 0, true);
        }
        ulong lo = yLo;
        ulong hi = big._m + yHi;
        bool carry = hi < big._m;
        int e = big._e - 64;
        if (carry)
        {
            sticky |= (lo & 1) != 0;
            lo = (lo >> 1) | (hi << 63);
            hi = (hi >> 1) | TopBit;
            e++;
        }
        return Round(hi, lo, sticky, e);
    }

    /// <summary>The integer part (the value is below 2^31) and what is left after taking it away (exact).</summary>
    public int TakeIntegerPart(out Float80 fraction)
    {
        if (IsZero)
        {
            fraction = Zero;
            return 0;
        }
        if (_e <= -64)
        {
            fraction = this;
            return 0;
        }
        int shift = -_e;
        ulong rest = _m & ((1UL << shift) - 1);
        fraction = rest == 0 ? Zero : Normalized(rest, _e);
        return (int)(_m >> shift);
    }

    /// <summary>-1, 0 or 1 as a is less than, equal to or greater than b.</summary>
    public static int Compare(Float80 a, Float80 b)
    {
        if (a.IsZero || b.IsZero)
        {
            return a.IsZero ? (b.IsZero ? 0 : -1) : 1;
        }
        if (a._e != b._e)
        {
            return a._e < b._e ? -1 : 1;
        }
        return a._m.CompareTo(b._m);
    }

    public static bool operator >=(Float80 a, Float80 b) => Compare(a, b) >= 0;
    public static bool operator <=(Float80 a, Float80 b) => Compare(a, b) <= 0;
    public static bool operator <(Float80 a, Float80 b) => Compare(a, b) < 0;
    public static bool operator >(Float80 a, Float80 b) => Compare(a, b) > 0;

    /// <summary>(hi·2^64 + lo)·2^e plus a sticky "something below", rounded to nearest even in 64 bits.</summary>
    private static Float80 Round(ulong hi, ulong lo, bool sticky, int e)
    {
        if (hi == 0)
        {
            if (lo == 0)
            {
                return Zero;
            }
            (hi, lo) = (lo, 0);
            e -= 64;
        }
        int shift = LeadingZeros(hi);
        if (shift > 0)
        {
            hi = (hi << shift) | (lo >> (64 - shift));
            lo <<= shift;
            e -= shift;
        }
        e += 64;
        const ulong Half = TopBit;
        bool up = lo > Half || (lo == Half && (sticky || (hi & 1) != 0));
        if (up)
        {
            hi++;
            if (hi == 0)
            {
                return new Float80(TopBit, e + 1);
            }
        }
        return new Float80(hi, e);
    }

    private static void Multiply(ulong a, ulong b, out ulong hi, out ulong lo)
    {
        ulong aL = (uint)a, aH = a >> 32, bL = (uint)b, bH = b >> 32;
        ulong ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
        ulong mid = (ll >> 32) + (uint)lh + (uint)hl;
        lo = (mid << 32) | (uint)ll;
        hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
    }

    private static int LeadingZeros(ulong value)
    {
        if (value == 0)
        {
            return 64;
        }
        int n = 0;
        if ((value >> 32) == 0) { n += 32; value <<= 32; }
        if ((value >> 48) == 0) { n += 16; value <<= 16; }
        if ((value >> 56) == 0) { n += 8; value <<= 8; }
        if ((value >> 60) == 0) { n += 4; value <<= 4; }
        if ((value >> 62) == 0) { n += 2; value <<= 2; }
        if ((value >> 63) == 0) { n += 1; }
        return n;
    }
}
