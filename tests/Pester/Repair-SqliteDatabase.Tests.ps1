BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    function New-DamagedDatabase {
        # A database whose sync_log lost one leaf page: the first 24 bytes of a table leaf page (type
        # byte 0x0D) a third of the way into the file are inverted. sync_log fills the middle of the
        # file (batches, written after it, sits at the end). Returns the damaged file and an undamaged copy.
        param([Parameter(Mandatory)][string]$Folder, [string]$Name = 'app.db')
        $db = Join-Path $Folder $Name
        $null = New-TestDatabase -Path $db -SyncRows 20000
        $original = Join-Path $Folder "original-$Name"
        Copy-Item -LiteralPath $db -Destination $original
        $pageSize = [int](Invoke-TestScalar -Path $db -Sql 'PRAGMA page_size')
        $bytes = [IO.File]::ReadAllBytes($db)
        $page = [int]($bytes.Length / $pageSize / 3)
        while ($bytes[$page * $pageSize] -ne 0x0D) { $page++ }
        for ($i = $page * $pageSize; $i -lt $page * $pageSize + 24; $i++) { $bytes[$i] = $bytes[$i] -bxor 0xFF }
        [IO.File]::WriteAllBytes($db, $bytes)
        [pscustomobject]@{ Database = $db; Original = $original }
    }

    function Get-InventedRowCount([string]$Salvaged, [string]$Original, [string]$Table) {
        # Rows of the salvaged table that the undamaged original does not have.
        [long](Invoke-TestScalar -Path $Salvaged -Sql "ATTACH '$($Original.Replace("'", "''"))' AS o; SELECT count(*) FROM (SELECT * FROM main.$Table EXCEPT SELECT * FROM o.$Table)")
    }
}

Describe 'Repair-SqliteDatabase' {
    BeforeEach {
        $folder = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $folder
    }

    It 'salvages every readable row into a new file, invents none, and never writes the damaged database' {
        $f = New-DamagedDatabase -Folder $folder
        $hash = (Get-FileHash -LiteralPath $f.Database).Hash
        $salvaged = Join-Path $folder 'salvaged.db'

        $results = Repair-SqliteDatabase -Path $f.Database -Destination $salvaged -Confirm:$false

        $results | Should -BeOfType 'SqliteAdmin.RepairResult'
        $results.Name | Should -Be 'sync_log', 'batches', 'idx_sync_log_timestamp'
        $log = $results | Where-Object Name -eq 'sync_log'
        $log.Status | Should -Be 'Partial'
        $log.RowsRecovered | Should -BeGreaterThan 19800
        $log.RowsRecovered | Should -BeLessThan 20000
        $log.RowsExpected | Should -BeNullOrEmpty
        $log.Message | Should -Match 'Unreadable: rowids \d+–\d+'
        ($results | Where-Object Name -eq 'batches').Status | Should -Be 'Complete'
        ($results | Where-Object Name -eq 'batches').RowsExpected | Should -Be 50
        $results.Destination | Select-Object -Unique | Should -Be $salvaged
        [long](Invoke-TestScalar -Path $salvaged -Sql 'SELECT count(*) FROM sync_log') | Should -Be $log.RowsRecovered
        Get-InventedRowCount $salvaged $f.Original 'sync_log' | Should -Be 0
        (Test-SqliteIntegrity -Path $salvaged).Status | Should -Be 'Ok'
        (Test-SqliteIntegrity -Path $f.Database).Status | Should -Be 'Corrupt'
        (Get-FileHash -LiteralPath $f.Database).Hash | Should -Be $hash
        @(Get-ChildItem -LiteralPath $folder -Force).Name | Sort-Object | Should -Be 'app.db', 'original-app.db', 'salvaged.db'
    }

    It 'takes databases from the pipeline into a folder, each under its own name' {
        $null = New-DamagedDatabase -Folder $folder -Name 'orders.db'
        $null = New-DamagedDatabase -Folder $folder -Name 'quotes.db'
        $out = Join-Path $folder 'salvage'
        $null = New-Item -ItemType Directory -Path $out

        $results = Get-ChildItem -LiteralPath $folder -Filter '*s.db' | Where-Object Name -notlike 'original-*' | Repair-SqliteDatabase -Destination $out -Force

        $results.Database | Select-Object -Unique | Should -Be (Join-Path $folder 'orders.db'), (Join-Path $folder 'quotes.db')
        @(Get-ChildItem -LiteralPath $out).Name | Should -Be 'orders.db', 'quotes.db'
    }

    It 'changes nothing with -Replace -WhatIf, also with -Force' {
        $f = New-DamagedDatabase -Folder $folder
        $before = Get-FolderState $folder

        Repair-SqliteDatabase -Path $f.Database -Replace -WhatIf
        Repair-SqliteDatabase -Path $f.Database -Replace -WhatIf -Force

        Get-FolderState $folder | Should -Be $before
    }

    It '-Replace swaps the salvaged database in and keeps the damaged one, byte for byte, as the safety copy' {
        $f = New-DamagedDatabase -Folder $folder
        $hash = (Get-FileHash -LiteralPath $f.Database).Hash

        $results = Repair-SqliteDatabase -Path $f.Database -Replace -Force

        $results.Replaced | Select-Object -Unique | Should -BeTrue
        $safety = $results.SafetyCopyPath | Select-Object -Unique
        $safety | Should -BeLike (Join-Path $folder 'before_restore' 'app.db_*')
        (Get-FileHash -LiteralPath (Join-Path $safety 'app.db')).Hash | Should -Be $hash
        (Test-SqliteIntegrity -Path $f.Database).Status | Should -Be 'Ok'
        [long](Invoke-TestScalar -Path $f.Database -Sql 'SELECT count(*) FROM sync_log') | Should -Be ($results | Where-Object Name -eq 'sync_log').RowsRecovered
    }

    It 'refuses an existing -Destination without -Force and leaves it as it was' {
        $f = New-DamagedDatabase -Folder $folder
        $taken = Join-Path $folder 'salvaged.db'
        Set-Content -LiteralPath $taken -Value 'keep me'
        $before = Get-FolderState $folder

        { Repair-SqliteDatabase -Path $f.Database -Destination $taken -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'DestinationExists,SqliteAdmin.Commands.RepairSqliteDatabaseCommand'

        Get-FolderState $folder | Should -Be $before
        Get-Content -LiteralPath $taken | Should -Be 'keep me'
    }

    It 'leaves nothing under the final name when nothing can be salvaged (unreadable schema page)' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'app.db')).FullName
        $bytes = [IO.File]::ReadAllBytes($db)
        for ($i = 100; $i -lt 112; $i++) { $bytes[$i] = $bytes[$i] -bxor 0xFF }
        [IO.File]::WriteAllBytes($db, $bytes)
        $before = Get-FolderState $folder

        { Repair-SqliteDatabase -Path $db -Destination (Join-Path $folder 'salvaged.db') -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'SchemaUnreadable,SqliteAdmin.Commands.RepairSqliteDatabaseCommand'

        Get-FolderState $folder | Should -Be $before
    }

    It 'wants exactly one of -Destination and -Replace' {
        $db = (New-TestDatabase -Path (Join-Path $folder 'app.db')).FullName

        { Repair-SqliteDatabase -Path $db -Confirm:$false } | Should -Throw -ErrorId 'InvalidParameterCombination,SqliteAdmin.Commands.RepairSqliteDatabaseCommand'
        { Repair-SqliteDatabase -Path $db -Replace -Destination (Join-Path $folder 'x.db') -Confirm:$false } | Should -Throw -ErrorId 'InvalidParameterCombination,SqliteAdmin.Commands.RepairSqliteDatabaseCommand'
        @(Get-ChildItem -LiteralPath $folder).Name | Should -Be 'app.db'
    }
}
