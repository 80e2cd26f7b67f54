# Shared by the Pester tests: import the built module from out/ and make real databases.
# Databases are created with Microsoft.Data.Sqlite, which the module has already loaded (and whose
# native library the module initializer has loaded), so no sqlite3 CLI is needed on Windows.

$script:ModuleManifest = Join-Path $PSScriptRoot '../../out/SqliteAdmin/SqliteAdmin.psd1'

function Import-BuiltModule {
    if (-not (Test-Path $script:ModuleManifest)) {
        throw "The module is not built: run 'dotnet build SqliteAdmin.sln' first ($script:ModuleManifest)."
    }
    Import-Module $script:ModuleManifest -Force -ErrorAction Stop
    # The helpers below use Microsoft.Data.Sqlite directly; importing the module loads only what the
    # initializer needs, so load the module's own copy (the same file the cmdlets will use).
    Add-Type -Path (Join-Path (Split-Path $script:ModuleManifest -Parent) 'dependencies/Microsoft.Data.Sqlite.dll')
}

function Get-TestShell {
    # The PowerShell executable running this session, to start a child shell as a scheduled task
    # would. Not (Get-Process -Id $PID).Path: under the PowerShell dotnet tool that is 'dotnet'.
    foreach ($name in 'pwsh', 'pwsh.exe', 'powershell.exe') {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    throw "No PowerShell executable in $PSHOME."
}

function Invoke-TestProcess {
    # Runs a program with its arguments passed exactly as given, as cron or Task Scheduler pass
    # them: PowerShell 7 on Unix would expand a wildcard in a native command's argument ('*.db').
    # Returns the exit code and stdout + stderr.
    param([Parameter(Mandatory)][string]$FilePath, [string[]]$ArgumentList = @())
    if (-not [System.Diagnostics.ProcessStartInfo].GetProperty('ArgumentList')) {
        # Windows PowerShell 5.1 (.NET Framework): no ArgumentList, and no wildcard expansion on Windows.
        $output = & $FilePath @ArgumentList 2>&1 | Out-String
        return [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output }
    }
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $info.WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath
    $process = [System.Diagnostics.Process]::Start($info)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Output = $stdout.Result + $stderr.Result }
    }
    finally {
        $process.Dispose()
    }
}

function Get-Recipe {
    # A script of the README's scheduling recipes ('<!-- recipe: NAME -->'), saved in TestDrive to run as printed.
    param([Parameter(Mandatory)][string]$Name)
    $readme = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../README.md') -Raw
    $fence = '```'
    $match = [regex]::Match($readme, "(?s)<!-- recipe: $([regex]::Escape($Name))[^>]*-->\s*${fence}powershell\r?\n(.*?)$fence")
    if (-not $match.Success) { throw "The recipe $Name is not in README.md." }
    $path = Join-Path $TestDrive $Name
    Set-Content -LiteralPath $path -Value $match.Groups[1].Value -Encoding UTF8
    $path
}

function Invoke-Recipe {
    # Runs a script file in a new PowerShell process that finds SqliteAdmin by name, as an installed
    # module is found: by default the built out/ folder is put first on PSModulePath; -ModulePath
    # replaces PSModulePath instead (e.g. a folder the module was installed into).
    param([Parameter(Mandatory)][string]$Script, [string[]]$Arguments = @(), [hashtable]$Environment = @{}, [string]$ModulePath)
    if (-not $ModulePath) {
        $outRoot = (Resolve-Path (Join-Path (Split-Path $script:ModuleManifest -Parent) '..')).ProviderPath
        $ModulePath = $outRoot + [IO.Path]::PathSeparator + $env:PSModulePath
    }
    $saved = @{ PSModulePath = $env:PSModulePath }
    $env:PSModulePath = $ModulePath
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        Invoke-TestProcess -FilePath (Get-TestShell) -ArgumentList (@('-NoProfile', '-NonInteractive', '-File', $Script) + $Arguments)
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Invoke-TestSql {
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$Sql)
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Pooling=False")
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $null = $command.ExecuteNonQuery()
    }
    finally {
        $connection.Dispose()
    }
}

function Invoke-TestScalar {
    # The first column of the first row, read on a read-only connection.
    param([Parameter(Mandatory)][string]$Path, [Parameter(Mandatory)][string]$Sql)
    $connection = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$Path;Mode=ReadOnly;Pooling=False")
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Sql
        $command.ExecuteScalar()
    }
    finally {
        $connection.Dispose()
    }
}

function New-TestDatabase {
    param(
        [Parameter(Mandatory)][string]$Path,
        [ValidateSet('delete', 'wal')][string]$JournalMode = 'delete',
        [int]$SyncRows = 200
    )
    Invoke-TestSql -Path $Path -Sql @"
PRAGMA journal_mode=$JournalMode;
PRAGMA user_version=7;
CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);
CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);
CREATE TABLE batches(id INTEGER PRIMARY KEY, strain TEXT, notes TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $SyncRows)
  INSERT INTO sync_log(timestamp,status,records_pulled,records_pushed,conflicts,duration_ms)
  SELECT datetime('2026-11-01','+'||i||' minutes'), CASE WHEN i%10=0 THEN 'failed' ELSE 'success' END, i%50, i%7, i%3, 100+i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50)
  INSERT INTO batches(strain,notes) SELECT 'strain-'||i, hex(randomblob(100)) FROM n;
"@
    Get-Item -LiteralPath $Path
}

function Get-FolderState {
    # Names, sizes and write times of everything under a folder: equal before and after means nothing changed.
    param([Parameter(Mandatory)][string]$Path)
    Get-ChildItem -LiteralPath $Path -Recurse -Force |
        Sort-Object FullName |
        ForEach-Object { '{0}|{1}|{2:o}' -f $_.FullName, $(if ($_.PSIsContainer) { 'dir' } else { $_.Length }), $_.LastWriteTimeUtc }
}

function Set-BackupAge {
    # Makes a backup look as if it was taken at $CreatedUtc: renames it to that time stamp and
    # rewrites its manifest's file name and createdUtc, as a backup made then would have them.
    param([Parameter(Mandatory)]$Backup, [Parameter(Mandatory)][DateTime]$CreatedUtc)
    $when = $CreatedUtc
    $oldName = Split-Path $Backup.Path -Leaf
    $newName = $oldName -replace '_\d{8}_\d{6}', ('_' + $when.ToString('yyyyMMdd_HHmmss', [cultureinfo]::InvariantCulture))
    $folder = Split-Path $Backup.Path -Parent
    $json = Get-Content -LiteralPath "$($Backup.Path).json" -Raw
    $json = $json.Replace($oldName, $newName) -replace '"createdUtc":\s*"[^"]*"', ('"createdUtc": "' + $when.ToString('yyyy-MM-ddTHH:mm:ss.000Z', [cultureinfo]::InvariantCulture) + '"')
    Move-Item -LiteralPath $Backup.Path -Destination (Join-Path $folder $newName)
    Remove-Item -LiteralPath "$($Backup.Path).json"
    Set-Content -LiteralPath (Join-Path $folder "$newName.json") -Value $json -NoNewline
    Join-Path $folder $newName
}

function New-LargeTestDatabase {
    # About 45 MB with an index and free pages: a backup, vacuum or integrity check of it lasts long
    # enough (a second or more) to be stopped midway.
    param([Parameter(Mandatory)][string]$Path, [int]$Rows = 40000)
    Invoke-TestSql -Path $Path -Sql @"
CREATE TABLE filler(id INTEGER PRIMARY KEY, tag TEXT, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < $Rows)
  INSERT INTO filler(tag, payload) SELECT hex(randomblob(16)), randomblob(1000) FROM n;
CREATE INDEX idx_filler_tag ON filler(tag);
DELETE FROM filler WHERE id % 10 = 0;
"@
    Get-Item -LiteralPath $Path
}

function New-HostedPowerShell {
    # A runspace of its own with the built module imported, as an IDE or a scheduler service hosts
    # PowerShell: its streams (progress, errors) can be read and it can be stopped. The script's
    # param() block receives $Parameters.
    param([Parameter(Mandatory)][string]$Script, [hashtable]$Parameters = @{})
    $ps = [powershell]::Create()
    $null = $ps.AddCommand('Import-Module').AddParameter('Name', (Resolve-Path $script:ModuleManifest).ProviderPath).AddParameter('ErrorAction', 'Stop')
    $null = $ps.AddStatement().AddScript($Script)
    if ($Parameters.Count) { $null = $ps.AddParameters($Parameters) }
    $ps
}

function Invoke-HostedCommand {
    # Runs a script in a hosted runspace and returns its output, progress records, errors and final state.
    param([Parameter(Mandatory)][string]$Script, [hashtable]$Parameters = @{})
    $ps = New-HostedPowerShell -Script $Script -Parameters $Parameters
    try {
        $output = $ps.Invoke()
        [pscustomobject]@{
            Output   = @($output)
            Progress = @($ps.Streams.Progress)
            Errors   = @($ps.Streams.Error)
            State    = $ps.InvocationStateInfo.State
        }
    }
    finally {
        $ps.Dispose()
    }
}

function Stop-HostedCommandAfterProgress {
    # Starts a script in a hosted runspace, waits until it has written a progress record that is
    # not the first (so the work is under way), then stops it as Ctrl+C does. Returns the state,
    # the exception EndInvoke threw, and how many progress records there were at the stop.
    param([Parameter(Mandatory)][string]$Script, [hashtable]$Parameters = @{}, [int]$Records = 2, [int]$TimeoutSeconds = 60)
    $ps = New-HostedPowerShell -Script $Script -Parameters $Parameters
    try {
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
        while ($ps.Streams.Progress.Count -lt $Records -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 2
        }
        $seen = $ps.Streams.Progress.Count
        $completedBeforeStop = $async.IsCompleted
        $ps.Stop()
        $thrown = $null
        try { $null = $ps.EndInvoke($async) } catch { $thrown = $_.Exception }
        while ($thrown -and $thrown.InnerException -and $thrown -isnot [System.Management.Automation.PipelineStoppedException]) { $thrown = $thrown.InnerException }
        [pscustomobject]@{
            State               = $ps.InvocationStateInfo.State
            Thrown              = $thrown
            ProgressAtStop      = $seen
            CompletedBeforeStop = $completedBeforeStop
            Errors              = @($ps.Streams.Error)
        }
    }
    finally {
        $ps.Dispose()
    }
}
