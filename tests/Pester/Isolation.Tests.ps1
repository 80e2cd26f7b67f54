# SqliteAdmin beside another SQLite user in one PowerShell process, in both orders: each case runs in a
# fresh child pwsh, because assemblies and native libraries once loaded stay loaded. The other user is
# what SqliteAdmin 0.1.0 shipped (Microsoft.Data.Sqlite 6.0.7, SQLitePCLRaw 2.0.6, SQLite 3.35.5),
# taken from the NuGet package folder (PackageDownload in tests/SqliteAdmin.Module.Tests) and laid
# out in one folder as another module would ship it.
# Also here: a backup written by SqliteAdmin 0.1.0 (tests/Fixtures) restores after the upgrade.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    # The SQLite version the module ships: the assembly metadata NativeSqliteLoader reads (internal types are not reachable from script).
    $script:Shipped = ([SqliteAdmin.BackupInfo].Assembly.GetCustomAttributes([System.Reflection.AssemblyMetadataAttribute], $false) |
        Where-Object Key -EQ 'ShippedSqliteVersion').Value

    $repoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $props = [xml](Get-Content -Raw -LiteralPath (Join-Path $repoRoot 'Directory.Packages.props'))
    $dataVersion = @($props.Project.PropertyGroup | ForEach-Object { $_.OtherSqliteDataVersion } | Where-Object { $_ })[0]
    $rawVersion = @($props.Project.PropertyGroup | ForEach-Object { $_.OtherSqlitePclRawVersion } | Where-Object { $_ })[0]
    $packages = $env:NUGET_PACKAGES
    if (-not $packages) { $packages = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $rid = [System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier
    $script:Other = Join-Path $TestDrive 'OtherSqliteUser'
    $null = New-Item -ItemType Directory -Path $script:Other
    $files = @(
        "microsoft.data.sqlite.core/$dataVersion/lib/netstandard2.0/Microsoft.Data.Sqlite.dll"
        "sqlitepclraw.core/$rawVersion/lib/netstandard2.0/SQLitePCLRaw.core.dll"
        "sqlitepclraw.provider.e_sqlite3/$rawVersion/lib/netstandard2.0/SQLitePCLRaw.provider.e_sqlite3.dll"
        "sqlitepclraw.bundle_e_sqlite3/$rawVersion/lib/netstandard2.0/SQLitePCLRaw.batteries_v2.dll"
    )
    $files += @(Get-ChildItem -LiteralPath (Join-Path $packages "sqlitepclraw.lib.e_sqlite3/$rawVersion/runtimes/$rid/native") -File |
            ForEach-Object { "sqlitepclraw.lib.e_sqlite3/$rawVersion/runtimes/$rid/native/$($_.Name)" })
    foreach ($file in $files) {
        $from = Join-Path $packages $file
        if (-not (Test-Path -LiteralPath $from)) { throw "Not in the NuGet package folder: $from (run 'dotnet build SqliteAdmin.sln', which downloads it)." }
        Copy-Item -LiteralPath $from -Destination $script:Other
    }

    # The child's pieces. Output is key=value lines, read back by Read-Report.
    $script:OtherUser = @'
function Initialize-OtherSqliteUser([string]$Folder) {
    foreach ($name in 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3', 'SQLitePCLRaw.batteries_v2', 'Microsoft.Data.Sqlite') {
        Add-Type -Path (Join-Path $Folder "$name.dll")
    }
    [SQLitePCL.Batteries_V2]::Init()
}
function Invoke-OtherSqliteUser([string]$Path) {
    # Opens a connection with the other library, writes, and returns the SQLite version it runs on.
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = 'CREATE TABLE IF NOT EXISTS other(x); INSERT INTO other VALUES (1); SELECT sqlite_version();'
        $command.ExecuteScalar()
    }
    finally { $connection.Dispose() }
}
function Invoke-SqliteAdminRoundTrip([string]$Work) {
    $env:SQLITEADMIN_ISOLATION_KEY = 'isolation-test'
    $source = Join-Path $Work 'orders.db'
    $null = Invoke-OtherSqliteUser -Path $source
    $backup = Backup-SqliteDatabase -Path $source -Destination (Join-Path $Work 'backups') -Compress -Encrypt -PassphraseVariable SQLITEADMIN_ISOLATION_KEY
    "backup-status=$($backup.Status)"
    "backup-sqlite=$($backup.SqliteVersion)"
    $restored = Join-Path $Work 'restored.db'
    $restore = Restore-SqliteDatabase -Path $backup.Path -Destination $restored -PassphraseVariable SQLITEADMIN_ISOLATION_KEY -Force
    "restore-verified=$($restore.Verified)"
    "check=$((Test-SqliteIntegrity -Path $restored).Status)"
    $info = Get-SqliteDatabase -Path $restored
    "ours=$($info.SqliteVersion)"
    "rows=$(($info.Tables | Where-Object Name -eq 'other').RowCount)"
}
function Write-LoadedSqlite {
    foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in 'Microsoft.Data.Sqlite', 'SQLitePCLRaw.core', 'SQLitePCLRaw.provider.e_sqlite3' }) {
        "assembly=$($assembly.GetName().Name)|$($assembly.GetName().Version)|$([System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly).Name)"
    }
    if (Test-Path /proc/self/maps) {
        Get-Content /proc/self/maps | Where-Object { $_ -match 'libe_sqlite3' } | ForEach-Object { 'mapped=' + $_.Substring($_.IndexOf('/')) } | Sort-Object -Unique
    }
}
'@

    function Invoke-Isolated([string]$Body) {
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path (Join-Path $work 'fixture')
        Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../Fixtures/backup-v0.1.0') -Filter 'orders_*' | Copy-Item -Destination (Join-Path $work 'fixture')
        $script = Join-Path $work 'case.ps1'
        Set-Content -LiteralPath $script -Encoding UTF8 -Value @"
param([string]`$OtherFolder, [string]`$Manifest, [string]`$Work)
`$ErrorActionPreference = 'Stop'
$script:OtherUser
$Body
"@
        $manifest = (Resolve-Path $script:ModuleManifest).ProviderPath
        $run = Invoke-TestProcess -FilePath (Get-TestShell) -ArgumentList @('-NoProfile', '-NonInteractive', '-File', $script, $script:Other, $manifest, $work)
        $report = @{ ExitCode = $run.ExitCode; Output = $run.Output; Assembly = @(); Mapped = @() }
        foreach ($line in $run.Output -split '\r?\n') {
            if ($line -match '^(assembly|mapped)=(.*)$') { $report[(Get-Culture).TextInfo.ToTitleCase($Matches[1])] += $Matches[2] }
            elseif ($line -match '^([\w-]+)=(.*)$') { $report[$Matches[1]] = $Matches[2] }
        }
        $report
    }
}

Describe 'SqliteAdmin beside another SQLite user in one PowerShell' {
    It 'works when the other user loaded an older Microsoft.Data.Sqlite, SQLitePCLRaw and SQLite first' {
        $report = Invoke-Isolated @'
Initialize-OtherSqliteUser -Folder $OtherFolder
"other-before=$(Invoke-OtherSqliteUser -Path (Join-Path $Work 'other.db'))"
Import-Module $Manifest
Invoke-SqliteAdminRoundTrip -Work $Work
"other-after=$(Invoke-OtherSqliteUser -Path (Join-Path $Work 'other.db'))"
Write-LoadedSqlite
'@
        $report.ExitCode | Should -Be 0 -Because $report.Output
        $report['other-before'] | Should -Be '3.35.5'
        $report['backup-status'] | Should -Be 'Ok'
        $report['backup-sqlite'] | Should -Be $script:Shipped
        $report['restore-verified'] | Should -Be 'True'
        $report['check'] | Should -Be 'Ok'
        $report['ours'] | Should -Be $script:Shipped
        $report['rows'] | Should -Be '1'
        $report['other-after'] | Should -Be '3.35.5'
        # Both versions are loaded: the other in the default context, ours in SqliteAdmin's own.
        $report.Assembly | Should -Contain 'Microsoft.Data.Sqlite|6.0.7.0|Default'
        $report.Assembly | Should -Contain 'SQLitePCLRaw.core|2.0.6.1341|Default'
        $report.Assembly | Should -Contain 'SQLitePCLRaw.core|3.0.5.3129|SqliteAdmin'
        @($report.Assembly | Where-Object { $_ -like 'Microsoft.Data.Sqlite|10.*|SqliteAdmin' }).Count | Should -Be 1
        if ($IsLinux) {
            $report.Mapped | Should -Contain (Join-Path $script:Other 'libe_sqlite3.so')
            @($report.Mapped | Where-Object { $_ -like '*/SqliteAdmin/runtimes/*/native/libe_sqlite3.so' }).Count | Should -Be 1
        }
    }

    It 'leaves the other user its own version when SqliteAdmin was imported first' {
        $report = Invoke-Isolated @'
Import-Module $Manifest
# SqliteAdmin alone first: restore the 0.1.0 fixture backup (copied into the work folder) and read it.
$env:SQLITEADMIN_FIXTURE_KEY = 'fixture-passphrase-v0.1.0'
$first = Get-SqliteBackup -Path (Join-Path $Work 'fixture') | Restore-SqliteDatabase -Destination (Join-Path $Work 'fixture.db') -PassphraseVariable SQLITEADMIN_FIXTURE_KEY -Force
"ours-first=$((Get-SqliteDatabase -Path $first.Destination).SqliteVersion)"
Initialize-OtherSqliteUser -Folder $OtherFolder
"other-after=$(Invoke-OtherSqliteUser -Path (Join-Path $Work 'other.db'))"
Invoke-SqliteAdminRoundTrip -Work $Work
"other-again=$(Invoke-OtherSqliteUser -Path (Join-Path $Work 'other.db'))"
Write-LoadedSqlite
'@
        $report.ExitCode | Should -Be 0 -Because $report.Output
        $report['ours-first'] | Should -Be $script:Shipped
        $report['other-after'] | Should -Be '3.35.5'
        $report['backup-status'] | Should -Be 'Ok'
        $report['backup-sqlite'] | Should -Be $script:Shipped
        $report['restore-verified'] | Should -Be 'True'
        $report['check'] | Should -Be 'Ok'
        $report['ours'] | Should -Be $script:Shipped
        $report['other-again'] | Should -Be '3.35.5'
        $report.Assembly | Should -Contain 'Microsoft.Data.Sqlite|6.0.7.0|Default'
        $report.Assembly | Should -Contain 'SQLitePCLRaw.core|3.0.5.3129|SqliteAdmin'
    }
}

Describe 'A backup written by SqliteAdmin 0.1.0 (SQLite 3.35.5)' {
    It 'is listed, restores and verifies after the upgrade' {
        $fixture = Join-Path $PSScriptRoot '../Fixtures/backup-v0.1.0'
        $folder = Join-Path $TestDrive 'old-backups'
        $null = New-Item -ItemType Directory -Path $folder
        Get-ChildItem -LiteralPath $fixture -Filter 'orders_*' | Copy-Item -Destination $folder
        $env:SQLITEADMIN_FIXTURE_KEY = 'fixture-passphrase-v0.1.0'

        $listed = @(Get-SqliteBackup -Path $folder)
        $listed.Count | Should -Be 1
        $listed[0].SqliteVersion | Should -Be '3.35.5'

        $target = Join-Path $TestDrive 'orders-restored.db'
        $result = $listed[0] | Restore-SqliteDatabase -Destination $target -PassphraseVariable SQLITEADMIN_FIXTURE_KEY -Force
        $result.Verified | Should -BeTrue
        (Test-SqliteIntegrity -Path $target).Status | Should -Be 'Ok'
        $info = Get-SqliteDatabase -Path $target
        $info.UserVersion | Should -Be 7
        ($info.Tables | ForEach-Object { '{0}:{1}' -f $_.Name, $_.RowCount }) -join ',' | Should -Be 'batches:50,fixture:1,sync_log:40'
        Invoke-TestScalar -Path $target -Sql "SELECT v FROM fixture WHERE k = 'made-by'" | Should -Be 'SqliteAdmin 0.1.0 with SQLite 3.35.5'
        (Get-FileHash -LiteralPath $target -Algorithm SHA256).Hash | Should -Be 'DA5B5851A1F2CC44A20A46FC1E2BAAC1F679154F27ED79F852A72A1CC0BD89DD'
    }
}
