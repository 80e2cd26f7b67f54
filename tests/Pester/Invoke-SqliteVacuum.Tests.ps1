BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function New-FragmentedDatabase {
        # The seeds' tables plus a table without INTEGER PRIMARY KEY, then deletes: about half the pages end up free.
        param([Parameter(Mandatory)][string]$Path, [ValidateSet('delete', 'wal')][string]$JournalMode = 'delete')
        $null = New-TestDatabase -Path $Path -JournalMode $JournalMode -SyncRows 2000
        Invoke-TestSql -Path $Path -Sql @"
CREATE TABLE notes(body TEXT, n INTEGER);
CREATE TABLE filler(id INTEGER PRIMARY KEY, payload BLOB);
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < 3000) INSERT INTO notes SELECT 'note '||n, n FROM i;
WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM i WHERE n < 3000) INSERT INTO filler(payload) SELECT randomblob(900) FROM i;
DELETE FROM filler WHERE id % 4 <> 0;
DELETE FROM notes WHERE n % 3 = 0;
"@
        $Path
    }

    function Get-TableContent {
        # Every row of every user table, sorted, without rowids: what a vacuum must not change.
        param([Parameter(Mandatory)][string]$Path)
        $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Mode=ReadOnly;Pooling=False")
        try {
            $connection.Open()
            $tables = $connection.CreateCommand()
            $tables.CommandText = "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            $reader = $tables.ExecuteReader()
            $names = @(while ($reader.Read()) { $reader.GetString(0) })
            $reader.Dispose()
            foreach ($name in $names) {
                $select = $connection.CreateCommand()
                $select.CommandText = "SELECT * FROM `"$name`""
                $rows = $select.ExecuteReader()
                $lines = @(while ($rows.Read()) { (0..($rows.FieldCount - 1) | ForEach-Object { [string]$rows.GetValue($_) }) -join '|' })
                $rows.Dispose()
                "${name}: " + (($lines | Sort-Object) -join ';')
            }
        }
        finally {
            $connection.Dispose()
        }
    }

    function Get-FreelistCount {
        param([Parameter(Mandatory)][string]$Path)
        [long](Invoke-TestScalar -Path $Path -Sql 'PRAGMA freelist_count')
    }
}

Describe 'Invoke-SqliteVacuum' {
    It 'reclaims the free pages of a <_> database and keeps every row' -ForEach 'delete', 'wal' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive "full-$_.db") -JournalMode $_
        $before = Get-TableContent $db
        $sizeBefore = (Get-Item -LiteralPath $db).Length

        $result = Invoke-SqliteVacuum -Path $db

        $result | Should -BeOfType 'SqliteAdmin.VacuumResult'
        $result.Performed | Should -BeTrue
        $result.SizeBeforeBytes | Should -Be $sizeBefore
        $result.SizeAfterBytes | Should -Be (Get-Item -LiteralPath $db).Length
        $result.ReclaimedBytes | Should -BeGreaterThan 0
        $result.FreePercentBefore | Should -BeGreaterThan 25
        $result.FreePercentAfter | Should -Be 0
        $result.Operations | Should -Contain 'Vacuum'
        Get-FreelistCount $db | Should -Be 0
        Get-TableContent $db | Should -Be $before
    }

    It 'skips the vacuum below -MinFreePercent, says why, and still runs -Analyze' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive 'threshold.db')
        $free = Get-FreelistCount $db

        $result = Invoke-SqliteVacuum -Path $db -MinFreePercent 99 -Analyze

        $result.Performed | Should -BeFalse
        $result.SkippedReason | Should -Match 'below -MinFreePercent 99'
        $result.Operations | Should -Be @('Analyze')
        Get-FreelistCount $db | Should -BeGreaterOrEqual ($free - 2)
    }

    It 'changes nothing with -WhatIf' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive 'whatif.db')
        $folder = Split-Path $db
        $before = Get-FolderState $folder

        $result = Invoke-SqliteVacuum -Path $db -Analyze -WhatIf

        $result | Should -BeNullOrEmpty
        Get-FolderState $folder | Should -Be $before
    }

    It 'writes a compacted copy with -VacuumMode Into and never overwrites it' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive 'into.db')
        $target = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'compact')

        $result = Invoke-SqliteVacuum -Path $db -VacuumMode Into -Destination $target.FullName

        $result.Destination | Should -Be (Join-Path $target.FullName 'into.db')
        Get-FreelistCount $result.Destination | Should -Be 0
        Get-TableContent $result.Destination | Should -Be (Get-TableContent $db)

        $again = Invoke-SqliteVacuum -Path $db -VacuumMode Into -Destination $target.FullName -ErrorVariable errs -ErrorAction SilentlyContinue
        $again | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DestinationExists,*'
    }

    It 'refuses -VacuumMode Incremental on a database without incremental auto_vacuum' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive 'incremental.db')

        Invoke-SqliteVacuum -Path $db -VacuumMode Incremental -ErrorVariable errs -ErrorAction SilentlyContinue

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'VacuumModeNotApplicable,*'
        $errs[0].Exception.Message | Should -Match 'auto_vacuum = NONE'
    }

    It 'reports a database whose lock is held elsewhere as DatabaseLocked and continues with the next' {
        $locked = New-FragmentedDatabase -Path (Join-Path $TestDrive 'locked.db')
        $free = New-FragmentedDatabase -Path (Join-Path $TestDrive 'free.db')
        $holder = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$locked;Pooling=False")
        $holder.Open()
        $begin = $holder.CreateCommand()
        $begin.CommandText = 'BEGIN IMMEDIATE'
        $null = $begin.ExecuteNonQuery()
        try {
            $results = Invoke-SqliteVacuum -Path $locked, $free -BusyTimeout 1 -ErrorVariable errs -ErrorAction SilentlyContinue
        }
        finally {
            $holder.Dispose()
        }

        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DatabaseLocked,*'
        $errs[0].TargetObject | Should -Be $locked
        @($results).Count | Should -Be 1
        $results.Path | Should -Be $free
        Get-FreelistCount $locked | Should -BeGreaterThan 0
    }

    It 'takes databases from Get-SqliteDatabase through the pipeline' {
        $db = New-FragmentedDatabase -Path (Join-Path $TestDrive 'piped.db')

        $result = Get-SqliteDatabase -Path $db | Invoke-SqliteVacuum

        $result.Path | Should -Be $db
        $result.Performed | Should -BeTrue
    }
}
