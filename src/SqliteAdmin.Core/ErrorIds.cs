namespace SqliteAdmin.Core;

/// <summary>
/// Stable error ids. They are public API: scripts match on them, and help documents them.
/// Change one only on purpose, with a CHANGELOG entry.
/// </summary>
public static class ErrorIds
{
    /// <summary>The database file does not exist.</summary>
    public const string DatabaseNotFound = "DatabaseNotFound";
    /// <summary>The path is a directory, not a database file.</summary>
    public const string PathIsDirectory = "PathIsDirectory";
    /// <summary>The file exists but is not an SQLite database (empty, text, random bytes, encrypted).</summary>
    public const string NotADatabase = "NotADatabase";
    /// <summary>The database is locked by another process and the lock did not clear within the busy timeout.</summary>
    public const string DatabaseLocked = "DatabaseLocked";
    /// <summary>SQLite reported the database image as malformed.</summary>
    public const string DatabaseCorrupt = "DatabaseCorrupt";
    /// <summary>The file could not be opened or read (permissions, I/O error).</summary>
    public const string DatabaseUnreadable = "DatabaseUnreadable";
    /// <summary>A path was given through a provider other than the file system.</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";
    /// <summary>The native SQLite library has no build for this operating system and processor.</summary>
    public const string NativeLibraryUnsupportedPlatform = "NativeLibraryUnsupportedPlatform";
    /// <summary>The native SQLite library for this platform is missing from the module folder or failed to load.</summary>
    public const string NativeLibraryLoadFailed = "NativeLibraryLoadFailed";
    /// <summary>The user stopped the operation (Ctrl+C).</summary>
    public const string OperationStopped = "OperationStopped";
    /// <summary>An unexpected failure; the message and inner exception say more.</summary>
    public const string UnexpectedError = "UnexpectedError";
}
