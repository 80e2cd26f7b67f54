BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Backup-SqliteDatabase' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'orders.db') -JournalMode wal -SyncRows 2000).FullName
        $env:SQLITEADMIN_PESTER_KEY = 'pester passphrase 123'
    }
    AfterAll {
        Remove-Item Env:SQLITEADMIN_PESTER_KEY -ErrorAction SilentlyContinue
    }

    It 'makes a verified backup with a manifest' {
        $dest = Join-Path $TestDrive 'plain'

        $backup = Backup-SqliteDatabase -Path $db -Destination $dest

        $backup | Should -BeOfType 'SqliteAdmin.BackupInfo'
        $backup.Database | Should -Be 'orders'
        $backup.Verified | Should -BeTrue
        $backup.IntegrityResult | Should -Be 'ok'
        $backup.Path | Should -Match 'orders_manual_\d{8}_\d{6}\.db$'
        Test-Path $backup.ManifestPath | Should -BeTrue
        (Get-FileHash $backup.Path -Algorithm SHA256).Hash | Should -Be $backup.Sha256.ToUpperInvariant()
        $manifest = Get-Content $backup.ManifestPath -Raw | ConvertFrom-Json
        ($manifest.tables | Where-Object name -eq 'sync_log').rowCount | Should -Be 2000
    }

    It 'takes databases from Get-SqliteDatabase and Get-ChildItem through the pipeline' {
        $dest = Join-Path $TestDrive 'piped'

        $fromInfo = Get-SqliteDatabase $db | Backup-SqliteDatabase -Destination $dest -Tier Daily
        $fromFiles = Get-ChildItem -LiteralPath $TestDrive -Filter 'orders.db' | Backup-SqliteDatabase -Destination $dest -Tier Hourly

        $fromInfo.Tier | Should -Be 'Daily'
        $fromFiles.Tier | Should -Be 'Hourly'
    }

    It 'resolves a relative destination against the PowerShell location' {
        Push-Location $TestDrive
        try {
            $backup = Backup-SqliteDatabase -Path ./orders.db -Destination ./relative
            Split-Path $backup.Path -Parent | Should -Be (Join-Path $TestDrive 'relative')
        }
        finally {
            Pop-Location
        }
    }

    It 'compresses and encrypts with a passphrase from an environment variable' {
        $dest = Join-Path $TestDrive 'enc'

        $backup = Backup-SqliteDatabase -Path $db -Destination $dest -Compress -Encrypt -PassphraseVariable SQLITEADMIN_PESTER_KEY

        $backup.Path | Should -Match '\.db\.gz\.enc$'
        $backup.Encrypted | Should -BeTrue
        $backup.Compressed | Should -BeTrue
        Get-Content $backup.ManifestPath -Raw | Should -Not -Match 'pester passphrase'
    }

    It 'produces a file the real openssl decrypts' -Skip:(-not (Get-Command openssl -ErrorAction SilentlyContinue) -or -not (Get-Command gunzip -ErrorAction SilentlyContinue)) {
        $dest = Join-Path $TestDrive 'openssl'
        $backup = Backup-SqliteDatabase -Path $db -Destination $dest -Compress -Encrypt -PassphraseVariable SQLITEADMIN_PESTER_KEY
        $gz = Join-Path $TestDrive 'decrypted.db.gz'

        & openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256 -in $backup.Path -out $gz -pass env:SQLITEADMIN_PESTER_KEY
        $LASTEXITCODE | Should -Be 0
        & gunzip -f $gz
        (Get-FileHash (Join-Path $TestDrive 'decrypted.db') -Algorithm SHA256).Hash | Should -Be $backup.PlainSha256.ToUpperInvariant()
    }

    It 'accepts a credential as the passphrase' {
        $credential = [pscredential]::new('backup', (ConvertTo-SecureString 'cred pass' -AsPlainText -Force))

        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'cred') -Encrypt -Credential $credential

        $backup.Encrypted | Should -BeTrue
    }

    It 'refuses -Encrypt without a passphrase as a terminating PassphraseRequired error' {
        $thrown = { Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'x') -Encrypt } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'PassphraseRequired,*'
        Test-Path (Join-Path $TestDrive 'x') | Should -BeFalse
    }

    It 'writes nothing with -WhatIf' {
        $dest = Join-Path $TestDrive 'whatif'

        Backup-SqliteDatabase -Path $db -Destination $dest -WhatIf

        Test-Path $dest | Should -BeFalse
    }

    It 'reports a bad source as a non-terminating error and backs up the others' {
        $text = Join-Path $TestDrive 'notes.db'
        Set-Content -LiteralPath $text -Value 'not a database'
        $dest = Join-Path $TestDrive 'mixed'

        $result = Backup-SqliteDatabase -LiteralPath $text, $db -Destination $dest -ErrorVariable errs -ErrorAction SilentlyContinue

        @($result).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'NotADatabase,*'
        @(Get-ChildItem $dest -Filter 'notes*').Count | Should -Be 0
    }

    It 'copies to -CopyTo folders' {
        $nas = Join-Path $TestDrive 'nas'

        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'primary') -Compress -CopyTo $nas

        $backup.Copies | Should -HaveCount 1
        Test-Path (Join-Path $nas ((Split-Path $backup.Path -Leaf) + '.json')) | Should -BeTrue
    }

    It 'has a default table view' {
        $text = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'view') | Format-Table | Out-String

        $text | Should -Match 'Database'
        $text | Should -Match 'orders'
    }

    It 'writes at most one progress record per whole percent' {
        # A hosted runspace, as a host sees the records; one page per step makes hundreds of Core reports.
        $big = (New-TestDatabase -Path (Join-Path $TestDrive 'progress.db') -SyncRows 50000).FullName
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Resolve-Path $script:ModuleManifest).Path).AddStatement().
                AddCommand('Backup-SqliteDatabase').AddParameter('Path', $big).AddParameter('Destination', (Join-Path $TestDrive 'progress')).AddParameter('PagesPerStep', 1)
            $backup = $ps.Invoke()
            $records = @($ps.Streams.Progress)
        }
        finally {
            $ps.Dispose()
        }

        $ps.HadErrors | Should -BeFalse
        $backup[0].Verified | Should -BeTrue
        $records.Count | Should -BeLessOrEqual 102
        $records.Count | Should -BeGreaterThan 10
        $records[0].StatusDescription | Should -Be 'Opening the database'
        $records[-1].RecordType | Should -Be 'Completed'
        $processing = @($records | Where-Object RecordType -eq 'Processing' | ForEach-Object PercentComplete)
        @($processing | Select-Object -Unique).Count | Should -Be $processing.Count
    }
}

Describe 'Get-SqliteBackup' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'app.db')).FullName
        $dest = Join-Path $TestDrive 'backups'
        $env:SQLITEADMIN_PESTER_KEY = 'another passphrase'
        $first = Backup-SqliteDatabase -Path $db -Destination $dest -Tier Daily
        Start-Sleep -Seconds 1
        $second = Backup-SqliteDatabase -Path $db -Destination $dest -Tier Daily -Compress -Encrypt -PassphraseVariable SQLITEADMIN_PESTER_KEY
        Set-Content -LiteralPath (Join-Path $dest 'readme.txt') -Value 'foreign file'
    }
    AfterAll {
        Remove-Item Env:SQLITEADMIN_PESTER_KEY -ErrorAction SilentlyContinue
    }

    It 'lists backups newest first and ignores foreign files' {
        $list = Get-SqliteBackup -Path $dest

        $list.Path | Should -Be @($second.Path, $first.Path)
        $list.Status | Should -Be @('NotChecked', 'NotChecked')
    }

    It 'filters by database' {
        @(Get-SqliteBackup -Path $dest -Database other).Count | Should -Be 0
        @(Get-SqliteBackup -Path $dest -Database app).Count | Should -Be 2
    }

    It 'verifies hashes and the HMAC with -Verify' {
        $checked = Get-SqliteBackup -Path $dest -Verify -PassphraseVariable SQLITEADMIN_PESTER_KEY

        $checked.Status | Should -Be @('Ok', 'Ok')
    }

    It 'reports a damaged backup as Corrupt and as an error' {
        $copy = Join-Path $TestDrive 'damaged'
        $null = New-Item -ItemType Directory -Path $copy
        Copy-Item $second.Path, $second.ManifestPath -Destination $copy
        $file = Join-Path $copy (Split-Path $second.Path -Leaf)
        $bytes = [IO.File]::ReadAllBytes($file)
        $bytes[100] = $bytes[100] -bxor 1
        [IO.File]::WriteAllBytes($file, $bytes)

        $result = Get-SqliteBackup -Path $copy -Verify -ErrorVariable errs -ErrorAction SilentlyContinue

        $result.Status | Should -Be 'Corrupt'
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'BackupCorrupt,*'
    }

    It 'lists a backup without a manifest as NoManifest' {
        $bare = Join-Path $TestDrive 'bare'
        $null = New-Item -ItemType Directory -Path $bare
        Copy-Item $first.Path -Destination $bare

        (Get-SqliteBackup -Path $bare).Status | Should -Be 'NoManifest'
    }

    It 'reports a missing folder as BackupFolderNotFound' {
        $null = Get-SqliteBackup -Path (Join-Path $TestDrive 'nope') -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'BackupFolderNotFound,*'
    }
}
