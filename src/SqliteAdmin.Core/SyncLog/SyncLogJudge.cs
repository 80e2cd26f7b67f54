using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SqliteAdmin.Core.SyncLog;

/// <summary>
/// Judges a sync log's figures against a request's limits: OK, Warning or Critical and one
/// sentence per problem. Pure: no SQLite and no clock (the window's end is the report's now).
/// </summary>
internal static class SyncLogJudge
{
    /// <summary>
    /// The status and the alerts, critical ones first, for <paramref name="figures"/> under the limits
    /// of <paramref name="limits"/> (StaleAfter, MaxFailurePercent, MaxConflictPercent, BusinessHours;
    /// times are shown in its TimeZone).
    /// </summary>
    public static (SyncHealth Status, IReadOnlyList<string> Alerts) Judge(SyncLogFigures figures, SyncLogRequest limits)
    {
        string Show(DateTime utc) => Durations.At(utc, limits.TimeZone);
        var critical = new List<string>();
        var warnings = new List<string>();
        string window = $"between {Show(figures.From)} and {Show(figures.To)}";
        if (figures.TableEmpty)
        {
            critical.Add($"The {figures.Table} table is empty: no sync has ever been logged in '{figures.Path}'. Check that the application's sync runs and writes its log.");
        }
        else if (figures.TotalSyncs == 0)
        {
            critical.Add($"No syncs were logged {window}. Check that the workstations are running and can reach the master database.");
        }
        else
        {
            TimeSpan overdue = limits.BusinessHours is BusinessHours hours
                ? hours.Between(figures.LastSuccess ?? figures.From, figures.To)
                : figures.SinceLastSuccess;
            if (overdue >= limits.StaleAfter)
            {
                string expected = limits.BusinessHours is BusinessHours b ? $" during business hours ({b})" : "";
                critical.Add(figures.LastSuccess is DateTime last
                    ? $"No successful sync for {Durations.Short(figures.SinceLastSuccess)} (last success {Show(last)}); one is expected at least every {Durations.Short(limits.StaleAfter)}{expected}."
                    : $"No successful sync {window}; one is expected at least every {Durations.Short(limits.StaleAfter)}{expected}.");
            }
            if (figures.FailureRate > limits.MaxFailurePercent)
            {
                critical.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0:0.##} % of syncs failed ({1} of {2}) {3}, above the {4:0.##} % limit.", figures.FailureRate, figures.Failed, figures.TotalSyncs, window, limits.MaxFailurePercent));
            }
            if (figures.ConflictRate > limits.MaxConflictPercent)
            {
                warnings.Add(string.Format(CultureInfo.InvariantCulture,
                    "{0:0.##} % of syncs had conflicts ({1} of {2}, {3} conflicts) {4}, above the {5:0.##} % limit. Look for users editing the same records.",
                    figures.ConflictRate, figures.SyncsWithConflicts, figures.TotalSyncs, figures.Conflicts, window, limits.MaxConflictPercent));
            }
            if (figures.ConsecutiveFailures > 0 && figures.LastSync is DateTime latest)
            {
                warnings.Add(figures.ConsecutiveFailures == 1
                    ? $"The latest sync ({Show(latest)}) failed."
                    : $"The last {figures.ConsecutiveFailures} syncs failed (latest {Show(latest)}).");
            }
        }
        if (figures.UnreadableTimestamps > 0)
        {
            warnings.Add($"{figures.UnreadableTimestamps} row(s) of {figures.Table} have a timestamp that cannot be read as a date or Unix time; they are not in the figures.");
        }
        SyncHealth status = critical.Count > 0 ? SyncHealth.Critical : warnings.Count > 0 ? SyncHealth.Warning : SyncHealth.OK;
        return (status, critical.Concat(warnings).ToList());
    }
}
