using System;
using SqliteAdmin.Core.Progress;

namespace SqliteAdmin.Core.Tests;

/// <summary>An IProgress that calls back synchronously, on the reporting thread.</summary>
internal sealed class CallbackProgress : IProgress<OperationProgress>
{
    private readonly Action<OperationProgress> _callback;

    public CallbackProgress(Action<OperationProgress> callback) => _callback = callback;

    public void Report(OperationProgress value) => _callback(value);
}
