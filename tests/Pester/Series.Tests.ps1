# Reliability case 24 as an admin meets it: site1/app.db and site2/app.db backed up to one folder
# with the ordinary Get-ChildItem pipeline never share a backup series.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function New-Site([string]$Root, [string]$Site, [int]$Marker) {
        $folder = New-Item -ItemType Directory -Path (Join-Path $Root $Site) -Force
        $db = (New-TestDatabase -Path (Join-Path $folder 'app.db')).FullName
        Invoke-TestSql -Path $db -Sql "CREATE TABLE marker(site INTEGER); INSERT INTO marker VALUES ($Marker);"
        $db
    }
}

Describe 'Two databases with the same file name in one backup folder' {
    BeforeEach {
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $site1 = New-Site $root 'site1' 1
        $site2 = New-Site $root 'site2' 2
        $backups = Join-Path $root 'backups'
    }

    It 'backs up the first and refuses the second with BackupSeriesConflict, naming the fix' {
        $made = Get-ChildItem -Path $root -Recurse -Filter app.db | Sort-Object FullName |
            Backup-SqliteDatabase -Destination $backups -ErrorVariable problems -ErrorAction SilentlyContinue

        @($made).Count | Should -Be 1
        $made.SourcePath | Should -Be $site1
        $problems | Should -HaveCount 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'BackupSeriesConflict,*'
        "$($problems[0])" | Should -Match '-Name site2-app'
    }

    It 'keeps two series apart with -Name: retention, restore by name and health' {
        $null = Backup-SqliteDatabase -Path $site1 -Destination $backups
        $null = Backup-SqliteDatabase -Path $site2 -Destination $backups -Name site2-app
        $null = Backup-SqliteDatabase -Path $site2 -Destination $backups -Name site2-app

        $plan = Remove-ExpiredBackup -Path $backups -KeepLast 1 -WhatIf
        ($plan | Where-Object Database -eq 'app').Action | Should -Be 'Keep'
        @($plan | Where-Object { $_.Database -eq 'site2-app' -and $_.Action -eq 'Keep' }).Count | Should -Be 1

        Invoke-TestSql -Path $site1 -Sql 'UPDATE marker SET site = 99;'
        $null = Restore-SqliteDatabase -Path $backups -Database app -Destination $site1 -Force
        Invoke-TestScalar -Path $site1 -Sql 'SELECT site FROM marker' | Should -Be 1

        # Health finds site2's backups under its -Name, and never counts site1's 'app' ones for it.
        $age = Test-SqliteHealth -Path $site2 -BackupPath $backups | Where-Object Check -eq BackupAge
        $age.Status | Should -Be 'Pass'
        $age.Message | Should -Match 'site2-app_manual_'
    }
}
