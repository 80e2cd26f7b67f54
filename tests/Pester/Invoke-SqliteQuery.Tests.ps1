# Invoke-SqliteQuery as an admin uses it: rows as objects with SQLite's types, bound parameters,
# read-only unless -ReadWrite, errors with their ids, and stopping a query that would never end.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-BuiltModule
    $script:Template = (New-TestDatabase -Path (Join-Path $TestDrive 'template.db') -SyncRows 100).FullName

    function Start-HostedQuery([string]$Script, [int]$Rows) {
        # Starts $Script on a fresh database in a hosted runspace; returns once it has written $Rows objects.
        $shell = New-HostedPowerShell -Script $Script -Parameters @{ Db = (New-Db) }
        # BeginInvoke(input, output) reads input until it is closed: an open one never lets the script start.
        $none = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $none.Complete()
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $async = $shell.BeginInvoke($none, $output)
        while ($output.Count -lt $Rows -and -not $async.IsCompleted) { Start-Sleep -Milliseconds 5 }
        [pscustomobject]@{ Shell = $shell; Async = $async; Output = $output }
    }

    function Close-HostedQuery($Run) {
        # Waits for the batch (Import-Module; the script) to end before disposing: disposing the
        # runspace while PowerShell still has the batch's next step queued on the thread pool
        # crashes the whole process (InvalidRunspaceStateException in BatchInvocationWorkItem).
        try { $null = $Run.Shell.EndInvoke($Run.Async) } catch { }
        $Run.Shell.Dispose()
    }

    function New-Db {
        $db = Join-Path $TestDrive ([guid]::NewGuid().ToString('N') + '.db')
        Copy-Item -LiteralPath $script:Template -Destination $db
        $db
    }
}

Describe 'Rows' {
    It 'writes one PSCustomObject per row with the columns as properties and SQLite types kept' {
        $db = New-Db

        $rows = @(Invoke-SqliteQuery $db "SELECT id, 1.5 AS ratio, status, x'00ff' AS raw, error FROM sync_log ORDER BY id LIMIT 3")

        $rows.Count | Should -Be 3
        $rows[0] | Should -BeOfType [pscustomobject]
        $rows[0].PSObject.Properties.Name | Should -Be 'id', 'ratio', 'status', 'raw', 'error'
        $rows[0].id | Should -BeOfType [long]
        $rows[0].id | Should -Be 1
        $rows[0].ratio | Should -BeOfType [double]
        $rows[0].status | Should -Be 'success'
        , $rows[0].raw | Should -BeOfType [byte[]]
        $rows[0].raw | Should -Be ([byte[]](0, 255))
        $rows[0].error | Should -BeNullOrEmpty
    }

    It 'binds -Parameter values by name; a value is never SQL' {
        $db = New-Db

        $rows = @(Invoke-SqliteQuery $db 'SELECT id FROM sync_log WHERE status = @status AND id <= :max AND status <> $evil ORDER BY id' -SqlParameters @{ status = 'failed'; max = 50; evil = "x'; DROP TABLE sync_log; --" })

        $rows.id | Should -Be 10, 20, 30, 40, 50
        Invoke-TestScalar -Path $db -Sql 'SELECT count(*) FROM sync_log' | Should -Be 100
    }

    It '-As Scalar gives the first value only' {
        $db = New-Db

        $count = Invoke-SqliteQuery $db "SELECT count(*) FROM sync_log WHERE status = 'failed'" -As Scalar

        $count | Should -BeOfType [long]
        $count | Should -Be 10
    }

    It '-As Scalar still runs the statements after the one that gives the value (their rows discarded)' {
        $db = New-Db

        $count = Invoke-SqliteQuery $db "SELECT count(*) FROM sync_log; INSERT INTO sync_log(timestamp, status) VALUES ('2026-12-01', 'scalar-after'); SELECT 'ignored';" -ReadWrite -As Scalar -Confirm:$false

        $count | Should -Be 100
        Invoke-TestScalar -Path $db -Sql "SELECT count(*) FROM sync_log WHERE status = 'scalar-after'" | Should -Be 1
    }

    It 'renames columns named like PowerShell''s own members (PSObject, PSBase…) as it renames repeats' {
        $db = New-Db

        $row = Invoke-SqliteQuery $db 'SELECT 1 AS "PSObject", 2 AS psbase, 3 AS PSAdapted, 4 AS PSExtended, 5 AS PSTypeNames, 6 AS id'

        @($row.PSObject.Properties.Name) | Should -Be 'PSObject_2', 'psbase_2', 'PSAdapted_2', 'PSExtended_2', 'PSTypeNames_2', 'id'
        $row.PSObject_2 | Should -Be 1
        $row.PSTypeNames_2 | Should -Be 5
    }

    It 'reads a database the SQL attaches, read-only' {
        $db = New-Db
        $other = New-Db

        $row = Invoke-SqliteQuery $db "ATTACH '$other' AS o; SELECT count(*) AS n FROM o.sync_log"

        $row.n | Should -Be 100
    }

    It 'stops reading when the pipeline has enough (Select-Object -First on an endless query)' {
        $db = New-Db

        $first = @(Invoke-SqliteQuery $db 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n' | Select-Object -First 3)

        $first.i | Should -Be 1, 2, 3
    }

    It 'works with Export-Csv for small jobs' {
        $db = New-Db
        $csv = Join-Path $TestDrive 'small.csv'

        Invoke-SqliteQuery $db 'SELECT id, status FROM sync_log ORDER BY id LIMIT 2' | Export-Csv -LiteralPath $csv -NoTypeInformation

        (Import-Csv -LiteralPath $csv).status | Should -Be 'success', 'success'
    }
}

Describe 'Read-only unless -ReadWrite' {
    It 'refuses a write with WriteNotAllowed and changes nothing, even after a SELECT in the same SQL' {
        $db = New-Db
        $before = (Get-FileHash -LiteralPath $db).Hash

        { Invoke-SqliteQuery $db 'SELECT 1; DELETE FROM sync_log' -ErrorAction Stop } | Should -Throw -ErrorId 'WriteNotAllowed,SqliteAdmin.Commands.InvokeSqliteQueryCommand'

        (Get-FileHash -LiteralPath $db).Hash | Should -Be $before
    }

    It 'writes with -ReadWrite and reports the changed rows with -Verbose' {
        $db = New-Db

        $verbose = Invoke-SqliteQuery $db 'DELETE FROM sync_log WHERE id > @keep' -Parameter @{ keep = 10 } -ReadWrite -Verbose 4>&1

        Invoke-TestScalar -Path $db -Sql 'SELECT count(*) FROM sync_log' | Should -Be 10
        "$verbose" | Should -Match '90 row\(s\) changed'
    }
}

Describe 'Errors' {
    It 'names the line and column of a syntax error (QueryInvalid)' {
        $db = New-Db

        $thrown = { Invoke-SqliteQuery $db "SELECT id`nFROM sync_log`nWHERE AND id = 1" -ErrorAction Stop } | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -Be 'QueryInvalid,SqliteAdmin.Commands.InvokeSqliteQueryCommand'
        $thrown.Exception.Message | Should -Match 'near "AND": syntax error \(line 3, column 7\)'
        $thrown.TargetObject | Should -Be $db
    }

    It 'refuses -ReadWrite SQL with a syntax error in a later statement before anything runs (QueryInvalid)' {
        $db = New-Db

        { Invoke-SqliteQuery $db "INSERT INTO sync_log(timestamp, status) VALUES ('2026-12-01', 'six'); SELEC x FROM sync_log" -ReadWrite -Confirm:$false -ErrorAction Stop } |
            Should -Throw -ErrorId 'QueryInvalid,SqliteAdmin.Commands.InvokeSqliteQueryCommand'

        Invoke-TestScalar -Path $db -Sql "SELECT count(*) FROM sync_log WHERE status = 'six'" | Should -Be 0
    }

    It 'names the file an ATTACH could not open, not the database' {
        $db = New-Db
        $missing = Join-Path $TestDrive 'no-such-folder/other.db'

        $failure = { Invoke-SqliteQuery $db "ATTACH '$missing' AS o; SELECT count(*) FROM o.t" -ErrorAction Stop } | Should -Throw -PassThru

        $failure.Exception.Message | Should -BeLike "*$missing*"
    }

    It 'refuses a parameter without a value (QueryParameterMissing)' {
        $db = New-Db

        { Invoke-SqliteQuery $db 'SELECT * FROM sync_log WHERE id = @id' -ErrorAction Stop } | Should -Throw -ErrorId 'QueryParameterMissing,SqliteAdmin.Commands.InvokeSqliteQueryCommand'
    }

    It 'reports a database another process holds locked after -BusyTimeout (DatabaseLocked)' {
        $db = New-Db
        $holder = [Microsoft.Data.Sqlite.SqliteConnection]::new("Data Source=$db;Pooling=False")
        try {
            $holder.Open()
            $command = $holder.CreateCommand()
            $command.CommandText = 'BEGIN EXCLUSIVE; DELETE FROM batches;'
            $null = $command.ExecuteNonQuery()

            { Invoke-SqliteQuery $db 'SELECT count(*) FROM batches' -BusyTimeout 0 -ErrorAction Stop } | Should -Throw -ErrorId 'DatabaseLocked,SqliteAdmin.Commands.InvokeSqliteQueryCommand'
        }
        finally {
            $holder.Dispose()
        }
    }
}

Describe 'Ctrl+C' {
    It 'stops a query that would never end, once its rows are flowing' {
        $run = Start-HostedQuery 'param($Db) Invoke-SqliteQuery $Db ''WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n''' -Rows 5
        try {
            $run.Async.IsCompleted | Should -BeFalse

            $run.Shell.Stop()

            $run.Shell.InvocationStateInfo.State | Should -Be 'Stopped'
            $run.Output[0].i | Should -Be 1
        }
        finally {
            Close-HostedQuery $run
        }
    }

    It 'stops a single statement that runs long without a row (SQLite is interrupted)' {
        $run = Start-HostedQuery 'param($Db) Write-Output started; Invoke-SqliteQuery $Db ''WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n''' -Rows 1
        try {
            Start-Sleep -Milliseconds 300   # into the count, which never yields a row
            $run.Async.IsCompleted | Should -BeFalse

            $run.Shell.Stop()

            $run.Shell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            Close-HostedQuery $run
        }
    }
}
