# Reliability case 27 as a user sees it: temp files that a killed run left in a backup folder are
# reported by Get-SqliteBackup and Test-SqliteHealth, and removed by the next backup into the folder.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Temp files left by an interrupted run' {
    BeforeEach {
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $db = (New-TestDatabase -Path (Join-Path (New-Item -ItemType Directory -Path $root) 'orders.db')).FullName
        $backups = Join-Path $root 'backups'
        $null = Backup-SqliteDatabase -Path $db -Destination $backups
        $leftover = Join-Path $backups '.sqliteadmin-tmp-stored-0123456789ab'
        Set-Content -LiteralPath $leftover -Value 'half a backup'
        (Get-Item -LiteralPath $leftover -Force).LastWriteTimeUtc = [DateTime]::UtcNow.AddDays(-2)
    }

    It 'are named in a warning by Get-SqliteBackup, which still lists the backups' {
        $listed = Get-SqliteBackup -Path $backups -WarningVariable warnings -WarningAction SilentlyContinue

        @($listed).Count | Should -Be 1
        $warnings | Should -HaveCount 1
        "$($warnings[0])" | Should -Match '\.sqliteadmin-tmp-stored-0123456789ab'
    }

    It 'are a TempFiles warning in Test-SqliteHealth' {
        $row = Test-SqliteHealth -Path $db -BackupPath $backups | Where-Object Check -eq 'TempFiles'

        $row.Status | Should -Be 'Warning'
        $row.Message | Should -Match 'interrupted SqliteAdmin run'
    }

    It 'are removed by the next backup into the folder, and the warning is gone' {
        $null = Backup-SqliteDatabase -Path $db -Destination $backups

        Test-Path -LiteralPath $leftover | Should -BeFalse
        $null = Get-SqliteBackup -Path $backups -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -BeNullOrEmpty
        Test-SqliteHealth -Path $db -BackupPath $backups | Where-Object Check -eq 'TempFiles' | Should -BeNullOrEmpty
    }
}
