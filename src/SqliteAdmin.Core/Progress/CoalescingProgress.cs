using System;

namespace SqliteAdmin.Core.Progress;

/// <summary>
/// Passes on at most one report per whole-percent change, plus the first and the Completed one.
/// Core reports per step or per buffer (a 10 GB backup hashes about 10 000 buffers), and each
/// report that reaches PowerShell is a ProgressRecord the host renders or, in a scheduled task,
/// formats and throws away. A report without a percentage (-1) is passed on when its status
/// text differs from the last one passed on. Safe to call from several threads.
/// </summary>
internal sealed class CoalescingProgress : IProgress<OperationProgress>
{
    private readonly IProgress<OperationProgress> _inner;
    private readonly object _gate = new();
    private bool _any;
    private int _lastPercent;
    private string? _lastStatus;

    /// <summary>Wraps <paramref name="inner"/>, which receives the reports that are kept.</summary>
    public CoalescingProgress(IProgress<OperationProgress> inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The number of reports passed on so far.</summary>
    public int Written { get; private set; }

    /// <summary>The number of reports received so far.</summary>
    public int Received { get; private set; }

    /// <inheritdoc />
    public void Report(OperationProgress value)
    {
        if (value == null)
        {
            return;
        }
        int percent = Math.Min(100, value.PercentComplete);
        lock (_gate)
        {
            Received++;
            bool keep = !_any || value.Completed || percent != _lastPercent
                        || (percent < 0 && !string.Equals(value.Status, _lastStatus, StringComparison.Ordinal));
            if (!keep)
            {
                return;
            }
            _any = true;
            _lastPercent = percent;
            _lastStatus = value.Status;
            Written++;
            // Under the lock, so the reports keep their order on their way to the pipeline thread.
            _inner.Report(value);
        }
    }
}
