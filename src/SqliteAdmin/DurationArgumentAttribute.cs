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
public sealed class DurationArgumentAttribute : ArgumentTransformationAttribute
{
    // PowerShell reads "30d" and "1y" typed on a command line as number literals (decimal 30, sbyte 1)
    // and keeps the text it read in PSObject.TokenText, which it uses itself when such an argument
    // binds to a [string] parameter. Not public API, so it is read by reflection and may be absent.
    private static readonly PropertyInfo? TokenText = typeof(PSObject).GetProperty("TokenText", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>Converts the argument to a Duration.</summary>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (inputData is PSObject literal && value is not string && TokenText?.GetValue(literal) is string typed)
        {
            value = typed;
        }
        switch (value)
        {
            case Duration duration:
                return duration;
            case TimeSpan span when span > TimeSpan.Zero:
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
            default:
                return Duration.Invalid(value?.ToString());
        }
    }
}
