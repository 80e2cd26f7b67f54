using System.Collections.Generic;
using System.Linq;
using System.Threading;
using SqliteAdmin.Core.Backups;
using SqliteAdmin.Core.Progress;
using SqliteAdmin.Core.Tests.Infrastructure;

namespace SqliteAdmin.Core.Tests.Backups;

public class BackupProgressTests
{
    [Fact]
    public void A_real_backup_reaches_the_host_as_at_most_one_record_per_whole_percent()
    {
        using var folder = new TempFolder();
        string db = TestDatabase.Create(folder.File("app.db"), syncRows: 50_000);
        var written = new List<OperationProgress>();
        var coalesced = new CoalescingProgress(new CallbackProgress(written.Add));

        // One page per step: hundreds of raw reports, as a 10 GB backup makes with its default step.
        DatabaseBackup.Run(new BackupRequest { SourcePath = db, Destination = folder.File("backups"), PagesPerStep = 1 }, coalesced, CancellationToken.None);

        Assert.True(coalesced.Received > 300, $"the backup reported {coalesced.Received} times");
        Assert.Equal(written.Count, coalesced.Written);
        Assert.True(written.Count <= 101 + 1, $"{written.Count} records reached the host");
        Assert.Equal("Opening the database", written[0].Status);
        Assert.True(written[^1].Completed);
        // Every record but the Completed one moves the whole percent.
        var percents = written.Where(r => !r.Completed).Select(r => r.PercentComplete).ToList();
        Assert.Equal(percents.Count, percents.Distinct().Count());
    }

    [Fact]
    public void Reports_without_a_percentage_pass_when_their_status_changes()
    {
        var written = new List<OperationProgress>();
        var coalesced = new CoalescingProgress(new CallbackProgress(written.Add));

        foreach (string status in new[] { "a.db", "a.db", "b.db", "b.db", "b.db", "c.db" })
        {
            coalesced.Report(new OperationProgress("Verifying backups", status));
        }
        coalesced.Report(new OperationProgress("Verifying backups", "Done", 100) { Completed = true });

        Assert.Equal(new[] { "a.db", "b.db", "c.db", "Done" }, written.Select(r => r.Status));
    }
}
