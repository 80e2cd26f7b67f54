BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    # One real backup made by Backup-SqliteDatabase, copied under 60 daily names (the names carry
    # the time), each with its manifest rewritten to name its own file.
    function New-DailyBackupFolder([string]$Folder, [int]$Days = 60) {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.db'))).FullName
        $seed = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'seed') -Tier Daily
        $null = New-Item -ItemType Directory -Path $Folder -Force
        $start = [datetime]::new(2026, 9, 1, 2, 0, 0, [DateTimeKind]::Utc)
        foreach ($i in 0..($Days - 1)) {
            $name = 'app_daily_{0:yyyyMMdd_HHmmss}.db' -f $start.AddDays($i)
            Copy-Item $seed.Path (Join-Path $Folder $name)
            $manifest = (Get-Content $seed.ManifestPath -Raw).Replace((Split-Path $seed.Path -Leaf), $name)
            Set-Content -LiteralPath (Join-Path $Folder "$name.json") -Value $manifest -NoNewline
        }
    }
}

Describe 'Remove-ExpiredBackup' {
    BeforeEach {
        $folder = Join-Path $TestDrive ('gfs-' + [guid]::NewGuid().ToString('N'))
        New-DailyBackupFolder $folder
        Set-Content -LiteralPath (Join-Path $folder 'readme.txt') -Value 'not a backup'
    }

    It 'prints a plan and removes nothing with -WhatIf' {
        $before = Get-FolderState $folder

        $plan = Remove-ExpiredBackup $folder -KeepDaily 7 -KeepWeekly 4 -KeepMonthly 3 -WhatIf

        $plan | Should -HaveCount 60
        $plan[0] | Should -BeOfType 'SqliteAdmin.RetentionDecision'
        ($plan | Where-Object Action -eq 'Remove').Count | Should -BeGreaterThan 40
        $plan[0].Reasons | Should -Contain 'daily snapshot'
        Get-FolderState $folder | Should -Be $before
    }

    It 'prunes a GFS policy with -Force and reports what was freed' {
        $result = Remove-ExpiredBackup $folder -KeepDaily 7 -KeepWeekly 4 -KeepMonthly 3 -Force

        $kept = @($result | Where-Object Action -eq 'Keep')
        $removed = @($result | Where-Object Action -eq 'Removed')
        $kept.Count + $removed.Count | Should -Be 60
        # 7 days + weeks/months beyond them + the oldest kept by a rule with count left.
        $kept.Count | Should -BeLessThan 15
        @(Get-ChildItem $folder -Filter 'app_daily_*.db').Count | Should -Be $kept.Count
        @(Get-ChildItem $folder -Filter 'app_daily_*.db.json').Count | Should -Be $kept.Count
        Test-Path (Join-Path $folder 'readme.txt') | Should -BeTrue
        ($removed | Measure-Object SizeBytes -Sum).Sum | Should -BeGreaterThan 0
    }

    It 'never removes the newest verified backup, whatever the policy' {
        $result = Remove-ExpiredBackup $folder -OlderThan 1d -Force

        $kept = @($result | Where-Object Action -eq 'Keep')
        $kept.Count | Should -Be 1
        $kept[0].Reasons | Should -Contain 'newest verified backup (always kept)'
        Split-Path $kept[0].Path -Leaf | Should -Be 'app_daily_20261030_020000.db'
    }

    It 'takes backups from Get-SqliteBackup' {
        $result = Get-SqliteBackup $folder | Remove-ExpiredBackup -KeepLast 5 -Force

        @($result | Where-Object Action -eq 'Keep').Count | Should -Be 5
    }

    It 'refuses an empty policy' {
        $thrown = { Remove-ExpiredBackup $folder -Force } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'EmptyRetentionPolicy,*'
        @(Get-ChildItem $folder -Filter 'app_daily_*.db').Count | Should -Be 60
    }

    It 'refuses a span it cannot read' {
        $thrown = { Remove-ExpiredBackup $folder -KeepWithin 'thirty days' -Force } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidSpan,*'
    }

    It 'has a default table view with the reasons' {
        $text = Remove-ExpiredBackup $folder -KeepLast 2 -WhatIf | Select-Object -First 3 | Format-Table | Out-String

        $text | Should -Match 'Reasons'
        $text | Should -Match 'last snapshot'
    }
}
