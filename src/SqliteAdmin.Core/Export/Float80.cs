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

    /// <summary>a × 10, rounded to 64 bits: the step between two digits (m×8 + m×2, then 3 or 4 bits off).</summary>
    public Float80 TimesTen()
    {
        if (IsZero)
        {
            return Zero;
        }
        ulong lo = _m << 3, add = _m << 1;
        ulong hi = (_m >> 61) + (_m >> 63);
        lo += add;
        if (lo < add)
        {
            hi++;
        }
        // m×10 lies in [2^66, 2^68): hi is 4 to 9.
        int shift = hi >= 8 ? 4 : 3;
        ulong m = (hi << (64 - shift)) | (lo >> shift);
        ulong rest = lo << (64 - shift);
        const ulong Half = TopBit;
        if (rest > Half || (rest == Half && (m & 1) != 0))
        {
            m++;
            if (m == 0)
            {
                return new Float80(TopBit, _e + shift + 1);
            }
        }
        return new Float80(m, _e + shift);
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
        // 64 quotient bits from one 128-by-64 division: the numerator is a.m shifted so that the
        // quotient lands in [2^63, 2^64) (its high half stays below b.m, as the division needs).
        ulong high, low;
        int e;
        if (a._m < b._m)
        {
            (high, low, e) = (a._m, 0, a._e - b._e - 64);
        }
        else
        {
            (high, low, e) = (a._m >> 1, a._m << 63, a._e - b._e - 63);
        }
        ulong q = DivideWide(high, low, b._m, out ulong r);
        // Round to nearest even on the remainder: above, at or below half of the divisor.
        ulong rest = b._m - r;
        bool up = r > rest || (r == rest && (q & 1) != 0);
        if (up)
        {
            q++;
            if (q == 0)
            {
                return new Float80(TopBit, e + 1);
            }
        }
        return new Float80(q, e);
    }

    /// <summary>
    /// (high·2^64 + low) / divisor with high &lt; divisor and divisor normalized (bit 63 set): the 64-bit
    /// quotient and the remainder (Hacker's Delight, divlu, in 32-bit digits).
    /// </summary>
    private static ulong DivideWide(ulong high, ulong low, ulong divisor, out ulong remainder)
    {
        const ulong Base = 1UL << 32;
        ulong vHigh = divisor >> 32, vLow = divisor & 0xFFFFFFFF;
        ulong uHigh = low >> 32, uLow = low & 0xFFFFFFFF;
        ulong q1 = high / vHigh, rhat = high - q1 * vHigh;
        while (q1 >= Base || q1 * vLow > ((rhat << 32) | uHigh))
        {
            q1--;
            rhat += vHigh;
            if (rhat >= Base)
            {
                break;
            }
        }
        ulong middle = (high << 32) + uHigh - q1 * divisor;
        ulong q0 = middle / vHigh;
        rhat = middle - q0 * vHigh;
        while (q0 >= Base || q0 * vLow > ((rhat << 32) | uLow))
        {
            q0--;
            rhat += vHigh;
            if (rhat >= Base)
            {
                break;
            }
        }
        remainder = (middle << 32) + uLow - q0 * divisor;
        return (q1 << 32) | q0;
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

    /// <summary>
    /// One step of the shell's digit loop: the integer part (the value is below 10) and what is left
    /// times ten, rounded to 64 bits; the same as taking the integer part away and then <see cref="TimesTen"/>,
    /// without normalizing the fraction in between (rounding depends only on the exact product).
    /// </summary>
    public Float80 NextDigit(out int digit)
    {
        if (IsZero || _e <= -64)
        {
            digit = 0;
            return TimesTen();
        }
        int shift = -_e;
        digit = (int)(_m >> shift);
        ulong fraction = _m & ((1UL << shift) - 1);
        if (fraction == 0)
        {
            return Zero;
        }
        Multiply(fraction, 10, out ulong hi, out ulong lo);
        return Round(hi, lo, false, _e);
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
