BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

# Seed 002's two databases, backed up into one archive and back, as an admin types it.
Describe 'Multi-database archives' {
    BeforeAll {
        $env:SQLITEADMIN_ARCHIVE_KEY = 'archive pester key'
        $arrowFolder = Join-Path $TestDrive 'arrow_data'
        $userFolder = Join-Path $TestDrive 'user_data'
        $null = New-Item -ItemType Directory -Path $arrowFolder, $userFolder
        $arrow = Join-Path $arrowFolder 'arrow_database.db'
        $user = Join-Path $userFolder 'user_data.db'
        foreach ($db in $arrow, $user) {
            $null = New-TestDatabase -Path $db
            Invoke-TestSql -Path $db -Sql "CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('backed-up');"
        }
        $backups = Join-Path $TestDrive 'backups'
    }
    AfterAll {
        Remove-Item Env:SQLITEADMIN_ARCHIVE_KEY -ErrorAction SilentlyContinue
    }

    It 'puts both databases into one encrypted archive that openssl and tar open' {
        $archive = Backup-SqliteDatabase -Path $arrow, $user -Destination $backups -Archive tuner -Encrypt -PassphraseVariable SQLITEADMIN_ARCHIVE_KEY

        @($archive).Count | Should -Be 1
        $archive.Format | Should -Be 'tar.gz.enc'
        $archive.Members.Database | Should -Be @('arrow_database', 'user_data')
        $out = Join-Path $TestDrive 'by-tar'
        $null = New-Item -ItemType Directory -Path $out
        & bash -c "openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 -pass env:SQLITEADMIN_ARCHIVE_KEY -in '$($archive.Path)' | tar -xzf - -C '$out'"
        $LASTEXITCODE | Should -Be 0
        Invoke-TestScalar -Path (Join-Path $out 'user_data.db') -Sql 'SELECT v FROM marker' | Should -Be 'backed-up'
    }

    It 'refuses -CopyTo with -Archive before anything is read or written' {
        $elsewhere = Join-Path $TestDrive 'refused'
        $null = New-Item -ItemType Directory -Path $elsewhere
        $before = Get-FolderState $TestDrive

        $thrown = { Backup-SqliteDatabase -Path $arrow, $user -Destination $elsewhere -Archive refused -CopyTo (Join-Path $TestDrive 'copies') } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidParameterCombination,*'
        Get-FolderState $TestDrive | Should -Be $before
    }

    It 'lists and verifies the archive with its members' {
        $listed = Get-SqliteBackup $backups -Verify -PassphraseVariable SQLITEADMIN_ARCHIVE_KEY

        $listed.Status | Should -Be 'Ok'
        $listed.Members.Status | Should -Be @('Ok', 'Ok')
    }

    It 'restores only the user database, then both, each with its own safety copy' {
        Invoke-TestSql -Path $arrow -Sql "UPDATE marker SET v = 'changed'"
        Invoke-TestSql -Path $user -Sql "UPDATE marker SET v = 'changed'"
        $archive = Get-SqliteBackup $backups | Select-Object -First 1

        $one = $archive | Restore-SqliteDatabase -Destination $user -Database user_data -PassphraseVariable SQLITEADMIN_ARCHIVE_KEY -Force
        $one.Member | Should -Be 'user_data.db'
        Invoke-TestScalar -Path $arrow -Sql 'SELECT v FROM marker' | Should -Be 'changed'

        $both = $archive | Restore-SqliteDatabase -Destination $arrow -MemberDestination $user -PassphraseVariable SQLITEADMIN_ARCHIVE_KEY -Force
        $both.Count | Should -Be 2
        Invoke-TestScalar -Path $arrow -Sql 'SELECT v FROM marker' | Should -Be 'backed-up'
        $both | ForEach-Object { Test-Path $_.SafetyCopyPath | Should -BeTrue }
    }

    It 'restores seed 002''s tar.gz made by tar with -AllowNoManifest, and prunes them with -IncludeForeign' {
        $staging = Join-Path $TestDrive 'staging'
        $null = New-Item -ItemType Directory -Path $staging
        & sqlite3 $arrow ".backup '$(Join-Path $staging 'arrow_database.db')'"
        & sqlite3 $user ".backup '$(Join-Path $staging 'user_data.db')'"
        Set-Content -Path (Join-Path $staging 'backup_metadata.json') -Value '{"backup_name": "weekly", "created_at": "2025-08-04T16:38:29", "version": "1.0.0", "includes": {"arrow_database": true, "user_database": true}}'
        $seedFolder = Join-Path $TestDrive 'seed002'
        $null = New-Item -ItemType Directory -Path $seedFolder
        foreach ($day in 1..3) {
            & tar -czf (Join-Path $seedFolder "weekly_2025080${day}.tar.gz") -C $staging backup_metadata.json arrow_database.db user_data.db
        }
        $restoreInto = Join-Path $TestDrive 'restored'
        $null = New-Item -ItemType Directory -Path $restoreInto

        $results = Restore-SqliteDatabase -Path (Join-Path $seedFolder 'weekly_20250803.tar.gz') -Destination $restoreInto -AllowNoManifest -Force
        $results.Member | Sort-Object | Should -Be @('arrow_database.db', 'user_data.db')
        Invoke-TestScalar -Path (Join-Path $restoreInto 'user_data.db') -Sql 'SELECT v FROM marker' | Should -Be 'backed-up'

        $plan = Remove-ExpiredBackup $seedFolder -IncludeForeign '*.tar.gz' -KeepLast 2 -Force
        ($plan | Where-Object Action -eq 'Removed').Path | Should -Be (Join-Path $seedFolder 'weekly_20250801.tar.gz')
    }
}
