# The README as a new user meets it: the tour's sessions are run again in a real pwsh and must still
# print what README.md shows (in shape), and the one-line test and demo commands are the ones that work.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $script:Readme = Get-Content -LiteralPath (Join-Path $script:RepoRoot 'README.md') -Raw
}

Describe 'README tour' {
    It 'prints what README.md shows, command by command, in a fresh pwsh' {
        $run = Invoke-TestProcess -FilePath (Get-TestShell) -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-File', (Join-Path $script:RepoRoot 'tools/tour/Invoke-ReadmeTour.ps1'),
            '-Root', (Join-Path $TestDrive 'tour'))

        $run.ExitCode | Should -Be 0 -Because $run.Output
        $run.Output | Should -Match 'matches README.md in shape \((1[0-9]) blocks\)'
    }

    It 'shows every cmdlet of the module at work' {
        $tour = [regex]::Matches($script:Readme, '(?s)<!-- tour -->\r?\n```\r?\n(.*?)\r?\n```') | ForEach-Object { $_.Groups[1].Value }
        $cmdlets = (Get-Content -LiteralPath (Join-Path $script:RepoRoot 'module/SqliteAdmin.psd1') -Raw | Invoke-Expression).CmdletsToExport

        foreach ($cmdlet in $cmdlets) {
            ($tour -join "`n") | Should -Match "(PS>|>>) .*\b$cmdlet\b" -Because "the tour should show $cmdlet"
        }
    }
}

Describe 'README commands' {
    It 'names the test command that .ci/run runs' {
        $ci = Get-Content -LiteralPath (Join-Path $script:RepoRoot '.ci/run') -Raw
        $command = 'dotnet tool restore && dotnet pwsh -NoProfile -NonInteractive -File ./build.ps1 -Test'

        $script:Readme | Should -Match ([regex]::Escape($command))
        $ci | Should -Match ([regex]::Escape($command))
    }

    It 'runs the newcomer demo end to end (build.ps1 -Demo without the build)' {
        $run = Invoke-TestProcess -FilePath (Get-TestShell) -ArgumentList @(
            '-NoProfile', '-NonInteractive', '-File', (Join-Path $script:RepoRoot 'tools/demo.ps1'),
            '-ModulePath', (Join-Path $script:RepoRoot 'out/SqliteAdmin'), '-Root', (Join-Path $TestDrive 'demo'))

        $run.ExitCode | Should -Be 0 -Because $run.Output
        foreach ($step in 'Backup-SqliteDatabase', 'Get-SqliteBackup -Verify', 'Restore-SqliteDatabase', 'Test-SqliteHealth') {
            $run.Output | Should -Match ([regex]::Escape("PS> $step")) -Because $run.Output
        }
        $run.Output | Should -Match 'Status\s+:\s+Ok' -Because 'the backup verifies'
        $run.Output | Should -Match 'The demo restored \d+ orders into a new file and they match the original'
        $run.Output | Should -Not -Match 'demo-passphrase' -Because 'the passphrase is never printed'
    }
}
