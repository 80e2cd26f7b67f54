@{
    RootModule           = 'SqliteAdmin.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'ac67a145-ecd9-4747-84df-3547b6562c74'
    Author               = 'SqliteAdmin contributors'
    CompanyName          = 'SqliteAdmin'
    Copyright            = '(c) 2026 SqliteAdmin contributors. MIT License.'
    Description          = 'Administration of SQLite databases from PowerShell: consistent verified backups (compressed, OpenSSL-compatible encryption), safe restores, integrity checks, vacuum, retention, sync-log reports and health checks. Compiled cmdlets with the native SQLite library for Windows, Linux and macOS.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('SqliteAdmin.format.ps1xml')
    TypesToProcess       = @('SqliteAdmin.types.ps1xml')
    CmdletsToExport      = @(
        'Backup-SqliteDatabase'
        'Export-SqliteData'
        'Get-SqliteBackup'
        'Get-SqliteDatabase'
        'Get-SyncLogReport'
        'Invoke-SqliteQuery'
        'Invoke-SqliteVacuum'
        'Remove-ExpiredBackup'
        'Remove-SyncLogEntry'
        'Repair-SqliteDatabase'
        'Restore-SqliteDatabase'
        'Test-SqliteHealth'
        'Test-SqliteIntegrity'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('SQLite', 'Database', 'Backup', 'Restore', 'Encryption', 'Integrity', 'Vacuum', 'Retention', 'Health', 'Monitoring', 'Admin', 'Windows', 'Linux', 'MacOS', 'PSEdition_Desktop', 'PSEdition_Core')
            # No ProjectUri/LicenseUri until the repository has a public home: a link that leads
            # nowhere is worse than none. The licence (MIT) ships in the module folder as LICENSE.
            ReleaseNotes = 'See CHANGELOG.md in the module folder.'
        }
    }
}
