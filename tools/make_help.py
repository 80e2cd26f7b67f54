#!/usr/bin/env python3
"""Generates module/en-US/SqliteAdmin.dll-Help.xml (MAML) from the specs below.

Edit the spec, run `python3 tools/make_help.py`, commit both. The module tests check that every
cmdlet and every parameter is documented and that every cmdlet has at least two examples.
"""
from xml.sax.saxutils import escape
import os

PATH_PARAMS = [
    dict(name="Path", type="String[]", required=True, position="0", pipeline="True (ByPropertyName, ByValue)", globbing=True, sets=["Path"],
         desc="Path of one or more database files. Wildcards are expanded; relative paths are resolved against the current PowerShell location. Accepts strings from the pipeline and objects with a Path property (such as the output of Get-SqliteDatabase)."),
    dict(name="LiteralPath", type="String[]", required=True, pipeline="True (ByPropertyName)", aliases="PSPath, LP, FullName", sets=["LiteralPath"],
         desc="Path of one or more database files, used exactly as typed: characters such as [ and ] are not wildcards. Files from Get-ChildItem bind here through their PSPath property."),
    dict(name="BusyTimeout", type="Int32", default="30",
         desc="Seconds to wait for another process's lock to clear before failing with the error id DatabaseLocked. Default 30; 0 fails at once."),
]

SYNC_PARAMS = [
    dict(name="Table", type="String", default="sync_log", desc="The sync log table. Looked up in the schema (without regard to case) as a value, never pasted into SQL; a name that does not exist, however it is written, is the error TableNotFound and lists the tables there are."),
    dict(name="TimestampColumn", type="String", default="timestamp", desc="Column with the time of each sync: SQLite date text ('YYYY-MM-DD HH:MM:SS', ISO-8601 with T, fractional seconds, a Z or +hh:mm zone), Julian day numbers, or Unix seconds or milliseconds (numbers or digits in text). A column that does not exist is the error ColumnNotFound, naming the parameter and the columns there are."),
    dict(name="StatusColumn", type="String", default="status", desc="Column with each sync's outcome."),
    dict(name="PulledColumn", type="String", default="records_pulled", desc="Column with the records pulled from the master."),
    dict(name="PushedColumn", type="String", default="records_pushed", desc="Column with the records pushed to the master."),
    dict(name="ConflictsColumn", type="String", default="conflicts", desc="Column with the number of conflicts."),
    dict(name="DurationColumn", type="String", default="duration_ms", desc="Column with the duration in milliseconds."),
    dict(name="LocalTimestamps", type="SwitchParameter", default="False", desc="Timestamps written without a zone are local time (as Python's datetime.now() writes them). By default they are UTC, as SQLite's datetime('now') writes them. Timestamps with a zone are always read with it."),
]

SYNC_THRESHOLDS = [
    dict(name="StaleAfter", type="String", default="4h", desc="Critical when no sync has succeeded for this long: hours, days or weeks (4h, 1d) or a TimeSpan (00:30:00)."),
    dict(name="MaxConflictPercent", type="Double", default="5", desc="Warning when more than this percentage of syncs had conflicts (seed 003: 5)."),
    dict(name="MaxFailurePercent", type="Double", default="10", desc="Critical when more than this percentage of syncs failed (seed 003: 10)."),
    dict(name="BusinessHours", type="String", desc="When syncs are expected, such as 08:00-18:00 in local time: staleness counts only business time, so a quiet night or weekend is not an alert."),
    dict(name="BusinessDays", type="DayOfWeek[]", default="Monday to Friday", desc="The days -BusinessHours applies to."),
]

PASS_PARAMS = [
    dict(name="Passphrase", type="SecureString",
         desc="The passphrase as a SecureString, for example from Read-Host -AsSecureString or Get-Secret. There is deliberately no plain-text passphrase parameter: PSReadLine would save it in the history file."),
    dict(name="Credential", type="PSCredential",
         desc="The passphrase as the password of a credential (Get-Credential, or a credential from Export-Clixml); the user name is ignored."),
    dict(name="PassphraseVariable", type="String",
         desc="The name (not the value) of an environment variable that holds the passphrase, for scheduled tasks: -PassphraseVariable BACKUP_ENCRYPTION_KEY. Only the name ever appears in messages."),
]

CMDLETS = [
    dict(
        name="Get-SqliteDatabase",
        synopsis="Gets facts about SQLite databases: size, WAL size, pages, free space, journal mode, versions, tables and row counts.",
        description=[
            "Get-SqliteDatabase opens each database read-only (a mistyped path never creates an empty database), reads every figure inside one read transaction so they describe one committed state, and emits one SqliteDatabaseInfo object per database: Path, SizeBytes, WalSizeBytes, PageSize, PageCount, FreelistCount, FreePercent, JournalMode, AutoVacuum, UserVersion, ApplicationId, SchemaVersion, Encoding, Tables (Name, RowCount), IndexCount, SqliteVersion and LastWriteTimeUtc.",
            "On a database in WAL mode it never blocks the application's writers. Like any SQLite reader it may leave empty -wal and -shm files beside a WAL database; SQLite manages them. Row counts scan each table, so on a very large database the command takes about as long as SELECT count(*) over every table; press Ctrl+C to stop it.",
            "A path that does not exist (DatabaseNotFound), a directory (PathIsDirectory), an empty file, a text file or any other non-SQLite file (NotADatabase), and a database locked by another process for longer than -BusyTimeout (DatabaseLocked) are non-terminating errors: the other databases in the pipeline are still reported.",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS,
        inputs=[("System.String", "A database path (by value to -Path)."), ("System.IO.FileInfo", "Files from Get-ChildItem (by property name PSPath to -LiteralPath).")],
        outputs=[("SqliteAdmin.Core.Databases.SqliteDatabaseInfo", "One object per database. Tables holds SqliteTableInfo objects (Name, RowCount).")],
        examples=[
            ("one database", "PS> Get-SqliteDatabase -Path C:\\ProgramData\\OrderCache\\orders.db", "Shows size, WAL size, journal mode, free space, table and index counts of one database. Add | Format-List * for every property."),
            ("every database in a folder, biggest first", "PS> Get-ChildItem \\\\nas\\apps -Recurse -Filter *.db | Get-SqliteDatabase | Sort-Object SizeBytes -Descending", "Files from Get-ChildItem bind to -LiteralPath. A file that is not an SQLite database is reported as a NotADatabase error and the others are still listed."),
            ("candidates for VACUUM", "PS> Get-SqliteDatabase *.db | Where-Object FreePercent -gt 25 | Select-Object Name, FreePercent, SizeBytes", "Lists databases where more than a quarter of the pages are free, the threshold the maintenance guides use before running VACUUM."),
            ("row counts of each table", "PS> (Get-SqliteDatabase .\\tracker.db).Tables | Sort-Object RowCount -Descending", "The Tables property lists every user table with its row count, replacing a series of sqlite3 \"SELECT COUNT(*)\" commands."),
        ],
    ),
    dict(
        name="Backup-SqliteDatabase",
        synopsis="Takes consistent, verified backups of SQLite databases, optionally gzip-compressed and OpenSSL-compatible encrypted, each with a JSON manifest.",
        description=[
            "Backup-SqliteDatabase copies each database through SQLite, never by copying the file, so the backup is consistent even while the application writes. The default method, OnlineBackup, uses SQLite's backup API in steps of -PagesPerStep pages, with progress and a prompt stop on Ctrl+C. A database in WAL mode is copied from one read snapshot: writers are never blocked and the copy never restarts. In rollback-journal mode writers may commit between steps; each commit restarts the copy, and after three restarts the copy is taken once more inside one read transaction (writers then wait for up to their busy timeout). -Method VacuumInto writes a compacted copy with VACUUM INTO instead. Either way the backup is one self-contained file in journal mode DELETE: no -wal file is needed.",
            "The backup is named <database>_<tier>_<yyyyMMdd_HHmmss>.db (UTC), then .gz with -Compress, then .enc with -Encrypt. Two backups in the same second get a _1, _2 suffix; an existing file is never overwritten. The copy is written under a temporary name (.sqliteadmin-tmp-...) in the destination folder, flushed to disk, checked with PRAGMA quick_check (-Verify Full: integrity_check; -Verify None: no check) while it is compressed, encrypted and hashed in one streaming pass, and only then renamed. Any failure, or Ctrl+C, removes every file the command wrote. Backups, manifests and side files are created readable by their owner only (0600 on Linux and macOS).",
            "-Encrypt writes exactly what openssl enc -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 writes (\"Salted__\", an 8-byte salt, AES-256-CBC with PKCS#7 padding, key and IV from PBKDF2-HMAC-SHA256), so a backup can be decrypted with OpenSSL alone: openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 -in X.db.gz.enc | gunzip > X.db. Because that format has no authentication, the manifest also records an HMAC-SHA256 of the whole file under a key derived separately (PBKDF2 output bytes 48-79); Get-SqliteBackup -Verify and Restore-SqliteDatabase check it.",
            "Beside each backup, <backup>.json records the format and module version, database name and source path, UTC time, tier, method, SQLite version, page size and count, freelist count, user_version, application_id, row count of every table, plain and stored size and SHA-256, compression and encryption parameters (never the passphrase or key), the HMAC, the verification mode and result, the number of restarts, the duration and the side files. -IncludeFile stores side files such as .env as <backup>--<name> (encrypted as <backup>--<name>.enc when the backup is). -CopyTo copies the finished backup, its side files and manifest to further folders, each copy re-read and compared by SHA-256 before it gets its final name; a failed copy is a CopyFailed error but the backup itself is kept.",
            "Errors are non-terminating per database, with stable ids: DatabaseNotFound, NotADatabase, PathIsDirectory, DatabaseLocked, DatabaseCorrupt, BackupVerificationFailed, DestinationNotWritable, IncludeFileNotFound, CopyFailed; bad invocations: PassphraseRequired, AmbiguousPassphrase, EmptyPassphrase.",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS[:2] + [
            dict(name="Destination", type="String", required=True, position="1",
                 desc="Folder the backups are written to; created if missing. Relative paths resolve against the current PowerShell location. A symbolic link to a folder is followed."),
            dict(name="MaxWriterBlock", type="Double", default="no limit",
                 desc="Seconds the backup may hold the writers of a rollback-journal database off. While other processes keep committing, the online backup restarts (up to three times) and then copies the rest under one read lock, during which writers wait on their own busy timeout: on a large, busy database that can be seconds, beyond many applications' timeout. Past this limit the backup stops with the error id WriterBlockLimit, keeps nothing and releases the writers. WritersBlocked on the result says how long writers were held. WAL databases never block writers."),
            dict(name="Name", type="String", default="the database's file name without extension",
                 desc="Series name that starts every backup file name (Name_daily_20261201_020000.db). Backups are grouped into series by this name and by the source path their manifests record, so retention, restore by -Database and Test-SqliteHealth never mix two databases. Two databases with the same file name (site1/app.db and site2/app.db) backed up to one folder need their own names: while the folder holds backups of site2/app.db named app, a backup of site1/app.db is refused with the error id BackupSeriesConflict until it gets one, e.g. -Name site1-app. Letters, digits, '-' and '_'."),
            dict(name="Tier", type="BackupTier", default="Manual", values=["Manual", "Hourly", "Daily", "Weekly", "Monthly", "Yearly"],
                 desc="Tier recorded in the file name and the manifest, so one folder can hold hourly, daily, weekly, monthly and yearly backups (seed 001's scheme) and Remove-ExpiredBackup can tell them apart."),
            dict(name="Method", type="BackupMethod", default="OnlineBackup", values=["OnlineBackup", "VacuumInto"],
                 desc="OnlineBackup (default) copies pages with the stepped backup API, with progress. VacuumInto writes a compacted copy without free pages in one statement (no page progress)."),
            dict(name="PagesPerStep", type="Int32", default="4096",
                 desc="Pages copied per backup step. Smaller steps let writers of a rollback-journal database commit more often during the copy; larger steps copy faster."),
            dict(name="Compress", type="SwitchParameter", default="False",
                 desc="gzip the backup (.gz). Streaming, in the same pass as hashing and encryption; memory stays flat however large the database."),
            dict(name="CompressionLevel", type="CompressionLevel", default="Optimal", values=["Optimal", "Fastest", "NoCompression"],
                 desc="gzip level: Optimal (about gzip -6, the default), Fastest (about gzip -1) or NoCompression."),
            dict(name="Encrypt", type="SwitchParameter", default="False",
                 desc="Encrypt the backup (.enc) in the OpenSSL format described above. Needs a passphrase from -Passphrase, -Credential or -PassphraseVariable."),
        ] + PASS_PARAMS + [
            dict(name="Iterations", type="Int32", default="10000",
                 desc="PBKDF2 iterations for -Encrypt (1000 to 100000000; default 10000, what the guides pass to openssl -iter). Recorded in the manifest; openssl needs the same -iter to decrypt."),
            dict(name="Verify", type="IntegrityMode", default="Quick", values=["Quick", "Full", "None"],
                 desc="Check of the copy before it is kept: Quick (PRAGMA quick_check, default), Full (PRAGMA integrity_check, also compares every index with its table) or None. A copy that fails is deleted and reported as BackupVerificationFailed."),
            dict(name="CopyTo", type="String[]",
                 desc="Further folders (a NAS share, a second disk) that receive a copy of each finished backup with its manifest and side files. Each copy is re-read and compared by SHA-256 before it gets its final name."),
            dict(name="IncludeFile", type="String[]",
                 desc="Side files stored with each backup, such as the application's .env or settings JSON, named <backup>--<file name> (plus .enc when encrypted) and listed in the manifest with their SHA-256."),
            PATH_PARAMS[2],
        ],
        common_risk=True,
        inputs=[("System.String", "A database path (by value to -Path)."), ("System.IO.FileInfo", "Files from Get-ChildItem (by property name PSPath to -LiteralPath)."),
                ("SqliteAdmin.Core.Databases.SqliteDatabaseInfo", "Output of Get-SqliteDatabase (by property name Path).")],
        outputs=[("SqliteAdmin.Core.Backups.SqliteBackupInfo", "One object per backup made: Database, SourcePath, Path, ManifestPath, Tier, Method, CreatedUtc, Duration, SourceSizeBytes, SizeBytes, PlainSizeBytes, CompressionRatio, Compressed, Encrypted, Sha256 (of the file as stored), PlainSha256, Verified, VerifyMode, IntegrityResult, Restarts, Copies, IncludedFiles, SqliteVersion, Iterations, Status.")],
        examples=[
            ("a verified backup", "PS> Backup-SqliteDatabase -Path C:\\ProgramData\\OrderCache\\orders.db -Destination D:\\Backups", "Writes D:\\Backups\\orders_manual_<time>.db and its manifest, after checking the copy with quick_check."),
            ("two databases with the same file name, backed up to one folder", "PS> Get-ChildItem D:\\Apps -Recurse -Filter app.db | ForEach-Object { Backup-SqliteDatabase -LiteralPath $_.FullName -Destination D:\\Backups -Name \"$($_.Directory.Name)-app\" }", "D:\\Apps\\site1\\app.db and D:\\Apps\\site2\\app.db become the series site1-app and site2-app: their backups are pruned, restored and judged apart. Without -Name the second would be refused (BackupSeriesConflict) rather than mixed with the first."),
            ("nightly compressed and encrypted backup of every database, for a scheduled task", "PS> Get-ChildItem D:\\Apps -Filter *.db | Backup-SqliteDatabase -Destination D:\\Backups -Tier Daily -Compress -Encrypt -PassphraseVariable BACKUP_ENCRYPTION_KEY -CopyTo \\\\nas\\backups\\sqlite", "The passphrase comes from the environment variable BACKUP_ENCRYPTION_KEY of the task's account; each backup is also copied to the NAS. Decrypt one with OpenSSL alone: openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 -in X.db.gz.enc | gunzip > X.db"),
            ("the application's .env with the backup", "PS> Backup-SqliteDatabase /opt/preroll-tracker/preroll_tracker.db -Destination /var/backups/preroll -Compress -Encrypt -Passphrase (Read-Host -AsSecureString 'Passphrase') -IncludeFile /opt/preroll-tracker/.env", "Stores the .env file encrypted beside the backup, as seed 000's backup script does by hand."),
            ("see what would happen", "PS> Backup-SqliteDatabase *.db -Destination \\\\nas\\backups -WhatIf", "Lists the databases that would be backed up and where, without writing anything."),
        ],
    ),
    dict(
        name="Get-SqliteBackup",
        synopsis="Lists the SqliteAdmin backups in folders, newest first, from their manifests; -Verify re-hashes them.",
        description=[
            "Get-SqliteBackup finds the files whose names are exactly those Backup-SqliteDatabase gives (<database>_<tier>_<yyyyMMdd_HHmmss>[_n].db[.gz][.enc]) and describes each from the manifest beside it, without opening or decrypting the backup. Foreign files, temporary files and symbolic links are ignored; subfolders are searched with -Recurse (links are not followed). A backup file can also be named directly.",
            "Status says what was found: NotChecked (listed from a valid manifest), NoManifest (a backup name without a manifest: made by another tool, or interrupted), ManifestInvalid (unreadable, or describing another file), FailedVerification (the manifest says the copy failed its check). With -Verify every backup and side file is re-read and its size and SHA-256 compared with the manifest (Ok or Corrupt); with a passphrase the HMAC of encrypted backups is checked too (HmacMismatch: wrong passphrase, or the backup was altered). A Corrupt or HmacMismatch backup is also written as a non-terminating error (BackupCorrupt, WrongPassphraseOrCorrupt), so a scheduled check sees the failure in $? and the error stream.",
            "The objects bind by property name to Restore-SqliteDatabase and Remove-ExpiredBackup.",
        ],
        sets=["Path", "LiteralPath"],
        params=[
            dict(name="Path", type="String[]", position="0", pipeline="True (ByPropertyName, ByValue)", globbing=True, sets=["Path"], default="The current location",
                 desc="Folders that hold backups, or backup files. Wildcards are expanded. Default: the current location."),
            dict(name="LiteralPath", type="String[]", required=True, pipeline="True (ByPropertyName)", aliases="PSPath, LP, FullName", sets=["LiteralPath"],
                 desc="Folders that hold backups, or backup files, used exactly as typed (no wildcards)."),
            dict(name="Database", type="String", position="1",
                 desc="Only backups of this database: the source file name without extension, as in the backup's name (orders for orders.db). Case-insensitive."),
            dict(name="Recurse", type="SwitchParameter", default="False",
                 desc="Also search subfolders. Symbolic links and junctions are not followed."),
            dict(name="Verify", type="SwitchParameter", default="False",
                 desc="Re-read each backup and its side files and compare size and SHA-256 with the manifest; with a passphrase also check the HMAC of encrypted backups. Reads every byte: takes about as long as sha256sum over the files."),
        ] + [dict(p, desc=p["desc"] + " Used with -Verify to check the HMAC of encrypted backups.") for p in PASS_PARAMS],
        inputs=[("System.String", "A folder or backup file (by value to -Path)."), ("System.IO.DirectoryInfo", "Folders from Get-ChildItem (by property name PSPath to -LiteralPath).")],
        outputs=[("SqliteAdmin.Core.Backups.SqliteBackupInfo", "One object per backup, newest first, with Status and StatusMessage.")],
        examples=[
            ("the backups in a folder", "PS> Get-SqliteBackup D:\\Backups", "Lists every backup in the folder, newest first: database, tier, time, size, whether it was verified, its status and path."),
            ("the newest backup of one database", "PS> Get-SqliteBackup D:\\Backups -Database orders | Select-Object -First 1", "Backups are sorted newest first, so the first one is the latest."),
            ("a weekly check that every backup is still intact", "PS> Get-SqliteBackup \\\\nas\\backups -Recurse -Verify -PassphraseVariable BACKUP_ENCRYPTION_KEY | Where-Object Status -ne 'Ok'", "Re-hashes every backup and checks the HMAC of encrypted ones; shows only the ones that are damaged, altered, or have no valid manifest."),
        ],
    ),
    dict(
        name="Restore-SqliteDatabase",
        synopsis="Restores a SqliteAdmin backup (plain, .gz, .enc) over or beside a database, checked before and after, with a safety copy and automatic rollback.",
        description=[
            "Restore-SqliteDatabase checks everything about the backup before it touches the destination: the size and SHA-256 of the backup file against its manifest and, for an encrypted backup, its HMAC (compared in constant time, before anything is decrypted); then it decrypts and decompresses into a temporary file beside the destination (so the final rename is atomic even when the backup is on another disk), stopping at the size the manifest records, checks the size and SHA-256 of the result, and runs PRAGMA integrity_check on it. A wrong passphrase (WrongPassphraseOrCorrupt), a damaged or truncated backup (BackupCorrupt) or a backup that fails integrity_check (BackupVerificationFailed) is an error and the destination is untouched.",
            "It then refuses a destination that another process has open (DatabaseInUse): on Linux and macOS renaming a file under a running application splits the application from the restored file; stop the application first. The current database and its -wal, -shm and -journal files are copied, exactly as found, into a new folder under -SafetyCopyPath (default: before_restore beside the database). SQLite then folds the old WAL into the old database or rolls back its hot journal, so that no stale side file remains: an old -wal or hot -journal beside a restored file would be replayed into it on the next open, silently undoing the restore while integrity_check still says ok. The restored file replaces the database in one rename, and its SHA-256 is compared with the backup's. If anything fails after the safety copy, the original database and its side files are put back.",
            "-Path takes a backup file, a Get-SqliteBackup object, or a folder together with -Database (and -Before to go back in time: the newest verified backup at or before that time). Only one backup can be restored to a destination per call (MoreThanOneBackup). A plain SQLite file without a manifest (made by sqlite3 .backup or a copy) is restored only with -AllowNoManifest; its integrity check still runs. The restored file is created readable by its owner only; on Linux and macOS check that the application's account can still open it.",
            "ConfirmImpact is High: PowerShell asks before each restore unless -Force (which skips only that prompt) or -Confirm:$false is given. -WhatIf shows what would be restored and does nothing, also with -Force.",
        ],
        sets=["Path", "LiteralPath"],
        params=[
            dict(name="Path", type="String[]", required=True, position="0", pipeline="True (ByPropertyName, ByValue)", globbing=True, sets=["Path"],
                 desc="The backup file (.db, .db.gz, .db.enc, .db.gz.enc) or a folder of backups (with -Database). Accepts objects from Get-SqliteBackup."),
            dict(name="LiteralPath", type="String[]", required=True, pipeline="True (ByPropertyName)", aliases="PSPath, LP, FullName", sets=["LiteralPath"],
                 desc="The backup file or folder, used exactly as typed (no wildcards)."),
            dict(name="Destination", type="String", required=True, position="1",
                 desc="The database file to restore. Created if it does not exist; otherwise kept as a safety copy and replaced."),
            dict(name="Database", type="String",
                 desc="With a folder as -Path: whose backups to choose from (the source file name without extension, as in the backup names)."),
            dict(name="Before", type="DateTime",
                 desc="With a folder as -Path: restore the newest verified backup taken at or before this time (local time unless a UTC time is given). Without it, the newest verified backup."),
        ] + [dict(p, desc=p["desc"] + " Needed for encrypted backups.") for p in PASS_PARAMS] + [
            dict(name="SafetyCopyPath", type="String", default="before_restore beside the database",
                 desc="Folder that receives the safety copy of the current database and its side files, in a subfolder named <file>_<yyyyMMdd_HHmmss>."),
            dict(name="AllowNoManifest", type="SwitchParameter", default="False",
                 desc="Restore a plain SQLite file that has no manifest, such as one made by sqlite3 .backup or copied by a script. Its integrity check still runs; compressed or encrypted backups always need their manifest."),
            dict(name="Force", type="SwitchParameter", default="False",
                 desc="Skip the confirmation prompt. Nothing else: every check still runs, -WhatIf still does nothing, and a database in use is still refused."),
            PATH_PARAMS[2],
        ],
        common_risk=True,
        inputs=[("SqliteAdmin.Core.Backups.SqliteBackupInfo", "A backup from Get-SqliteBackup (by property name Path)."), ("System.String", "A backup file or folder.")],
        outputs=[("SqliteAdmin.Core.Restore.SqliteRestoreResult", "Destination, BackupPath, BackupCreatedUtc, SafetyCopyPath, Verified, IntegrityResult, Sha256, Duration.")],
        examples=[
            ("restore the newest backup", "PS> Get-SqliteBackup D:\\Backups -Database orders | Select-Object -First 1 | Restore-SqliteDatabase -Destination C:\\ProgramData\\OrderCache\\orders.db", "Asks for confirmation, checks the backup, keeps the current database in C:\\ProgramData\\OrderCache\\before_restore\\orders.db_<time>\\ and restores."),
            ("go back to last night", "PS> Restore-SqliteDatabase -Path /var/backups/sqlite -Database preroll_tracker -Before '2026-11-20 23:00' -Destination /opt/preroll-tracker/preroll_tracker.db -PassphraseVariable BACKUP_ENCRYPTION_KEY -Force", "Picks the newest verified backup taken at or before 23:00 and restores it without a prompt. Stop the application first: a database in use is refused."),
            ("restore a copy made by another tool", "PS> Restore-SqliteDatabase .\\tablet_counter_backup.db -Destination .\\tablet_counter.db -AllowNoManifest -WhatIf", "Shows what would happen when restoring a file made by sqlite3 .backup; without -WhatIf it runs its integrity check first and restores."),
        ],
    ),
    dict(
        name="Test-SqliteIntegrity",
        synopsis="Checks SQLite databases and backup files with quick_check, integrity_check and foreign_key_check.",
        description=[
            "Test-SqliteIntegrity opens each database read-only and runs PRAGMA integrity_check (-Mode Full, the default: page structure, records, and every index against its table) or PRAGMA quick_check (-Mode Quick: faster, without the index cross-check), then PRAGMA foreign_key_check unless -NoForeignKeys. The database schema is not trusted (trusted_schema=OFF, cell_size_check=ON), and Ctrl+C interrupts even a long check at once.",
            "A backup file (.db.gz, .db.enc, .db.gz.enc) is first checked against its manifest (size, SHA-256 and, with a passphrase, the HMAC), then decoded into a private temporary file that is checked and deleted.",
            "Each input gives one SqliteIntegrityResult: Path, Mode, Status (Ok, Corrupt, Unreadable), IsHealthy, Errors (as SQLite words them, at most -MaxErrors), ForeignKeyViolations (Table, RowId, Parent, ForeignKeyIndex), IsBackup and Duration. Damage is a result, not an error: a truncated file, a damaged page or index, a bad header, a malformed schema or a foreign-key violation is reported as Corrupt or Unreadable, never as Ok. A path that does not exist (DatabaseNotFound), a database locked by another process (DatabaseLocked), an unknown -Table (TableNotFound) or a missing passphrase (PassphraseRequired) is an error. With -Quiet only $true or $false is returned for each input.",
        ],
        sets=["Path", "LiteralPath"],
        params=[
            dict(name="Path", type="String[]", required=True, position="0", pipeline="True (ByPropertyName, ByValue)", globbing=True, sets=["Path"],
                 desc="Databases or backup files to check. Wildcards are expanded; objects with a Path property (Get-SqliteDatabase, Get-SqliteBackup) bind here."),
            dict(name="LiteralPath", type="String[]", required=True, pipeline="True (ByPropertyName)", aliases="PSPath, LP, FullName", sets=["LiteralPath"],
                 desc="Databases or backup files, used exactly as typed. Files from Get-ChildItem bind here."),
            dict(name="Mode", type="String", default="Full", values=["Full", "Quick"],
                 desc="Full runs PRAGMA integrity_check; Quick runs PRAGMA quick_check, which skips comparing indexes with their tables and is much faster on large databases."),
            dict(name="NoForeignKeys", type="SwitchParameter", default="False",
                 desc="Skip PRAGMA foreign_key_check. By default every foreign-key violation is listed with its table, rowid and parent table."),
            dict(name="MaxErrors", type="Int32", default="100",
                 desc="Collect at most this many problems and at most this many foreign-key violations (1 to 100000)."),
            dict(name="Table", type="String[]",
                 desc="Check only these tables and their indexes. Names must exist in the database (TableNotFound otherwise); they are passed to SQLite as bound values, never as SQL."),
        ] + [dict(p, desc=p["desc"] + " Needed to check encrypted backups.") for p in PASS_PARAMS] + [
            dict(name="Quiet", type="SwitchParameter", default="False",
                 desc="Return only $true (healthy) or $false for each input, for if statements and exit codes. An input that cannot be checked writes its error and returns $false."),
            PATH_PARAMS[2],
        ],
        inputs=[("System.String", "A database or backup path."), ("System.IO.FileInfo", "Files from Get-ChildItem."), ("SqliteAdmin.Core.Backups.SqliteBackupInfo", "Backups from Get-SqliteBackup.")],
        outputs=[("SqliteAdmin.Core.Integrity.SqliteIntegrityResult", "One result per input."), ("System.Boolean", "With -Quiet: $true when healthy.")],
        examples=[
            ("a full check of one database", "PS> Test-SqliteIntegrity C:\\ProgramData\\OrderCache\\orders.db", "Runs integrity_check and foreign_key_check and shows Status Ok, Corrupt or Unreadable with the first problem found."),
            ("quick check in a script", "PS> if (-not (Test-SqliteIntegrity \\\\nas\\CraftAuto\\server.db -Mode Quick -Quiet)) { exit 1 }", "Seed 003's morning check in one line: a non-zero exit code when quick_check finds a problem."),
            ("check last night's encrypted backup", "PS> Get-SqliteBackup /var/backups/sqlite | Select-Object -First 1 | Test-SqliteIntegrity -PassphraseVariable BACKUP_ENCRYPTION_KEY", "Checks the backup's hash and HMAC, decrypts and decompresses it to a private temp file, runs integrity_check on it and deletes the temp file."),
            ("list foreign-key violations", "PS> (Test-SqliteIntegrity .\\tablet_counter.db).ForeignKeyViolations | Group-Object Table", "Each violation names the table, the rowid and the missing parent, as PRAGMA foreign_key_check reports them."),
        ],
    ),
    dict(
        name="Remove-ExpiredBackup",
        synopsis="Applies a retention policy (restic's forget rules) to SqliteAdmin backups, never removes the newest verified backup, and explains every decision.",
        description=[
            "Remove-ExpiredBackup considers only the module's own backups: files whose names are exactly <database>_<tier>_<yyyyMMdd_HHmmss>[_n].db[.gz][.enc], in the folders given (with -Recurse, their subfolders; links are never followed or removed), or backup files piped from Get-SqliteBackup. Foreign files, temporary files and links are never touched. Backups are grouped per database and per folder, and planned from their names, so a folder of 100 000 backups costs about what listing it costs.",
            "The rules are those of restic's forget: -KeepLast n keeps the newest n; -KeepHourly, -KeepDaily, -KeepWeekly, -KeepMonthly and -KeepYearly n keep the newest backup of each of the last n hours, days, ISO weeks, months or years that have backups (calendar buckets in local time, so a missing day does not use up a count); a rule that still has count left when it reaches the oldest backup keeps that one too (reason 'oldest ...'); -KeepWithin keeps everything within that span of the newest backup that is not in the future; -OlderThan is the guides' simple rule (keep what is newer than that span before now). Rules are ORed; an empty policy is refused (EmptyRetentionPolicy). Spans are written as restic writes them (30d, 12h, 1y2m; w for weeks) or as a TimeSpan.",
            "Whatever the policy says, the newest backup whose manifest says it was verified is kept in each group (reason 'newest verified backup (always kept)'); a backup made with -Verify None, one without a manifest or with an invalid manifest does not count as verified. A removed backup goes with its manifest and side files; a file that cannot be removed is a RemoveFailed error and the others continue.",
            "Every backup considered is written as a SqliteRetentionDecision (Database, Path, CreatedUtc, Tier, SizeBytes including manifest and side files, Action Keep, Remove or Removed, Reasons), so -WhatIf prints the plan and | Where-Object Action -eq 'Removed' | Measure-Object SizeBytes -Sum tells what was freed. ConfirmImpact is High; -Force skips only the prompt.",
        ],
        sets=["Path", "LiteralPath"],
        params=[
            dict(name="Path", type="String[]", required=True, position="0", pipeline="True (ByPropertyName, ByValue)", globbing=True, sets=["Path"],
                 desc="Folders of backups, or backup files (objects from Get-SqliteBackup bind here). Wildcards are expanded."),
            dict(name="LiteralPath", type="String[]", required=True, pipeline="True (ByPropertyName)", aliases="PSPath, LP, FullName", sets=["LiteralPath"],
                 desc="Folders of backups or backup files, used exactly as typed."),
            dict(name="Database", type="String", desc="Only backups of this database (the source file name without extension). Case-insensitive."),
            dict(name="Recurse", type="SwitchParameter", default="False", desc="Also consider subfolders; each folder is planned as its own group. Links are not followed."),
            dict(name="KeepLast", type="Int32", default="0", desc="Keep the newest n backups (restic --keep-last)."),
            dict(name="KeepHourly", type="Int32", default="0", desc="Keep the newest backup of each of the last n hours that have backups."),
            dict(name="KeepDaily", type="Int32", default="0", desc="Keep the newest backup of each of the last n days that have backups."),
            dict(name="KeepWeekly", type="Int32", default="0", desc="Keep the newest backup of each of the last n ISO weeks (Monday to Sunday) that have backups."),
            dict(name="KeepMonthly", type="Int32", default="0", desc="Keep the newest backup of each of the last n months that have backups."),
            dict(name="KeepYearly", type="Int32", default="0", desc="Keep the newest backup of each of the last n years that have backups."),
            dict(name="KeepWithin", type="String", desc="Keep every backup taken within this span of the newest backup that is not in the future, such as 30d, 2w, 6m or 1y2m (restic --keep-within)."),
            dict(name="OlderThan", type="String", desc="Remove backups taken longer ago than this span before now, such as 30d: the guides' find -mtime +30 -delete, but never the newest verified backup."),
            dict(name="Force", type="SwitchParameter", default="False", desc="Skip the confirmation prompt. Nothing else: -WhatIf still removes nothing and the newest verified backup is still kept."),
        ],
        common_risk=True,
        inputs=[("SqliteAdmin.Core.Backups.SqliteBackupInfo", "Backups from Get-SqliteBackup (by property name Path)."), ("System.String", "A folder of backups.")],
        outputs=[("SqliteAdmin.Core.Retention.SqliteRetentionDecision", "One object per backup considered, with Action and Reasons.")],
        examples=[
            ("see the plan first", "PS> Remove-ExpiredBackup D:\\Backups -KeepDaily 7 -KeepWeekly 4 -KeepMonthly 12 -WhatIf", "Lists every backup with Keep or Remove and the rules that keep it, and removes nothing."),
            ("seed 001's scheme in a nightly task", "PS> Remove-ExpiredBackup /var/backups/sqlite -Recurse -KeepHourly 24 -KeepDaily 30 -KeepWeekly 12 -KeepMonthly 24 -KeepYearly 10 -Force | Where-Object Action -eq 'Removed' | Measure-Object SizeBytes -Sum", "Prunes without a prompt and reports how many bytes were freed."),
            ("the guides' 30-day rule, safely", "PS> Remove-ExpiredBackup \\\\nas\\backups -OlderThan 30d -Force", "Removes backups older than 30 days, but never the newest verified one, even when every backup is older than 30 days."),
        ],
    ),
    dict(
        name="Invoke-SqliteVacuum",
        synopsis="Reclaims free space in SQLite databases (VACUUM in place, INTO a new file, or incremental) and refreshes the query planner (ANALYZE, PRAGMA optimize, REINDEX, WAL checkpoint).",
        description=[
            "Invoke-SqliteVacuum does the guides' maintenance in one command per database. -Mode Full (the default) runs VACUUM, which rebuilds the file without free pages; -Mode Into writes a compacted copy to -Destination with VACUUM INTO and only reads the database; -Mode Incremental runs PRAGMA incremental_vacuum on databases created with auto_vacuum = INCREMENTAL (VacuumModeNotApplicable otherwise). -MinFreePercent skips the vacuum, and says why in SkippedReason, while free pages are below that share of the file: seed 004's 'VACUUM only when free pages exceed 25 %' is -MinFreePercent 25. -Reindex, -Analyze and -Optimize then run in that order, even when the vacuum was skipped; -Checkpoint ends with PRAGMA wal_checkpoint(TRUNCATE).",
            "Before a full vacuum the free disk space is checked: SQLite builds the new file in its temporary folder (SQLITE_TMPDIR, TMPDIR, /var/tmp or /tmp on Linux and macOS; the user's TEMP folder on Windows) and writes the same amount again into the rollback journal or the write-ahead log beside the database, so about twice the used size is needed when both are on one volume. Too little is the error InsufficientDiskSpace before anything is written. VACUUM needs the database to itself for a moment: another connection's write transaction (or, in rollback-journal mode, any open transaction) that does not end within -BusyTimeout is the error DatabaseLocked, and the database is unchanged. Each step is one SQLite transaction, so a lock, a full disk or Ctrl+C rolls it back.",
            "In WAL mode a vacuum lands in the WAL first; Invoke-SqliteVacuum checkpoints afterwards so the file really shrinks. If an application is still reading, the checkpoint cannot finish: the vacuum is kept, a warning says so, and the file shrinks at the application's next checkpoint.",
            "Content is never changed, but VACUUM may renumber the rowids of tables that have no INTEGER PRIMARY KEY. An application that stores such rowids elsewhere should declare an INTEGER PRIMARY KEY.",
            "Each database gives one SqliteVacuumResult: Path, Mode, Destination (Into), Performed, SkippedReason, SizeBeforeBytes, SizeAfterBytes, ReclaimedBytes, FreePercentBefore, FreePercentAfter, Operations (the steps that ran: Vacuum, Reindex, Analyze, Optimize, Checkpoint), Warnings and Duration. -WhatIf describes the work (how much there is to reclaim) without doing it.",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS[:2] + [
            dict(name="Mode", type="VacuumMode", default="Full", values=["Full", "Into", "Incremental"],
                 desc="Full: VACUUM in place. Into: VACUUM INTO a new file named by -Destination; the database is only read. Incremental: PRAGMA incremental_vacuum, for auto_vacuum = INCREMENTAL databases."),
            dict(name="Destination", type="String",
                 desc="With -Mode Into: the file for the compacted copy, or an existing folder (the copy takes the database's file name). An existing file is never overwritten (DestinationExists). The copy is written under a temporary name, flushed, then renamed, and is readable only by its owner."),
            dict(name="IncrementalPages", type="Int64",
                 desc="With -Mode Incremental: how many free pages to return to the file system. Default: all of them."),
            dict(name="MinFreePercent", type="Double",
                 desc="Skip the vacuum while free pages are less than this percentage of the database (0 to 100). The other steps (-Analyze, -Optimize, -Reindex, -Checkpoint) still run; SkippedReason says why."),
            dict(name="Analyze", type="SwitchParameter", default="False", desc="Run ANALYZE to refresh the query planner's statistics (with -Mode Into, on the copy)."),
            dict(name="Optimize", type="SwitchParameter", default="False", desc="Run PRAGMA optimize, SQLite's recommended cheap daily statistics refresh (with -Mode Into, on the copy)."),
            dict(name="Reindex", type="SwitchParameter", default="False", desc="Run REINDEX to rebuild every index (with -Mode Into, on the copy)."),
            dict(name="Checkpoint", type="SwitchParameter", default="False",
                 desc="End with PRAGMA wal_checkpoint(TRUNCATE): WAL content is written into the database and the -wal file emptied. A database that is not in WAL mode gets a warning. Not with -Mode Into. After a full or incremental vacuum of a WAL database the checkpoint runs anyway."),
            PATH_PARAMS[2],
        ],
        common_risk=True,
        inputs=[("System.String", "A database path."), ("System.IO.FileInfo", "Files from Get-ChildItem."), ("SqliteAdmin.Core.Databases.SqliteDatabaseInfo", "Databases from Get-SqliteDatabase (by property name Path).")],
        outputs=[("SqliteAdmin.Core.Maintenance.SqliteVacuumResult", "One result per database.")],
        examples=[
            ("see what a vacuum would reclaim", "PS> Invoke-SqliteVacuum /srv/tracker/production.db -WhatIf", "Reads the page figures and prints, for example, 'VACUUM (about 310 MB to reclaim, 42.5 % free)', without changing the database."),
            ("the guides' daily routine", "PS> Invoke-SqliteVacuum C:\\ProgramData\\OrderCache\\orders.db -MinFreePercent 25 -Checkpoint -Analyze -Optimize", "Every night: checkpoint the WAL, refresh the statistics, and vacuum only when more than a quarter of the file is free space (seed 004)."),
            ("the weekly routine over every database", "PS> Get-ChildItem D:\\Apps -Recurse -Filter *.db | Invoke-SqliteVacuum -Reindex -Analyze -BusyTimeout 120 | Format-Table Path, Performed, ReclaimedBytes, Duration", "Seed 003's off-hours VACUUM + ANALYZE for all databases, waiting up to two minutes for the applications' locks; a database still in use is an error and the others continue."),
            ("a compacted copy while the application runs", "PS> Invoke-SqliteVacuum \\\\nas\\CraftAuto\\server.db -Mode Into -Destination E:\\Compact\\", "VACUUM INTO only reads the database, so the application keeps working; swap the copy in later with Restore-SqliteDatabase -AllowNoManifest."),
            ("release space without a full rebuild", "PS> Invoke-SqliteVacuum ./automation.db -Mode Incremental -IncrementalPages 5000", "On an auto_vacuum = INCREMENTAL database, returns 5000 free pages to the file system in a short transaction."),
        ],
    ),
    dict(
        name="Get-SyncLogReport",
        synopsis="Summarises the sync_log of a multi-user SQLite application: activity, failures, conflicts, durations and staleness, with OK, Warning or Critical and alerts an admin can act on.",
        description=[
            "Get-SyncLogReport answers seed 003's morning questions for each database: how many syncs ran, how many failed, how many had conflicts, how much data moved, how long they took, and when the last successful sync was. The figures are computed inside SQLite in one streaming pass with bound parameters (an index on the timestamp column is used to find the window's rows), the database is opened read-only, and memory does not grow with the number of rows, so a log of tens of millions of rows is fine. Table and column names are checked against the schema and quoted; a hostile or unknown name is rejected before any SQL runs.",
            "The window is -Last (default 7d; the span syntax of Remove-ExpiredBackup) or -Since up to now. Timestamps are read whichever way they are stored (see -TimestampColumn); TimestampFormat says what was found, and rows whose timestamp cannot be read at all (NULL, empty, words, impossible dates) are counted in UnreadableTimestamps and raise a Warning instead of vanishing.",
            "By default one SyncLogReport per database: Path, Table, From, To, TimestampFormat, TotalSyncs, Succeeded, Failed, SuccessRate, FailureRate, SyncsWithConflicts, ConflictRate, Conflicts, RecordsPulled, RecordsPushed, AvgDurationMs, P95DurationMs (nearest rank), MaxDurationMs, LastSync, LastSuccess (UTC), SinceLastSuccess, ConsecutiveFailures, UnreadableTimestamps, Status and Alerts. Status is Critical when no sync succeeded for -StaleAfter (only business time counts with -BusinessHours), when more than -MaxFailurePercent of syncs failed, or when there were no syncs at all; Warning when more than -MaxConflictPercent had conflicts, the latest syncs failed, or timestamps are unreadable. A status other than -SuccessStatus (default success, any case) is a failure. Rates are percentages.",
            "With -GroupBy Day or Hour, one SyncLogPeriod per day or hour of the window in local time instead (Period, TotalSyncs, Succeeded, Failed, FailureRate, SyncsWithConflicts, ConflictRate, Conflicts, AvgConflicts, RecordsPulled, RecordsPushed, AvgDurationMs), including periods without syncs. Both kinds of object turn into an e-mail body with ConvertTo-Html.",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS[:2] + SYNC_PARAMS + [
            dict(name="SuccessStatus", type="String", default="success", desc="The status value of a successful sync, compared without regard to case; every other value counts as failed."),
            dict(name="Since", type="DateTime", desc="Start of the window (local time unless the DateTime says UTC). Not with -Last."),
            dict(name="Last", type="String", default="7d", desc="The window before now: 24h, 7d, 2w, 1m, or a TimeSpan such as 1.00:00:00."),
            dict(name="GroupBy", type="SyncLogGrouping", default="None", values=["None", "Hour", "Day"], desc="None: one summary per database. Hour or Day: one SyncLogPeriod per hour or day (local time), empty periods included."),
        ] + SYNC_THRESHOLDS + [
            PATH_PARAMS[2],
        ],
        inputs=[("System.String", "A database path."), ("System.IO.FileInfo", "Files from Get-ChildItem.")],
        outputs=[("SqliteAdmin.Core.SyncLog.SyncLogReport", "One summary per database (default)."), ("SqliteAdmin.Core.SyncLog.SyncLogPeriod", "With -GroupBy: one per hour or day.")],
        examples=[
            ("the morning check", "PS> Get-SyncLogReport \\\\nas\\CraftAuto\\server.db -Last 24h -BusinessHours 08:00-18:00", "Activity, failures and conflicts of the last 24 hours, and whether a sync is overdue counting only business hours."),
            ("the weekly conflict review", "PS> Get-SyncLogReport ./server.db -Last 7d -GroupBy Day | Format-Table", "Seed 003's 'conflict summary last 7 days' per day, with failure and conflict rates."),
            ("alert by e-mail from a scheduled task", "PS> $r = Get-SyncLogReport D:\\Apps\\server.db; if ($r.Status -ne 'OK') { $r | ConvertTo-Html -Property Path, Status, Alerts | Out-String | Send-MailMessage -To admin@example.com -From sync@example.com -Subject \"Sync $($r.Status)\" -BodyAsHtml -SmtpServer mail }", "Mails the report only when something needs attention."),
            ("another application's log", "PS> Get-SyncLogReport ./app.db -Table replication_history -TimestampColumn started_at -StatusColumn outcome -SuccessStatus OK", "Every name is checked against the schema first."),
        ],
    ),
    dict(
        name="Remove-SyncLogEntry",
        synopsis="Prunes old rows from a sync log table in one transaction: older than a span, and beyond the newest n rows.",
        description=[
            "Remove-SyncLogEntry does seed 003's monthly clean-up in one command: -OlderThan 90d removes rows whose timestamp is more than 90 days before now; -KeepLast 10000 keeps only the newest 10 000 rows (rows tied with the last one kept stay too); with both, a row goes when either rule says so. Timestamps are read as Get-SyncLogReport reads them; a row whose timestamp cannot be read is never removed, because its age is unknown, and UnreadableKept counts them.",
            "The count and the delete run in one write transaction (BEGIN IMMEDIATE), so the application sees the log before or after, never half pruned; a lock the application holds past -BusyTimeout is the error DatabaseLocked and nothing is removed. ConfirmImpact is High: -WhatIf says how many rows would go and before which time; -Force skips only the prompt.",
            "Each database gives one SyncLogPruneResult: Path, Table, Removed, Remaining, OldestKept, NewestKept (UTC), UnreadableKept and Cutoff. The file does not shrink until the database is vacuumed (Invoke-SqliteVacuum).",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS[:2] + [dict(p, desc=p["desc"] + " Only -Table and -TimestampColumn are used here; the others are accepted so one splat serves Get-SyncLogReport and Remove-SyncLogEntry.") if p["name"] not in ("Table", "TimestampColumn", "LocalTimestamps") else p for p in SYNC_PARAMS] + [
            dict(name="OlderThan", type="String", desc="Remove rows older than this span before now: 90d, 12w, 6m, 1y."),
            dict(name="KeepLast", type="Int64", desc="Keep at most this many of the newest rows (1 or more)."),
            dict(name="Force", type="SwitchParameter", default="False", desc="Skip the confirmation prompt. Nothing else: -WhatIf still removes nothing."),
            PATH_PARAMS[2],
        ],
        common_risk=True,
        inputs=[("System.String", "A database path."), ("System.IO.FileInfo", "Files from Get-ChildItem.")],
        outputs=[("SqliteAdmin.Core.SyncLog.SyncLogPruneResult", "One result per database.")],
        examples=[
            ("seed 003's clean-up", "PS> Remove-SyncLogEntry \\\\nas\\CraftAuto\\server.db -OlderThan 90d -KeepLast 10000 -Force", "Removes rows older than 90 days and all but the newest 10 000, without a prompt, and reports what is left."),
            ("see first", "PS> Remove-SyncLogEntry ./server.db -OlderThan 30d -WhatIf", "Prints how many rows would be removed and the cutoff time; nothing is removed."),
        ],
    ),
    dict(
        name="Test-SqliteHealth",
        synopsis="Runs the daily health check of SQLite databases and their backups: one Pass, Warning or Fail object per check, for an e-mail report and an exit code.",
        description=[
            "Test-SqliteHealth does in one command what the guides' morning health-check scripts do, for each database: File (the file exists and opens read-only as an SQLite database; a missing folder is reported as an unreachable disk or share), Integrity (PRAGMA quick_check; -IntegrityMode Full adds integrity_check's index cross-check and foreign_key_check), Size (the file size, and how much the data - pages in use - grew or shrank since the newest backup's manifest), WalSize, FreePages (the freelist as a percentage of all pages, what VACUUM would reclaim), JournalMode (WAL on a network share - a UNC path, a mapped network drive, or an NFS, SMB/CIFS, SSHFS or similar mount - is a Warning: WAL's shared memory does not work between machines), DiskSpace (free space on the database's volume), and with -BackupPath: BackupAge (the newest backup of this database, found by the module's backup names in the folder and its subfolders) and BackupVerified (the newest backup passed its check when it was made, and its size and SHA-256 still match its manifest - it is re-read; encrypted backups need no passphrase for this). With -SyncLogTable: SyncLog, Get-SyncLogReport's judgement of the last 7 days (staleness, failure and conflict rates) as one check.",
            "Each check is one SqliteHealthCheck object: Database (full path), Check, Status (Pass, Warning or Fail), Value, Threshold and Message, a sentence that says what to do. The default view groups the checks by database; ConvertTo-Html turns them into an e-mail body. Fail means act now: the database is missing, unreadable or damaged, the newest backup is too old, damaged or failed its verification, the disk is below -MinDiskFreePercent, or the sync log is Critical. Warning means look soon: more free pages than -MaxFreePercent, a WAL above -MaxWalSizeMB, data that changed more than -MaxGrowthPercent since the newest backup, WAL on a network share, a backup made with -Verify None or without a manifest, a check that could not run because another process held a lock past -BusyTimeout, or a sync-log Warning.",
            "Problems are never terminating errors: a missing database is a Fail row (and the backup and disk checks still run, for the restore), and a -Path wildcard that matches nothing is a Fail row too, so a share that is offline cannot look healthy. -Quiet returns a single $true when no check of any database failed (warnings allowed) and $false otherwise, for if (-not (Test-SqliteHealth ... -Quiet)) { exit 1 }. The database is only read: it is opened read-only and never changed.",
        ],
        sets=["Path", "LiteralPath"],
        params=PATH_PARAMS[:2] + [
            dict(name="BackupPath", type="String", desc="Folder that holds this database's backups (made by Backup-SqliteDatabase), searched with its subfolders. Without it there are no backup checks, and growth is not measured."),
            dict(name="MaxBackupAge", type="String", default="1d", desc="Fail when the newest backup is older than this: hours, days or weeks (26h, 1d, 1w) or a TimeSpan."),
            dict(name="MaxFreePercent", type="Double", default="25", desc="Warning when more than this percentage of the pages is free (the guides' rule for when a VACUUM is worth it)."),
            dict(name="MaxWalSizeMB", type="Int32", desc="Warning when the -wal file is larger than this many megabytes. No limit by default: the size is reported."),
            dict(name="MinDiskFreePercent", type="Double", default="10", desc="Fail when the volume that holds the database has less free space than this percentage. Less free space than the database's own size is a Warning, because a VACUUM or restore beside it would not fit."),
            dict(name="MaxGrowthPercent", type="Double", default="50", desc="Warning when the data (pages in use) grew or shrank by more than this percentage since the newest backup (seed 003: a sudden increase of more than 50 % in a day)."),
            dict(name="IntegrityMode", type="IntegrityMode", default="Quick", values=["Quick", "Full", "None"], desc="Quick: PRAGMA quick_check (reads every page, fast). Full: integrity_check and foreign_key_check (also compares every index with its table; slower). None: no integrity check (no Integrity row)."),
            dict(name="SyncLogTable", type="String", desc="Also judge this sync log table (seed 003's columns: timestamp, status, records_pulled, records_pushed, conflicts, duration_ms) over the last 7 days, with Get-SyncLogReport's logic. For other column names use Get-SyncLogReport."),
        ] + [dict(p, desc="With -SyncLogTable. " + p["desc"].replace("Critical", "Fail")) for p in SYNC_THRESHOLDS] + [
            dict(name="Quiet", type="SwitchParameter", default="False", desc="Return one Boolean instead of the checks: $true when no check of any database in this call failed (warnings are allowed), otherwise $false."),
            PATH_PARAMS[2],
        ],
        inputs=[("System.String", "A database path."), ("System.IO.FileInfo", "Files from Get-ChildItem."), ("SqliteAdmin.Core.Databases.SqliteDatabaseInfo", "Databases from Get-SqliteDatabase (by property name Path).")],
        outputs=[("SqliteAdmin.Core.Health.SqliteHealthCheck", "One object per check and database."), ("System.Boolean", "With -Quiet: one value for the whole call.")],
        examples=[
            ("the morning check", "PS> Test-SqliteHealth D:\\Apps\\orders.db -BackupPath D:\\Backups", "Every check of one database and its newest backup, grouped under the database's path."),
            ("only what needs attention, for several databases", "PS> Get-ChildItem \\\\nas\\apps -Recurse -Filter *.db | Test-SqliteHealth -BackupPath \\\\nas\\backups -MaxWalSizeMB 64 | Where-Object Status -ne 'Pass'", "Lists only warnings and failures."),
            ("e-mail the report and fail the scheduled task", "PS> $checks = Test-SqliteHealth D:\\Apps\\*.db -BackupPath D:\\Backups -SyncLogTable sync_log -BusinessHours 08:00-18:00\nPS> $worst = if ($checks.Status -contains 'Fail') { 'FAIL' } elseif ($checks.Status -contains 'Warning') { 'WARNING' } else { 'OK' }\nPS> $body = $checks | ConvertTo-Html -Property Database, Check, Status, Value, Threshold, Message -Title 'SQLite health' | Out-String\nPS> Send-MailMessage -To admin@example.com -From health@example.com -Subject \"SQLite health: $worst\" -Body $body -BodyAsHtml -SmtpServer mail.example.com\nPS> if ($worst -eq 'FAIL') { exit 1 }", "The subject carries the worst status; Task Scheduler records the non-zero exit code."),
            ("a yes/no answer", "PS> if (-not (Test-SqliteHealth ./tracker.db -BackupPath ./backups -Quiet)) { Write-Warning 'tracker.db needs attention' }", "-Quiet returns $true only when no check failed."),
            ("the thorough weekly check", "PS> Test-SqliteHealth ./server.db -IntegrityMode Full -BackupPath ./backups -MaxBackupAge 8d", "integrity_check and foreign_key_check instead of quick_check, for the weekly maintenance window."),
        ],
    ),
]

RISK = [
    dict(name="WhatIf", type="SwitchParameter", default="False", desc="Shows what the command would do without doing it."),
    dict(name="Confirm", type="SwitchParameter", default="False", desc="Asks for confirmation before each change."),
]

NS = ('xmlns:maml="http://schemas.microsoft.com/maml/2004/10" '
      'xmlns:command="http://schemas.microsoft.com/maml/dev/command/2004/10" '
      'xmlns:dev="http://schemas.microsoft.com/maml/dev/2004/10"')


def paras(texts, indent):
    pad = " " * indent
    return "\n".join(f"{pad}<maml:para>{escape(t)}</maml:para>" for t in texts)


def param_xml(p, indent, with_desc):
    pad = " " * indent
    attrs = (f'required="{str(p.get("required", False)).lower()}" variableLength="{str(p["type"].endswith("[]")).lower()}" '
             f'globbing="{str(p.get("globbing", False)).lower()}" pipelineInput="{p.get("pipeline", "False")}" '
             f'position="{p.get("position", "named")}" aliases="{p.get("aliases", "none")}"')
    lines = [f"{pad}<command:parameter {attrs}>", f"{pad}  <maml:name>{p['name']}</maml:name>"]
    if with_desc:
        lines.append(f"{pad}  <maml:description>\n{paras([p['desc']], indent + 4)}\n{pad}  </maml:description>")
    if p.get("values"):
        lines.append(f"{pad}  <command:parameterValueGroup>")
        lines += [f"{pad}    <command:parameterValue required=\"false\" variableLength=\"false\">{v}</command:parameterValue>" for v in p["values"]]
        lines.append(f"{pad}  </command:parameterValueGroup>")
    if p["type"] != "SwitchParameter":
        lines.append(f"{pad}  <command:parameterValue required=\"true\" variableLength=\"{str(p['type'].endswith('[]')).lower()}\">{p['type']}</command:parameterValue>")
    if with_desc:
        lines.append(f"{pad}  <dev:type><maml:name>{p['type']}</maml:name></dev:type>")
        lines.append(f"{pad}  <dev:defaultValue>{escape(p.get('default', 'None'))}</dev:defaultValue>")
    lines.append(f"{pad}</command:parameter>")
    return "\n".join(lines)


def command_xml(c):
    verb, noun = c["name"].split("-", 1)
    params = c["params"] + (RISK if c.get("common_risk") else [])
    out = [f"  <command:command {NS}>",
           "    <command:details>",
           f"      <command:name>{c['name']}</command:name>",
           f"      <command:verb>{verb}</command:verb>",
           f"      <command:noun>{noun}</command:noun>",
           f"      <maml:description>\n{paras([c['synopsis']], 8)}\n      </maml:description>",
           "    </command:details>",
           f"    <maml:description>\n{paras(c['description'], 6)}\n    </maml:description>",
           "    <command:syntax>"]
    for s in c["sets"]:
        out.append("      <command:syntaxItem>")
        out.append(f"        <maml:name>{c['name']}</maml:name>")
        for p in params:
            if s in p.get("sets", [s]):
                out.append(param_xml(p, 8, False))
        out.append("      </command:syntaxItem>")
    out.append("    </command:syntax>")
    out.append("    <command:parameters>")
    out += [param_xml(p, 6, True) for p in params]
    out.append("    </command:parameters>")
    out.append("    <command:inputTypes>")
    for t, d in c["inputs"]:
        out.append(f"      <command:inputType>\n        <dev:type><maml:name>{t}</maml:name></dev:type>\n        <maml:description>\n{paras([d], 10)}\n        </maml:description>\n      </command:inputType>")
    out.append("    </command:inputTypes>")
    out.append("    <command:returnValues>")
    for t, d in c["outputs"]:
        out.append(f"      <command:returnValue>\n        <dev:type><maml:name>{t}</maml:name></dev:type>\n        <maml:description>\n{paras([d], 10)}\n        </maml:description>\n      </command:returnValue>")
    out.append("    </command:returnValues>")
    out.append("    <command:examples>")
    for i, (title, code, remark) in enumerate(c["examples"], 1):
        out.append(f"      <command:example>\n        <maml:title>-------------------------- Example {i}: {escape(title)} --------------------------</maml:title>\n"
                   f"        <dev:code>{escape(code)}</dev:code>\n        <dev:remarks>\n{paras([remark], 10)}\n        </dev:remarks>\n      </command:example>")
    out.append("    </command:examples>")
    out.append("    <command:relatedLinks>")
    for other in CMDLETS:
        if other["name"] != c["name"]:
            out.append(f"      <maml:navigationLink><maml:linkText>{other['name']}</maml:linkText></maml:navigationLink>")
    out.append("    </command:relatedLinks>")
    out.append("  </command:command>")
    return "\n".join(out)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    target = os.path.join(root, "module", "en-US", "SqliteAdmin.dll-Help.xml")
    body = "\n".join(command_xml(c) for c in CMDLETS)
    text = ('<?xml version="1.0" encoding="utf-8"?>\n'
            "<!-- Generated by tools/make_help.py: edit the spec there and run it again. -->\n"
            f'<helpItems schema="maml" xmlns="http://msh">\n{body}\n</helpItems>\n')
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
