# Installable as from the PowerShell Gallery: out/SqliteAdmin is published with PSResourceGet (bundled
# with pwsh) to a local file repository, installed by name into an empty module folder, imported by
# name in a fresh pwsh, and the README's nightly recipe runs against that installed copy.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $script:ModuleFolder = Split-Path $script:ModuleManifest -Parent
}

Describe 'SqliteAdmin as a Gallery package' {
    It 'has a manifest that Test-ModuleManifest accepts without warnings' {
        $manifest = Test-ModuleManifest -Path $script:ModuleManifest -ErrorAction Stop -WarningVariable warnings -WarningAction SilentlyContinue

        $warnings | Should -BeNullOrEmpty
        $manifest.Name | Should -Be 'SqliteAdmin'
        $manifest.ExportedCmdlets.Count | Should -BeGreaterOrEqual 10
        $manifest.PrivateData.PSData.Tags | Should -Contain 'SQLite'
    }

    It 'publishes to a PSResourceGet repository, installs by name and runs the nightly recipe' -Skip:(-not (Get-Command Publish-PSResource -ErrorAction SilentlyContinue)) {
        $repository = 'SqliteAdminTest' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $feed = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'feed')
        $modules = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'modules')
        Register-PSResourceRepository -Name $repository -Uri $feed.FullName -Trusted
        try {
            Publish-PSResource -Path $script:ModuleFolder -Repository $repository -ErrorAction Stop
            $found = Find-PSResource -Name SqliteAdmin -Repository $repository -ErrorAction Stop
            Save-PSResource -Name SqliteAdmin -Repository $repository -Path $modules.FullName -TrustRepository -ErrorAction Stop
        }
        finally {
            Unregister-PSResourceRepository -Name $repository
        }
        $found.Version.ToString() | Should -Be (Import-PowerShellDataFile $script:ModuleManifest).ModuleVersion
        $installed = Join-Path $modules.FullName "SqliteAdmin/$($found.Version)"
        Test-Path -LiteralPath (Join-Path $installed 'runtimes/linux-x64/native/libe_sqlite3.so') | Should -BeTrue
        Test-Path -LiteralPath (Join-Path $installed 'runtimes/win-x64/native/e_sqlite3.dll') | Should -BeTrue

        # A fresh pwsh whose module path holds only the installed copy and PowerShell's own modules.
        $onlyInstalled = $modules.FullName + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
        $probe = Join-Path $TestDrive 'probe.ps1'
        Set-Content -LiteralPath $probe -Value 'Import-Module SqliteAdmin -ErrorAction Stop; (Get-Module SqliteAdmin).ModuleBase; (Get-Command -Module SqliteAdmin).Count'
        $where = Invoke-Recipe -Script $probe -ModulePath $onlyInstalled
        $where.ExitCode | Should -Be 0 -Because $where.Output
        $where.Output | Should -Match ([regex]::Escape($installed))

        $apps = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'apps')
        $null = New-TestDatabase -Path (Join-Path $apps 'orders.db') -JournalMode wal
        $destination = Join-Path $TestDrive 'backups'
        $run = Invoke-Recipe -Script (Get-Recipe 'sqlite-nightly.ps1') -ModulePath $onlyInstalled `
            -Arguments '-Database', (Join-Path $apps '*.db'), '-Destination', $destination `
            -Environment @{ BACKUP_ENCRYPTION_KEY = 'correct horse battery staple' }

        $run.ExitCode | Should -Be 0 -Because $run.Output
        (Get-SqliteBackup -Path $destination).Database | Should -Be 'orders'
    }
}
