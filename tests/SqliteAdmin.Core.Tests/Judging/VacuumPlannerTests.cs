using System;
using System.Linq;
using SqliteAdmin.Core.Databases;
using SqliteAdmin.Core.IO;
using SqliteAdmin.Core.Maintenance;

namespace SqliteAdmin.Core.Tests.Judging;

/// <summary>Invoke-SqliteVacuum's decisions from page figures alone: no database, no disk.</summary>
public class VacuumPlannerTests
{
    /// <summary>1000 pages of 4 KB, 250 of them free (25 %), rollback journal, no auto_vacuum.</summary>
    private static DatabaseFigures Figures(Action<DatabaseFigures>? adjust = null)
    {
        var figures = new DatabaseFigures
        {
            Path = "/data/app.db",
            PageSize = 4096,
            PageCount = 1000,
            FreelistCount = 250,
            JournalMode = "delete",
            FileBytes = 4096 * 1000,
        };
        adjust?.Invoke(figures);
        return figures;
    }

    private static VacuumPlan Plan(DatabaseFigures figures, Action<VacuumRequest>? adjust = null)
    {
        var request = new VacuumRequest { Path = figures.Path };
        adjust?.Invoke(request);
        return VacuumPlanner.Plan(figures, request);
    }

    [Fact]
    public void Free_pages_exactly_at_MinFreePercent_are_vacuumed_and_just_below_are_skipped()
    {
        VacuumPlan at = Plan(Figures(), r => r.MinFreePercent = 25);
        VacuumPlan below = Plan(Figures(f => f.FreelistCount = 249), r => r.MinFreePercent = 25);

        Assert.Null(at.SkipReason);
        Assert.Equal(new[] { MaintenanceOperation.Vacuum }, at.Operations);
        Assert.Equal("Free pages are 24.9 % of the database (249 of 1000 pages), below -MinFreePercent 25 %: the vacuum is not worth it yet.", below.SkipReason);
        Assert.Empty(below.Operations);
    }

    [Fact]
    public void An_empty_database_is_vacuumed_at_MinFreePercent_0_and_skipped_above()
    {
        DatabaseFigures empty = Figures(f => { f.PageCount = 0; f.FreelistCount = 0; });

        Assert.Equal(0, empty.FreePercent);
        Assert.Null(Plan(empty, r => r.MinFreePercent = 0).SkipReason);
        Assert.StartsWith("Free pages are 0 % of the database (0 of 0 pages)", Plan(empty, r => r.MinFreePercent = 0.01).SkipReason);
    }

    [Theory]
    [InlineData(0L, "auto_vacuum = NONE")]
    [InlineData(1L, "auto_vacuum = FULL")]
    public void Incremental_needs_auto_vacuum_incremental(long autoVacuum, string named)
    {
        var error = Assert.Throws<SqliteAdminException>(() => Plan(Figures(f => f.AutoVacuum = autoVacuum), r => r.Mode = VacuumMode.Incremental));

        Assert.Equal(ErrorIds.VacuumModeNotApplicable, error.ErrorId);
        Assert.Contains($"'/data/app.db' has {named}; an incremental vacuum works only on auto_vacuum = INCREMENTAL databases.", error.Message);
    }

    [Fact]
    public void Incremental_without_free_pages_is_skipped_but_its_other_steps_run()
    {
        VacuumPlan plan = Plan(Figures(f => { f.AutoVacuum = 2; f.FreelistCount = 0; f.JournalMode = "wal"; }), r =>
        {
            r.Mode = VacuumMode.Incremental;
            r.Analyze = true;
        });

        Assert.Equal("There are no free pages to release.", plan.SkipReason);
        // No vacuum, so no checkpoint of its WAL either: only the asked-for ANALYZE.
        Assert.Equal(new[] { MaintenanceOperation.Analyze }, plan.Operations);
    }

    [Fact]
    public void Every_step_runs_in_order_and_a_wal_database_is_checkpointed_after_a_vacuum()
    {
        VacuumPlan plan = Plan(Figures(f => f.JournalMode = "wal"), r => { r.Analyze = true; r.Optimize = true; r.Reindex = true; });

        Assert.Equal(new[] { MaintenanceOperation.Vacuum, MaintenanceOperation.Reindex, MaintenanceOperation.Analyze, MaintenanceOperation.Optimize, MaintenanceOperation.Checkpoint },
            plan.Operations);
        Assert.Empty(plan.Warnings);
    }

    [Fact]
    public void A_skipped_copy_runs_none_of_its_steps_and_says_so()
    {
        VacuumPlan into = Plan(Figures(), r => { r.Mode = VacuumMode.Into; r.Destination = "/b/app.db"; r.MinFreePercent = 50; r.Analyze = true; });
        VacuumPlan inPlace = Plan(Figures(), r => { r.MinFreePercent = 50; r.Analyze = true; });

        Assert.Empty(into.Operations);
        Assert.Equal("With -VacuumMode Into, -Analyze, -Optimize and -Reindex apply to the new copy; no copy was made, so they did not run.", Assert.Single(into.Warnings));
        Assert.Equal(new[] { MaintenanceOperation.Analyze }, inPlace.Operations);
        Assert.Empty(inPlace.Warnings);
    }

    [Fact]
    public void A_checkpoint_asked_of_a_database_without_wal_is_a_warning_not_a_step()
    {
        VacuumPlan plan = Plan(Figures(), r => r.Checkpoint = true);
        VacuumPlan skippedWal = Plan(Figures(f => f.JournalMode = "wal"), r => { r.Checkpoint = true; r.MinFreePercent = 90; });

        Assert.Equal(new[] { MaintenanceOperation.Vacuum }, plan.Operations);
        Assert.Equal("The database is in journal mode 'delete', not WAL: there is no WAL to checkpoint.", Assert.Single(plan.Warnings));
        // Asked for, the checkpoint of a WAL database runs even when the vacuum is skipped.
        Assert.Equal(new[] { MaintenanceOperation.Checkpoint }, skippedWal.Operations);
    }

    [Fact]
    public void The_plan_is_described_in_words_for_WhatIf()
    {
        var into = new VacuumRequest { Mode = VacuumMode.Into, Destination = "/b/app.db" };
        var incremental = new VacuumRequest { Mode = VacuumMode.Incremental, IncrementalPages = 1000 };

        Assert.Equal("VACUUM (about 1000 KB to reclaim, 25 % free), ANALYZE", Plan(Figures(), r => r.Analyze = true).Describe(new VacuumRequest()));
        Assert.Equal("VACUUM INTO a compacted copy (2.9 MB, 25 % free now)", VacuumPlanner.Plan(Figures(), into).Describe(into));
        Assert.Equal("incremental vacuum of 250 of 250 free pages", VacuumPlanner.Plan(Figures(f => f.AutoVacuum = 2), incremental).Describe(incremental));
    }

    [Theory]
    [InlineData(VacuumMode.Into, null, null, false, null, "needs -Destination")]
    [InlineData(VacuumMode.Full, "x.db", null, false, null, "only used with -VacuumMode Into")]
    [InlineData(VacuumMode.Full, null, 5L, false, null, "only used with -VacuumMode Incremental")]
    [InlineData(VacuumMode.Incremental, null, 0L, false, null, "must be 1 or more")]
    [InlineData(VacuumMode.Into, "x.db", null, true, null, "-Checkpoint changes the database in place")]
    [InlineData(VacuumMode.Full, null, null, false, -0.01, "-MinFreePercent must be between 0 and 100.")]
    [InlineData(VacuumMode.Full, null, null, false, 100.01, "-MinFreePercent must be between 0 and 100.")]
    [InlineData(VacuumMode.Full, null, null, false, double.NaN, "-MinFreePercent must be between 0 and 100.")]
    public void Parameters_that_do_not_fit_are_refused(VacuumMode mode, string? destination, long? pages, bool checkpoint, double? minFree, string expected)
    {
        var request = new VacuumRequest { Path = "app.db", Mode = mode, Destination = destination, IncrementalPages = pages, Checkpoint = checkpoint, MinFreePercent = minFree };

        var error = Assert.Throws<SqliteAdminException>(() => VacuumPlanner.Validate(request));

        Assert.Equal(ErrorIds.InvalidParameterCombination, error.ErrorId);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(100.0)]
    public void MinFreePercent_from_0_to_100_inclusive_is_accepted(double minFree) =>
        VacuumPlanner.Validate(new VacuumRequest { Path = "app.db", MinFreePercent = minFree });

    [Fact]
    public void Needs_on_one_volume_add_up_and_exactly_enough_space_is_enough()
    {
        var volume = new VolumeSpace("/", availableBytes: 1000, totalBytes: 10_000);
        SpaceNeed[] needs = { new(volume, 500, "SQLite's temporary copy"), new(volume, 500, "the rollback journal") };

        Assert.Null(VacuumPlanner.SpaceShortfall("/data/app.db", needs));

        var smaller = new VolumeSpace("/", availableBytes: 999, totalBytes: 10_000);
        SqliteAdminException? error = VacuumPlanner.SpaceShortfall("/data/app.db", needs.Select(n => new SpaceNeed(smaller, n.Bytes, n.Purpose)));
        Assert.NotNull(error);
        Assert.Equal(ErrorIds.InsufficientDiskSpace, error!.ErrorId);
        Assert.StartsWith("Not enough disk space to vacuum '/data/app.db': SQLite's temporary copy and the rollback journal need about 1000 bytes on '/', but only 999 bytes is free. Nothing was changed.",
            error.Message);
    }

    [Fact]
    public void Needs_on_different_or_unknown_volumes_are_judged_apart()
    {
        SpaceNeed[] needs =
        {
            new(new VolumeSpace("/tmp", 1000, 10_000), 1000, "SQLite's temporary copy"),
            new(new VolumeSpace("/data", 1000, 10_000), 1000, "the write-ahead log"),
            new(null, long.MaxValue, "the compacted copy"),
        };

        Assert.Null(VacuumPlanner.SpaceShortfall("/data/app.db", needs));
    }
}
