using System;
using System.Management.Automation;

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
    /// <summary>Converts the argument to a Duration.</summary>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
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
