# The default table view of every output type, as Format-Table shows it, and each cmdlet's examples in Get-Help -Full.
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $cmdlets = (Get-Command -Module SqliteAdmin -CommandType Cmdlet).Name
    $views = @(
        @{ Type = 'DatabaseInfo'; Header = 'Name\s+Size\(MB\)\s+Wal\(MB\)\s+Journal\s+Free%\s+Tables\s+Indexes\s+UserVersion\s+LastWriteTimeUtc'; Make = { param($f) Get-SqliteDatabase $f.Db } }
        @{ Type = 'TableInfo'; Header = 'Name\s+RowCount'; Make = { param($f) (Get-SqliteDatabase $f.Db).Tables } }
        @{ Type = 'BackupInfo'; Header = 'Database\s+Tier\s+Format\s+CreatedUtc\s+SizeBytes\s+WhenMade\s+Status\s+Path'; Make = { param($f) Get-SqliteBackup $f.Backups } }
        @{ Type = 'RestoreResult'; Header = 'Destination\s+BackupCreatedUtc\s+Verified\s+Integrity\s+Duration\s+SafetyCopyPath'; Make = { param($f) Get-SqliteBackup $f.Backups | Restore-SqliteDatabase -Destination (Join-Path $f.Folder 'restored.db') -Force } }
        @{ Type = 'RepairResult'; Header = 'Repair: .*app\.db -> .*salvaged\.db\s+Name\s+Type\s+Status\s+Recovered\s+Expected\s+Message'; Make = { param($f) Repair-SqliteDatabase $f.Db -Destination (Join-Path $f.Folder 'salvaged.db') -Force } }
        @{ Type = 'IntegrityResult'; Header = 'Path\s+Mode\s+Status\s+Errors\s+FkViolations\s+Duration\s+FirstProblem'; Make = { param($f) Test-SqliteIntegrity $f.Fk } }
        @{ Type = 'ForeignKeyViolation'; Header = 'Table\s+RowId\s+Parent\s+ForeignKeyIndex'; Make = { param($f) (Test-SqliteIntegrity $f.Fk).ForeignKeyViolations } }
        @{ Type = 'RetentionDecision'; Header = 'Database\s+Action\s+CreatedUtc\s+Tier\s+SizeBytes\s+Reasons\s+Path'; Make = { param($f) Remove-ExpiredBackup $f.Backups -KeepLast 1 -WhatIf } }
        @{ Type = 'VacuumResult'; Header = 'Path\s+Mode\s+Performed\s+Before\s+After\s+Reclaimed\s+Free%\s+Duration\s+Operations / SkippedReason'; Make = { param($f) Invoke-SqliteVacuum $f.Db } }
        @{ Type = 'SyncLogReport'; Header = 'Path\s+Status\s+Syncs\s+Success%\s+Conflict%\s+P95ms\s+LastSuccess\s+Alerts'; Make = { param($f) Get-SyncLogReport $f.Db -Since '2026-11-01' } }
        @{ Type = 'SyncLogPeriod'; Header = 'Period\s+Syncs\s+Succeeded\s+Failed\s+Failure%\s+Conflict%\s+Conflicts\s+Pulled\s+Pushed\s+AvgMs'; Make = { param($f) Get-SyncLogReport $f.Db -Since '2026-11-01' -GroupBy Day } }
        @{ Type = 'SyncLogPruneResult'; Header = 'Path\s+Table\s+Removed\s+Remaining\s+OldestKept\s+NewestKept\s+Unreadable'; Make = { param($f) Remove-SyncLogEntry $f.Db -KeepLast 10 -Force } }
        @{ Type = 'ExportResult'; Header = 'Path\s+Destination\s+Rows\s+Size\s+Duration\s+Table / Query'; Make = { param($f) Export-SqliteData $f.Db -Table sync_log -Destination (Join-Path $f.Folder 'sync.csv') } }
        @{ Type = 'HealthCheck'; Header = 'Check\s+Status\s+Value\s+Threshold\s+Message'; Make = { param($f) Test-SqliteHealth $f.Db -BackupPath $f.Backups } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Default table views' {
    BeforeEach {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $db = (New-TestDatabase -Path (Join-Path $folder 'app.db') -SyncRows 500).FullName
        $fk = Join-Path $folder 'fk.db'
        Copy-Item -LiteralPath $db -Destination $fk
        Invoke-TestSql -Path $fk -Sql 'PRAGMA foreign_keys=OFF; CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)); INSERT INTO child VALUES (1, 42);'
        $backups = Join-Path $folder 'backups'
        $null = Backup-SqliteDatabase -Path $db -Destination $backups
        $fixture = [pscustomobject]@{ Folder = $folder; Db = $db; Fk = $fk; Backups = $backups }
    }

    It '<Type> shows its columns' -ForEach $views {
        $objects = @(& $Make $fixture)
        $objects.Count | Should -BeGreaterThan 0
        $objects[0].PSObject.TypeNames[0] | Should -Be "SqliteAdmin.$Type"

        $text = $objects | Format-Table | Out-String -Width 250

        $text | Should -Match $Header
        # A view, not PowerShell's default of every property: a property outside the view never shows.
        $text | Should -Not -Match 'PSComputerName|RunspaceId|StatusMessage|SchemaVersion|TimestampFormat|SinceLastSuccess|Warnings'
    }
}

Describe 'Help examples' {
    It '<_> has examples an admin can type, each explained' -ForEach $cmdlets {
        $examples = @((Get-Help $_ -Full).Examples.Example)

        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            $example.Code | Should -Not -BeNullOrEmpty
            (($example.Code) + ' ' + ($example.Remarks.Text -join ' ')) | Should -Match ([regex]::Escape($_)) -Because 'an example shows the cmdlet itself'
            ($example.Remarks.Text -join ' ').Trim().Length | Should -BeGreaterThan 20 -Because "each example of $_ says what it does"
        }
    }
}
