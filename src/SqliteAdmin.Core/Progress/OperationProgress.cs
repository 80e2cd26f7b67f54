namespace SqliteAdmin.Core.Progress;

/// <summary>
/// One progress report from a long operation. Core reports these through
/// <see cref="System.IProgress{T}"/>; the cmdlet layer turns them into Write-Progress on the
/// pipeline thread. Operations stop promptly when their CancellationToken is cancelled.
/// </summary>
internal sealed class OperationProgress
{
    /// <summary>Creates a report.</summary>
    public OperationProgress(string activity, string status, int percentComplete = -1, string? currentOperation = null)
    {
        Activity = activity;
        Status = status;
        PercentComplete = percentComplete;
        CurrentOperation = currentOperation;
    }

    /// <summary>What is being done, e.g. "Backing up app.db".</summary>
    public string Activity { get; }

    /// <summary>Where it stands, e.g. "Copied 1200 of 5000 pages".</summary>
    public string Status { get; }

    /// <summary>0–100, or -1 when unknown.</summary>
    public int PercentComplete { get; }

    /// <summary>The current step, if any.</summary>
    public string? CurrentOperation { get; }

    /// <summary>True when this report closes the activity.</summary>
    public bool Completed { get; set; }
}
