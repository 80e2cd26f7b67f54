using System;
using System.IO;
using System.Management.Automation;
using SqliteAdmin.Core;

namespace SqliteAdmin;

/// <summary>Turns exceptions from Core into ErrorRecords with a stable error id and category.</summary>
internal static class ErrorRecordFactory
{
    public static ErrorRecord Create(Exception exception, object? target) => exception switch
    {
        SqliteAdminException sae => new ErrorRecord(sae, sae.ErrorId, MapCategory(sae.Category), target ?? sae.Target),
        OperationCanceledException oce => new ErrorRecord(oce, ErrorIds.OperationStopped, ErrorCategory.OperationStopped, target),
        UnauthorizedAccessException uae => new ErrorRecord(uae, "PermissionDenied", ErrorCategory.PermissionDenied, target),
        IOException ioe => new ErrorRecord(ioe, "IOError", ErrorCategory.WriteError, target),
        // PowerShell's own failures (a confirmation prompt in a host that cannot prompt) keep their id.
        IContainsErrorRecord { ErrorRecord: not null } ps => new ErrorRecord(exception, ps.ErrorRecord.FullyQualifiedErrorId.Split(',')[0], ps.ErrorRecord.CategoryInfo.Category, target),
        _ => new ErrorRecord(exception, ErrorIds.UnexpectedError, ErrorCategory.NotSpecified, target),
    };

    /// <summary>Core's categories have PowerShell's names; map by name.</summary>
    internal static ErrorCategory MapCategory(SqliteAdminErrorCategory category) =>
        Enum.TryParse(category.ToString(), out ErrorCategory mapped) ? mapped : ErrorCategory.NotSpecified;
}
