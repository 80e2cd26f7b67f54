# -WhatIf, $WhatIfPreference, -Confirm:$false, -Force and a host that cannot prompt, for every cmdlet
# that writes or deletes. "Nothing changed" is the whole fixture folder compared before and after.
BeforeDiscovery {
    # Act: runs the cmdlet on the fixture ($f) with extra parameters ($p). Changed: proves it did its work.
    $writers = @(
        @{ Cmdlet = 'Backup-SqliteDatabase'; HasForce = $false; High = $false
           Act = { param($f, $p) Backup-SqliteDatabase -Path $f.Database -Destination (Join-Path $f.Folder 'out') @p }
           Changed = { param($f) @(Get-ChildItem -LiteralPath (Join-Path $f.Folder 'out') -Filter 'app_*.db' -ErrorAction SilentlyContinue).Count -eq 1 } }
        @{ Cmdlet = 'Restore-SqliteDatabase'; HasForce = $true; High = $true
           Act = { param($f, $p) Restore-SqliteDatabase -Path $f.Backup -Destination $f.Database @p }
           Changed = { param($f) [long](Invoke-TestScalar -Path $f.Database -Sql 'SELECT count(*) FROM sync_log') -eq 100 } }
        @{ Cmdlet = 'Invoke-SqliteVacuum'; HasForce = $false; High = $false
           Act = { param($f, $p) Invoke-SqliteVacuum -Path $f.Database @p }
           Changed = { param($f) [long](Invoke-TestScalar -Path $f.Database -Sql 'PRAGMA freelist_count') -eq 0 } }
        @{ Cmdlet = 'Remove-ExpiredBackup'; HasForce = $true; High = $true
           Act = { param($f, $p) Remove-ExpiredBackup -Path $f.BackupFolder -KeepLast 1 @p }
           Changed = { param($f) @(Get-ChildItem -LiteralPath $f.BackupFolder -Filter 'app_*.db').Count -eq 1 } }
        @{ Cmdlet = 'Remove-SyncLogEntry'; HasForce = $true; High = $true
           Act = { param($f, $p) Remove-SyncLogEntry -Path $f.Database -KeepLast 10 @p }
           Changed = { param($f) [long](Invoke-TestScalar -Path $f.Database -Sql 'SELECT count(*) FROM sync_log') -eq 10 } }
        # Only with -ReadWrite: a read-only query changes nothing and asks nothing.
        @{ Cmdlet = 'Invoke-SqliteQuery'; HasForce = $false; High = $false
           Act = { param($f, $p) Invoke-SqliteQuery -Path $f.Database -Query 'DELETE FROM sync_log WHERE id > 10' -ReadWrite @p }
           Changed = { param($f) [long](Invoke-TestScalar -Path $f.Database -Sql 'SELECT count(*) FROM sync_log') -eq 10 } }
        @{ Cmdlet = 'Export-SqliteData'; HasForce = $true; High = $false
           Act = { param($f, $p) Export-SqliteData -Path $f.Database -Table sync_log -Destination (Join-Path $f.Folder 'export.csv') @p }
           Changed = { param($f) Test-Path -LiteralPath (Join-Path $f.Folder 'export.csv') } }
        @{ Cmdlet = 'Repair-SqliteDatabase'; HasForce = $true; High = $true
           Act = { param($f, $p) Repair-SqliteDatabase -Path $f.Database -Replace @p }
           Changed = { param($f) Test-Path -LiteralPath (Join-Path $f.Folder 'before_restore') } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    $script:Template = Join-Path $TestDrive 'template'
    $null = New-Item -ItemType Directory -Path $script:Template
    $db = (New-TestDatabase -Path (Join-Path $script:Template 'app.db') -SyncRows 100).FullName
    $backups = Join-Path $script:Template 'backups'
    # Two backups (retention has one to remove), then the live database moves on: 200 more rows and free pages.
    foreach ($when in 3, 2) {
        $made = Backup-SqliteDatabase -Path $db -Destination $backups
        $null = Set-BackupAge -Backup $made -CreatedUtc ([DateTime]::UtcNow.AddDays(-$when))
    }
    Invoke-TestSql -Path $db -Sql @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 200)
  INSERT INTO sync_log(timestamp,status) SELECT datetime('2026-11-20','+'||i||' minutes'), 'success' FROM n;
CREATE TABLE filler(id INTEGER PRIMARY KEY, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 400) INSERT INTO filler(payload) SELECT randomblob(900) FROM n;
DELETE FROM filler WHERE id % 4 <> 0;
"@
    [long](Invoke-TestScalar -Path $db -Sql 'PRAGMA freelist_count') | Should -BeGreaterThan 0

    function New-Fixture {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        Copy-Item -LiteralPath $script:Template -Destination $folder -Recurse
        [pscustomobject]@{
            Folder = $folder; Database = (Join-Path $folder 'app.db'); BackupFolder = (Join-Path $folder 'backups')
            Backup = @(Get-ChildItem -LiteralPath (Join-Path $folder 'backups') -Filter 'app_*.db' | Sort-Object Name)[-1].FullName
        }
    }
}

Describe 'ShouldProcess: <Cmdlet>' -ForEach $writers {
    BeforeEach {
        $fixture = New-Fixture
        $before = Get-FolderState $fixture.Folder
        $force = if ($HasForce) { @{ Force = $true } } else { @{} }
    }

    It 'changes nothing with -WhatIf (with -Force too, where there is one)' {
        $null = & $Act $fixture (@{ WhatIf = $true } + $force)

        Get-FolderState $fixture.Folder | Should -Be $before
        & $Changed $fixture | Should -BeFalse
    }

    It 'changes nothing when the caller sets $WhatIfPreference' {
        $WhatIfPreference = $true
        try {
            $null = & $Act $fixture $force
        }
        finally {
            $WhatIfPreference = $false
        }

        Get-FolderState $fixture.Folder | Should -Be $before
    }

    It 'does its work with -Confirm:$false' {
        $null = & $Act $fixture @{ Confirm = $false }

        & $Changed $fixture | Should -BeTrue
    }

    if ($HasForce) {
    It 'does its work with -Force in a host that cannot prompt' {
        $run = Invoke-HostedCommand -Script 'param($Act, $Fixture) & ([scriptblock]::Create($Act)) $Fixture @{ Force = $true }' -Parameters @{ Act = $Act.ToString(); Fixture = $fixture }

        $run.Errors | Should -BeNullOrEmpty
        & $Changed $fixture | Should -BeTrue
    }
    }

    if ($High) {
    It 'asks first (ConfirmImpact High): in a host that cannot prompt it fails with HostFunctionNotImplemented and changes nothing' {
        $run = Invoke-HostedCommand -Script 'param($Act, $Fixture) & ([scriptblock]::Create($Act)) $Fixture @{}' -Parameters @{ Act = $Act.ToString(); Fixture = $fixture }

        $run.Errors.Count | Should -BeGreaterThan 0
        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HostFunctionNotImplemented,SqliteAdmin.Commands.*'
        Get-FolderState $fixture.Folder | Should -Be $before
    }

    It 'and that failure ends the statement, so a script''s try/catch sees it and does not go on' {
        $run = Invoke-HostedCommand -Script 'param($Act, $Fixture) try { & ([scriptblock]::Create($Act)) $Fixture @{}; "went on" } catch { "caught $($_.FullyQualifiedErrorId)" }' -Parameters @{ Act = $Act.ToString(); Fixture = $fixture }

        $run.Output | Should -Not -Contain 'went on'
        @($run.Output -like 'caught HostFunctionNotImplemented,*').Count | Should -Be 1
        Get-FolderState $fixture.Folder | Should -Be $before
    }
    }

    It 'still asks with -Confirm, even with -Force' {
        $run = Invoke-HostedCommand -Script 'param($Act, $Fixture, $Force) & ([scriptblock]::Create($Act)) $Fixture (@{ Confirm = $true } + $Force)' -Parameters @{ Act = $Act.ToString(); Fixture = $fixture; Force = $force }

        $run.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HostFunctionNotImplemented,SqliteAdmin.Commands.*'
        Get-FolderState $fixture.Folder | Should -Be $before
    }
}
