BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    $script:AllChecks = 'File', 'Integrity', 'Size', 'WalSize', 'FreePages', 'JournalMode', 'DiskSpace', 'BackupAge', 'BackupVerified'
}

Describe 'Test-SqliteHealth' {
    BeforeEach {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $backups = Join-Path $folder 'backups'
    }

    It 'passes every check of a healthy <_> database with a fresh verified backup, and changes nothing' -ForEach 'delete', 'wal' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'orders.db') -JournalMode $_ -SyncRows 2000).FullName
        $null = Backup-SqliteDatabase -Path $db -Destination $backups -Tier Daily
        $hash = (Get-FileHash -LiteralPath $db).Hash

        $checks = Test-SqliteHealth -Path $db -BackupPath $backups

        $checks | Should -BeOfType 'SqliteAdmin.HealthCheck'
        $checks.Check | Should -Be $script:AllChecks
        $checks | Where-Object Status -ne 'Pass' | Should -BeNullOrEmpty
        $checks.Database | Select-Object -Unique | Should -Be $db
        ($checks | Where-Object Check -eq 'JournalMode').Value | Should -Be $_
        Test-SqliteHealth -Path $db -BackupPath $backups -Quiet | Should -BeTrue
        (Get-FileHash -LiteralPath $db).Hash | Should -Be $hash
    }

    It 'fails BackupAge when the newest backup is older than -MaxBackupAge' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'orders.db')).FullName
        $backup = Backup-SqliteDatabase -Path $db -Destination $backups -Tier Daily
        $stale = Set-BackupAge -Backup $backup -CreatedUtc ([DateTime]::UtcNow.AddHours(-50))

        $checks = Test-SqliteHealth -Path $db -BackupPath $backups
        $age = $checks | Where-Object Check -eq 'BackupAge'

        $age.Status | Should -Be 'Fail'
        $age.Value | Should -Be '2d 2h'
        $age.Message | Should -Match ([regex]::Escape((Split-Path $stale -Leaf)))
        ($checks | Where-Object Check -eq 'BackupVerified').Status | Should -Be 'Pass'
        (Test-SqliteHealth -Path $db -BackupPath $backups -MaxBackupAge 3d | Where-Object Check -eq 'BackupAge').Status | Should -Be 'Pass'
        Test-SqliteHealth -Path $db -BackupPath $backups -Quiet | Should -BeFalse
    }

    It 'warns about a fragmented database and names the vacuum that fixes it' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'tracker.db') -SyncRows 2000).FullName
        Invoke-TestSql -Path $db -Sql @"
CREATE TABLE filler(id INTEGER PRIMARY KEY, payload BLOB);
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < 4000) INSERT INTO filler(payload) SELECT randomblob(900) FROM i;
DELETE FROM filler WHERE id % 4 <> 0;
"@
        $free = [math]::Round(100.0 * (Invoke-TestScalar -Path $db -Sql 'PRAGMA freelist_count') / (Invoke-TestScalar -Path $db -Sql 'PRAGMA page_count'), 2)

        $pages = Test-SqliteHealth -Path $db | Where-Object Check -eq 'FreePages'

        $free | Should -BeGreaterThan 25
        $pages.Status | Should -Be 'Warning'
        $pages.Value | Should -Be ('{0} %' -f $free.ToString('0.##', [cultureinfo]::InvariantCulture))
        $pages.Message | Should -Match 'Invoke-SqliteVacuum -MinFreePercent 25'
        Test-SqliteHealth -Path $db -Quiet | Should -BeTrue   # a warning is not a failure
        (Test-SqliteHealth -Path $db -MaxFreePercent 90 | Where-Object Check -eq 'FreePages').Status | Should -Be 'Pass'
    }

    It 'reports a missing database as a Fail row, not an error, and still checks its backups' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'orders.db')).FullName
        $null = Backup-SqliteDatabase -Path $db -Destination $backups
        Remove-Item -LiteralPath $db

        $checks = Test-SqliteHealth -Path $db -BackupPath $backups -ErrorVariable errs

        $errs | Should -BeNullOrEmpty
        $checks.Check | Should -Be 'File', 'DiskSpace', 'BackupAge', 'BackupVerified'
        ($checks | Where-Object Check -eq 'File').Status | Should -Be 'Fail'
        ($checks | Where-Object Check -eq 'File').Message | Should -Match 'does not exist'
        Test-SqliteHealth -LiteralPath $db -Quiet | Should -BeFalse
        Test-Path -LiteralPath $db | Should -BeFalse
    }

    It 'reports a wildcard that matches nothing (a share that is down) as a Fail row' {
        $checks = Test-SqliteHealth -Path (Join-Path $folder 'offline/*.db')

        $checks.Check | Should -Be 'File'
        $checks.Status | Should -Be 'Fail'
        $checks.Message | Should -Match 'No file matches'
        Test-SqliteHealth -Path (Join-Path $folder 'offline/*.db') -Quiet | Should -BeFalse
    }

    It 'takes databases from Get-ChildItem and shows one group per database' {
        $null = New-TestDatabase -Path (Join-Path $folder 'a.db')
        $null = New-TestDatabase -Path (Join-Path $folder 'b.db') -JournalMode wal

        $checks = Get-ChildItem -LiteralPath $folder -Filter *.db | Test-SqliteHealth
        $table = $checks | Format-Table | Out-String -Width 200

        ($checks.Database | Select-Object -Unique).Count | Should -Be 2
        $table | Should -Match ([regex]::Escape("Database: $(Join-Path $folder 'a.db')"))
        $table | Should -Match ([regex]::Escape("Database: $(Join-Path $folder 'b.db')"))
        $table | Should -Match 'FreePages'
    }

    It 'judges the sync log with Get-SyncLogReport''s logic when asked' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'server.db')).FullName
        $report = Get-SyncLogReport -Path $db

        $sync = Test-SqliteHealth -Path $db -SyncLogTable sync_log | Where-Object Check -eq 'SyncLog'

        # The same sentences; the window's times may differ by the minute between the two calls.
        $times = '\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d\d:\d\d'
        ($sync.Message -replace $times, 'T') | Should -Be (($report.Alerts -join ' ') -replace $times, 'T')
        $sync.Status | Should -Be $(switch ($report.Status.ToString()) { 'Critical' { 'Fail' } 'Warning' { 'Warning' } default { 'Pass' } })
    }

    It 'refuses a sync threshold without -SyncLogTable before checking anything' {
        $thrown = { Test-SqliteHealth -Path (Join-Path $folder 'x.db') -StaleAfter 2h -ErrorAction Stop } | Should -Throw -PassThru
        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidParameterCombination,*'
    }

    It 'fails the integrity check of a damaged database' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'damaged.db') -SyncRows 20000).FullName
        $pageSize = [int](Invoke-TestScalar -Path $db -Sql 'PRAGMA page_size')
        $root = [int](Invoke-TestScalar -Path $db -Sql "SELECT rootpage FROM sqlite_master WHERE name = 'idx_sync_log_timestamp'")
        $bytes = [IO.File]::ReadAllBytes($db)
        $offset = ($root - 1) * $pageSize + 12
        for ($i = $offset; $i -lt $offset + 200; $i++) { $bytes[$i] = 0xA5 }
        [IO.File]::WriteAllBytes($db, $bytes)

        $integrity = Test-SqliteHealth -Path $db -IntegrityMode Full | Where-Object Check -eq 'Integrity'

        $integrity.Status | Should -Be 'Fail'
        $integrity.Message | Should -Match 'Restore-SqliteDatabase'
        $integrity.Message | Should -Match 'where there is none, salvage .* with Repair-SqliteDatabase'
    }
}
