<#
.SYNOPSIS
    Builds SqliteAdmin into out/SqliteAdmin, optionally tests it and publishes it to the PowerShell Gallery.

.EXAMPLE
    PS> ./build.ps1
    Builds the module folder out/SqliteAdmin (Release).

.EXAMPLE
    PS> ./build.ps1 -Test
    Builds, then runs the xunit tests (dotnet test) and the Pester tests against out/SqliteAdmin.

.EXAMPLE
    PS> ./build.ps1 -Test -Publish -NuGetApiKey $env:PSGALLERY_API_KEY
    Builds, tests and publishes out/SqliteAdmin to the PowerShell Gallery.
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',

    [switch]$Test,

    [switch]$Publish,

    [string]$NuGetApiKey,

    [string]$Repository = 'PSGallery'
)

$ErrorActionPreference = 'Stop'
$solution = Join-Path $PSScriptRoot 'SqliteAdmin.sln'
$moduleFolder = Join-Path $PSScriptRoot 'out/SqliteAdmin'

dotnet build $solution -c $Configuration
if ($LASTEXITCODE -ne 0) { throw "dotnet build failed ($LASTEXITCODE)." }
Write-Verbose "Module laid out in $moduleFolder"

if ($Test) {
    dotnet test $solution -c $Configuration --no-build
    if ($LASTEXITCODE -ne 0) { throw "dotnet test failed ($LASTEXITCODE)." }
    # Pester runs in a child process so the module's assemblies do not stay loaded in this session.
    $pwsh = (Get-Process -Id $PID).Path
    & $pwsh -NoProfile -File (Join-Path $PSScriptRoot 'tests/Pester/Invoke-PesterTests.ps1')
    if ($LASTEXITCODE -ne 0) { throw "Pester tests failed ($LASTEXITCODE)." }
}

if ($Publish) {
    if (-not $NuGetApiKey) { throw 'Publishing needs -NuGetApiKey.' }
    Publish-Module -Path $moduleFolder -NuGetApiKey $NuGetApiKey -Repository $Repository
}
