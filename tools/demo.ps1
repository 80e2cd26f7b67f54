<#
.SYNOPSIS
    A newcomer's first run: makes a sample database and takes it through backup, verification,
    restore and a health check, printing each command and the objects it returns.

.DESCRIPTION
    Run by 'dotnet pwsh ./build.ps1 -Demo' after the build. Everything happens in a new temporary
    folder (or -Root), which is left in place so you can look at the files; nothing else is touched.
    Exits 1 if any step fails.

.EXAMPLE
    PS> dotnet pwsh ./build.ps1 -Demo
#>
[CmdletBinding()]
param(
    [string]$ModulePath = (Join-Path $PSScriptRoot '../out/SqliteAdmin'),
    [string]$Root = (Join-Path ([IO.Path]::GetTempPath()) ('sqliteadmin-demo-' + [guid]::NewGuid().ToString('N').Substring(0, 8)))
)

$ErrorActionPreference = 'Stop'
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }
Import-Module (Join-Path $ModulePath 'SqliteAdmin.psd1') -Force
Add-Type -Path (Join-Path $ModulePath 'dependencies/Microsoft.Data.Sqlite.dll')

function Invoke-SampleSql([string]$Path, [string]$Sql) {
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $command.ExecuteScalar()
    }
    finally { $connection.Dispose() }
}

function Show-Step([string]$Command, [scriptblock]$Action, [switch]$Table) {
    Write-Host "`nPS> $Command"
    $result = & $Action
    if ($Table) { $result | Format-Table | Out-String -Width 150 | Write-Host }
    else { $result | Format-List | Out-String -Width 120 | Write-Host }
    $result
}

$null = New-Item -ItemType Directory -Path $Root -Force
$database = Join-Path $Root 'orders.db'
$backups = Join-Path $Root 'backups'
$restored = Join-Path $Root 'restored/orders.db'
Write-Host "SqliteAdmin demo in $Root"
$null = Invoke-SampleSql $database @"
PRAGMA journal_mode=wal;
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer TEXT NOT NULL, total REAL, placed TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 5000)
  INSERT INTO orders(customer, total, placed) SELECT 'customer ' || (i % 250), i * 1.5, date('2026-01-01', '+' || (i % 300) || ' days') FROM n;
"@

# The passphrase comes from an environment variable, as in a scheduled task; it is never printed.
$env:SQLITEADMIN_DEMO_KEY = 'demo-passphrase-not-secret'
try {
    $backup = Show-Step "Backup-SqliteDatabase ./orders.db -Destination ./backups -Compress -Encrypt -PassphraseVariable SQLITEADMIN_DEMO_KEY" {
        Backup-SqliteDatabase -Path $database -Destination $backups -Compress -Encrypt -PassphraseVariable SQLITEADMIN_DEMO_KEY
    }
    $checked = Show-Step "Get-SqliteBackup -Verify ./backups -PassphraseVariable SQLITEADMIN_DEMO_KEY" {
        Get-SqliteBackup -Path $backups -Verify -PassphraseVariable SQLITEADMIN_DEMO_KEY
    }
    if ($checked.Status -ne 'Ok') { throw "The backup did not verify: $($checked.Status)." }
    $restore = Show-Step "Restore-SqliteDatabase -Path $(Split-Path $backup.Path -Leaf) -Destination ./restored/orders.db -PassphraseVariable SQLITEADMIN_DEMO_KEY -Force" {
        Restore-SqliteDatabase -Path $backup.Path -Destination $restored -PassphraseVariable SQLITEADMIN_DEMO_KEY -Force
    }
    if (-not $restore.Verified) { throw 'The restore was not verified.' }
    $health = Show-Step "Test-SqliteHealth ./orders.db -BackupPath ./backups" -Table {
        Test-SqliteHealth -Path $database -BackupPath $backups
    }
    if ($health.Status -contains 'Fail') { throw 'The health check failed.' }
}
finally {
    Remove-Item Env:SQLITEADMIN_DEMO_KEY -ErrorAction SilentlyContinue
}

$original = Invoke-SampleSql $database 'SELECT count(*) || '':'' || total(total) FROM orders'
$copy = Invoke-SampleSql $restored 'SELECT count(*) || '':'' || total(total) FROM orders'
if ($original -ne $copy) { throw "The restored database differs: $copy, expected $original." }
Write-Host "The demo restored $(($copy -split ':')[0]) orders into a new file and they match the original. Files: $Root"
