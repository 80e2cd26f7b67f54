# Objects that crossed a serialization boundary (Start-Job serializes as remoting does): the
# properties a script decides on survive, the default views apply to the Deserialized.* names, and
# the README's fleet recipe gives the right report and exit code from them.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $script:Manifest = (Resolve-Path $script:ModuleManifest).ProviderPath

    function Receive-FromJob {
        # Runs a script in a background job that imports the built module; returns what came back.
        param([Parameter(Mandatory)][string]$Script, [object[]]$Arguments = @())
        Start-Job -ScriptBlock {
            param($manifest, $code, $arguments)
            Import-Module $manifest -ErrorAction Stop
            & ([scriptblock]::Create($code)) @arguments
        } -ArgumentList $script:Manifest, $Script, $Arguments | Receive-Job -Wait -AutoRemoveJob
    }
}

Describe 'Deserialized output' {
    BeforeAll {
        $folder = Join-Path $TestDrive 'server'
        $null = New-Item -ItemType Directory -Path $folder
        $db = (New-TestDatabase -Path (Join-Path $folder 'orders.db') -SyncRows 300).FullName
        Invoke-TestSql -Path $db -Sql 'PRAGMA foreign_keys=OFF; CREATE TABLE parent(id INTEGER PRIMARY KEY); CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id)); INSERT INTO child VALUES (1, 42);'
        $backups = Join-Path $folder 'backups'
        $null = Backup-SqliteDatabase -Path $db -Destination $backups -Tier Daily -IntegrityMode None
        $remote = @(Receive-FromJob -Script @'
param($db, $backups)
Get-SqliteDatabase -Path $db
Test-SqliteIntegrity -Path $db
Get-SqliteBackup -Path $backups
Get-SyncLogReport -Path $db -Since '2026-11-01' -MaxFailurePercent 5
Test-SqliteHealth -Path $db -BackupPath $backups -IntegrityMode Full
Remove-ExpiredBackup -Path $backups -KeepLast 1 -WhatIf
'@ -Arguments $db, $backups)
        function Get-Remote([string]$Type) { $remote | Where-Object { $_.PSObject.TypeNames[0] -eq "Deserialized.SqliteAdmin.$Type" } }
    }

    It 'came back as Deserialized.<type> objects of every kind' {
        foreach ($type in 'DatabaseInfo', 'IntegrityResult', 'BackupInfo', 'SyncLogReport', 'HealthCheck', 'RetentionDecision') {
            @(Get-Remote $type).Count | Should -BeGreaterThan 0 -Because $type
        }
    }

    It 'keeps a database''s tables with their row counts (serialized one level deeper)' {
        $info = Get-Remote 'DatabaseInfo'

        $info.Path | Should -Be $db
        $info.SizeBytes | Should -Be (Get-Item -LiteralPath $db).Length
        $info.LastWriteTimeUtc | Should -BeOfType [datetime]
        ($info.Tables | Where-Object Name -eq 'sync_log').RowCount | Should -Be 300
        ($info.Tables | Where-Object Name -eq 'batches').RowCount | Should -Be 50
    }

    It 'keeps the integrity status, a TimeSpan and each foreign-key violation''s table, rowid and parent' {
        $result = Get-Remote 'IntegrityResult'

        $result.Status | Should -Be 'Inconsistent'
        $result.Status | Should -BeOfType [string] -Because 'an enum one level down would arrive as its number'
        $result.Mode | Should -Be 'Full'
        $result.IsHealthy | Should -BeFalse
        $result.Duration | Should -BeOfType [timespan]
        $result.ForeignKeyViolations[0].Table | Should -Be 'child'
        $result.ForeignKeyViolations[0].RowId | Should -Be 1
        $result.ForeignKeyViolations[0].Parent | Should -Be 'parent'
    }

    It 'keeps what a backup script checks: path, size, time, hash, status' {
        $local = Get-SqliteBackup -Path $backups
        $backup = Get-Remote 'BackupInfo'

        foreach ($name in 'Database', 'Path', 'ManifestPath', 'SizeBytes', 'Sha256', 'Verified', 'Compressed', 'Encrypted') {
            $backup.$name | Should -Be $local.$name -Because $name
        }
        $backup.CreatedUtc | Should -Be $local.CreatedUtc
        [string]$backup.Tier | Should -Be 'Daily'
        [string]$backup.Status | Should -Be ([string]$local.Status)
    }

    It 'keeps the sync status and every alert in full' {
        $report = Get-Remote 'SyncLogReport'

        $report.Status | Should -Be 'Critical'
        $report.Status -eq [SqliteAdmin.SyncHealth]::Critical | Should -BeTrue
        @($report.Alerts).Count | Should -BeGreaterThan 0
        ($report.Alerts -join ' ') | Should -Match 'syncs failed'
        $report.SinceLastSuccess | Should -BeOfType [timespan]
        $report.LastSync | Should -BeOfType [datetime]
    }

    It 'keeps each health check''s database, check, status, value and message' {
        $checks = @(Get-Remote 'HealthCheck')

        $checks.Check | Should -Contain 'BackupVerified'
        $checks.Database | Select-Object -Unique | Should -Be $db
        ($checks | Where-Object Check -eq 'Integrity').Status | Should -Be 'Fail'
        ($checks | Where-Object Check -eq 'Integrity').Value | Should -Be 'Inconsistent' -Because 'a foreign-key violation is inconsistent data in a sound file, not damage'
        ($checks.Status -contains 'Fail') | Should -BeTrue
        @($checks | Where-Object { $_.Status -eq [SqliteAdmin.HealthStatus]::Fail }).Count | Should -BeGreaterThan 0
        $checks | ForEach-Object { $_.Message | Should -Not -BeNullOrEmpty }
    }

    It 'keeps a retention decision''s action and reasons' {
        $decision = @(Get-Remote 'RetentionDecision')[0]

        [string]$decision.Action | Should -Be 'Keep'
        $decision.Reasons | Should -Contain 'last snapshot'
    }

    It 'is shown with the module''s table view: <Type>' -ForEach @(
        @{ Type = 'DatabaseInfo'; Header = 'Size\(MB\)\s+Wal\(MB\)\s+Journal' }
        @{ Type = 'IntegrityResult'; Header = 'FkViolations\s+Duration\s+FirstProblem' }
        @{ Type = 'BackupInfo'; Header = 'Database\s+Tier\s+Format\s+CreatedUtc\s+SizeBytes\s+WhenMade\s+Status\s+Path' }
        @{ Type = 'SyncLogReport'; Header = 'Syncs\s+Success%\s+Conflict%\s+P95ms\s+LastSuccess\s+Alerts' }
        @{ Type = 'HealthCheck'; Header = 'Check\s+Status\s+Value\s+Threshold\s+Message' }
        @{ Type = 'RetentionDecision'; Header = 'Database\s+Action\s+CreatedUtc\s+Tier\s+SizeBytes\s+Reasons\s+Path' }
    ) {
        $text = Get-Remote $Type | Format-Table | Out-String -Width 250

        $text | Should -Match $Header
        $text | Should -Not -Match 'RunspaceId'
        (Get-FormatData -TypeName "Deserialized.SqliteAdmin.$Type").TypeNames | Should -Contain "SqliteAdmin.$Type"
    }
}

Describe 'README recipe: sqlite-fleet-health.ps1' {
    BeforeAll {
        $readme = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../README.md') -Raw
        $match = [regex]::Match($readme, '(?s)<!-- recipe: sqlite-fleet-health\.ps1[^>]*-->\s*```powershell\r?\n(.*?)```')
        $match.Success | Should -BeTrue
        $recipe = Join-Path $TestDrive 'sqlite-fleet-health.ps1'
        Set-Content -LiteralPath $recipe -Value $match.Groups[1].Value -Encoding UTF8
        # Remoting stands in as Start-Job (which serializes the same way): each "server" is a folder
        # of its own under $env:SQLITEADMIN_FLEET_ROOT; a server without a folder cannot be reached.
        $shim = Join-Path $TestDrive 'remoting-shim.ps1'
        Set-Content -LiteralPath $shim -Encoding UTF8 -Value @'
function Invoke-Command {
    [CmdletBinding()]
    param([string[]]$ComputerName, [scriptblock]$ScriptBlock, [object[]]$ArgumentList)
    foreach ($computer in $ComputerName) {
        $server = Join-Path $env:SQLITEADMIN_FLEET_ROOT $computer
        if (-not (Test-Path -LiteralPath $server)) {
            Write-Error -Message "Connecting to remote server $computer failed." -TargetObject $computer -ErrorId 'CannotConnect'
            continue
        }
        Start-Job -ScriptBlock { param($where, $code, $arguments) Set-Location -LiteralPath $where; & ([scriptblock]::Create($code)) @arguments } -ArgumentList $server, $ScriptBlock.ToString(), $ArgumentList |
            Receive-Job -Wait -AutoRemoveJob | ForEach-Object { $_.PSComputerName = $computer; $_ }
    }
}
'@
        $moduleRoot = Split-Path (Split-Path $script:Manifest -Parent) -Parent

        function Invoke-Fleet([string]$Root, [string[]]$Servers, [string]$Report) {
            $saved = @{ PSModulePath = $env:PSModulePath; SQLITEADMIN_FLEET_ROOT = $env:SQLITEADMIN_FLEET_ROOT }
            $env:PSModulePath = $moduleRoot + [IO.Path]::PathSeparator + $env:PSModulePath
            $env:SQLITEADMIN_FLEET_ROOT = $Root
            try {
                $command = ". '{0}'; & '{1}' -ComputerName {2} -Database 'apps/*.db' -BackupPath backups -ReportPath '{3}'; exit `$LASTEXITCODE" -f $shim, $recipe, ($Servers -join ','), $Report
                Invoke-TestProcess -FilePath (Get-TestShell) -ArgumentList '-NoProfile', '-NonInteractive', '-Command', $command
            }
            finally {
                foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
            }
        }

        function New-Server([string]$Root, [string]$Name, [switch]$StaleBackup) {
            $apps = New-Item -ItemType Directory -Path (Join-Path $Root "$Name/apps")
            $db = New-TestDatabase -Path (Join-Path $apps 'orders.db')
            $made = Backup-SqliteDatabase -Path $db.FullName -Destination (Join-Path $Root "$Name/backups") -Tier Daily
            if ($StaleBackup) { $null = Set-BackupAge -Backup $made -CreatedUtc ([DateTime]::UtcNow.AddDays(-3)) }
        }
    }

    It 'reports the server and exits 0 when all pass' {
        $root = Join-Path $TestDrive 'fleet-ok'
        New-Server $root 'app01'
        $report = Join-Path $root 'report.html'

        $run = Invoke-Fleet -Root $root -Servers 'app01' -Report $report

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $html = Get-Content -LiteralPath $report -Raw
        $html | Should -Match 'SQLite fleet health: OK'
        $html | Should -Match ('<td>app01</td><td>{0}</td><td>BackupAge</td><td>Pass</td>' -f [regex]::Escape((Join-Path $root 'app01/apps/orders.db')))
    }

    It 'exits 1 and names the failing check and the server that cannot be reached' {
        $root = Join-Path $TestDrive 'fleet-fail'
        New-Server $root 'app01'
        New-Server $root 'app02' -StaleBackup
        $report = Join-Path $root 'report.html'

        $run = Invoke-Fleet -Root $root -Servers 'app01', 'app02', 'app03' -Report $report

        $run.ExitCode | Should -Be 1
        $html = Get-Content -LiteralPath $report -Raw
        $html | Should -Match 'SQLite fleet health: FAIL'
        $html | Should -Match 'Unreachable: app03'
        $html | Should -Match ('<td>app02</td><td>{0}</td><td>BackupAge</td><td>Fail</td><td>3d</td>' -f [regex]::Escape((Join-Path $root 'app02/apps/orders.db')))
        $html | Should -Match ('<td>app01</td><td>{0}</td><td>BackupAge</td><td>Pass</td>' -f [regex]::Escape((Join-Path $root 'app01/apps/orders.db')))
    }
}
