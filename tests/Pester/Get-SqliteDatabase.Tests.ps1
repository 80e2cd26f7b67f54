BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Get-SqliteDatabase' {
    BeforeAll {
        $appDb = (New-TestDatabase -Path (Join-Path $TestDrive 'app.db') -JournalMode wal -SyncRows 300).FullName
        $otherDb = (New-TestDatabase -Path (Join-Path $TestDrive 'other.db') -SyncRows 10).FullName
    }

    It 'reports the facts of a database as a DatabaseInfo' {
        $info = Get-SqliteDatabase -Path $appDb

        $info | Should -BeOfType 'SqliteAdmin.DatabaseInfo'
        $info.Path | Should -Be $appDb
        $info.JournalMode | Should -Be 'wal'
        $info.UserVersion | Should -Be 7
        $info.PageSize | Should -BeGreaterThan 0
        $info.SqliteVersion | Should -Match '^3\.\d+\.\d+$'
        ($info.Tables | Where-Object Name -eq 'sync_log').RowCount | Should -Be 300
        ($info.Tables | Where-Object Name -eq 'batches').RowCount | Should -Be 50
        $info.IndexCount | Should -Be 1
    }

    It 'expands wildcards and reports many databases' {
        $all = Get-SqliteDatabase -Path (Join-Path $TestDrive '*.db')

        $all.Name | Sort-Object | Should -Be @('app.db', 'other.db')
    }

    It 'takes files from Get-ChildItem through the pipeline' {
        $all = Get-ChildItem -LiteralPath $TestDrive -Filter *.db | Get-SqliteDatabase

        @($all).Count | Should -Be 2
    }

    It 'resolves relative paths against the current PowerShell location' {
        Push-Location $TestDrive
        try {
            (Get-SqliteDatabase -Path ./other.db).Path | Should -Be $otherDb
        }
        finally {
            Pop-Location
        }
    }

    It 'treats -LiteralPath brackets literally' {
        $odd = Join-Path $TestDrive 'odd[1].db'
        Copy-Item -LiteralPath $otherDb -Destination $odd

        (Get-SqliteDatabase -LiteralPath $odd).Name | Should -Be 'odd[1].db'
    }

    It 'reports a missing path as a non-terminating DatabaseNotFound error and continues' {
        $missing = Join-Path $TestDrive 'missing.db'
        $before = Get-FolderState $TestDrive

        $result = Get-SqliteDatabase -Path $missing, $otherDb -ErrorVariable errs -ErrorAction SilentlyContinue

        $result.Path | Should -Be $otherDb
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DatabaseNotFound,*'
        Test-Path $missing | Should -BeFalse
        Get-FolderState $TestDrive | Should -Be $before
    }

    It 'reports <Name> as <ErrorId> and changes nothing' -TestCases @(
        @{ Name = 'empty.db'; ErrorId = 'NotADatabase'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]]@()) } }
        @{ Name = 'notes.db'; ErrorId = 'NotADatabase'; Make = { param($p) Set-Content -LiteralPath $p -Value ('not a database ' * 20) } }
        @{ Name = 'random.db'; ErrorId = 'NotADatabase'; Make = { param($p) [IO.File]::WriteAllBytes($p, [byte[]](1..4096 | ForEach-Object { Get-Random -Maximum 256 })) } }
        @{ Name = 'folder.db'; ErrorId = 'PathIsDirectory'; Make = { param($p) $null = New-Item -ItemType Directory -Path $p } }
    ) {
        $path = Join-Path $TestDrive $Name
        & $Make $path
        $before = Get-FolderState $TestDrive

        $result = Get-SqliteDatabase -LiteralPath $path -ErrorVariable errs -ErrorAction SilentlyContinue

        $result | Should -BeNullOrEmpty
        $errs[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $errs[0].TargetObject | Should -Be $path
        Get-FolderState $TestDrive | Should -Be $before
    }

    It 'refuses a path from a provider other than the file system' {
        $thrown = { Get-SqliteDatabase -LiteralPath 'Env:PATH' -ErrorAction Stop } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike 'NotFileSystemPath,*'
    }

    It 'has a default table view' {
        $text = Get-SqliteDatabase -Path $appDb | Format-Table | Out-String

        $text | Should -Match 'Journal'
        $text | Should -Match 'app\.db'
    }

    It 'has help with examples' {
        $help = Get-Help Get-SqliteDatabase -Full

        $help.Synopsis | Should -Match 'SQLite'
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $help.Parameters.Parameter.Name | Should -Contain 'LiteralPath'
    }
}
