# The README's scheduling recipes, run exactly as printed there (extracted from README.md) in a
# child PowerShell, the way Task Scheduler or cron runs them: exit code, files and report checked.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    $script:Key = @{ BACKUP_ENCRYPTION_KEY = 'correct horse battery staple' }
}

Describe 'README recipe: sqlite-nightly.ps1' {
    BeforeEach {
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $apps = New-Item -ItemType Directory -Path (Join-Path $root 'apps')
        $destination = Join-Path $root 'backups'
        $null = New-TestDatabase -Path (Join-Path $apps 'orders.db') -JournalMode wal
        $null = New-TestDatabase -Path (Join-Path $apps 'quotes.db')
        $nightly = Get-Recipe 'sqlite-nightly.ps1'
    }

    It 'backs up, verifies and prunes, and exits 0' {
        # Three backups of one day ten days ago (11:00, 12:00, 13:00 local): -KeepDaily keeps that day's newest, and the oldest
        # stays while the rule has days to spare (restic's rule); the middle one must go.
        $noon = [DateTime]::Today.AddDays(-10).AddHours(12).ToUniversalTime()
        $old = -1, 0, 1 | ForEach-Object {
            $made = Backup-SqliteDatabase -Path (Join-Path $apps 'orders.db') -Destination $destination -Tier Daily
            Set-BackupAge -Backup $made -CreatedUtc $noon.AddHours($_)
        }

        $run = Invoke-Recipe -Script $nightly -Arguments '-Database', (Join-Path $apps '*.db'), '-Destination', $destination -Environment $script:Key

        $run.ExitCode | Should -Be 0 -Because $run.Output
        Test-Path -LiteralPath $old[0] | Should -BeTrue
        Test-Path -LiteralPath $old[1] | Should -BeFalse
        Test-Path -LiteralPath "$($old[1]).json" | Should -BeFalse
        Test-Path -LiteralPath $old[2] | Should -BeTrue
        $new = Get-SqliteBackup -Path $destination | Where-Object Encrypted
        $new.Database | Sort-Object | Should -Be 'orders', 'quotes'
        $env:BACKUP_ENCRYPTION_KEY = $script:Key.BACKUP_ENCRYPTION_KEY
        try {
            $new | Get-SqliteBackup -Verify -PassphraseVariable BACKUP_ENCRYPTION_KEY | ForEach-Object { $_.Status | Should -Be 'Ok' }
        }
        finally {
            Remove-Item Env:BACKUP_ENCRYPTION_KEY
        }
        $new | ForEach-Object { $_.Compressed | Should -BeTrue; $_.Tier | Should -Be 'Daily' }
    }

    It 'exits 1 when a database fails, and still backs up the others' {
        Set-Content -LiteralPath (Join-Path $apps 'notes.db') -Value 'not a database'

        $run = Invoke-Recipe -Script $nightly -Arguments '-Database', (Join-Path $apps '*.db'), '-Destination', $destination -Environment $script:Key

        $run.ExitCode | Should -Be 1
        # The error reaches the task's output (compared without white space: the console view wraps long lines).
        ($run.Output -replace '\s', '') | Should -Match 'notanSQLitedatabase'
        (Get-SqliteBackup -Path $destination).Database | Sort-Object | Should -Be 'orders', 'quotes'
    }

    It 'exits 1 without a passphrase and writes no backup' {
        $run = Invoke-Recipe -Script $nightly -Arguments '-Database', (Join-Path $apps '*.db'), '-Destination', $destination -Environment @{ BACKUP_ENCRYPTION_KEY = $null }

        $run.ExitCode | Should -Be 1
        Get-ChildItem -LiteralPath $destination -Filter '*.db*' -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'README recipe: sqlite-health.ps1' {
    BeforeEach {
        $root = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $apps = New-Item -ItemType Directory -Path (Join-Path $root 'apps')
        $backups = Join-Path $root 'backups'
        $report = Join-Path $root 'health.html'
        $health = Get-Recipe 'sqlite-health.ps1'
    }

    It 'writes the HTML report and exits 0 when everything passes' {
        $db = New-TestDatabase -Path (Join-Path $apps 'orders.db')
        $null = Backup-SqliteDatabase -Path $db.FullName -Destination $backups -Tier Daily

        $run = Invoke-Recipe -Script $health -Arguments '-Database', (Join-Path $apps '*.db'), '-BackupPath', $backups, '-ReportPath', $report, '-NoMail'

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $html = Get-Content -LiteralPath $report -Raw
        $html | Should -Match '<table>'
        $html | Should -Match 'SQLite health on .*: OK'
        foreach ($check in 'File', 'Integrity', 'FreePages', 'BackupAge', 'BackupVerified') { $html | Should -Match "<td>$check</td>" }
        $html | Should -Match ([regex]::Escape($db.FullName))
    }

    It 'writes the report and exits 1 when the backup is stale' {
        $db = New-TestDatabase -Path (Join-Path $apps 'orders.db')
        $made = Backup-SqliteDatabase -Path $db.FullName -Destination $backups -Tier Daily
        $null = Set-BackupAge -Backup $made -CreatedUtc ([DateTime]::UtcNow.AddDays(-3))

        $run = Invoke-Recipe -Script $health -Arguments '-Database', (Join-Path $apps '*.db'), '-BackupPath', $backups, '-ReportPath', $report, '-NoMail'

        $run.ExitCode | Should -Be 1
        $html = Get-Content -LiteralPath $report -Raw
        $html | Should -Match 'SQLite health on .*: FAIL'
        $html | Should -Match '<td>BackupAge</td><td>Fail</td><td>3d</td>'
    }

    It 'writes the report and exits 1 when the database is missing' {
        $run = Invoke-Recipe -Script $health -Arguments '-Database', (Join-Path $apps 'gone.db'), '-BackupPath', $backups, '-ReportPath', $report, '-NoMail'

        $run.ExitCode | Should -Be 1
        $html = Get-Content -LiteralPath $report -Raw
        $html | Should -Match '<td>File</td><td>Fail</td><td>missing</td>'
        $html | Should -Match 'gone\.db'
    }
}
