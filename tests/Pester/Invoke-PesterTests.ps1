<#
.SYNOPSIS
    Runs the Pester tests against the built module in out/SqliteAdmin and prints one line
    "Pester: N passed, N failed". Installs Pester 5 for the current user if it is missing.
#>
[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.3.0' | Sort-Object Version -Descending | Select-Object -First 1
if (-not $pester) {
    Install-Module -Name Pester -MinimumVersion 5.3.0 -Scope CurrentUser -Force -SkipPublisherCheck
    $pester = Get-Module -ListAvailable -Name Pester | Where-Object Version -ge '5.3.0' | Sort-Object Version -Descending | Select-Object -First 1
}
Import-Module $pester -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $PSScriptRoot
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $configuration

"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed"
if ($result.FailedCount -gt 0 -or $result.Result -ne 'Passed') {
    exit 1
}
