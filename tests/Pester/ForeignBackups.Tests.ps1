BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

# The backups the seed runbooks already made, as an admin meets them: made here by the seeds' own
# commands (sqlite3 .backup, gzip, openssl enc), then listed, checked and restored by the module.
Describe 'Foreign backups' {
    BeforeAll {
        $env:BACKUP_ENCRYPTION_KEY = 'seed 000 key in the environment'
        $source = Join-Path $TestDrive 'preroll_tracker.db'
        $null = New-TestDatabase -Path $source
        Invoke-TestSql -Path $source -Sql "CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('from-runbook');"
        $folder = Join-Path $TestDrive 'backups'
        $null = New-Item -ItemType Directory -Path $folder
        $copy = Join-Path $folder 'preroll_tracker.db.backup_20260228_060000'
        & sqlite3 $source ".backup '$copy'"
        $enc = "$copy.enc"
        # Seed 000's remote backup, word for word.
        & bash -c "gzip -c '$copy' | openssl enc -aes-256-cbc -salt -pbkdf2 -iter 10000 -md sha256 -pass env:BACKUP_ENCRYPTION_KEY -out '$enc'"
        $gz = Join-Path $folder 'ora_20240101_020000.db.gz'
        & bash -c "gzip -c '$copy' > '$gz' && sha256sum '$gz' > '$gz.sha256'"
    }
    AfterAll {
        Remove-Item Env:BACKUP_ENCRYPTION_KEY -ErrorAction SilentlyContinue
    }
    BeforeEach {
        $live = Join-Path $TestDrive ('live-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $live
        $target = Join-Path $live 'preroll_tracker.db'
        $null = New-TestDatabase -Path $target -SyncRows 5
        Invoke-TestSql -Path $target -Sql "CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES ('current');"
    }

    It 'restores seed 000''s gzip | openssl enc file with -AllowNoManifest -PassphraseVariable' {
        $result = Restore-SqliteDatabase -Path $enc -Destination $target -AllowNoManifest -PassphraseVariable BACKUP_ENCRYPTION_KEY -Force

        Invoke-TestScalar -Path $target -Sql 'SELECT v FROM marker' | Should -Be 'from-runbook'
        $result.Verified | Should -BeTrue
        Test-Path (Join-Path $result.SafetyCopyPath 'preroll_tracker.db') | Should -BeTrue
    }

    It 'refuses a foreign backup without -AllowNoManifest and leaves the destination as it was' {
        $before = Get-FolderState $live
        $null = Restore-SqliteDatabase -Path $gz -Destination $target -Force -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotABackup,*'
        Get-FolderState $live | Should -Be $before
    }

    It 'lists them as foreign with their format, and -Verify compares the .sha256' {
        $listed = Get-SqliteBackup $folder -Verify -PassphraseVariable BACKUP_ENCRYPTION_KEY

        $listed.Count | Should -Be 3
        ($listed | Where-Object Path -eq $enc).Format | Should -Be 'db.gz.enc'
        ($listed | Where-Object Path -eq $gz).Status | Should -Be 'Ok'
        ($listed | Where-Object Path -eq $copy).Status | Should -Be 'Readable'
        $listed | ForEach-Object { $_.Foreign | Should -BeTrue }
        ($listed | Format-Table | Out-String -Width 250) | Should -Match 'foreign db\.gz\.enc'
    }

    It 'checks a foreign backup with Test-SqliteIntegrity, and a damaged one is Corrupt' {
        $damaged = Join-Path $TestDrive 'damaged.db.gz'
        $bytes = [IO.File]::ReadAllBytes($gz)
        [IO.File]::WriteAllBytes($damaged, $bytes[0..($bytes.Length - 5)])

        (Test-SqliteIntegrity -Path $enc -PassphraseVariable BACKUP_ENCRYPTION_KEY).Status | Should -Be 'Ok'
        (Test-SqliteIntegrity -Path $damaged).Status | Should -Be 'Corrupt'
    }

    It 'prunes foreign backups only when -IncludeForeign names them' {
        $prune = Join-Path $TestDrive ('prune-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $prune
        foreach ($day in 1..4) {
            Copy-Item $gz (Join-Path $prune "ora_2024010${day}_020000.db.gz")
        }
        $before = Get-FolderState $prune

        Remove-ExpiredBackup $prune -KeepLast 2 -Force | Should -BeNullOrEmpty
        Get-FolderState $prune | Should -Be $before

        $plan = Remove-ExpiredBackup $prune -IncludeForeign '*.db.gz' -KeepLast 2 -Force
        ($plan | Where-Object Action -eq 'Removed').Path | Sort-Object | Should -Be @(
            (Join-Path $prune 'ora_20240101_020000.db.gz'), (Join-Path $prune 'ora_20240102_020000.db.gz'))
        $plan | ForEach-Object { $_.Foreign | Should -BeTrue }
        (Get-ChildItem $prune).Name | Sort-Object | Should -Be @('ora_20240103_020000.db.gz', 'ora_20240104_020000.db.gz')
    }
}
