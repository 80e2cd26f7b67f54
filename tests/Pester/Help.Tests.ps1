# Get-Help as an admin uses it, once the built module is imported.
BeforeDiscovery {
    # The cmdlet list drives -ForEach, which Pester expands at discovery: import the module then too.
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $cmdlets = (Get-Command -Module SqliteAdmin -CommandType Cmdlet).Name
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
}

Describe 'Help' {
    It '<_> has a synopsis, a description, two examples and every parameter in Get-Help -Full' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $command = Get-Command $_
        $common = @([System.Management.Automation.Cmdlet]::CommonParameters) + @([System.Management.Automation.Cmdlet]::OptionalCommonParameters)

        $help.Synopsis | Should -Not -BeLike "$_*"   # generated syntax instead of a synopsis means no help file was found
        ($help.Description.Text -join ' ').Length | Should -BeGreaterThan 80
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        foreach ($parameter in $command.Parameters.Keys | Where-Object { $_ -notin $common }) {
            $documented = $help.Parameters.Parameter | Where-Object Name -eq $parameter
            ($documented.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter of $_ needs a description"
        }
        @($help.ReturnValues.ReturnValue).Count | Should -BeGreaterOrEqual 1
        @($help.InputTypes.InputType).Count | Should -BeGreaterOrEqual 1
    }

    It 'covers every cmdlet the manifest exports, and only those' {
        $exported = (Import-PowerShellDataFile -LiteralPath $script:ModuleManifest).CmdletsToExport
        @($exported).Count | Should -BeGreaterOrEqual 11
        (Get-Command -Module SqliteAdmin -CommandType Cmdlet).Name | Sort-Object | Should -Be ($exported | Sort-Object)
    }

    It 'has the about_SqliteAdmin topic' {
        $about = Get-Help about_SqliteAdmin | Out-String

        $about | Should -Match 'DECRYPTING A BACKUP WITH OPENSSL ALONE'
        $about | Should -Match 'openssl enc -d -aes-256-cbc -pbkdf2 -iter 10000 -md sha256'
        $about | Should -Match 'DatabaseLocked'
    }
}
