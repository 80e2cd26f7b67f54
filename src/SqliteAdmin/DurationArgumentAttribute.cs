using System;
using System.Management.Automation;
using System.Reflection;

namespace SqliteAdmin;

/// <summary>
/// Binds every duration parameter the same way: a <see cref="Duration"/>, a [TimeSpan] or text
/// ("30d", "12h", "00:30:00"). Anything else (a bare number, "thirty days") binds as a placeholder
/// that <see cref="SqliteAdminCmdlet"/> reports as InvalidSpan before any input is touched, so the
/// error id and wording are the same whichever parameter and whichever way it was given.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class DurationArgumentAttribute : ArgumentTransformationAttribute
{
    // PowerShell reads "30d" and "1y" typed on a command line as number literals (decimal 30, sbyte 1)
    // and keeps the text it read in PSObject.TokenText, which it uses itself when such an argument
    // binds to a [string] parameter. Not public API, so it is read by reflection: a property in
    // PowerShell 7, a field in Windows PowerShell 5.1; absent, a number is refused as before.
    private static readonly Func<PSObject, string?> TokenText = FindTokenText();

    private static Func<PSObject, string?> FindTokenText()
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic;
        if (typeof(PSObject).GetProperty("TokenText", flags) is PropertyInfo property)
        {
            return o => property.GetValue(o) as string;
        }
        if (typeof(PSObject).GetField("TokenText", flags) is FieldInfo field)
        {
            return o => field.GetValue(o) as string;
        }
        return _ => null;
    }

    /// <summary>Converts the argument to a Duration.</summary>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (inputData is PSObject literal && value is not string && TokenText(literal) is string typed)
        {
            value = typed;
        }
        switch (value)
        {
            case Duration duration:
                return duration;
            case TimeSpan span when span >= TimeSpan.Zero:
                return new Duration(span);
            case string text:
                try
                {
                    return Duration.Parse(text);
                }
                catch (SqliteAdminException)
                {
                    return Duration.Invalid(text);
                }
            case null:
                return Duration.Invalid("");
            case TimeSpan:
                return Duration.Invalid(value.ToString(), "it is negative");
            default:
                // A number: typed bare (30), or a literal such as 30d in an expression, which
                // PowerShell has already made the decimal 30 ($v = 30d; (30d); @{ Last = 30d }).
                return Duration.Invalid(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
                    value is decimal or sbyte ? "30d or 1y in an expression is a PowerShell number; quote it: '30d'" : null);
        }
    }
}
