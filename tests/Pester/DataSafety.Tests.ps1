# Reliability cases 25 and 26 as a user meets them: a database left with a hot journal by a killed
# writer, and a backup folder with one hand-edited manifest.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function New-HotJournal {
        # A child PowerShell writes to the database inside a transaction that spills to the file
        # (a one-page cache), says 'dirty', and is killed: a real crash, on every platform.
        param([Parameter(Mandatory)][string]$Path)
        Invoke-TestSql -Path $Path -Sql @"
CREATE TABLE t(id INTEGER PRIMARY KEY, pad TEXT); CREATE TABLE marker(v TEXT); INSERT INTO marker VALUES('committed');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000) INSERT INTO t(pad) SELECT hex(randomblob(40)) FROM n;
"@
        $script = @"
Import-Module '$($script:ModuleManifest)'
Add-Type -Path (Join-Path (Split-Path '$($script:ModuleManifest)' -Parent) 'dependencies/Microsoft.Data.Sqlite.dll')
`$c = [Microsoft.Data.Sqlite.SqliteConnection]::new('Data Source=$Path;Pooling=False'); `$c.Open()
`$cmd = `$c.CreateCommand()
`$cmd.CommandText = "PRAGMA cache_size=1; BEGIN; UPDATE t SET pad = hex(randomblob(40)); UPDATE marker SET v = 'uncommitted';"
`$null = `$cmd.ExecuteNonQuery()
[Console]::Out.WriteLine('dirty'); [Console]::Out.Flush()
Start-Sleep -Seconds 600
"@
        $info = [System.Diagnostics.ProcessStartInfo]::new((Get-TestShell))
        foreach ($argument in '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($argument) }
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($info)
        try {
            while (($line = $process.StandardOutput.ReadLine()) -ne $null -and $line -ne 'dirty') { }
            $line | Should -Be 'dirty'
        }
        finally {
            $process.Kill()
            $process.WaitForExit()
            $process.Dispose()
        }
        "$Path-journal" | Should -Exist
    }
}

Describe 'A hot journal left by a killed writer' {
    It 'Get-SqliteDatabase rolls it back, warns, and shows the last committed state' {
        $db = Join-Path $TestDrive 'inspect.db'
        New-HotJournal -Path $db

        $info = Get-SqliteDatabase -Path $db -WarningVariable warnings -WarningAction SilentlyContinue

        $info.RolledBackHotJournal | Should -BeTrue
        ($info.Tables | Where-Object Name -eq 't').RowCount | Should -Be 3000
        "$warnings" | Should -Match 'rolled back a hot journal left by an interrupted transaction'
        "$db-journal" | Should -Not -Exist
        Invoke-TestScalar -Path $db -Sql 'SELECT v FROM marker' | Should -Be 'committed'
    }

    It 'Backup-SqliteDatabase rolls it back and backs up the last committed state' {
        $db = Join-Path $TestDrive 'backup.db'
        New-HotJournal -Path $db

        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'b') -WarningVariable warnings -WarningAction SilentlyContinue

        "$warnings" | Should -Match 'rolled back a hot journal'
        Invoke-TestScalar -Path $backup.Path -Sql 'SELECT v FROM marker' | Should -Be 'committed'
    }

    It 'Test-SqliteHealth reports it as a HotJournal row with the fix and writes nothing' {
        $db = Join-Path $TestDrive 'health.db'
        New-HotJournal -Path $db
        $before = (Get-FileHash -LiteralPath $db).Hash

        $rows = Test-SqliteHealth -Path $db

        $row = $rows | Where-Object Check -eq 'HotJournal'
        $row.Status | Should -Be 'Fail'
        $row.Message | Should -Match ([regex]::Escape("$db-journal"))
        $row.Message | Should -Match 'Get-SqliteDatabase'
        ($rows.Message -join ' ') | Should -Not -Match 'readonly database'
        (Get-FileHash -LiteralPath $db).Hash | Should -Be $before
        "$db-journal" | Should -Exist
    }
}

Describe 'A backup folder with one bad manifest' {
    BeforeAll {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'app.db')).FullName
        $folder = Join-Path $TestDrive 'backups'
        $older = Backup-SqliteDatabase -Path $db -Destination $folder -Tier Daily
        $olderPath = Set-BackupAge -Backup $older -CreatedUtc ([DateTime]::UtcNow.AddHours(-2))
        $newest = Backup-SqliteDatabase -Path $db -Destination $folder -Tier Daily
    }

    It 'lists, verifies and judges the rest when <_> is null' -ForEach '"tables": ', '"verified": ' {
        $field = $_
        $json = Get-Content -LiteralPath "$($newest.Path).json" -Raw
        $bad = $json -replace ([regex]::Escape($field) + '(\[[^\]]*\]|true|false)'), ($field + 'null')
        $bad | Should -Not -Be $json
        Set-Content -LiteralPath "$($newest.Path).json" -Value $bad -NoNewline
        try {
            $listed = Get-SqliteBackup -Path $folder -Verify

            $listed.Count | Should -Be 2
            $invalid = $listed | Where-Object Path -eq $newest.Path
            $invalid.Status | Should -Be 'ManifestInvalid'
            $invalid.StatusMessage | Should -Match 'is null'
            ($listed | Where-Object Path -eq $olderPath).Status | Should -Be 'Ok'

            $health = Test-SqliteHealth -Path $db -BackupPath $folder -IntegrityMode None
            ($health | Where-Object Check -eq 'BackupVerified').Message | Should -Match 'is null'
            ($health.Message -join ' ') | Should -Not -Match 'Object reference'

            $plan = Remove-ExpiredBackup -Path $folder -KeepLast 1 -WhatIf
            $plan.Count | Should -Be 2
            $olderPath | Should -Exist
        }
        finally {
            Set-Content -LiteralPath "$($newest.Path).json" -Value $json -NoNewline
        }
    }
}

Describe 'A damaged backup in the default view of Get-SqliteBackup -Verify' {
    It 'shows the check made with the backup apart from what the file is now, never "True" beside "Corrupt"' {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'view-damage.db')).FullName
        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'view-damage')
        $bytes = [IO.File]::ReadAllBytes($backup.Path)
        $bytes[$bytes.Length / 2] = $bytes[$bytes.Length / 2] -bxor 0xFF
        [IO.File]::WriteAllBytes($backup.Path, $bytes)

        $checked = Get-SqliteBackup -Path (Split-Path $backup.Path) -Verify -ErrorAction SilentlyContinue
        $row = ($checked | Format-Table | Out-String -Width 250) -split "`n" | Where-Object { $_ -match 'view-damage_' }

        $checked.Status | Should -Be 'Corrupt'
        $checked.WhenMade | Should -Be 'quick ok'
        $checked.CheckedUtc | Should -BeGreaterThan $backup.CreatedUtc
        $row | Should -Match 'quick ok\s+Corrupt'
        $row | Should -Not -Match 'True'
    }
}

Describe 'Owner-only files on Windows' -Tag 'WindowsOnly' {
    It 'gives a new backup and its manifest a protected ACL that grants only the current user' {
        $db = (New-TestDatabase -Path (Join-Path $TestDrive 'acl.db')).FullName
        $backup = Backup-SqliteDatabase -Path $db -Destination (Join-Path $TestDrive 'acl-backups')
        $me = [System.Security.Principal.WindowsIdentity]::GetCurrent().User

        foreach ($file in $backup.Path, $backup.ManifestPath) {
            $acl = Get-Acl -LiteralPath $file
            $acl.AreAccessRulesProtected | Should -BeTrue -Because "$file must not inherit the folder's ACL"
            $rules = @($acl.Access)
            $rules | Should -HaveCount 1
            $rules[0].IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]) | Should -Be $me
        }
    }
}
