using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace SqliteAdmin.Core.IO;

/// <summary>
/// Windows: creates a file with an explicit, protected DACL that grants only the current user, in
/// the same call that creates it (no window in which the folder's inherited ACL applies). Reached
/// by reflection because netstandard2.0 has no ACL types: FileSystemAclExtensions.Create on .NET
/// (PowerShell 7), the FileStream constructor that takes a FileSecurity on .NET Framework
/// (Windows PowerShell 5.1). If those APIs cannot be reached, returns null and the caller creates
/// the file as before (the folder's ACL applies). Not run by this repository's Linux CI; the
/// WindowsOnly Pester test checks it on Windows.
/// </summary>
internal static class WindowsOwnerOnly
{
    private const int FullControl = 0x1F01FF;         // FileSystemRights.FullControl
    private const int Allow = 0;                      // AccessControlType.Allow

    public static FileStream? TryCreateNew(string path, int bufferSize)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }
        object? security;
        try
        {
            security = OwnerOnlySecurity();
        }
        catch (Exception ex) when (ex is TargetInvocationException || ex is MissingMemberException || ex is TypeLoadException || ex is InvalidCastException || ex is ArgumentException || ex is NullReferenceException)
        {
            return null;
        }
        if (security == null)
        {
            return null;
        }
        try
        {
            Type rightsType = security.GetType().Assembly.GetType("System.Security.AccessControl.FileSystemRights")!;
            object rights = Enum.ToObject(rightsType, FullControl);
            Type? extensions = Type.GetType("System.IO.FileSystemAclExtensions, System.IO.FileSystem.AccessControl");
            MethodInfo? create = extensions?.GetMethod("Create", new[]
            {
                typeof(FileInfo), typeof(FileMode), rightsType, typeof(FileShare), typeof(int), typeof(FileOptions), security.GetType(),
            });
            if (create != null)
            {
                return (FileStream)create.Invoke(null, new object[] { new FileInfo(path), FileMode.CreateNew, rights, FileShare.Read, bufferSize, FileOptions.None, security })!;
            }
            ConstructorInfo? framework = typeof(FileStream).GetConstructor(new[]
            {
                typeof(string), typeof(FileMode), rightsType, typeof(FileShare), typeof(int), typeof(FileOptions), security.GetType(),
            });
            return framework == null ? null
                : (FileStream)framework.Invoke(new object[] { path, FileMode.CreateNew, rights, FileShare.Read, bufferSize, FileOptions.None, security });
        }
        catch (TargetInvocationException tie) when (tie.InnerException is IOException && File.Exists(path))
        {
            // The file exists: the same error as a plain create, unwrapped.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(tie.InnerException).Throw();
            throw;
        }
        catch (Exception ex) when (ex is TargetInvocationException || ex is MissingMemberException || ex is ArgumentException || ex is InvalidCastException || ex is NullReferenceException)
        {
            // The ACL API refused this call (e.g. a share that takes no explicit security
            // descriptor, an anonymous token): create as before, under the folder's ACL.
            return null;
        }
    }

    /// <summary>A FileSecurity with inheritance off and one rule: full control for the current user.</summary>
    private static object? OwnerOnlySecurity()
    {
        Type? securityType = Type.GetType("System.Security.AccessControl.FileSecurity, System.IO.FileSystem.AccessControl")
                             ?? Type.GetType("System.Security.AccessControl.FileSecurity, mscorlib");
        Type? identityType = Type.GetType("System.Security.Principal.WindowsIdentity, System.Security.Principal.Windows")
                             ?? Type.GetType("System.Security.Principal.WindowsIdentity, mscorlib");
        if (securityType == null || identityType == null)
        {
            return null;
        }
        object identity = identityType.GetMethod("GetCurrent", Type.EmptyTypes)!.Invoke(null, null)!;
        object user = identityType.GetProperty("User")!.GetValue(identity)!;
        Assembly acl = securityType.Assembly;
        Type ruleType = acl.GetType("System.Security.AccessControl.FileSystemAccessRule")!;
        Type rightsType = acl.GetType("System.Security.AccessControl.FileSystemRights")!;
        Type controlType = Type.GetType("System.Security.AccessControl.AccessControlType, " + acl.FullName)
                           ?? Type.GetType("System.Security.AccessControl.AccessControlType, System.Security.AccessControl")
                           ?? Type.GetType("System.Security.AccessControl.AccessControlType, mscorlib")!;
        Type identityReference = user.GetType().BaseType!; // SecurityIdentifier : IdentityReference
        object rule = ruleType.GetConstructor(new[] { identityReference, rightsType, controlType })!
            .Invoke(new[] { user, Enum.ToObject(rightsType, FullControl), Enum.ToObject(controlType, Allow) });
        object security = Activator.CreateInstance(securityType)!;
        securityType.GetMethod("SetAccessRuleProtection")!.Invoke(security, new object[] { true, false });
        securityType.GetMethod("AddAccessRule", new[] { ruleType })!.Invoke(security, new[] { rule });
        return security;
    }
}
