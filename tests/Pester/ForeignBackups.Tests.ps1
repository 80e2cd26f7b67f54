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

    It 'never removes a live database with -IncludeForeign, even an old one held open by sqlite3' {
        $f = Join-Path $TestDrive ('f-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $f
        $app = Join-Path $f 'app.db'
        $null = New-TestDatabase -Path $app -SyncRows 5
        foreach ($month in '01', '02', '03', '04') {
            & bash -c "gzip -c '$app' > '$f/app_2025${month}01_010000.db.gz'"
        }
        (Get-Item $app).LastWriteTimeUtc = [datetime]::new(2020, 1, 1, 0, 0, 0, [DateTimeKind]::Utc)
        $psi = [Diagnostics.ProcessStartInfo]::new('sqlite3')
        $psi.ArgumentList.Add($app)
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.UseShellExecute = $false
        $holder = [Diagnostics.Process]::Start($psi)
        try {
            $holder.StandardInput.WriteLine("CREATE TEMP TABLE hold(x); SELECT 'held';")
            $holder.StandardInput.Flush()
            $holder.StandardOutput.ReadLine() | Should -Be 'held'

            $plan = Remove-ExpiredBackup -Path $f -IncludeForeign 'app*' -KeepLast 2 -Confirm:$false

            $plan.Path | Should -Not -Contain $app
            Test-Path $app | Should -BeTrue
            (Get-ChildItem $f -Filter '*.gz').Name | Sort-Object | Should -Be @('app_20250301_010000.db.gz', 'app_20250401_010000.db.gz')
        }
        finally {
            $holder.Kill()
            $holder.WaitForExit()
        }
    }

    It 'never offers a database as a foreign backup beside its own backups' {
        $d = Join-Path $TestDrive ('d-' + [guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $d
        $src = Join-Path $d 'src.db'
        $null = New-TestDatabase -Path $src -SyncRows 5
        $null = Backup-SqliteDatabase -Path $src -Destination $d
        $null = Backup-SqliteDatabase -Path $src -Destination $d

        $plan = Remove-ExpiredBackup -Path $d -IncludeForeign 'src*' -KeepLast 1 -Confirm:$false

        $plan.Path | Should -Not -Contain $src
        Test-Path $src | Should -BeTrue
        # src.db, written last, is not "the newest backup" either: the newest real backup stays.
        @(Get-ChildItem $d -Filter 'src_manual_*.db').Count | Should -Be 1
    }

    It 'refuses to restore a backup onto itself and leaves it as it was' {
        $own = Join-Path $TestDrive ('self-' + [guid]::NewGuid().ToString('N') + '.db.gz')
        Copy-Item $gz $own
        $hash = (Get-FileHash $own).Hash
        $null = Restore-SqliteDatabase -Path $own -Destination $own -AllowNoManifest -Force -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DestinationIsBackup,*'
        (Get-FileHash $own).Hash | Should -Be $hash
    }
}
