package exec

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// huntingCase is one typical hunting query in KQL and the SQL a DuckDB
// expert would write by hand for the same result. The benchmark runs the
// SQL exec.Compile produces for the KQL against the hand-written SQL;
// TestHuntingBenchEquivalence checks both return the same rows.
type huntingCase struct {
	name string
	kql  string
	sql  string
}

// Windows are relative to benchNow (2024-03-01 12:00 UTC): ago(1d) is
// 2024-02-29 12:00, ago(7d) 2024-02-23 12:00.
var huntingCases = []huntingCase{
	{
		name: "has",
		kql: `DeviceProcessEvents
| where ProcessCommandLine has "mimikatz"
| project Timestamp, DeviceName, FileName, ProcessCommandLine`,
		// A term match needs non-alphanumeric neighbours (\b would treat
		// "_" as a word character, which has does not).
		sql: `SELECT "Timestamp", "DeviceName", "FileName", "ProcessCommandLine"
FROM "DeviceProcessEvents"
WHERE contains(lower("ProcessCommandLine"), 'mimikatz')
  AND regexp_matches("ProcessCommandLine", '(?i)(?:^|[^\pL\pN])mimikatz(?:$|[^\pL\pN])')`,
	},
	{
		name: "has_and_eq",
		kql: `DeviceProcessEvents
| where FileName =~ "powershell.exe" and ProcessCommandLine has "-EncodedCommand"
| project Timestamp, DeviceName, AccountName, ProcessCommandLine`,
		sql: `SELECT "Timestamp", "DeviceName", "AccountName", "ProcessCommandLine"
FROM "DeviceProcessEvents"
WHERE lower("FileName") = 'powershell.exe'
  AND contains(lower("ProcessCommandLine"), '-encodedcommand')
  AND regexp_matches("ProcessCommandLine", '(?i)-EncodedCommand(?:$|[^\pL\pN])')`,
	},
	{
		name: "contains",
		kql: `DeviceProcessEvents
| where FolderPath contains @"\temp\"
| summarize Events = count() by FileName`,
		sql: `SELECT "FileName", count(*) AS "Events"
FROM "DeviceProcessEvents"
WHERE contains(lower("FolderPath"), '\temp\')
GROUP BY "FileName"`,
	},
	{
		name: "eq_tilde",
		kql: `DeviceProcessEvents
| where FileName =~ "mimikatz.exe"
| project Timestamp, DeviceName, FolderPath, ProcessCommandLine`,
		sql: `SELECT "Timestamp", "DeviceName", "FolderPath", "ProcessCommandLine"
FROM "DeviceProcessEvents"
WHERE lower("FileName") = 'mimikatz.exe'`,
	},
	{
		name: "in_tilde",
		kql: `DeviceProcessEvents
| where FileName in~ ("psexec.exe", "psexesvc.exe", "wmic.exe")
| project Timestamp, DeviceName, FileName, ProcessCommandLine`,
		sql: `SELECT "Timestamp", "DeviceName", "FileName", "ProcessCommandLine"
FROM "DeviceProcessEvents"
WHERE lower("FileName") IN ('psexec.exe', 'psexesvc.exe', 'wmic.exe')`,
	},
	{
		name: "has_any",
		kql: `DeviceProcessEvents
| where ProcessCommandLine has_any ("sekurlsa", "lsadump", "comsvcs")
| project Timestamp, DeviceName, ProcessCommandLine`,
		sql: `SELECT "Timestamp", "DeviceName", "ProcessCommandLine"
FROM "DeviceProcessEvents"
WHERE regexp_matches("ProcessCommandLine", '(?i)(?:^|[^\pL\pN])(?:sekurlsa|lsadump|comsvcs)(?:$|[^\pL\pN])')`,
	},
	{
		name: "startswith_ago",
		kql: `DeviceProcessEvents
| where Timestamp > ago(7d) and FolderPath startswith @"C:\Users\"
| summarize Events = count() by FileName`,
		sql: `SELECT "FileName", count(*) AS "Events"
FROM "DeviceProcessEvents"
WHERE "Timestamp" > TIMESTAMP_NS '2024-02-23 12:00:00'
  AND starts_with(lower("FolderPath"), 'c:\users\')
GROUP BY "FileName"`,
	},
	{
		name: "bin_1h_ago_1d",
		kql: `DeviceProcessEvents
| where Timestamp > ago(1d)
| summarize count() by bin(Timestamp, 1h)`,
		sql: `SELECT date_trunc('hour', "Timestamp") AS "Timestamp", count(*) AS count_
FROM "DeviceProcessEvents"
WHERE "Timestamp" > TIMESTAMP_NS '2024-02-29 12:00:00'
GROUP BY 1`,
	},
	{
		name: "bin_1h_30d",
		kql: `DeviceProcessEvents
| summarize Events = count() by bin(Timestamp, 1h), ActionType`,
		sql: `SELECT date_trunc('hour', "Timestamp") AS "Timestamp", "ActionType", count(*) AS "Events"
FROM "DeviceProcessEvents"
GROUP BY 1, 2`,
	},
	{
		name: "dcount",
		kql: `DeviceProcessEvents
| summarize Devices = dcount(DeviceName), Events = count() by FileName`,
		sql: `SELECT "FileName", count(DISTINCT "DeviceName") AS "Devices", count(*) AS "Events"
FROM "DeviceProcessEvents"
GROUP BY "FileName"`,
	},
	{
		name: "rare_parent_child",
		kql: `DeviceProcessEvents
| summarize Count = count() by InitiatingProcessFileName, FileName
| where Count < 500`,
		sql: `SELECT "InitiatingProcessFileName", "FileName", count(*) AS "Count"
FROM "DeviceProcessEvents"
GROUP BY ALL
HAVING count(*) < 500`,
	},
	{
		name: "join_inner",
		kql: `DeviceProcessEvents
| where FileName =~ "rundll32.exe"
| join kind=inner (DeviceInfo | project DeviceId, OSPlatform) on DeviceId
| summarize Events = count() by OSPlatform`,
		sql: `SELECT i."OSPlatform", count(*) AS "Events"
FROM "DeviceProcessEvents" e JOIN "DeviceInfo" i ON e."DeviceId" = i."DeviceId"
WHERE lower(e."FileName") = 'rundll32.exe'
GROUP BY i."OSPlatform"`,
	},
	{
		// The default join (innerunique) keeps one left row per key; the
		// left side, DeviceInfo, has one row per device already.
		name: "join_innerunique",
		kql: `DeviceInfo
| where IsInternetFacing
| project DeviceId, DeviceName, PublicIP
| join (DeviceProcessEvents | where Timestamp > ago(1d)) on DeviceId
| summarize Events = count() by DeviceName, PublicIP`,
		sql: `SELECT i."DeviceName", i."PublicIP", count(*) AS "Events"
FROM "DeviceInfo" i JOIN "DeviceProcessEvents" e ON e."DeviceId" = i."DeviceId"
WHERE i."IsInternetFacing" AND e."Timestamp" > TIMESTAMP_NS '2024-02-29 12:00:00'
GROUP BY ALL`,
	},
	{
		name: "top",
		kql: `DeviceProcessEvents
| where AccountName !in ("system", "local service", "network service")
| top 10 by Timestamp desc
| project Timestamp, DeviceName, AccountName, FileName`,
		sql: `SELECT "Timestamp", "DeviceName", "AccountName", "FileName"
FROM "DeviceProcessEvents"
WHERE "AccountName" NOT IN ('system', 'local service', 'network service')
ORDER BY "Timestamp" DESC
LIMIT 10`,
	},
	{
		name: "distinct",
		kql: `DeviceProcessEvents
| where Timestamp > ago(7d)
| distinct InitiatingProcessFileName, FileName`,
		sql: `SELECT DISTINCT "InitiatingProcessFileName", "FileName"
FROM "DeviceProcessEvents"
WHERE "Timestamp" > TIMESTAMP_NS '2024-02-23 12:00:00'`,
	},
}

// BenchmarkHunting runs each hunting query's compiled SQL (kql) and the
// hand-written SQL (sql) back to back on the generated tables; the ratio
// kql/sql is the compiler's overhead. Compilation is outside the timed
// loop; the kql side runs through Engine.Run (scan plus conversion to
// KQL values, as the CLI does), the sql side scans the raw rows.
//
// On a shared machine, KQLHUNT_BENCH_ROUNDS=N repeats the whole suite N
// times (pairs stay adjacent; later rounds are named NAME#01, ...), which
// interleaves better than -count, which repeats each sub-benchmark in a
// row:
//
//	KQLHUNT_BENCH_ROWS=10000000 KQLHUNT_BENCH_ROUNDS=3 go test ./exec -run '^$' -bench Hunting -benchtime 2x
func BenchmarkHunting(b *testing.B) {
	d := loadBenchData(b)
	ctx := context.Background()
	rounds := 1
	if s := os.Getenv("KQLHUNT_BENCH_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("KQLHUNT_BENCH_ROUNDS=%q: want a positive count", s)
		}
		rounds = n
	}
	for range rounds {
		for _, hc := range huntingCases {
			p, err := d.engine.Compile(hc.kql)
			if err != nil {
				b.Fatalf("%s: compile: %v", hc.name, err)
			}
			b.Run(hc.name, func(b *testing.B) {
				b.Run("kql", func(b *testing.B) {
					b.ReportAllocs()
					var n int
					for b.Loop() {
						r, err := d.engine.Run(ctx, p)
						if err != nil {
							b.Fatal(err)
						}
						n = len(r.Rows)
					}
					b.ReportMetric(float64(n), "rows")
				})
				b.Run("sql", func(b *testing.B) { benchSQL(ctx, b, d.engine.DB(), hc.sql) })
			})
		}
	}
}

func benchSQL(ctx context.Context, b *testing.B, db *sql.DB, query string) {
	b.ReportAllocs()
	var n int
	for b.Loop() {
		rows, err := fetchRows(ctx, db, query)
		if err != nil {
			b.Fatal(err)
		}
		n = len(rows)
	}
	b.ReportMetric(float64(n), "rows")
}

// fetchRows runs query and scans every row.
func fetchRows(ctx context.Context, db *sql.DB, query string) ([][]any, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// TestHuntingBenchEquivalence checks, at the small default size, that the
// compiled SQL and the hand-written SQL of every benchmark case return
// the same rows (as a multiset, or in order when KQL defines the order),
// and that every case returns rows, so the data exercises the filter.
func TestHuntingBenchEquivalence(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark tables")
	}
	d := loadBenchData(t)
	ctx := context.Background()
	for _, hc := range huntingCases {
		t.Run(hc.name, func(t *testing.T) {
			p, err := d.engine.Compile(hc.kql)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			res, err := d.engine.Run(ctx, p)
			if err != nil {
				t.Fatalf("compiled SQL: %v\n%s", err, p.SQL)
			}
			got := res.Rows
			want, err := fetchRows(ctx, d.engine.DB(), hc.sql)
			if err != nil {
				t.Fatalf("hand-written SQL: %v", err)
			}
			if len(want) == 0 {
				t.Fatalf("hand-written SQL returns no rows at %d rows; the data does not exercise the query", d.rows)
			}
			g, w := rowKeys(got), rowKeys(want)
			if !p.Ordered {
				sort.Strings(g)
				sort.Strings(w)
			}
			if len(g) != len(w) {
				t.Fatalf("compiled SQL returns %d rows, hand-written %d\n%s", len(g), len(w), p.SQL)
			}
			for i := range g {
				if g[i] != w[i] {
					t.Fatalf("row %d: compiled %s, hand-written %s\n%s", i, g[i], w[i], p.SQL)
				}
			}
		})
	}
}

// rowKeys renders rows in a form that compares equal across DuckDB's
// column types (TIMESTAMP vs TIMESTAMP_NS, INTEGER vs BIGINT).
func rowKeys(rows [][]any) []string {
	keys := make([]string, len(rows))
	for i, r := range rows {
		parts := make([]string, len(r))
		for j, v := range r {
			parts[j] = normValue(v)
		}
		keys[i] = strings.Join(parts, "\x1f")
	}
	return keys
}

func normValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int8, int16, int32, int64, int, uint8, uint16, uint32, uint64, uint:
		return fmt.Sprintf("%d", x)
	case *big.Int:
		return x.String()
	case []byte:
		return string(x)
	default:
		return fmt.Sprintf("%v", x)
	}
}
