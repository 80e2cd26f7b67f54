BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function Get-Marker([string]$Path) {
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Mode=ReadOnly;Pooling=False")
        try {
            $connection.Open()
            $command = $connection.CreateCommand()
            $command.CommandText = 'SELECT v FROM marker'
            $command.ExecuteScalar()
        }
        finally {
            $connection.Dispose()
        }
    }
}

Describe 'Restore-SqliteDatabase' {
    BeforeAll {
        $env:SQLITEADMIN_PESTER_KEY = 'restore pester passphrase'
        $source = Join-Path $TestDrive 'orders.db'
        $null = New-TestDatabase -Path $source
        Invoke-TestSql -Path $source -Sql "CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('from-backup');"
        $backups = Join-Path $TestDrive 'backups'
        $backup = Backup-SqliteDatabase -Path $source -Destination $backups -Compress -Encrypt -PassphraseVariable SQLITEADMIN_PESTER_KEY
    }
    AfterAll {
        Remove-Item Env:SQLITEADMIN_PESTER_KEY -ErrorAction SilentlyContinue
    }
    BeforeEach {
        $live = Join-Path $TestDrive ('live-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $live
        $target = Join-Path $live 'orders.db'
        $null = New-TestDatabase -Path $target -SyncRows 5
        Invoke-TestSql -Path $target -Sql "CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('current');"
    }

    It 'restores a Get-SqliteBackup object and keeps a safety copy' {
        $result = Get-SqliteBackup $backups | Select-Object -First 1 | Restore-SqliteDatabase -Destination $target -PassphraseVariable SQLITEADMIN_PESTER_KEY -Force

        $result | Should -BeOfType 'SqliteAdmin.RestoreResult'
        $result.Verified | Should -BeTrue
        $result.IntegrityResult | Should -Be 'ok'
        Get-Marker $target | Should -Be 'from-backup'
        (Get-FileHash $target -Algorithm SHA256).Hash | Should -Be $backup.PlainSha256.ToUpperInvariant()
        Get-Marker (Join-Path $result.SafetyCopyPath 'orders.db') | Should -Be 'current'
        Split-Path $result.SafetyCopyPath -Parent | Should -Be (Join-Path $live 'before_restore')
    }

    It 'picks the newest backup from a folder with -Database' {
        $result = Restore-SqliteDatabase -Path $backups -Database orders -Destination $target -PassphraseVariable SQLITEADMIN_PESTER_KEY -Confirm:$false

        $result.BackupPath | Should -Be $backup.Path
    }

    It 'changes nothing with -WhatIf, even with -Force' {
        $before = Get-FolderState $live

        Restore-SqliteDatabase -Path $backup.Path -Destination $target -PassphraseVariable SQLITEADMIN_PESTER_KEY -Force -WhatIf

        Get-FolderState $live | Should -Be $before
        Get-Marker $target | Should -Be 'current'
    }

    It 'refuses a wrong passphrase and leaves the database untouched' {
        $env:SQLITEADMIN_PESTER_WRONG = 'not the passphrase'
        $before = Get-FolderState $live

        $null = Restore-SqliteDatabase -Path $backup.Path -Destination $target -PassphraseVariable SQLITEADMIN_PESTER_WRONG -Force -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'WrongPassphraseOrCorrupt,*'
        $errs[0].ToString() | Should -Not -Match 'not the passphrase'
        Get-FolderState $live | Should -Be $before
        Remove-Item Env:SQLITEADMIN_PESTER_WRONG
    }

    It 'refuses to restore more than one backup to one destination' {
        $second = Backup-SqliteDatabase -Path $source -Destination (Join-Path $TestDrive 'more')
        Start-Sleep -Milliseconds 1100
        $third = Backup-SqliteDatabase -Path $source -Destination (Join-Path $TestDrive 'more')

        $results = Get-SqliteBackup (Join-Path $TestDrive 'more') | Restore-SqliteDatabase -Destination $target -Force -ErrorVariable errs -ErrorAction SilentlyContinue

        @($results).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'MoreThanOneBackup,*'
    }

    It 'needs -AllowNoManifest for a plain file made by another tool' {
        $plain = Join-Path $TestDrive 'copy-made-by-a-script.db'
        Copy-Item $source $plain

        $null = Restore-SqliteDatabase -Path $plain -Destination $target -Force -ErrorVariable errs -ErrorAction SilentlyContinue
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotABackup,*'

        $result = Restore-SqliteDatabase -Path $plain -Destination $target -Force -AllowNoManifest
        Get-Marker $target | Should -Be 'from-backup'
        $result.Verified | Should -BeTrue
    }

    It 'has a default table view' {
        $text = Restore-SqliteDatabase -Path $backup.Path -Destination $target -PassphraseVariable SQLITEADMIN_PESTER_KEY -Force | Format-Table | Out-String -Width 250

        $text | Should -Match 'SafetyCopyPath'
    }
}

Describe 'Test-SqliteIntegrity' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'check.db') -SyncRows 3000).FullName
        Invoke-TestSql -Path $db -Sql "CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id));"
    }

    It 'reports a healthy database as Ok' {
        $result = Test-SqliteIntegrity $db

        $result | Should -BeOfType 'SqliteAdmin.IntegrityResult'
        $result.Status | Should -Be 'Ok'
        $result.IsHealthy | Should -BeTrue
        Test-SqliteIntegrity $db -IntegrityMode Quick -Quiet | Should -BeTrue
    }

    It 'lists foreign-key violations' {
        $copy = Join-Path $TestDrive 'fk.db'
        Copy-Item $db $copy
        Invoke-TestSql -Path $copy -Sql "PRAGMA foreign_keys=OFF; INSERT INTO child VALUES (1, 42);"

        $result = Test-SqliteIntegrity $copy

        $result.Status | Should -Be 'Inconsistent' -Because 'the file is sound; only rows are orphaned'
        $result.ForeignKeyViolations[0].Table | Should -Be 'child'
        $result.ForeignKeyViolations[0].RowId | Should -Be 1
        $result.ForeignKeyViolations[0].Parent | Should -Be 'parent'
        Test-SqliteIntegrity $copy -NoForeignKeys -Quiet | Should -BeTrue
    }

    It 'never reports a truncated database as healthy' {
        $broken = Join-Path $TestDrive 'truncated.db'
        Copy-Item $db $broken
        $stream = [IO.File]::Open($broken, 'Open', 'ReadWrite')
        try { $stream.SetLength([math]::Floor($stream.Length / 2)) } finally { $stream.Dispose() }

        Test-SqliteIntegrity $broken -Quiet | Should -BeFalse
        (Test-SqliteIntegrity $broken).Status | Should -Not -Be 'Ok'
    }

    It 'checks a compressed backup file' {
        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'b') -Compress

        $result = $backup | Test-SqliteIntegrity

        $result.IsBackup | Should -BeTrue
        $result.Status | Should -Be 'Ok'
    }

    It 'rejects an unknown -Table with TableNotFound' {
        $null = Test-SqliteIntegrity $db -Table 'nope' -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'TableNotFound,*'
    }

    It 'returns $false and an error for a missing file with -Quiet' {
        $answer = Test-SqliteIntegrity (Join-Path $TestDrive 'missing.db') -Quiet -ErrorVariable errs -ErrorAction SilentlyContinue

        $answer | Should -BeFalse
        $errs.Count | Should -BeGreaterThan 0
    }
}
