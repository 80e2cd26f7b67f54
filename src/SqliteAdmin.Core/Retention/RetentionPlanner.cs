using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SqliteAdmin.Core.Retention;

/// <summary>What to keep. Counts are 0 when unused; rules are ORed.</summary>
internal sealed class RetentionPolicy
{
    /// <summary>Keep the newest n backups.</summary>
    public int KeepLast { get; set; }
    /// <summary>Keep the newest backup of each of the last n hours that have backups.</summary>
    public int KeepHourly { get; set; }
    /// <summary>… days …</summary>
    public int KeepDaily { get; set; }
    /// <summary>… ISO weeks …</summary>
    public int KeepWeekly { get; set; }
    /// <summary>… months …</summary>
    public int KeepMonthly { get; set; }
    /// <summary>… years …</summary>
    public int KeepYearly { get; set; }
    /// <summary>Keep everything within this span of the newest backup that is not in the future.</summary>
    public Duration? KeepWithin { get; set; }
    /// <summary>The guides' rule: remove what is older than this span before now (keep the rest).</summary>
    public Duration? OlderThan { get; set; }

    /// <summary>True when no rule is set: such a policy would remove everything and is refused.</summary>
    public bool IsEmpty => KeepLast <= 0 && KeepHourly <= 0 && KeepDaily <= 0 && KeepWeekly <= 0 && KeepMonthly <= 0 && KeepYearly <= 0
        && KeepWithin == null && OlderThan == null;
}

/// <summary>One item's plan: keep it or not, and why.</summary>
internal sealed class RetentionVerdict<T>
{
    internal RetentionVerdict(T item, bool keep, IReadOnlyList<string> reasons)
    {
        Item = item;
        Keep = keep;
        Reasons = reasons;
    }

    /// <summary>The item.</summary>
    public T Item { get; }
    /// <summary>Whether a rule keeps it.</summary>
    public bool Keep { get; }
    /// <summary>The rules that keep it, in restic's words (empty when it is to be removed).</summary>
    public IReadOnlyList<string> Reasons { get; }
}

/// <summary>
/// restic's <c>forget</c> policy (ApplyPolicy in restic's snapshot_policy.go), for any items with a
/// time: newest first; each Keep* rule keeps the newest item of each of its last n hours, days,
/// ISO weeks, months or years that have items (calendar buckets in the given time zone); a rule
/// with count left when it reaches the oldest item keeps that one too ("oldest …"); rules are
/// ORed; KeepWithin counts from the newest item that is not in the future.
/// </summary>
internal static class RetentionPlanner
{
    /// <summary>Applies <paramref name="policy"/> to <paramref name="items"/>; verdicts come newest first.</summary>
    public static List<RetentionVerdict<T>> Apply<T>(IEnumerable<T> items, Func<T, DateTime> utcTime, Func<T, string> tieBreaker,
        RetentionPolicy policy, DateTime utcNow, TimeZoneInfo zone)
    {
        // Newest first; equal times in a stable, reproducible order.
        var list = items.OrderByDescending(utcTime).ThenByDescending(tieBreaker, StringComparer.Ordinal).ToList();
        var verdicts = new List<RetentionVerdict<T>>(list.Count);
        if (list.Count == 0)
        {
            return verdicts;
        }

        var buckets = new[]
        {
            new Bucket(policy.KeepLast, (t, nr) => nr, "last snapshot"),
            new Bucket(policy.KeepHourly, (t, _) => t.Year * 1000000 + t.Month * 10000 + t.Day * 100 + t.Hour, "hourly snapshot"),
            new Bucket(policy.KeepDaily, (t, _) => t.Year * 10000 + t.Month * 100 + t.Day, "daily snapshot"),
            new Bucket(policy.KeepWeekly, (t, _) => IsoYearWeek(t), "weekly snapshot"),
            new Bucket(policy.KeepMonthly, (t, _) => t.Year * 100 + t.Month, "monthly snapshot"),
            new Bucket(policy.KeepYearly, (t, _) => t.Year, "yearly snapshot"),
        };
        DateTime latest = list.Select(utcTime).Where(t => t < utcNow).DefaultIfEmpty(DateTime.MinValue).Max();

        DateTime? keepAfter = policy.KeepWithin != null && latest != DateTime.MinValue ? policy.KeepWithin.Before(latest) : null;
        DateTime? newerThan = policy.OlderThan?.Before(utcNow);
        string withinReason = $"within {policy.KeepWithin}", newerReason = $"newer than {policy.OlderThan}";
        for (int nr = 0; nr < list.Count; nr++)
        {
            DateTime utc = utcTime(list[nr]);
            DateTime local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
            List<string>? reasons = null;   // most items in a large folder have none: no list for them

            if (keepAfter != null && utc > keepAfter.Value)
            {
                (reasons ??= new List<string>()).Add(withinReason);
            }
            if (newerThan != null && utc > newerThan.Value)
            {
                (reasons ??= new List<string>()).Add(newerReason);
            }
            bool oldest = nr == list.Count - 1;
            foreach (Bucket bucket in buckets)
            {
                if (bucket.Count == 0)
                {
                    continue;
                }
                int value = bucket.Key(local, nr);
                if (value != bucket.Last || oldest)
                {
                    (reasons ??= new List<string>()).Add(value == bucket.Last && oldest ? "oldest " + bucket.Reason : bucket.Reason);
                    bucket.Last = value;
                    if (bucket.Count > 0)
                    {
                        bucket.Count--;
                    }
                }
            }
            verdicts.Add(new RetentionVerdict<T>(list[nr], reasons != null, (IReadOnlyList<string>?)reasons ?? NoReasons));
        }
        return verdicts;
    }

    private static readonly string[] NoReasons = Array.Empty<string>();

    /// <summary>YYYYWW of the ISO 8601 week (the year a week belongs to can differ from the date's).</summary>
    internal static int IsoYearWeek(DateTime t)
    {
        // ISO week: the week with the year's first Thursday is week 1; weeks start on Monday.
        DateTime thursday = t.Date.AddDays(3 - ((int)t.DayOfWeek + 6) % 7);
        int week = (thursday.DayOfYear - 1) / 7 + 1;
        return thursday.Year * 100 + week;
    }

    private sealed class Bucket
    {
        public Bucket(int count, Func<DateTime, int, int> key, string reason)
        {
            Count = count;
            Key = key;
            Reason = reason;
        }

        public int Count;          // remaining; -1 means "all"
        public int Last = -1;
        public readonly Func<DateTime, int, int> Key;
        public readonly string Reason;
    }
}
