using System;
using SqliteAdmin.Core;

namespace SqliteAdmin;

/// <summary>
/// The one exception SqliteAdmin.Core throws for a failure a user should see: a stable error id
/// (public API, used as the ErrorRecord's FullyQualifiedErrorId) and a category.
/// </summary>
public sealed class SqliteAdminException : Exception
{
    /// <summary>Creates an exception with a stable error id, a category and a message for the user.</summary>
    public SqliteAdminException(string errorId, SqliteAdminErrorCategory category, string message, string? target = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
    }

    /// <summary>Stable identifier of the failure (see <see cref="ErrorIds"/>).</summary>
    public string ErrorId { get; }

    /// <summary>What kind of failure this is; maps one-to-one to PowerShell's ErrorCategory.</summary>
    public SqliteAdminErrorCategory Category { get; }

    /// <summary>The path or object the failure is about, if any.</summary>
    public string? Target { get; }
}

/// <summary>
/// The subset of PowerShell's <c>ErrorCategory</c> that SqliteAdmin uses. Names match exactly so the
/// cmdlet layer maps by name without Core referencing System.Management.Automation.
/// </summary>
public enum SqliteAdminErrorCategory
{
    /// <summary>Nothing more specific applies.</summary>
    NotSpecified,
    /// <summary>Reading or writing a file failed.</summary>
    ReadError,
    /// <summary>Writing a file failed.</summary>
    WriteError,
    /// <summary>A file or database does not exist.</summary>
    ObjectNotFound,
    /// <summary>The input is not what was expected (not an SQLite file, corrupt, wrong passphrase).</summary>
    InvalidData,
    /// <summary>A parameter value is not acceptable.</summary>
    InvalidArgument,
    /// <summary>The operation cannot run in the current state.</summary>
    InvalidOperation,
    /// <summary>Another process holds a lock.</summary>
    ResourceBusy,
    /// <summary>A target already exists and will not be overwritten.</summary>
    ResourceExists,
    /// <summary>Access was denied by the operating system.</summary>
    PermissionDenied,
    /// <summary>Not enough disk or other resources.</summary>
    ResourceUnavailable,
    /// <summary>The platform is not supported.</summary>
    NotImplemented,
    /// <summary>The user stopped the operation.</summary>
    OperationStopped,
}
