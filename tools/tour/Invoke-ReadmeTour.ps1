<#
.SYNOPSIS
    Runs the README's tour in a real PowerShell and rewrites its output blocks, or checks them.

.DESCRIPTION
    Every fenced block in README.md that follows a '<!-- tour -->' line is a console session:
    lines starting 'PS> ' are commands ('>> ' continues one), everything else is their output.
    This script makes the tour's folder (New-TourFixture.ps1), imports the module, runs every
    command in order in this one session, as an admin would type them, and captures what the
    console shows: the formatted output, errors in PowerShell 7's concise view, warnings and
    -WhatIf lines. The folder's path is shown as /tmp/tour whatever it really is.

    -Update rewrites the blocks in README.md with that output. Without it the script compares
    the shape of each command's output with the README (table headers, list keys, error and
    -WhatIf lines, in order; values, widths and row counts may differ) and exits 1 on a
    difference, printing both.

.EXAMPLE
    PS> dotnet pwsh ./tools/tour/Invoke-ReadmeTour.ps1 -Update
    Regenerates the tour output in README.md (run it after 'dotnet build').
#>
[CmdletBinding()]
param(
    [string]$Readme = (Join-Path $PSScriptRoot '../../README.md'),
    [string]$ModulePath = (Join-Path $PSScriptRoot '../../out/SqliteAdmin/SqliteAdmin.psd1'),
    [string]$Root = (Join-Path ([IO.Path]::GetTempPath()) 'tour'),
    [switch]$Update
)

$ErrorActionPreference = 'Stop'
$ShownRoot = '/tmp/tour'
$Width = 150
if ($PSVersionTable.PSVersion.Major -ge 7) { $PSStyle.OutputRendering = 'PlainText' }

Import-Module $ModulePath -Force
# The fixture writes its databases with the module's own Microsoft.Data.Sqlite.
Add-Type -Path (Join-Path (Split-Path (Resolve-Path -LiteralPath $ModulePath).ProviderPath -Parent) 'dependencies/Microsoft.Data.Sqlite.dll')
& (Join-Path $PSScriptRoot 'New-TourFixture.ps1') -Root $Root
$Root = (Resolve-Path -LiteralPath $Root).ProviderPath

$text = [IO.File]::ReadAllText((Resolve-Path -LiteralPath $Readme).ProviderPath)
$fence = '```'
$blockPattern = [regex]"(?s)(<!-- tour -->\r?\n$fence\r?\n)(.*?)(\r?\n$fence)"

function Split-Session([string]$Block) {
    # A console session as the README shows it: commands ('PS> ', continued by '>> ') and their output.
    $steps = [System.Collections.Generic.List[object]]::new()
    foreach ($line in $Block -split '\r?\n') {
        if ($line.StartsWith('PS> ')) {
            $steps.Add([pscustomobject]@{ Command = $line.Substring(4); Output = [System.Collections.Generic.List[string]]::new() })
        }
        elseif ($line.StartsWith('>> ') -and $steps.Count) {
            $steps[$steps.Count - 1].Command += "`n" + $line.Substring(3)
        }
        elseif ($steps.Count) {
            $steps[$steps.Count - 1].Output.Add($line)
        }
    }
    $steps
}

function Format-Record($Record) {
    # What the console shows for a record of another stream (PowerShell 7's concise error view).
    if ($Record -is [System.Management.Automation.ErrorRecord]) {
        $name = if ($Record.InvocationInfo -and $Record.InvocationInfo.MyCommand) { $Record.InvocationInfo.MyCommand.Name } else { 'Error' }
        return "${name}: $($Record.Exception.Message)"
    }
    if ($Record -is [System.Management.Automation.WarningRecord]) { return "WARNING: $($Record.Message)" }
    if ($Record -is [System.Management.Automation.VerboseRecord]) { return "VERBOSE: $($Record.Message)" }
    if ($Record -is [System.Management.Automation.InformationRecord]) { return "$($Record.MessageData)" }
    $Record
}

function Complete-Output([string[]]$HostLines, [object[]]$Lines) {
    # The console's lines for one command: -WhatIf lines first, the folder shown as /tmp/tour,
    # no blank lines at the end.
    $all = @(@($HostLines) + @($Lines) | ForEach-Object { "$_".TrimEnd().Replace($Root, $ShownRoot) })
    while ($all.Count -and -not $all[-1]) { $all = @($all | Select-Object -SkipLast 1) }
    , $all
}

function Get-Shape([string[]]$Lines) {
    # What must stay the same between runs: table headers, list keys, errors, -WhatIf lines.
    $shape = [System.Collections.Generic.List[string]]::new()
    for ($i = 0; $i -lt $Lines.Count; $i++) {
        $line = $Lines[$i].TrimEnd()
        $next = if ($i + 1 -lt $Lines.Count) { $Lines[$i + 1] } else { '' }
        $kind = if (-not $line) { $null }
        elseif ($line -match '^\s*-{2,}(\s+-{2,})*$') { $null }
        elseif ($next -match '^\s*-{2,}(\s+-{2,})*$') { 'table: ' + ($line.Trim() -replace '\s+', ' ') }
        elseif ($line -match '^(\w+-\w+|WARNING): ') { 'error: ' + $Matches[1] }
        elseif ($line -like 'What if: *') { 'whatif' }
        elseif ($line -match '^(\w+)\s*: ') { 'list: ' + $Matches[1] }
        else { 'value' }
        if ($kind -and -not ($kind -eq 'value' -and $shape.Count -and $shape[$shape.Count - 1] -eq 'value')) { $shape.Add($kind) }
    }
    , $shape.ToArray()
}

$blocks = @(foreach ($match in $blockPattern.Matches($text)) {
    [pscustomobject]@{ Match = $match; Steps = @(Split-Session $match.Groups[2].Value) }
})

# Every command runs here, at the script's own scope (not in a function), so that the variables
# one command sets are there for the next, as in a console. -WhatIf writes to the host, so a
# transcript of each command catches those lines.
Push-Location -LiteralPath $Root
$ErrorActionPreference = 'Continue'   # as in a console: an error in one item lets the rest go on
try {
    foreach ($step in $blocks.Steps) {
        $transcript = Join-Path ([IO.Path]::GetTempPath()) ('tour-' + [guid]::NewGuid().ToString('N') + '.txt')
        $null = Start-Transcript -LiteralPath $transcript -UseMinimalHeader
        try {
            $lines = . ([scriptblock]::Create($step.Command)) *>&1 | ForEach-Object { Format-Record $_ } | Out-String -Width $Width -Stream
        }
        catch {
            $lines = @(Format-Record $_)
        }
        finally {
            $null = Stop-Transcript
        }
        $hostLines = @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if: *' })
        Remove-Item -LiteralPath $transcript
        $step | Add-Member -NotePropertyName Actual -NotePropertyValue (Complete-Output $hostLines $lines)
    }
}
finally {
    Pop-Location
    $ErrorActionPreference = 'Stop'
}

$differences = 0
$result = [System.Text.StringBuilder]::new()
$at = 0
foreach ($block in $blocks) {
    $session = @(foreach ($step in $block.Steps) {
        $expected = Get-Shape $step.Output.ToArray()
        $actual = Get-Shape $step.Actual
        if (($expected -join "`n") -ne ($actual -join "`n")) {
            $differences++
            Write-Host "The output of 'PS> $($step.Command)' changed shape.`n--- README:`n$($step.Output -join "`n")`n--- now:`n$($step.Actual -join "`n")`n"
        }
        'PS> ' + ($step.Command -replace "`n", "`n>> ")
        $step.Actual
        ''
    })
    while ($session.Count -and -not $session[-1]) { $session = @($session | Select-Object -SkipLast 1) }
    $match = $block.Match
    $null = $result.Append($text, $at, $match.Index - $at).Append($match.Groups[1].Value).Append($session -join "`n").Append($match.Groups[3].Value)
    $at = $match.Index + $match.Length
}
$null = $result.Append($text, $at, $text.Length - $at)

if ($Update) {
    [IO.File]::WriteAllText((Resolve-Path -LiteralPath $Readme).ProviderPath, $result.ToString())
    Write-Host "README.md tour regenerated ($($blocks.Count) blocks)."
}
elseif ($differences) {
    Write-Host "$differences command(s) of the tour no longer print what README.md shows: run tools/tour/Invoke-ReadmeTour.ps1 -Update and review the diff."
    exit 1
}
else {
    Write-Host "The tour's output matches README.md in shape ($($blocks.Count) blocks)."
}
