# Every cmdlet as a user drives it: input from the pipeline (strings, Get-ChildItem items, objects by
# property name, Get-SqliteBackup/Get-SqliteDatabase objects), paths relative to Set-Location, and the
# three ways a script handles a bad item (-ErrorAction Stop, SilentlyContinue with -ErrorVariable,
# and the default: one non-terminating error while the rest of the pipeline goes on).
BeforeDiscovery {
    # Kind: what the cmdlet takes (a database, a backup file or a folder of backups).
    # Names: the output property that names the input (Parent: the input is that path's folder).
    # Paths: path arguments, relative to the fixture folder. Bad/ErrorId: an input that fails and its id.
    $cmdlets = @(
        @{ Cmdlet = 'Backup-SqliteDatabase'; Kind = 'Database'; Names = 'SourcePath'; Paths = @{ Destination = 'out' }; Arguments = @{}; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Restore-SqliteDatabase'; Kind = 'Backup'; Names = 'BackupPath'; Paths = @{ Destination = 'restored.db' }; Arguments = @{ Force = $true }; Bad = 'missing.db'; ErrorId = 'BackupNotFound' }
        @{ Cmdlet = 'Test-SqliteIntegrity'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{}; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Invoke-SqliteVacuum'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{}; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Get-SyncLogReport'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{}; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Remove-ExpiredBackup'; Kind = 'BackupFolder'; Names = 'Path'; Parent = $true; Paths = @{}; Arguments = @{ KeepLast = 1; Force = $true }; Bad = 'missing'; ErrorId = 'BackupFolderNotFound' }
        @{ Cmdlet = 'Get-SqliteBackup'; Kind = 'BackupFolder'; Names = 'Path'; Parent = $true; Paths = @{}; Arguments = @{}; Bad = 'missing'; ErrorId = 'BackupFolderNotFound' }
        @{ Cmdlet = 'Get-SqliteDatabase'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{}; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        # A missing database is a Fail row of Test-SqliteHealth, not an error; a path outside the file system is.
        @{ Cmdlet = 'Test-SqliteHealth'; Kind = 'Database'; Names = 'Database'; Paths = @{ BackupPath = 'backups' }; Arguments = @{}; Bad = 'Env:PATH'; ErrorId = 'NotFileSystemPath' }
        @{ Cmdlet = 'Remove-SyncLogEntry'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{ KeepLast = 10; Force = $true }; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        # The query answers with the file SQLite opened, so each row names its database.
        @{ Cmdlet = 'Invoke-SqliteQuery'; Kind = 'Database'; Names = 'Path'; Paths = @{}; Arguments = @{ Query = "SELECT file AS Path FROM pragma_database_list WHERE name = 'main'" }; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Export-SqliteData'; Kind = 'Database'; Names = 'Path'; Paths = @{ Destination = 'export.csv' }; Arguments = @{ Table = 'sync_log'; Force = $true }; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
        @{ Cmdlet = 'Repair-SqliteDatabase'; Kind = 'Database'; Names = 'Database'; Paths = @{ Destination = 'salvaged.db' }; Arguments = @{ Force = $true }; Bad = 'missing.db'; ErrorId = 'DatabaseNotFound' }
    )
    $forms = 'String', 'Get-ChildItem', 'Path property', 'FullName property', 'PSPath property'
    $bindingCases = foreach ($cmdlet in $cmdlets) { foreach ($form in $forms) { $cmdlet + @{ Form = $form } } }
    # Objects of the module's own Get- cmdlets, piped into the cmdlets that take what they describe.
    $objectCases = @(
    ) + @(foreach ($name in 'Restore-SqliteDatabase', 'Test-SqliteIntegrity', 'Get-SqliteBackup', 'Remove-ExpiredBackup') {
        @{ Source = 'Get-SqliteBackup' } + ($cmdlets | Where-Object Cmdlet -eq $name)
    }) + @(foreach ($name in 'Backup-SqliteDatabase', 'Test-SqliteIntegrity', 'Invoke-SqliteVacuum', 'Get-SyncLogReport', 'Test-SqliteHealth', 'Remove-SyncLogEntry', 'Repair-SqliteDatabase', 'Invoke-SqliteQuery', 'Export-SqliteData') {
        @{ Source = 'Get-SqliteDatabase' } + ($cmdlets | Where-Object Cmdlet -eq $name)
    })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule

    $script:Template = Join-Path $TestDrive 'template'
    $null = New-Item -ItemType Directory -Path $script:Template
    $null = New-TestDatabase -Path (Join-Path $script:Template 'app.db') -SyncRows 100

    function New-Fixture {
        # A fresh folder with app.db and backups/ holding one verified backup of it, plus the name of the
        # folder under TestDrive: (to Set-Location through the PowerShell drive, not the provider path).
        $name = [guid]::NewGuid().ToString('N')
        $folder = Join-Path $TestDrive $name
        Copy-Item -LiteralPath $script:Template -Destination $folder -Recurse
        # The backup is made of this copy: a backup records its source, and a copy is another database.
        $null = Backup-SqliteDatabase -Path (Join-Path $folder 'app.db') -Destination (Join-Path $folder 'backups')
        $backup = @(Get-ChildItem -LiteralPath (Join-Path $folder 'backups') -Filter 'app_*.db')[0].FullName
        [pscustomobject]@{ Folder = $folder; Name = $name; Database = (Join-Path $folder 'app.db'); Backup = $backup; BackupFolder = (Join-Path $folder 'backups') }
    }

    function Get-InputPath($Fixture, [string]$Kind) {
        switch ($Kind) { 'Database' { $Fixture.Database } 'Backup' { $Fixture.Backup } 'BackupFolder' { $Fixture.BackupFolder } }
    }

    function Get-Arguments($Fixture, [hashtable]$Paths, [hashtable]$Arguments, [switch]$Relative) {
        $all = @{} + $Arguments
        foreach ($key in $Paths.Keys) { $all[$key] = if ($Relative) { $Paths[$key] } else { Join-Path $Fixture.Folder $Paths[$key] } }
        $all
    }

    function Get-NamedPath($Output, [string]$Names, [bool]$Parent) {
        foreach ($item in $Output) {
            $value = $item.$Names
            if ($Parent) { Split-Path -Path $value -Parent } else { $value }
        }
    }
}

Describe 'Pipeline input: <Cmdlet>' -ForEach $cmdlets {
    It 'binds a <Form>' -ForEach ($bindingCases | Where-Object Cmdlet -eq $Cmdlet) {
        $fixture = New-Fixture
        $path = Get-InputPath $fixture $Kind
        $item = switch ($Form) {
            'String' { $path }
            'Get-ChildItem' { Get-ChildItem -LiteralPath (Split-Path $path -Parent) | Where-Object FullName -eq $path }
            'Path property' { [pscustomobject]@{ Path = $path } }
            'FullName property' { [pscustomobject]@{ FullName = $path } }
            'PSPath property' { [pscustomobject]@{ PSPath = "Microsoft.PowerShell.Core\FileSystem::$path" } }
        }
        @($item).Count | Should -Be 1
        $arguments = Get-Arguments $fixture $Paths $Arguments

        $output = @($item | & $Cmdlet @arguments)

        $output.Count | Should -BeGreaterThan 0
        Get-NamedPath $output $Names ([bool]$Parent) | Select-Object -Unique | Should -Be $path
    }

    It 'binds objects from <Source>' -ForEach ($objectCases | Where-Object Cmdlet -eq $Cmdlet) {
        $fixture = New-Fixture
        $objects = if ($Source -eq 'Get-SqliteBackup') { Get-SqliteBackup -Path $fixture.BackupFolder } else { Get-SqliteDatabase -Path $fixture.Database }
        $expected = if ($Source -eq 'Get-SqliteBackup') { $fixture.Backup } else { $fixture.Database }
        $arguments = Get-Arguments $fixture $Paths $Arguments

        $output = @($objects | & $Cmdlet @arguments)

        $output.Count | Should -BeGreaterThan 0
        # A backup object names its file; a cmdlet that takes folders lists that file's folder.
        $named = @(Get-NamedPath $output $Names $false | Select-Object -Unique)
        $named | Should -Be $expected
    }
}

Describe 'Relative paths: <Cmdlet>' -ForEach $cmdlets {
    It 'resolves -Path and path arguments against the PowerShell location, not the process directory' {
        $fixture = New-Fixture
        $relative = Split-Path (Get-InputPath $fixture $Kind) -Leaf
        if ($Kind -eq 'Backup') { $relative = Join-Path 'backups' $relative }
        $arguments = Get-Arguments $fixture $Paths $Arguments -Relative
        Push-Location "TestDrive:\$($fixture.Name)"
        try {
            [Environment]::CurrentDirectory | Should -Not -Be $fixture.Folder -Because 'the test must tell the two apart'
            $output = @(& $Cmdlet -Path $relative @arguments)
            $literal = @(& $Cmdlet -LiteralPath $relative @arguments | Select-Object -First 1)
        }
        finally {
            Pop-Location
        }

        $output.Count | Should -BeGreaterThan 0
        Get-NamedPath $output $Names ([bool]$Parent) | Select-Object -Unique | Should -Be (Get-InputPath $fixture $Kind)
        Get-NamedPath $literal $Names ([bool]$Parent) | Should -Be (Get-InputPath $fixture $Kind)
        foreach ($key in $Paths.Keys) {
            Test-Path -LiteralPath (Join-Path $fixture.Folder $Paths[$key]) | Should -BeTrue -Because "-$key $($Paths[$key]) is relative to the location"
        }
        if ($Cmdlet -eq 'Test-SqliteHealth') {
            ($output | Where-Object Check -eq 'BackupAge').Status | Should -Be 'Pass' -Because '-BackupPath backups found the backup'
        }
    }
}

Describe 'Errors: <Cmdlet>' -ForEach $cmdlets {
    BeforeEach {
        $fixture = New-Fixture
        $good = Get-InputPath $fixture $Kind
        $bad = if ($Bad -like '*:*') { $Bad } else { Join-Path $fixture.Folder $Bad }
        $arguments = Get-Arguments $fixture $Paths $Arguments
        $fullId = '{0},SqliteAdmin.Commands.{1}Command' -f $ErrorId, ($Cmdlet -replace '-', '')
    }

    It '-ErrorAction Stop throws <ErrorId> and stops the pipeline before the next item' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $before = Get-FolderState $fixture.Folder

        $thrown = { $bad, $good | & $Cmdlet @arguments -ErrorAction Stop | ForEach-Object { $seen.Add($_) } } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -Be $fullId
        $thrown.TargetObject | Should -Be $bad
        $seen.Count | Should -Be 0
        Get-FolderState $fixture.Folder | Should -Be $before
    }

    It '-ErrorAction SilentlyContinue puts <ErrorId> in -ErrorVariable and goes on' {
        $output = @($bad, $good | & $Cmdlet @arguments -ErrorAction SilentlyContinue -ErrorVariable problems)

        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be $fullId
        $output.Count | Should -BeGreaterThan 0
        Get-NamedPath $output $Names ([bool]$Parent) | Select-Object -Unique | Should -Be $good
    }

    It 'writes one non-terminating error for the bad item and processes the good one after it' {
        $ErrorActionPreference = 'Continue'   # a user's default (the test runner sets Stop)

        $all = @($bad, $good | & $Cmdlet @arguments 2>&1)

        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $output = @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 1
        $errors[0].FullyQualifiedErrorId | Should -Be $fullId
        $all[0] | Should -BeOfType [System.Management.Automation.ErrorRecord]
        Get-NamedPath $output $Names ([bool]$Parent) | Select-Object -Unique | Should -Be $good
    }
}

Describe 'PowerShell''s own errors end the statement, whichever input they happen on' {
    BeforeAll {
        $one = (New-TestDatabase -Path (Join-Path $TestDrive 'one.db')).FullName
        $two = (New-TestDatabase -Path (Join-Path $TestDrive 'two.db')).FullName
    }

    It 'a command further down the pipeline that throws stops the cmdlet after the first object (not one error per input)' {
        $seen = [System.Collections.Generic.List[object]]::new()
        $caught = $null
        try { Test-SqliteIntegrity $one, $two | ForEach-Object { $seen.Add($_); throw 'downstream' } } catch { $caught = $_ }

        $caught.Exception.Message | Should -Be 'downstream'
        $seen.Count | Should -Be 1
    }

    It '-WarningAction Stop ends the statement at the first warning instead of becoming one error per input' {
        # -Checkpoint on a database not in WAL mode warns; Stop makes that warning terminating.
        Invoke-TestScalar -Path $one -Sql 'PRAGMA journal_mode' | Should -Not -Be 'wal'
        $caught = $null
        $out = $null
        try { $out = Invoke-SqliteVacuum $one, $two -Checkpoint -WarningAction Stop -ErrorVariable errs; $done = $true } catch { $caught = $_ }

        $done | Should -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -BeLike 'ActionPreferenceStop*'
        $errs | Where-Object { $_.TargetObject -eq $two } | Should -BeNullOrEmpty
        $out | Should -BeNullOrEmpty
    }
}
