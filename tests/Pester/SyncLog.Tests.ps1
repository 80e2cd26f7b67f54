BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function New-SyncLogDatabase {
        # Seed 003's sync_log: 400 syncs every 30 minutes up to 10 minutes ago; every 20th failed, every 25th had a conflict.
        param([Parameter(Mandatory)][string]$Path)
        Invoke-TestSql -Path $Path -Sql @"
CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER);
CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 399)
INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms)
SELECT datetime('now', '-' || (10 + i * 30) || ' minutes'), CASE WHEN i % 20 = 5 THEN 'error' ELSE 'success' END, 5, 2, CASE WHEN i % 25 = 3 THEN 1 ELSE 0 END, 1000 + i FROM n;
"@
        $Path
    }

    function Get-RowCount {
        param([Parameter(Mandatory)][string]$Path)
        [long](Invoke-TestScalar -Path $Path -Sql 'SELECT count(*) FROM sync_log')
    }
}

Describe 'Get-SyncLogReport' {
    BeforeAll {
        $db = New-SyncLogDatabase -Path (Join-Path $TestDrive 'server.db')
    }

    It 'summarises the last 24 hours as a SyncLogReport' {
        $report = Get-SyncLogReport -Path $db -Last 24h

        $report | Should -BeOfType 'SqliteAdmin.SyncLogReport'
        $report.TotalSyncs | Should -Be 48
        $report.Failed | Should -Be 3
        $report.RecordsPulled | Should -Be (48 * 5)
        $report.TimestampFormat | Should -Match 'YYYY-MM-DD HH:MM:SS'
        $report.Status | Should -Be 'OK'
        $report.Alerts | Should -BeNullOrEmpty
    }

    It 'raises alerts an admin can act on when a threshold is crossed' {
        $report = Get-SyncLogReport -Path $db -MaxFailurePercent 4 -MaxConflictPercent 2

        $report.Status | Should -Be 'Critical'
        ($report.Alerts -join "`n") | Should -Match 'syncs failed'
        ($report.Alerts -join "`n") | Should -Match 'had conflicts'
    }

    It 'gives one SyncLogPeriod per day with -GroupBy Day, adding up to the summary' {
        $days = Get-SyncLogReport -Path $db -Last 7d -GroupBy Day
        $summary = Get-SyncLogReport -Path $db -Last 7d

        $days[0] | Should -BeOfType 'SqliteAdmin.SyncLogPeriod'
        ($days | Measure-Object TotalSyncs -Sum).Sum | Should -Be $summary.TotalSyncs
    }

    It 'turns into an HTML e-mail body' {
        $html = Get-SyncLogReport -Path $db | ConvertTo-Html -Property Path, Status, TotalSyncs, FailureRate, Alerts | Out-String

        $html | Should -Match '<table>'
        $html | Should -Match ([regex]::Escape($db))
    }

    It 'rejects a hostile table name with TableNotFound and runs nothing' {
        Get-SyncLogReport -Path $db -SyncLogTable 'sync_log"; DROP TABLE sync_log; --' -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TableNotFound,*'
        Get-RowCount $db | Should -Be 400
    }

    It 'names the parameter of a missing column' {
        Get-SyncLogReport -Path $db -DurationColumn 'elapsed' -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ColumnNotFound,*'
        $errs[0].Exception.Message | Should -Match '-DurationColumn'
    }

    It 'refuses -Since together with -Last' {
        { Get-SyncLogReport -Path $db -Since (Get-Date).AddDays(-1) -Last 7d -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination*'
    }
}

Describe 'Remove-SyncLogEntry' {
    It 'changes nothing with -WhatIf' {
        $db = New-SyncLogDatabase -Path (Join-Path $TestDrive 'whatif.db')

        $result = Remove-SyncLogEntry -Path $db -OlderThan 1d -Force -WhatIf

        $result | Should -BeNullOrEmpty
        Get-RowCount $db | Should -Be 400
    }

    It 'removes rows older than the span and beyond -KeepLast, and says what is left' {
        $db = New-SyncLogDatabase -Path (Join-Path $TestDrive 'prune.db')

        $result = Remove-SyncLogEntry -Path $db -OlderThan 7d -KeepLast 100 -Force

        $result | Should -BeOfType 'SqliteAdmin.SyncLogPruneResult'
        $result.Removed | Should -Be 300
        $result.Remaining | Should -Be 100
        Get-RowCount $db | Should -Be 100
    }

    It 'needs a rule' {
        { Remove-SyncLogEntry -Path (Join-Path $TestDrive 'prune.db') -Force -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination*'
    }
}
