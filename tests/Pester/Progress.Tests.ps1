# Write-Progress as a host sees it (a hosted runspace's Progress stream), and Ctrl+C (PowerShell.Stop())
# in the middle of a long backup, vacuum and integrity check.
BeforeDiscovery {
    # Every cmdlet that does slow work on a database. Remove-ExpiredBackup only deletes files and writes none.
    $progressCases = @(
        @{ Cmdlet = 'Backup-SqliteDatabase'; Script = 'param($Db, $Folder) Backup-SqliteDatabase -Path $Db -Destination (Join-Path $Folder out) -Compress' }
        @{ Cmdlet = 'Restore-SqliteDatabase'; Script = 'param($Db, $Folder) Get-SqliteBackup (Join-Path $Folder backups) | Restore-SqliteDatabase -Destination (Join-Path $Folder restored.db) -Force' }
        @{ Cmdlet = 'Test-SqliteIntegrity'; Script = 'param($Db, $Folder) Test-SqliteIntegrity -Path $Db' }
        @{ Cmdlet = 'Invoke-SqliteVacuum'; Script = 'param($Db, $Folder) Invoke-SqliteVacuum -Path $Db' }
        @{ Cmdlet = 'Get-SyncLogReport'; Script = 'param($Db, $Folder) Get-SyncLogReport -Path $Db -Last 1y' }
        @{ Cmdlet = 'Get-SqliteBackup'; Script = 'param($Db, $Folder) Get-SqliteBackup (Join-Path $Folder backups) -Verify' }
        @{ Cmdlet = 'Get-SqliteDatabase'; Script = 'param($Db, $Folder) Get-SqliteDatabase -Path $Db' }
        @{ Cmdlet = 'Test-SqliteHealth'; Script = 'param($Db, $Folder) Test-SqliteHealth -Path $Db -BackupPath (Join-Path $Folder backups)' }
        @{ Cmdlet = 'Remove-SyncLogEntry'; Script = 'param($Db, $Folder) Remove-SyncLogEntry -Path $Db -KeepLast 10 -Force' }
        # A query's row count is not known before the end: rows and megabytes so far, percentage -1 (unknown).
        @{ Cmdlet = 'Export-SqliteData'; Unknown = $true; Script = 'param($Db, $Folder) Export-SqliteData -Path $Db -Table sync_log -Destination (Join-Path $Folder ([guid]::NewGuid().ToString() + ''.csv''))' }
    )
    $stopCases = @(
        @{ Name = 'an online backup'; Records = 3; Script = 'param($Db, $Out) Backup-SqliteDatabase -Path $Db -Destination $Out -PagesPerStep 16' }
        @{ Name = 'a compressed, encrypted backup'; Records = 3; Script = 'param($Db, $Out) $env:SQLITEADMIN_STOP_KEY = ''stop test''; Backup-SqliteDatabase -Path $Db -Destination $Out -Compress -Encrypt -PassphraseVariable SQLITEADMIN_STOP_KEY' }
        @{ Name = 'a VACUUM INTO copy'; Records = 3; Script = 'param($Db, $Out) $null = New-Item -ItemType Directory -Path $Out -Force; Invoke-SqliteVacuum -Path $Db -VacuumMode Into -Destination $Out' }
        @{ Name = 'a vacuum in place'; Records = 3; Script = 'param($Db, $Out) Invoke-SqliteVacuum -Path $Db' }
        @{ Name = 'an integrity check'; Records = 1; Script = 'param($Db, $Out) Test-SqliteIntegrity -Path $Db' }
        @{ Name = 'a CSV export'; Records = 2; Script = 'param($Db, $Out) Export-SqliteData -Path $Db -Query ''WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i, ''''row '''' || i FROM n'' -Destination (Join-Path $Out rows.csv)' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Write-Progress' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'progress'
        $null = New-Item -ItemType Directory -Path $folder
        $template = (New-TestDatabase -Path (Join-Path $folder 'template.db') -SyncRows 3000).FullName
        $null = Backup-SqliteDatabase -Path $template -Destination (Join-Path $folder 'backups')
    }

    It '<Cmdlet> writes progress with whole percentages and closes it with a Completed record' -ForEach $progressCases {
        $db = Join-Path $folder ([guid]::NewGuid().ToString('N') + '.db')
        Copy-Item -LiteralPath $template -Destination $db

        $run = Invoke-HostedCommand -Script $Script -Parameters @{ Db = $db; Folder = $folder }

        $run.State | Should -Be 'Completed'
        $run.Errors | Should -BeNullOrEmpty
        $run.Output | Should -Not -BeNullOrEmpty
        $run.Progress.Count | Should -BeGreaterThan 1
        foreach ($record in $run.Progress) {
            $record.PercentComplete | Should -BeOfType [int]
            $record.PercentComplete | Should -BeGreaterOrEqual ($(if ($Unknown -and $record.RecordType -ne 'Completed') { -1 } else { 0 })) -Because "$($record.Activity): $($record.StatusDescription)"
            $record.PercentComplete | Should -BeLessOrEqual 100
            $record.Activity | Should -Not -BeNullOrEmpty
        }
        $completed = @($run.Progress | Where-Object RecordType -eq 'Completed')
        $completed.Count | Should -BeGreaterOrEqual 1
        $run.Progress[-1].RecordType | Should -Be 'Completed' -Because 'the last record closes the bar'
        # Every activity that was opened is closed.
        foreach ($id in $run.Progress.ActivityId | Select-Object -Unique) {
            $completed.ActivityId | Should -Contain $id
        }
    }

    It 'Remove-ExpiredBackup writes no progress (it only deletes files)' {
        $run = Invoke-HostedCommand -Script 'param($Folder) Remove-ExpiredBackup -Path (Join-Path $Folder backups) -KeepLast 5 -WhatIf' -Parameters @{ Folder = $folder }

        $run.State | Should -Be 'Completed'
        $run.Output | Should -Not -BeNullOrEmpty
        $run.Progress | Should -BeNullOrEmpty
    }
}

Describe 'Stopping a long operation (Ctrl+C)' {
    BeforeAll {
        $template = (New-LargeTestDatabase -Path (Join-Path $TestDrive 'large.db')).FullName
        (Get-Item -LiteralPath $template).Length | Should -BeGreaterThan 30MB
    }

    It 'stops <Name> once it is under way and leaves nothing behind' -ForEach $stopCases {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $db = Join-Path $folder 'orders.db'
        Copy-Item -LiteralPath $template -Destination $db
        $out = Join-Path $folder 'out'
        $null = New-Item -ItemType Directory -Path $out
        Set-Content -LiteralPath (Join-Path $out 'existing.txt') -Value 'was here before'
        $hash = (Get-FileHash -LiteralPath $db -Algorithm SHA256).Hash
        # Files only: a folder's write time changes when a temp file comes and goes, which is allowed.
        $before = Get-FolderState $folder | Where-Object { $_ -notmatch '\|dir\|' }

        $stopped = Stop-HostedCommandAfterProgress -Script $Script -Parameters @{ Db = $db; Out = $out } -Records $Records

        $stopped.CompletedBeforeStop | Should -BeFalse -Because 'the operation must still be running when it is stopped'
        $stopped.ProgressAtStop | Should -BeGreaterOrEqual $Records
        $stopped.State | Should -Be 'Stopped'
        # PipelineStoppedException: thrown by EndInvoke, or (a script of several statements) as its error record.
        $stopReported = $stopped.Thrown -is [System.Management.Automation.PipelineStoppedException] -or
            @($stopped.Errors | Where-Object FullyQualifiedErrorId -eq 'PipelineStopped').Count -gt 0
        $stopReported | Should -BeTrue -Because ($stopped.Errors | Out-String)
        @($stopped.Errors | Where-Object FullyQualifiedErrorId -ne 'PipelineStopped') | Should -BeNullOrEmpty -Because 'a stop is not a failure' 
        @(Get-ChildItem -LiteralPath $folder -Recurse -Force -Filter '*.sqliteadmin-tmp-*') | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $folder -Recurse -Force | Where-Object Name -like '*sqliteadmin-tmp*') | Should -BeNullOrEmpty
        (Get-ChildItem -LiteralPath $out -Force).Name | Should -Be 'existing.txt'
        Test-Path -LiteralPath "$db-journal" | Should -BeFalse
        Test-Path -LiteralPath "$db-wal" | Should -BeFalse
        (Get-FileHash -LiteralPath $db -Algorithm SHA256).Hash | Should -Be $hash
        Get-FolderState $folder | Where-Object { $_ -notmatch '\|dir\|' } | Should -Be $before
    }
}
