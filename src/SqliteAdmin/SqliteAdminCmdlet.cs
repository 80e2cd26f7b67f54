using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using SqliteAdmin.Core;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin;

/// <summary>
/// Base of every SqliteAdmin cmdlet: provider path resolution, Ctrl+C as a CancellationToken,
/// Core progress as Write-Progress on the pipeline thread, and Core exceptions as ErrorRecords.
/// Nothing else belongs here or in the cmdlets: the logic lives in SqliteAdmin.Core.
/// </summary>
public abstract class SqliteAdminCmdlet : PSCmdlet, IDisposable
{
    private CancellationTokenSource? _stop;
    private static int _nextActivityId = 1;
    private readonly int _activityId = Interlocked.Increment(ref _nextActivityId);

    /// <summary>Cancelled when the user presses Ctrl+C (StopProcessing).</summary>
    protected CancellationToken StopToken => _stop?.Token ?? CancellationToken.None;

    /// <summary>
    /// Creates the cancellation source (EndProcessing does not run after a stop, Dispose does), then
    /// checks the invocation once: a SqliteAdminException from <see cref="PrepareInvocation"/> is a
    /// terminating error.
    /// </summary>
    protected override void BeginProcessing()
    {
        _stop = new CancellationTokenSource();
        try
        {
            RefuseUnreadableDurations();
            PrepareInvocation();
        }
        catch (SqliteAdminException ex)
        {
            ThrowTerminatingError(ErrorRecordFactory.Create(ex, null));
        }
    }

    /// <summary>A duration parameter given something that is not a duration (see DurationArgumentAttribute) is InvalidSpan.</summary>
    private void RefuseUnreadableDurations()
    {
        foreach (object? value in MyInvocation.BoundParameters.Values)
        {
            if (value is Duration { Unparsed: string text } invalid)
            {
                throw Duration.Unreadable(text, invalid.UnparsedWhy);
            }
        }
    }

    /// <summary>Parses and checks parameters once, before any input; throw SqliteAdminException for a bad invocation.</summary>
    protected virtual void PrepareInvocation()
    {
    }

    /// <summary>Ctrl+C: cancel whatever Core is doing.</summary>
    protected override void StopProcessing()
    {
        _stop?.Cancel();
    }

    /// <summary>Releases the cancellation source and whatever the cmdlet holds; runs even after Ctrl+C.</summary>
    public void Dispose()
    {
        ReleaseResources();
        _stop?.Dispose();
        _stop = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>Override to release what a cmdlet holds (a passphrase); called from Dispose.</summary>
    protected virtual void ReleaseResources()
    {
    }

    /// <summary>
    /// Resolves -Path (wildcards) or -LiteralPath (no wildcards) through the PowerShell provider,
    /// as Get-FileHash does, so relative paths follow the current PowerShell location. A path that
    /// is not in the file system, or a non-wildcard -Path that does not exist (unless
    /// <see cref="MissingFilesAreInput"/>), is a non-terminating error and the others continue.
    /// </summary>
    protected IEnumerable<string> ResolveFileSystemPaths(string[]? paths, bool literal, string notFoundErrorId)
    {
        if (paths == null)
        {
            yield break;
        }
        foreach (string path in paths)
        {
            List<string> resolved = new();
            ProviderInfo? provider = null;
            try
            {
                if (literal)
                {
                    resolved.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
                }
                else
                {
                    Collection<string> matches = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
                    resolved.AddRange(matches);
                }
            }
            catch (ItemNotFoundException ex)
            {
                if (WildcardPattern.ContainsWildcardCharacters(path))
                {
                    OnWildcardMatchedNothing(path);
                    continue;
                }
                if (!MissingFilesAreInput)
                {
                    WriteError(new ErrorRecord(new ItemNotFoundException($"Cannot find path '{path}' because it does not exist.", ex),
                        notFoundErrorId, ErrorCategory.ObjectNotFound, path));
                    OnPathNotResolved(path);
                    continue;
                }
                resolved.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
            }
            catch (Exception ex) when (ex is ProviderNotFoundException || ex is System.Management.Automation.DriveNotFoundException || ex is NotSupportedException || ex is ArgumentException)
            {
                WriteError(new ErrorRecord(ex, ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
                OnPathNotResolved(path);
                continue;
            }

            if (provider == null || !string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
            {
                WriteError(new ErrorRecord(
                    new ArgumentException($"'{path}' is not a file system path (provider '{provider?.Name}')."),
                    ErrorIds.NotFileSystemPath, ErrorCategory.InvalidArgument, path));
                OnPathNotResolved(path);
                continue;
            }
            if (resolved.Count == 0 && !literal)
            {
                OnWildcardMatchedNothing(path);
            }
            foreach (string item in resolved)
            {
                yield return item;
            }
        }
    }

    /// <summary>Called after the error for a path that could not be resolved has been written.</summary>
    protected virtual void OnPathNotResolved(string path)
    {
    }

    /// <summary>
    /// When true, a -Path without wildcards that does not exist is passed on as input, for the
    /// cmdlet to report itself (Test-SqliteHealth: a Fail row), instead of being an error here.
    /// </summary>
    protected virtual bool MissingFilesAreInput => false;

    /// <summary>Called for a wildcard -Path that matches nothing (by default that is silently no input, as in Get-Item).</summary>
    protected virtual void OnWildcardMatchedNothing(string path)
    {
    }

    /// <summary>
    /// ShouldProcess where -Force skips the confirmation prompt (ConfirmImpact High) but never
    /// -WhatIf: with -Force and -WhatIf the "What if" line is still written and nothing is done.
    /// An explicit -Confirm still prompts.
    /// </summary>
    protected bool ShouldProcessUnlessForced(bool force, string target, string action)
    {
        if (!force || MyInvocation.BoundParameters.ContainsKey("Confirm"))
        {
            return ShouldProcess(target, action);
        }
        bool whatIf = MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? bound)
            ? ((SwitchParameter)bound).IsPresent
            : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
        if (whatIf)
        {
            ShouldProcess(target, action);
            return false;
        }
        return true;
    }

    // Destination files written (or being written) by this invocation: see ClaimDestination.
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>
    /// Claims a destination file for one input of this invocation. A file that an earlier input of
    /// the same call wrote is never replaced by a later one, even with -Force: that is a
    /// <see cref="ErrorIds.DestinationExists"/> error for the later input, whose work is not done.
    /// <paramref name="notDone"/> ends the message ("was not repaired. Give -Destination a folder.").
    /// </summary>
    protected void ClaimDestination(string destination, string input, string notDone)
    {
        if (!_written.Add(destination))
        {
            throw new SqliteAdminException(ErrorIds.DestinationExists, SqliteAdminErrorCategory.ResourceExists,
                $"'{destination}' was written by this command for another input; '{input}' {notDone}", input);
        }
    }

    /// <summary>Gives a claim back when the input's work was not done after all (declined by ShouldProcess).</summary>
    protected void ReleaseDestination(string destination) => _written.Remove(destination);

    /// <summary>
    /// A file-system path for a parameter that names a file or folder that may not exist yet
    /// (-Destination, -CopyTo): resolved against the current PowerShell location, no wildcards.
    /// </summary>
    protected string FileSystemPath(string path)
    {
        string resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out ProviderInfo provider, out _);
        if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
        {
            throw new SqliteAdminException(ErrorIds.NotFileSystemPath, SqliteAdminErrorCategory.InvalidArgument,
                $"'{path}' is not a file system path (provider '{provider.Name}').", path);
        }
        return resolved;
    }

    /// <summary>
    /// Runs Core work on a worker thread while this (the pipeline) thread writes its progress, so
    /// Write-Progress is only ever called from the pipeline thread; at most one record per
    /// whole-percent change (plus the first and Completed). Exceptions come back unchanged.
    /// </summary>
    private protected T RunWithProgress<T>(Func<IProgress<OperationProgress>, CancellationToken, T> work)
    {
        using var reports = new BlockingCollection<OperationProgress>();
        // Coalesced where Core reports, before the queue: one record per whole percent reaches the host.
        var progress = new CoalescingProgress(new QueuedProgress(reports));
        CancellationToken stopping = StopToken;
        Task<T> task = Task.Run(() =>
        {
            try
            {
                return work(progress, stopping);
            }
            finally
            {
                reports.CompleteAdding();
            }
        });
        try
        {
            foreach (OperationProgress report in reports.GetConsumingEnumerable())
            {
                WriteProgress(ToProgressRecord(report));
            }
        }
        finally
        {
            // After a stop, let Core finish its cleanup (temp files) before the pipeline unwinds.
            try
            {
                task.Wait();
            }
            catch (AggregateException)
            {
                // Observed below, or superseded by the stop.
            }
        }
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// The per-input loop of every cmdlet: each path is processed in turn; a failure on one is
    /// written as a non-terminating error (its target the path; then <paramref name="failed"/>) and
    /// the rest continue. PowerShell's own exceptions pass through as they did before this loop was
    /// shared: Ctrl+C (PipelineStoppedException), a confirmation prompt the host cannot show, a
    /// command further down the pipeline that throws, -ErrorAction/-WarningAction Stop — they end
    /// the statement, so a script's try/catch sees them.
    /// </summary>
    protected void ForEachPath(IEnumerable<string> paths, Action<string> process, Action<string>? failed = null)
    {
        foreach (string path in paths)
        {
            if (!Attempt(path, () => process(path)))
            {
                failed?.Invoke(path);
            }
        }
    }

    /// <summary>
    /// One unit of work on one target with the per-input error policy of <see cref="ForEachPath"/>:
    /// a failure is written as a non-terminating error about <paramref name="target"/> (false is
    /// returned); PowerShell's own exceptions pass through.
    /// </summary>
    protected bool Attempt(object target, Action work)
    {
        try
        {
            work();
            return true;
        }
        catch (Exception ex) when (ex is not RuntimeException and not PSInvalidOperationException)
        {
            WriteFailure(ex, target);
            return false;
        }
    }

    /// <summary>
    /// Reports a failure on one input as a non-terminating error. A stop becomes
    /// PipelineStoppedException so the pipeline ends as PowerShell expects.
    /// </summary>
    protected void WriteFailure(Exception exception, object? target)
    {
        if (exception is OperationCanceledException && StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        WriteError(ErrorRecordFactory.Create(exception, target));
    }

    private ProgressRecord ToProgressRecord(OperationProgress report)
    {
        var record = new ProgressRecord(_activityId, report.Activity, report.Status)
        {
            PercentComplete = Math.Min(100, report.PercentComplete),
            RecordType = report.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        if (report.CurrentOperation != null)
        {
            record.CurrentOperation = report.CurrentOperation;
        }
        return record;
    }

    /// <summary>An IProgress that queues reports for the pipeline thread (Progress&lt;T&gt; would post to a sync context PowerShell does not have).</summary>
    private sealed class QueuedProgress : IProgress<OperationProgress>
    {
        private readonly BlockingCollection<OperationProgress> _queue;

        public QueuedProgress(BlockingCollection<OperationProgress> queue) => _queue = queue;

        public void Report(OperationProgress value)
        {
            if (!_queue.IsAddingCompleted)
            {
                _queue.TryAdd(value);
            }
        }
    }
}
