namespace SqliteAdmin.Core;

/// <summary>
/// Stable error ids. They are public API: scripts match on them, and help documents them.
/// Change one only on purpose, with a CHANGELOG entry.
/// </summary>
internal static class ErrorIds
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
    /// <summary>A hot -journal left by an interrupted transaction must be rolled back before the database can be read; this command does not, or cannot here (read-only folder or medium).</summary>
    public const string HotJournal = "HotJournal";
    /// <summary>A WAL database in a read-only folder or medium: SQLite cannot create its -shm to read it.</summary>
    public const string WalNeedsWritableFolder = "WalNeedsWritableFolder";
    /// <summary>A path was given through a provider other than the file system.</summary>
    public const string NotFileSystemPath = "NotFileSystemPath";
    /// <summary>The native SQLite library has no build for this operating system and processor.</summary>
    public const string NativeLibraryUnsupportedPlatform = "NativeLibraryUnsupportedPlatform";
    /// <summary>The native SQLite library for this platform is missing from the module folder or failed to load.</summary>
    public const string NativeLibraryLoadFailed = "NativeLibraryLoadFailed";
    /// <summary>The passphrase (or the environment variable meant to hold it) is empty or missing.</summary>
    public const string EmptyPassphrase = "EmptyPassphrase";
    /// <summary>More than one of -Passphrase, -Credential and -PassphraseVariable was given, or a passphrase without -Encrypt.</summary>
    public const string AmbiguousPassphrase = "AmbiguousPassphrase";
    /// <summary>-Encrypt was given without a passphrase.</summary>
    public const string PassphraseRequired = "PassphraseRequired";
    /// <summary>A file expected to be OpenSSL-encrypted does not start with "Salted__".</summary>
    public const string NotEncrypted = "NotEncrypted";
    /// <summary>Decryption failed or the HMAC does not match: wrong passphrase, or the backup is corrupt or tampered with.</summary>
    public const string WrongPassphraseOrCorrupt = "WrongPassphraseOrCorrupt";
    /// <summary>A backup's size or SHA-256 does not match its manifest.</summary>
    public const string BackupCorrupt = "BackupCorrupt";
    /// <summary>A backup's manifest is missing, unreadable, or does not belong to it.</summary>
    public const string ManifestInvalid = "ManifestInvalid";
    /// <summary>A file given as a backup does not have a SqliteAdmin backup name.</summary>
    public const string NotABackup = "NotABackup";
    /// <summary>An archive holds a link, a device, an absolute name or one that climbs out with "..": it is refused as a whole.</summary>
    public const string ArchiveUnsafe = "ArchiveUnsafe";
    /// <summary>An archive restore was asked for a database the archive does not hold, or has no destination for one.</summary>
    public const string ArchiveMemberNotFound = "ArchiveMemberNotFound";
    /// <summary>Two databases with one file name were given for one archive, or one named like the archive's own description.</summary>
    public const string ArchiveMemberConflict = "ArchiveMemberConflict";
    /// <summary>A retention span such as 30d or 1y2m could not be read.</summary>
    public const string InvalidSpan = "InvalidSpan";
    /// <summary>Remove-ExpiredBackup was given no rule: it would remove everything.</summary>
    public const string EmptyRetentionPolicy = "EmptyRetentionPolicy";
    /// <summary>A backup (or its manifest or side file) could not be removed.</summary>
    public const string RemoveFailed = "RemoveFailed";
    /// <summary>More than one backup was piped to one restore destination.</summary>
    public const string MoreThanOneBackup = "MoreThanOneBackup";
    /// <summary>A table named with -Table does not exist.</summary>
    public const string TableNotFound = "TableNotFound";
    /// <summary>The backup file to restore does not exist.</summary>
    public const string BackupNotFound = "BackupNotFound";
    /// <summary>No verified backup matched (database, -Before) in the folder.</summary>
    public const string NoBackupFound = "NoBackupFound";
    /// <summary>The backup would have held a rollback-journal database's writers off longer than -MaxWriterBlock; nothing was kept.</summary>
    public const string WriterBlockLimit = "WriterBlockLimit";
    /// <summary>Backups of another database already use this series name in the destination folder (give -Name).</summary>
    public const string BackupSeriesConflict = "BackupSeriesConflict";
    /// <summary>Another backup of the same series into the same folder is running (the busy timeout ran out waiting).</summary>
    public const string BackupInProgress = "BackupInProgress";
    /// <summary>A -Name that cannot start a backup file name.</summary>
    public const string InvalidSeriesName = "InvalidSeriesName";
    /// <summary>The backups of that name are of another database than the existing destination; restoring them by name would replace it.</summary>
    public const string BackupOfAnotherDatabase = "BackupOfAnotherDatabase";
    /// <summary>The restore destination is a symbolic link; the database file itself must be named.</summary>
    public const string DestinationIsLink = "DestinationIsLink";
    /// <summary>The restore destination is the backup itself, its manifest or its .sha256: restoring would destroy the backup.</summary>
    public const string DestinationIsBackup = "DestinationIsBackup";
    /// <summary>Backups of several databases share the name given to -Database and none is of the destination.</summary>
    public const string AmbiguousBackupSeries = "AmbiguousBackupSeries";
    /// <summary>A folder of backups was given without -Database.</summary>
    public const string DatabaseNameRequired = "DatabaseNameRequired";
    /// <summary>Another process has the database open; it is not restored or changed.</summary>
    public const string DatabaseInUse = "DatabaseInUse";
    /// <summary>After the swap the database did not match the backup; the original was put back.</summary>
    public const string RestoreVerificationFailed = "RestoreVerificationFailed";
    /// <summary>The folder given to list backups in does not exist.</summary>
    public const string BackupFolderNotFound = "BackupFolderNotFound";
    /// <summary>The destination folder cannot be created or written.</summary>
    public const string DestinationNotWritable = "DestinationNotWritable";
    /// <summary>The copy failed its integrity check after the backup; nothing was kept.</summary>
    public const string BackupVerificationFailed = "BackupVerificationFailed";
    /// <summary>Writers kept restarting the online backup more often than allowed.</summary>
    public const string BackupRestartLimit = "BackupRestartLimit";
    /// <summary>A side file given with -IncludeFile could not be read.</summary>
    public const string IncludeFileNotFound = "IncludeFileNotFound";
    /// <summary>Copying the finished backup to a -CopyTo folder failed; the primary backup is kept.</summary>
    public const string CopyFailed = "CopyFailed";
    /// <summary>Not enough free disk space for the work (VACUUM's temporary copy and journal, a VACUUM INTO copy).</summary>
    public const string InsufficientDiskSpace = "InsufficientDiskSpace";
    /// <summary>The file to create already exists; SqliteAdmin never overwrites it.</summary>
    public const string DestinationExists = "DestinationExists";
    /// <summary>The requested vacuum mode cannot work on this database (e.g. Incremental without auto_vacuum = INCREMENTAL).</summary>
    public const string VacuumModeNotApplicable = "VacuumModeNotApplicable";
    /// <summary>Parameters that cannot be used together, or a value out of place.</summary>
    public const string InvalidParameterCombination = "InvalidParameterCombination";
    /// <summary>A column named by a parameter does not exist in the table.</summary>
    public const string ColumnNotFound = "ColumnNotFound";
    /// <summary>SQLite refused to prepare the SQL (syntax error, unknown table or column); the message says where.</summary>
    public const string QueryInvalid = "QueryInvalid";
    /// <summary>The SQL would change the database, which is open read-only (give -ReadWrite); nothing was run.</summary>
    public const string WriteNotAllowed = "WriteNotAllowed";
    /// <summary>A statement failed while it ran (a constraint, a function error).</summary>
    public const string QueryFailed = "QueryFailed";
    /// <summary>The SQL uses a parameter that -Parameter gives no value for, or a positional (?) parameter.</summary>
    public const string QueryParameterMissing = "QueryParameterMissing";
    /// <summary>A -Parameter value SQLite cannot hold (not a number, text, date, byte array or null), or a name given twice.</summary>
    public const string QueryParameterInvalid = "QueryParameterInvalid";
    /// <summary>The export file could not be written (disk full, permissions); nothing was left under its name.</summary>
    public const string ExportWriteFailed = "ExportWriteFailed";
    /// <summary>The user stopped the operation (Ctrl+C).</summary>
    public const string OperationStopped = "OperationStopped";
    /// <summary>Repair-SqliteDatabase could not read the damaged database's schema (sqlite_schema on page 1), so no table could be salvaged.</summary>
    public const string SchemaUnreadable = "SchemaUnreadable";
    /// <summary>The database salvaged by Repair-SqliteDatabase failed its integrity check, or (with -Replace) its swap could not be verified; nothing was kept.</summary>
    public const string RepairVerificationFailed = "RepairVerificationFailed";
    /// <summary>The damaged database was written while it was repaired; with -Replace nothing was swapped in.</summary>
    public const string DatabaseChangedDuringRepair = "DatabaseChangedDuringRepair";
    /// <summary>An unexpected failure; the message and inner exception say more.</summary>
    public const string UnexpectedError = "UnexpectedError";
}
