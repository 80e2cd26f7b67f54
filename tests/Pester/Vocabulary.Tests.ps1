# One name per idea, one type per name (README, "The words every cmdlet uses"): parameter names and
# types agree across cmdlets, output types live in one namespace, the 0.1.0 names still bind as
# aliases, and every duration parameter takes a span typed on the command line, a string and a
# [TimeSpan] the same way.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
    $script:names = Get-Command -Module SqliteAdmin -CommandType Cmdlet | ForEach-Object {
        foreach ($p in $_.Parameters.Values) {
            # Nullable<T> is T: it only says whether the parameter was given.
            $type = $p.ParameterType
            if ([Nullable]::GetUnderlyingType($type)) { $type = [Nullable]::GetUnderlyingType($type) }
            if ($p.Name -notin $common) { [pscustomobject]@{ Cmdlet = $_.Name; Name = $p.Name; Type = $type.FullName } }
        }
    } | Group-Object Name | ForEach-Object { @{ Name = $_.Name; Uses = @($_.Group) } }
    $script:durations = @(
        @{ Cmdlet = 'Remove-ExpiredBackup'; Parameter = 'OlderThan' }
        @{ Cmdlet = 'Remove-ExpiredBackup'; Parameter = 'KeepWithin' }
        @{ Cmdlet = 'Remove-SyncLogEntry'; Parameter = 'OlderThan' }
        @{ Cmdlet = 'Get-SyncLogReport'; Parameter = 'Last' }
        @{ Cmdlet = 'Get-SyncLogReport'; Parameter = 'StaleAfter' }
        @{ Cmdlet = 'Test-SqliteHealth'; Parameter = 'MaxBackupAge' }
        @{ Cmdlet = 'Test-SqliteHealth'; Parameter = 'StaleAfter' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Parameter names' {
    It '-<Name> has one type in every cmdlet that has it' -ForEach $names {
        @($Uses.Type | Select-Object -Unique) | Should -HaveCount 1 -Because (($Uses | ForEach-Object { "$($_.Cmdlet): $($_.Type)" }) -join '; ')
    }

    It 'the depth of an integrity check is -IntegrityMode <IntegrityMode> wherever it can be chosen' {
        foreach ($cmdlet in 'Backup-SqliteDatabase', 'Test-SqliteIntegrity', 'Test-SqliteHealth') {
            (Get-Command $cmdlet).Parameters['IntegrityMode'].ParameterType | Should -Be ([SqliteAdmin.IntegrityMode]) -Because $cmdlet
        }
        (Get-Command Get-SqliteBackup).Parameters['Verify'].SwitchParameter | Should -BeTrue
        @(Get-Command -Module SqliteAdmin | Where-Object { $_.Parameters.Keys -contains 'Mode' }) | Should -BeNullOrEmpty
    }

    It 'every duration parameter is a SqliteAdmin.Duration' -ForEach $durations {
        (Get-Command $Cmdlet).Parameters[$Parameter].ParameterType | Should -Be ([SqliteAdmin.Duration])
    }
}

Describe 'Output types' {
    It 'every output type is in the SqliteAdmin namespace and named subject + kind' {
        $types = Get-Command -Module SqliteAdmin -CommandType Cmdlet | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -ne [bool] } | Select-Object -Unique
        $types | Should -Not -BeNullOrEmpty
        foreach ($type in $types) {
            $type.Namespace | Should -Be 'SqliteAdmin' -Because $type.FullName
            $type.Name | Should -Match '(Info|Result|Check|Decision|Report|Period)$' -Because $type.FullName
            $type.Name | Should -Not -Match '^Sqlite' -Because 'the namespace already says SqliteAdmin'
        }
    }

    It 'the module exports no helper types: only output, parameter and error types are public' {
        $core = [SqliteAdmin.BackupInfo].Assembly
        @($core.GetExportedTypes() | Where-Object Namespace -ne 'SqliteAdmin') | Should -BeNullOrEmpty
    }
}

Describe 'The 0.1.0 names still bind, as aliases for one release' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'app.db') -SyncRows 50).FullName
    }

    It 'Backup-SqliteDatabase -Verify Full is -IntegrityMode Full' {
        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'b') -Verify Full
        $backup.VerifyMode | Should -Be 'Full'
    }

    It 'Test-SqliteIntegrity -Mode Quick is -IntegrityMode Quick' {
        (Test-SqliteIntegrity $db -Mode Quick).Mode | Should -Be 'Quick'
        { Test-SqliteIntegrity $db -IntegrityMode None } | Should -Throw -ExpectedMessage '*does not belong to the set*'
    }

    It 'Invoke-SqliteVacuum -Mode Into is -VacuumMode Into' {
        $copy = Join-Path $TestDrive 'copy.db'
        (Invoke-SqliteVacuum $db -Mode Into -Destination $copy).Mode | Should -Be 'Into'
        Test-Path -LiteralPath $copy | Should -BeTrue
    }

    It 'Get-SyncLogReport -Table and Remove-SyncLogEntry -Table are -SyncLogTable' {
        (Get-SyncLogReport $db -Table sync_log -Last 30d).Table | Should -Be 'sync_log'
        (Remove-SyncLogEntry $db -Table sync_log -KeepLast 40 -WhatIf) | Should -BeNullOrEmpty
        Invoke-TestScalar -Path $db -Sql 'SELECT count(*) FROM sync_log' | Should -Be 50
    }
}

Describe 'Durations bind the same way whichever way they are given' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'sync.db') -SyncRows 200).FullName
        $backups = Join-Path $TestDrive 'backups'
        $backup = Backup-SqliteDatabase -Path $db -Destination $backups -Tier Daily
        # What each parameter decides, as text, so two bindings can be compared.
        function Get-Decision([string]$Cmdlet, [string]$Parameter, $Value) {
            $splat = @{ $Parameter = $Value }
            switch ($Cmdlet) {
                'Remove-ExpiredBackup' {
                    if ($Parameter -eq 'OlderThan') { $splat.KeepLast = 0 }
                    (Remove-ExpiredBackup $backups @splat -WhatIf | ForEach-Object { "$($_.Action) $($_.Reasons -join ',')" }) -join ';'
                }
                'Remove-SyncLogEntry' {
                    $copy = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.db')
                    Copy-Item -LiteralPath $db -Destination $copy
                    $r = Remove-SyncLogEntry $copy @splat -Force
                    "$($r.Removed) $($r.Remaining)"
                }
                'Get-SyncLogReport' {
                    if ($Parameter -eq 'StaleAfter') { $splat.Last = '30d' }
                    $r = Get-SyncLogReport $db @splat
                    "$([math]::Round(($r.To - $r.From).TotalMinutes)) $($r.Status) $($r.Alerts -join ',')"
                }
                'Test-SqliteHealth' {
                    if ($Parameter -eq 'StaleAfter') { $splat.SyncLogTable = 'sync_log' }
                    (Test-SqliteHealth $db -BackupPath $backups @splat | ForEach-Object { "$($_.Check) $($_.Status) $($_.Threshold)" }) -join ';'
                }
            }
        }
    }

    It '<Cmdlet> -<Parameter>: ''26h'', New-TimeSpan -Hours 26 and ''1.02:00:00'' agree; 26 alone is InvalidSpan' -ForEach $durations {
        $quoted = Get-Decision $Cmdlet $Parameter '26h'
        $span = Get-Decision $Cmdlet $Parameter (New-TimeSpan -Hours 26)
        $text = Get-Decision $Cmdlet $Parameter '1.02:00:00'

        $quoted | Should -Not -BeNullOrEmpty
        $span | Should -Be $quoted
        $text | Should -Be $quoted

        $bare = @{ $Parameter = 26 }
        $thrown = { & $Cmdlet -Path $db @bare } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSpan,*'
    }

    It 'a span typed as a PowerShell number literal (30d is decimal 30, 1y is sbyte 1) binds as the span it reads as' {
        # The tour's own commands: PowerShell parses 30d and 1y as numbers before the cmdlet sees them.
        $report = Get-SyncLogReport $db -Last 30d
        ($report.To - $report.From).TotalDays | Should -BeGreaterOrEqual 29.9
        $year = Get-SyncLogReport $db -Last 1y
        ($year.To - $year.From).TotalDays | Should -BeGreaterThan 360
        # The same literal on every duration parameter gives what the quoted span gives.
        (Remove-ExpiredBackup $backups -OlderThan 2d -KeepLast 0 -WhatIf).Action | Should -Be (Remove-ExpiredBackup $backups -OlderThan '2d' -KeepLast 0 -WhatIf).Action
        (Remove-ExpiredBackup $backups -KeepWithin 2d -WhatIf).Reasons | Should -Be (Remove-ExpiredBackup $backups -KeepWithin '2d' -WhatIf).Reasons
        Remove-SyncLogEntry $db -OlderThan 2d -WhatIf | Should -BeNullOrEmpty
        (Get-SyncLogReport $db -Last 30d -StaleAfter 2d).Alerts | Should -Be (Get-SyncLogReport $db -Last 30d -StaleAfter '2d').Alerts
        (Test-SqliteHealth $db -BackupPath $backups -MaxBackupAge 2d -SyncLogTable sync_log -StaleAfter 2d).Threshold |
            Should -Be (Test-SqliteHealth $db -BackupPath $backups -MaxBackupAge '2d' -SyncLogTable sync_log -StaleAfter '2d').Threshold
    }

    It 'a TimeSpan keeps its minutes (90 minutes is not rounded to 2 hours)' {
        $decision = Remove-ExpiredBackup $backups -KeepWithin (New-TimeSpan -Minutes 90) -WhatIf
        $decision.Reasons | Should -Contain 'within 01:30:00'
    }

    It 'a calendar span is refused where a fixed length is needed, with the same error id' {
        $thrown = { Test-SqliteHealth $db -MaxBackupAge 1m } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSpan,*'
        $thrown.Exception.Message | Should -Match 'months and years have no fixed length'
    }

    It 'a number that was a span in an expression ($v = 30d) is refused with a hint to quote it' {
        $v = 30d
        $thrown = { Get-SyncLogReport $db -Last $v } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSpan,*'
        $thrown.Exception.Message | Should -Match "quote it: '30d'"
    }

    It 'a span too large to count is InvalidSpan; one longer than the calendar reaches back means since the beginning' {
        foreach ($value in '99999999999d', '9999999999y') {
            $thrown = { Get-SyncLogReport $db -Last $value -ErrorAction Stop } | Should -Throw -PassThru
            $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSpan,*' -Because $value
        }
        foreach ($value in '3000000d', '5000y') {
            $report = Get-SyncLogReport $db -Last $value -ErrorAction Stop
            $report.TotalSyncs | Should -Be (Get-SyncLogReport $db -Last 100y).TotalSyncs -Because $value
            $report.From.Year | Should -Be 1
        }
    }
}

Describe 'Damaged versus inconsistent, the same words everywhere' {
    BeforeAll {
        $fk = (New-TestDatabase -Path (Join-Path $TestDrive 'fk.db')).FullName
        Invoke-TestSql -Path $fk -Sql 'PRAGMA foreign_keys=OFF; CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)); INSERT INTO child VALUES (1, 42);'
    }

    It 'foreign-key violations alone are Inconsistent, not Corrupt, and still not healthy' {
        $result = Test-SqliteIntegrity $fk
        $result.Status | Should -Be 'Inconsistent'
        $result.IsHealthy | Should -BeFalse
        Test-SqliteIntegrity $fk -Quiet | Should -BeFalse
    }

    It 'Test-SqliteHealth says Inconsistent, advises against a restore, and -Quiet is still $false' {
        $row = Test-SqliteHealth $fk -IntegrityMode Full | Where-Object Check -eq 'Integrity'
        $row.Status | Should -Be 'Fail'
        $row.Value | Should -Be 'Inconsistent'
        $row.Message | Should -Match 'not damaged: do not restore'
        Test-SqliteHealth $fk -IntegrityMode Full -Quiet | Should -BeFalse
    }

    It 'IntegrityStatus keeps its 0.1.0 numbers (Inconsistent is added at the end)' {
        [int][SqliteAdmin.IntegrityStatus]::Ok | Should -Be 0
        [int][SqliteAdmin.IntegrityStatus]::Corrupt | Should -Be 1
        [int][SqliteAdmin.IntegrityStatus]::Unreadable | Should -Be 2
        [int][SqliteAdmin.IntegrityStatus]::Inconsistent | Should -Be 3
    }
}
