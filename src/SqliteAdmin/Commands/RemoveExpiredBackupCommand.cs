using System;
using System.Linq;
using System.Collections.Generic;
using System.Management.Automation;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Retention;

namespace SqliteAdmin.Commands;

/// <summary>Remove-ExpiredBackup: applies a restic-style retention policy to SqliteAdmin backups and explains every decision.</summary>
[Cmdlet(VerbsCommon.Remove, "ExpiredBackup", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RetentionDecision))]
public sealed class RemoveExpiredBackupCommand : PathInputCmdlet
{
    private readonly List<BackupRetention.Candidate> _candidates = new();
    private RetentionPolicy _policy = new();
    private Func<string, bool>? _foreign;

    /// <summary>Only backups of this database.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Database { get; set; }

    /// <summary>Also look in subfolders (each folder is its own group; links are not followed).</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Keep the newest n backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepLast { get; set; }

    /// <summary>Keep the newest backup of each of the last n hours that have backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepHourly { get; set; }

    /// <summary>Keep the newest backup of each of the last n days that have backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepDaily { get; set; }

    /// <summary>Keep the newest backup of each of the last n ISO weeks that have backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepWeekly { get; set; }

    /// <summary>Keep the newest backup of each of the last n months that have backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepMonthly { get; set; }

    /// <summary>Keep the newest backup of each of the last n years that have backups.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int KeepYearly { get; set; }

    /// <summary>Keep every backup within this span of the newest one (30d, 2w, 1y2m, or a TimeSpan).</summary>
    [Parameter]
    [DurationArgument]
    public Duration? KeepWithin { get; set; }

    /// <summary>Remove backups older than this span before now (the guides' "older than 30 days").</summary>
    [Parameter]
    [DurationArgument]
    public Duration? OlderThan { get; set; }

    /// <summary>
    /// Also consider backups another tool made whose file names match these wildcard patterns
    /// (e.g. '*.db.gz.enc', 'preroll_tracker.db.backup_*'), when their content is a backup.
    /// </summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? IncludeForeign { get; set; }

    /// <summary>Skip the confirmation prompt (and nothing else).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>A folder that does not exist is BackupFolderNotFound.</summary>
    protected override string NotFoundErrorId => ErrorIds.BackupFolderNotFound;

    /// <summary>Builds the policy; an empty policy or an unreadable span is a terminating error.</summary>
    protected override void PrepareInvocation()
    {
        _policy = new RetentionPolicy
        {
            KeepLast = KeepLast, KeepHourly = KeepHourly, KeepDaily = KeepDaily, KeepWeekly = KeepWeekly, KeepMonthly = KeepMonthly, KeepYearly = KeepYearly,
            KeepWithin = KeepWithin,
            OlderThan = OlderThan,
        };
        BackupRetention.Plan(Array.Empty<BackupRetention.Candidate>(), _policy, DateTime.UtcNow, TimeZoneInfo.Local); // refuses an empty policy
        if (IncludeForeign != null)
        {
            // Matched as file names, case-insensitively on every platform: a pattern names a series, not a path.
            var patterns = IncludeForeign.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant)).ToList();
            _foreign = name => patterns.Any(p => p.IsMatch(name));
        }
    }

    /// <summary>Collects the backups named (folders, or backup files such as Get-SqliteBackup output).</summary>
    protected override void ProcessPath(string path)
    {
        _candidates.AddRange(BackupRetention.Find(path, Database, Recurse, _foreign));
    }

    /// <summary>Plans over everything collected, removes what no rule keeps (after ShouldProcess), and explains each backup.</summary>
    protected override void EndProcessing()
    {
        List<RetentionDecision> plan = BackupRetention.Plan(_candidates, _policy, DateTime.UtcNow, TimeZoneInfo.Local);
        // One confirmation per database and folder, naming how many backups go and how much space:
        // a first prune of a large folder asks once, not ten thousand times; every backup is still
        // written out with its decision.
        foreach (IGrouping<(string, string), RetentionDecision> group in plan.GroupBy(d => (d.Database.ToUpperInvariant(), System.IO.Path.GetDirectoryName(d.Path) ?? "")))
        {
            List<RetentionDecision> expired = group.Where(d => d.Action == RetentionAction.Remove).ToList();
            bool remove = expired.Count > 0 && ShouldProcessUnlessForced(Force, System.IO.Path.GetDirectoryName(expired[0].Path) ?? "",
                BackupRetention.DescribeRemoval(expired));
            foreach (RetentionDecision decision in group)
            {
                if (remove && decision.Action == RetentionAction.Remove)
                {
                    Attempt(decision.Path, () => BackupRetention.Remove(decision));
                }
                WriteObject(decision);
            }
        }
    }
}
