using System;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Retention;
using SqliteAdmin.Core.SyncLog;

namespace SqliteAdmin;

/// <summary>-StaleAfter, -BusinessHours and -BusinessDays, parsed the same way by Get-SyncLogReport and Test-SqliteHealth.</summary>
internal static class SyncThresholdParameters
{
    /// <summary>Parses the staleness span and the optional business hours (local time).</summary>
    public static (TimeSpan StaleAfter, BusinessHours? Hours) Parse(Duration staleAfter, string? businessHours, DayOfWeek[]? businessDays)
    {
        if (businessDays != null && businessHours == null)
        {
            throw new SqliteAdminException(ErrorIds.InvalidParameterCombination, SqliteAdminErrorCategory.InvalidArgument,
                "-BusinessDays needs -BusinessHours, such as -BusinessHours 08:00-18:00.", null);
        }
        return (staleAfter.ToTimeSpan(), businessHours == null ? null : BusinessHours.Parse(businessHours, businessDays, TimeZoneInfo.Local));
    }
}
