<#
.SYNOPSIS
    Runs the Pester tests against the built module in out/SqliteAdmin and prints one line
    "Pester: N passed, N failed".

.DESCRIPTION
    Pester comes from the NuGet package that 'dotnet build' downloads (PackageDownload in
    tests/SqliteAdmin.Module.Tests; the version is PesterVersion in Directory.Build.props), so
    nothing is installed from the PowerShell Gallery. Runs on PowerShell 7 and on Windows
    PowerShell 5.1.

.PARAMETER Path
    Test files or folders to run (default: every *.Tests.ps1 in this folder).

.PARAMETER ExcludeTag
    Tags to leave out. By default the tests that need Windows or Windows PowerShell 5.1 are
    left out where they cannot run.

.EXAMPLE
    PS> ./tests/Pester/Invoke-PesterTests.ps1 -Path ./tests/Pester/Backup-SqliteDatabase.Tests.ps1
    Runs one test file (several: -Path a.Tests.ps1,b.Tests.ps1).
#>
[CmdletBinding()]
param(
    [string[]]$Path = @($PSScriptRoot),
    [string[]]$ExcludeTag
)

$ErrorActionPreference = 'Stop'
$repoRoot = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
$props = [xml](Get-Content -Raw -LiteralPath (Join-Path $repoRoot 'Directory.Build.props'))
$version = @($props.Project.PropertyGroup | ForEach-Object { $_.PesterVersion } | Where-Object { $_ })[0]
if (-not $version) { throw 'Directory.Build.props names no PesterVersion.' }
$packages = $env:NUGET_PACKAGES
if (-not $packages) { $packages = Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$pesterManifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
if (-not (Test-Path -LiteralPath $pesterManifest)) {
    throw "Pester $version is not in the NuGet package folder ($pesterManifest): run 'dotnet build SqliteAdmin.sln' first, which downloads it."
}
Import-Module $pesterManifest -Force

if (-not $PSBoundParameters.ContainsKey('ExcludeTag')) {
    $ExcludeTag = @()
    $onWindows = [System.IO.Path]::DirectorySeparatorChar -eq '\'
    if (-not $onWindows) { $ExcludeTag += 'WindowsOnly' }
    if ($PSVersionTable.PSEdition -ne 'Desktop') { $ExcludeTag += 'WindowsPowerShell' }
}

# 'pwsh -File' passes '-Path a,b' as one string: accept a comma-separated list too.
$Path = @($Path | ForEach-Object { $_ -split ',' } | Where-Object { $_ })

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Filter.ExcludeTag = $ExcludeTag
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed' -or $result.PassedCount -eq 0) {
    exit 1
}
