using System;

namespace SqliteAdmin.Core.Repair;

/// <summary>Everything Repair-SqliteDatabase was asked to do.</summary>
internal sealed class RepairRequest
{
    /// <summary>The damaged database; only ever read (through a private copy).</summary>
    public string Source { get; set; } = "";
    /// <summary>The new file to build; ignored with <see cref="Replace"/>.</summary>
    public string? Destination { get; set; }
    /// <summary>Overwrite an existing <see cref="Destination"/>.</summary>
    public bool Force { get; set; }
    /// <summary>Swap the salvaged database in for the damaged one, keeping a safety copy, as a restore does.</summary>
    public bool Replace { get; set; }
    /// <summary>With <see cref="Replace"/>: folder for the safety copy; default <c>before_restore</c> beside the database.</summary>
    public string? SafetyCopyFolder { get; set; }
    /// <summary>How long to wait for locks.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>The clock (UTC), for the safety copy's folder name.</summary>
    public Func<DateTime> UtcNow { get; set; } = () => DateTime.UtcNow;
    /// <summary>Tests only: called once the damaged database has been copied, before the salvage reads the copy.</summary>
    internal Action? AfterCopy { get; set; }
}
