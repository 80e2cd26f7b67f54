using System;
using SqliteAdmin.Core.Backups;

namespace SqliteAdmin.Core.Tests.Backups;

public class BackupFileNameTests
{
    [Theory]
    [InlineData("orders_daily_20261121_020000.db", "orders", BackupTier.Daily, 0, false, false)]
    [InlineData("orders_manual_20261121_020000_3.db.gz", "orders", BackupTier.Manual, 3, true, false)]
    [InlineData("my_app_db_Hourly_20261121_235959.db.gz.enc", "my_app_db", BackupTier.Hourly, 0, true, true)]
    [InlineData("x_daily_app_weekly_20260101_000000_9999.db.enc", "x_daily_app", BackupTier.Weekly, 9999, false, true)]
    [InlineData("a--b_yearly_20261121_020000.db", "a--b", BackupTier.Yearly, 0, false, false)]
    public void Reads_every_part_of_a_backup_name_and_writes_it_back(string fileName, string database, BackupTier tier, int sequence, bool gz, bool enc)
    {
        Assert.True(BackupFileName.TryParse(fileName, out BackupFileName? parsed));

        Assert.Equal(database, parsed!.Database);
        Assert.Equal(tier, parsed.Tier);
        Assert.Equal(sequence, parsed.Sequence);
        Assert.Equal(gz, parsed.Compressed);
        Assert.Equal(enc, parsed.Encrypted);
        Assert.Equal(DateTimeKind.Utc, parsed.CreatedUtc.Kind);
        Assert.Equal(fileName.Replace("Hourly", "hourly"), parsed.FileName);
    }

    [Theory]
    [InlineData("orders.db")]
    [InlineData("orders_daily_20261121.db")]
    [InlineData("orders_daily_20261121_0200.db")]
    [InlineData("orders_sometimes_20261121_020000.db")]
    [InlineData("_daily_20261121_020000.db")]
    [InlineData("orders_daily_20261321_020000.db")]       // month 13
    [InlineData("orders_daily_20261121_250000.db")]       // hour 25
    [InlineData("orders_daily_20261121_020000_0.db")]     // sequence starts at 1
    [InlineData("orders_daily_20261121_020000_01.db")]
    [InlineData("orders_daily_20261121_020000_12345.db")]
    [InlineData("orders_daily_20261121_020000.db.json")]
    [InlineData("orders_daily_20261121_020000.db--.env")]
    [InlineData("orders_daily_20261121_020000.sqlite")]
    [InlineData("orders_daily_20261121_020000.db.enc.gz")]
    [InlineData(".sqliteadmin-tmp-db-0123456789ab")]
    [InlineData(".db")]
    public void Anything_else_is_not_a_backup(string fileName)
    {
        Assert.False(BackupFileName.TryParse(fileName, out _));
    }
}
