# Export-SqliteData against the real sqlite3 shell (where it is installed), and its file safety.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $script:Template = (New-TestDatabase -Path (Join-Path $TestDrive 'template.db') -SyncRows 300).FullName
    Invoke-TestSql -Path $script:Template -Sql @"
CREATE TABLE audit_log(id INTEGER PRIMARY KEY, ts TEXT, batch INTEGER, strain TEXT, field TEXT, old TEXT, new TEXT, grams REAL);
INSERT INTO audit_log(ts, batch, strain, field, old, new, grams) VALUES
  ('2026-11-30T08:00:00', 1, 'Blue Dream', 'stage', 'trim', 'cure', 12.5),
  ('2026-11-30T09:00:00', 2, 'Sour "D"', 'notes', 'a, b', 'line1' || char(10) || 'line2', 0.1),
  ('2026-11-30T10:00:00', 3, 'Ärger', 'stage', '', NULL, 1e15);
"@
    $script:Sqlite3 = Get-Command sqlite3 -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1

    function New-Db {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $db = Join-Path $folder 'tracker.db'
        Copy-Item -LiteralPath $script:Template -Destination $db
        $db
    }

    function Get-ShellCsv([string]$Db, [string]$Sql) {
        # The shell's bytes, through a file: PowerShell would re-encode a native command's output.
        $file = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.shell.csv')
        $shell = $script:Sqlite3.Source
        $null = Invoke-TestProcess -FilePath '/bin/sh' -ArgumentList @('-c', '"$0" -header -csv "$1" "$2" > "$3"', $shell, $Db, $Sql, $file)
        [System.IO.File]::ReadAllBytes($file)
    }
}

Describe 'The file' {
    It 'is byte for byte what sqlite3 -header -csv writes for seed 000''s audit export' -Skip:(-not (Get-Command sqlite3 -ErrorAction SilentlyContinue) -or $IsWindows) {
        $db = New-Db
        $sql = 'SELECT ts, batch, strain, field, old, new, grams FROM audit_log ORDER BY ts DESC;'
        $csv = Join-Path (Split-Path $db) 'audit_export.csv'

        $result = Export-SqliteData $db -Query $sql -Destination $csv

        $result | Should -BeOfType ([SqliteAdmin.ExportResult])
        $result.Rows | Should -Be 3
        $result.Destination | Should -Be $csv
        [System.IO.File]::ReadAllBytes($csv) | Should -Be (Get-ShellCsv $db $sql)
    }

    It 'writes a table with a delimiter, a byte order mark and no header as asked' {
        $db = New-Db
        $csv = Join-Path (Split-Path $db) 'audit.csv'

        $null = Export-SqliteData $db -Table AUDIT_LOG -Destination $csv -Delimiter ';' -Utf8Bom -NoHeader

        $bytes = [System.IO.File]::ReadAllBytes($csv)
        $bytes[0..2] | Should -Be 0xEF, 0xBB, 0xBF
        $text = [System.Text.Encoding]::UTF8.GetString($bytes, 3, $bytes.Length - 3)
        $text | Should -BeExactly ("1;2026-11-30T08:00:00;1;""Blue Dream"";stage;trim;cure;12.5`n" +
            "2;2026-11-30T09:00:00;2;""Sour """"D"""""";notes;""a, b"";""line1`nline2"";0.1`n" +
            "3;2026-11-30T10:00:00;3;""Ärger"";stage;"""";;1.0e+15`n")
    }

    It 'writes several tables into a folder, one file each, each what sqlite3 writes for its table' -Skip:(-not (Get-Command sqlite3 -ErrorAction SilentlyContinue) -or $IsWindows) {
        $db = New-Db
        $out = Join-Path (Split-Path $db) 'exports'
        $null = New-Item -ItemType Directory -Path $out

        $results = @(Export-SqliteData $db -Table audit_log, sync_log -Destination $out)

        $results.Count | Should -Be 2
        foreach ($table in 'audit_log', 'sync_log') {
            $file = ($results | Where-Object { (Split-Path $_.Destination -Leaf) -like "*$table*" }).Destination
            $file | Should -Not -BeNullOrEmpty -Because $table
            [System.IO.File]::ReadAllBytes($file) | Should -Be (Get-ShellCsv $db "SELECT * FROM $table;") -Because $table
        }
    }

    It 'refuses several tables into one file, and writes nothing' {
        $db = New-Db
        $before = Get-FolderState (Split-Path $db)

        $thrown = { Export-SqliteData $db -Table audit_log, sync_log -Destination (Join-Path (Split-Path $db) 'both.csv') -ErrorAction Stop } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'InvalidParameterCombination,*'
        Get-FolderState (Split-Path $db) | Should -Be $before
    }

    It 'names the file after database and table in a folder destination, relative to the location' {
        $db = New-Db
        Push-Location (Split-Path $db)
        try {
            $null = New-Item -ItemType Directory -Path exports
            $result = Export-SqliteData -LiteralPath tracker.db -Table sync_log -Destination exports
        }
        finally {
            Pop-Location
        }

        $result.Destination | Should -Be (Join-Path (Split-Path $db) 'exports/tracker_sync_log.csv')
        $result.Rows | Should -Be 300
    }
}

Describe 'Write safety' {
    It 'keeps an existing file without -Force (DestinationExists) and replaces it with -Force' {
        $db = New-Db
        $csv = Join-Path (Split-Path $db) 'sync.csv'
        Set-Content -LiteralPath $csv -Value 'yesterday'

        { Export-SqliteData $db -Table sync_log -Destination $csv -ErrorAction Stop } | Should -Throw -ErrorId 'DestinationExists,SqliteAdmin.Commands.ExportSqliteDataCommand'
        Get-Content -LiteralPath $csv | Should -Be 'yesterday'

        $result = Export-SqliteData $db -Table sync_log -Destination $csv -Force

        $result.Replaced | Should -BeTrue
        @(Get-Content -LiteralPath $csv).Count | Should -Be 301
        @(Get-ChildItem -LiteralPath (Split-Path $db) -Force).Name | Should -Be 'sync.csv', 'tracker.db'
    }

    It 'never lets a later input of the same call overwrite a file an earlier one wrote, even with -Force (DestinationExists)' {
        $m1 = New-Db
        $m2 = New-Db
        $root = Split-Path (Split-Path $m1)
        Invoke-TestSql -Path $m1 -Sql "CREATE TABLE t(v TEXT); INSERT INTO t VALUES('from_m1');"
        Invoke-TestSql -Path $m2 -Sql "CREATE TABLE t(v TEXT); INSERT INTO t VALUES('from_m2');"
        $one = Join-Path $root ([guid]::NewGuid().ToString('N') + '.csv')

        $result = @(Export-SqliteData $m1, $m2 -Table t -Destination $one -Force -ErrorVariable failures -ErrorAction SilentlyContinue)

        $result.Count | Should -Be 1
        $failures.Count | Should -Be 1
        $failures[0].FullyQualifiedErrorId | Should -Be 'DestinationExists,SqliteAdmin.Commands.ExportSqliteDataCommand'
        Get-Content -LiteralPath $one | Should -Be 'v', 'from_m1'

        # A folder destination: both databases are tracker.db, so both would be tracker_t.csv.
        $folder = Join-Path $root ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
        $result = @(Export-SqliteData $m1, $m2 -Table t, sync_log -Destination $folder -Force -ErrorVariable failures -ErrorAction SilentlyContinue)

        $result.Count | Should -Be 2
        $failures.Count | Should -Be 2
        $failures.FullyQualifiedErrorId | Should -Be 'DestinationExists,SqliteAdmin.Commands.ExportSqliteDataCommand', 'DestinationExists,SqliteAdmin.Commands.ExportSqliteDataCommand'
        Get-Content -LiteralPath (Join-Path $folder 'tracker_t.csv') | Should -Be 'v', 'from_m1'
    }

    It 'refuses the database''s own -wal, -shm and -journal as destination, even with -Force (InvalidParameterCombination)' {
        $db = New-Db
        Invoke-TestSql -Path $db -Sql "PRAGMA journal_mode=WAL;"
        foreach ($suffix in '', '-wal', '-shm', '-journal') {
            { Export-SqliteData $db -Query 'SELECT 1' -Destination "$db$suffix" -Force -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidParameterCombination,SqliteAdmin.Commands.ExportSqliteDataCommand'
        }
        @(Invoke-SqliteQuery $db 'SELECT count(*) AS n FROM sync_log').n | Should -Be 300
    }

    It 'refuses a query that writes (WriteNotAllowed): the database and the folder stay as they were' {
        $db = New-Db
        $before = Get-FolderState (Split-Path $db)

        { Export-SqliteData $db -Query 'DELETE FROM sync_log RETURNING *' -Destination (Join-Path (Split-Path $db) 'gone.csv') -ErrorAction Stop } |
            Should -Throw -ErrorId 'WriteNotAllowed,SqliteAdmin.Commands.ExportSqliteDataCommand'

        Get-FolderState (Split-Path $db) | Should -Be $before
    }

    It 'wants -Query or -Table, one of them (a terminating InvalidParameterCombination)' {
        $db = New-Db

        { Export-SqliteData $db -Destination x.csv -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'InvalidParameterCombination,SqliteAdmin.Commands.ExportSqliteDataCommand'
        { Export-SqliteData $db -Table a -Query 'SELECT 1' -Destination x.csv -ErrorAction SilentlyContinue } | Should -Throw -ErrorId 'InvalidParameterCombination,SqliteAdmin.Commands.ExportSqliteDataCommand'
    }
}
