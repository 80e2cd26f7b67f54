<#
.SYNOPSIS
    Builds SqliteAdmin into out/SqliteAdmin; optionally tests it, runs a demo, or publishes it.

.DESCRIPTION
    Run it with the PowerShell that the repository pins as a local dotnet tool, so a fresh clone
    needs only the .NET SDK:

        dotnet tool restore && dotnet pwsh ./build.ps1 -Test

    -Test runs the xunit suites (dotnet test) and every tests/Pester file in a child PowerShell
    against the built out/SqliteAdmin, then prints one line "N passed, N failed" over both.
    Pester comes from its NuGet package (downloaded by the build), never from the Gallery.

.EXAMPLE
    PS> ./build.ps1
    Builds the module folder out/SqliteAdmin (Release).

.EXAMPLE
    PS> dotnet tool restore; dotnet pwsh ./build.ps1 -Test
    Builds, then runs every xunit and Pester test and prints "N passed, N failed".

.EXAMPLE
    PS> dotnet pwsh ./build.ps1 -Demo
    Builds, then runs a short end-to-end tour on a sample database in a temporary folder.

.EXAMPLE
    PS> ./build.ps1 -Test -Publish -NuGetApiKey $env:PSGALLERY_API_KEY
    Builds, tests and publishes out/SqliteAdmin to the PowerShell Gallery.
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',

    [switch]$Test,

    [switch]$Demo,

    [switch]$Publish,

    [string]$NuGetApiKey,

    [string]$Repository = 'PSGallery'
)

$ErrorActionPreference = 'Stop'
$solution = Join-Path $PSScriptRoot 'SqliteAdmin.sln'
$moduleFolder = Join-Path $PSScriptRoot 'out/SqliteAdmin'

function Get-ChildShell {
    # This session's PowerShell executable. Not (Get-Process -Id $PID).Path: under the PowerShell
    # dotnet tool that is 'dotnet'; $PSHOME holds pwsh (or powershell.exe on Windows PowerShell).
    foreach ($name in 'pwsh', 'pwsh.exe', 'powershell.exe') {
        $candidate = Join-Path $PSHOME $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    throw "No PowerShell executable in $PSHOME."
}

dotnet build $solution -c $Configuration
if ($LASTEXITCODE -ne 0) { throw "dotnet build failed ($LASTEXITCODE)." }
Write-Verbose "Module laid out in $moduleFolder"

if ($Test) {
    $passed = 0
    $failed = 0
    $failures = @()

    # "Passed!  - Failed:     0, Passed:   344, Skipped: ..." is one line per test assembly.
    $assemblies = 0
    dotnet test $solution -c $Configuration --no-build 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '(Passed|Failed)! +- +Failed: +(\d+), +Passed: +(\d+)') {
            $assemblies++
            $failed += [int]$Matches[2]
            $passed += [int]$Matches[3]
        }
    }
    if ($LASTEXITCODE -ne 0) { $failures += "dotnet test exited with $LASTEXITCODE" }
    if ($assemblies -lt 2) { $failures += "expected results from 2 xunit test assemblies, found $assemblies" }

    # Pester runs in a child process so the module's assemblies do not stay loaded in this session.
    $pesterLine = $null
    & (Get-ChildShell) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'tests/Pester/Invoke-PesterTests.ps1') 2>&1 | ForEach-Object {
        $line = "$_"
        Write-Host $line
        if ($line -match '^Pester: (\d+) passed, (\d+) failed') { $pesterLine = $Matches }
    }
    $pesterExit = $LASTEXITCODE
    if ($pesterLine) {
        $passed += [int]$pesterLine[1]
        $failed += [int]$pesterLine[2]
    }
    else {
        $failures += 'the Pester suite did not report its results'
    }
    if ($pesterExit -ne 0) { $failures += "the Pester suite exited with $pesterExit" }

    foreach ($failure in $failures) { Write-Host "FAILED: $failure" }
    # A suite that crashed or did not report counts as a failure in the summary line too.
    "$passed passed, $($failed + $failures.Count) failed"
    if ($failures -or $failed -gt 0) { exit 1 }
}

if ($Demo) {
    & (Get-ChildShell) -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'tools/demo.ps1') -ModulePath $moduleFolder
    if ($LASTEXITCODE -ne 0) { throw "The demo failed ($LASTEXITCODE)." }
}

if ($Publish) {
    if (-not $NuGetApiKey) { throw 'Publishing needs -NuGetApiKey.' }
    # PSResourceGet (in PowerShell 7.4+) where it is there, else PowerShellGet's Publish-Module.
    if (Get-Command Publish-PSResource -ErrorAction SilentlyContinue) {
        Publish-PSResource -Path $moduleFolder -ApiKey $NuGetApiKey -Repository $Repository
    }
    else {
        Publish-Module -Path $moduleFolder -NuGetApiKey $NuGetApiKey -Repository $Repository
    }
}
