<#
.SYNOPSIS
    Makes the folder the README's tour runs in: the databases, backups and damage it shows.

.DESCRIPTION
    Called by Invoke-ReadmeTour.ps1 with the SqliteAdmin module already imported. Everything is
    made with the module's own Microsoft.Data.Sqlite and cmdlets, so it works wherever the module
    does. Times are relative to now, so the tour shows the same kind of output on any day.
#>
[CmdletBinding()]
param([Parameter(Mandatory)][string]$Root)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../../tests/Pester/TestHelpers.ps1')

if (Test-Path -LiteralPath $Root) { Remove-Item -LiteralPath $Root -Recurse -Force }
$null = New-Item -ItemType Directory -Path $Root, (Join-Path $Root 'live'), (Join-Path $Root 'health/backups')
function In([string]$Name) { Join-Path $Root $Name }

# orders.db: the application database of the tour (WAL, three tables, two indexes).
$ordersSql = @"
PRAGMA journal_mode=wal;
PRAGMA user_version=12;
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), placed TEXT, total REAL, notes TEXT);
CREATE INDEX idx_orders_customer ON orders(customer_id);
CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);
CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 1200)
  INSERT INTO customers(name, city) SELECT 'customer ' || i, 'city ' || (i % 40) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 32000)
  INSERT INTO orders(customer_id, placed, total, notes) SELECT 1 + i % 1200, date('2026-01-01', '+' || (i % 330) || ' days'), (i % 997) * 1.25, hex(randomblob(60)) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 8760)
  INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms)
  SELECT datetime('now', '-' || i || ' hours'), CASE WHEN i % 25 = 0 THEN 'failed' ELSE 'success' END, i % 60, i % 20, i % 7 = 0, 1500 + i % 5000 FROM n;
PRAGMA wal_checkpoint(TRUNCATE);
"@
Invoke-TestSql -Path (In 'orders.db') -Sql $ordersSql
Invoke-TestSql -Path (In 'live/orders.db') -Sql $ordersSql
Invoke-TestSql -Path (In 'health/orders.db') -Sql $ordersSql

# quotes.db: a small rollback-journal database; notes.txt: not a database at all.
Invoke-TestSql -Path (In 'quotes.db') -Sql @"
CREATE TABLE quotes(id INTEGER PRIMARY KEY, customer TEXT, amount REAL, valid_until TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 300)
  INSERT INTO quotes(customer, amount, valid_until) SELECT 'customer ' || i, i * 10.5, date('2026-12-31') FROM n;
"@
Set-Content -LiteralPath (In 'notes.txt') -Value 'Remember: the quoting tool keeps its data in quotes.db.'

# fk.db: two orders whose customer does not exist (foreign keys were off when they were written).
Invoke-TestSql -Path (In 'fk.db') -Sql @"
PRAGMA foreign_keys=OFF;
CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), total REAL);
INSERT INTO customers VALUES (1, 'Acme'), (2, 'Globex');
INSERT INTO orders VALUES (1, 1, 10), (2, 2, 20), (900001, 77, 30), (900002, 78, 40);
"@

# damaged.db: a b-tree page in the middle overwritten, as a failing disk or a bad copy leaves it.
Invoke-TestSql -Path (In 'damaged.db') -Sql @"
CREATE TABLE items(id INTEGER PRIMARY KEY, payload TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000)
  INSERT INTO items(payload) SELECT hex(randomblob(200)) FROM n;
"@
$stream = [IO.File]::Open((In 'damaged.db'), 'Open', 'ReadWrite')
try {
    $stream.Position = 4096 * 150
    $garbage = [byte[]]::new(4096)
    for ($i = 0; $i -lt $garbage.Length; $i++) { $garbage[$i] = 0xA5 }
    $stream.Write($garbage, 0, $garbage.Length)
}
finally { $stream.Dispose() }

# ora.db: seed 004's damaged database. shipped_items fills the first part of the file (written
# first); two of its leaf pages (type byte 0x0D) lose their headers, as a failing disk leaves them.
Invoke-TestSql -Path (In 'ora.db') -Sql @"
CREATE TABLE shipped_items(id INTEGER PRIMARY KEY, sku TEXT NOT NULL, ship_date TEXT, quantity INTEGER);
CREATE TABLE inventory_transactions(date TEXT, sku TEXT, quantity INTEGER, transaction_type TEXT, notes TEXT);
CREATE TABLE inventory_current(sku TEXT PRIMARY KEY, current_quantity INTEGER, reorder_point INTEGER) WITHOUT ROWID;
CREATE INDEX idx_shipped_date ON shipped_items(ship_date);
CREATE VIEW low_stock AS SELECT * FROM inventory_current WHERE current_quantity < reorder_point;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 6000)
  INSERT INTO shipped_items(sku, ship_date, quantity) SELECT 'SKU-' || (i % 400), date('2026-01-01', '+' || (i % 330) || ' days'), 1 + i % 12 FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 3000)
  INSERT INTO inventory_transactions SELECT date('2026-01-01', '+' || (i % 330) || ' days'), 'SKU-' || (i % 400), i % 50, 'Receive', NULL FROM n;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 399)
  INSERT INTO inventory_current SELECT 'SKU-' || i, i % 70, 20 FROM n;
"@
$oraBytes = [IO.File]::ReadAllBytes((In 'ora.db'))
$leaves = @(for ($page = 3; $page * 4096 -lt $oraBytes.Length / 3; $page++) { if ($oraBytes[$page * 4096] -eq 0x0D) { $page } })
foreach ($page in $leaves[3], $leaves[12]) {
    for ($i = $page * 4096; $i -lt $page * 4096 + 24; $i++) { $oraBytes[$i] = $oraBytes[$i] -bxor 0xFF }
}
[IO.File]::WriteAllBytes((In 'ora.db'), $oraBytes)

# tracker.db: a WAL database that lost most of its rows, so most of its pages are free.
$trackerSql = @"
PRAGMA journal_mode=wal;
CREATE TABLE batches(id INTEGER PRIMARY KEY, strain TEXT, notes TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 40000)
  INSERT INTO batches(strain, notes) SELECT 'strain-' || (i % 90), hex(randomblob(400)) FROM n;
DELETE FROM batches WHERE id % 5 < 3;
PRAGMA wal_checkpoint(TRUNCATE);
"@
Invoke-TestSql -Path (In 'tracker.db') -Sql $trackerSql

# server.db: seed 003's sync server, a sync every half hour in business hours for the last 8 days.
$syncRows = foreach ($day in 0..7) {
    foreach ($slot in 0..19) {
        $i = $day * 20 + $slot
        $status = if ($i % 13 -eq 0) { 'failed' } else { 'success' }
        $failure = if ($status -eq 'failed') { "'connection reset by peer'" } else { 'NULL' }
        "(strftime('%Y-%m-%d %H:%M:%S', 'now', 'start of day', '-$day days', '+8 hours', '+$(30 * $slot + $i % 7) minutes'), '$status', $(40 + $i % 30), $(10 + $i % 12), $(if ($i % 9 -eq 0) { 2 } else { 0 }), $(2000 + ($i * 137) % 5000), $failure)"
    }
}
Invoke-TestSql -Path (In 'server.db') -Sql @"
CREATE TABLE sync_log(id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, status TEXT NOT NULL, records_pulled INTEGER, records_pushed INTEGER, conflicts INTEGER, duration_ms INTEGER, error TEXT);
CREATE INDEX idx_sync_log_timestamp ON sync_log(timestamp);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000)
  INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms)
  SELECT datetime('now', '-100 days', '+' || (i * 37) || ' minutes'), 'success', 50, 10, 0, 3000 FROM n;
INSERT INTO sync_log(timestamp, status, records_pulled, records_pushed, conflicts, duration_ms, error) VALUES
$($syncRows -join ",`n");
DELETE FROM sync_log WHERE timestamp > datetime('now');
"@

# preroll_tracker.db: seed 000's audit log (every change to a batch), for the query and export tour.
Invoke-TestSql -Path (In 'preroll_tracker.db') -Sql @"
CREATE TABLE audit_log(id INTEGER PRIMARY KEY, ts TEXT NOT NULL, batch INTEGER, strain TEXT, field TEXT, old TEXT, new TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 400)
  INSERT INTO audit_log(ts, batch, strain, field, old, new)
  SELECT strftime('%Y-%m-%dT%H:%M:%S', '2024-11-20', '+' || (i * 43) || ' hours'), 100 + i % 23,
         CASE i % 3 WHEN 0 THEN 'Blue Dream' WHEN 1 THEN 'Sour "D"' ELSE 'Ärger Kush' END,
         CASE i % 4 WHEN 0 THEN 'stage' WHEN 1 THEN 'grams' WHEN 2 THEN 'notes' ELSE 'stage' END,
         CASE i % 4 WHEN 1 THEN (i % 50) * 2.5 WHEN 2 THEN NULL ELSE 'trim' END,
         CASE i % 4 WHEN 1 THEN (i % 50) * 2.5 - 0.5 WHEN 2 THEN 'moved to shelf ' || (i % 7) || ', rechecked' ELSE 'cure' END
  FROM n;
"@

# gfs/: 20 nightly backups of quotes.db at 01:00 local time, the newest last night.
$gfs = In 'gfs'
$lastNight = [DateTime]::Today.AddHours(1)
if ($lastNight -gt [DateTime]::Now) { $lastNight = $lastNight.AddDays(-1) }
foreach ($day in 0..19) {
    $made = Backup-SqliteDatabase -Path (In 'quotes.db') -Destination $gfs -Tier Daily -Compress
    $null = Set-BackupAge -Backup $made -CreatedUtc $lastNight.AddDays(-$day).ToUniversalTime()
}

# health/: orders.db backed up six hours ago; tracker.db's last backup is three days old, and it
# has grown and lost rows since.
Invoke-TestSql -Path (In 'health/tracker.db') -Sql $trackerSql
$null = Set-BackupAge -Backup (Backup-SqliteDatabase -Path (In 'health/orders.db') -Destination (In 'health/backups') -Tier Daily -Compress) -CreatedUtc ([DateTime]::UtcNow.AddHours(-6))
$null = Set-BackupAge -Backup (Backup-SqliteDatabase -Path (In 'health/tracker.db') -Destination (In 'health/backups') -Tier Daily -Compress) -CreatedUtc ([DateTime]::UtcNow.AddDays(-3).AddHours(-8))
Invoke-TestSql -Path (In 'health/tracker.db') -Sql @"
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 50000)
  INSERT INTO batches(strain, notes) SELECT 'import-' || (i % 90), hex(randomblob(400)) FROM n;
DELETE FROM batches WHERE id % 3 = 0;
PRAGMA wal_checkpoint(TRUNCATE);
"@

# runbook/: what seed 000's script has been writing for months, made with the real sqlite3, gzip
# and openssl (this part of the tour needs them): a sqlite3 .backup copy every six hours and the
# gzip | openssl enc -pbkdf2 copy it uploads, with the runbook's own key.
$runbook = In 'runbook'
$null = New-Item -ItemType Directory -Path $runbook
Invoke-TestSql -Path (In 'preroll_tracker.db') -Sql "CREATE TABLE titles(id INTEGER PRIMARY KEY, name TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 500) INSERT INTO titles(name) SELECT 'title ' || i FROM n;"
$env:TOUR_RUNBOOK_KEY = 'correct horse battery staple'
foreach ($stamp in '20261130_060000', '20261130_120000', '20261130_180000', '20261201_000000') {
    $copy = Join-Path $runbook "preroll_tracker.db.backup_$stamp"
    & sqlite3 (In 'preroll_tracker.db') ".backup '$copy'"
    & bash -c "gzip -c '$copy' | openssl enc -aes-256-cbc -salt -pbkdf2 -iter 10000 -md sha256 -pass env:TOUR_RUNBOOK_KEY -out '$copy.enc'"
}
Remove-Item Env:TOUR_RUNBOOK_KEY

# arrow_database.db and user_data.db: seed 002's two databases, for the archive part of the tour.
foreach ($name in 'arrow_database', 'user_data') {
    Invoke-TestSql -Path (In "$name.db") -Sql "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 2000) INSERT INTO items(name) SELECT '$name ' || i FROM n;"
}
