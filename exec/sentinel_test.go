package exec

import (
	"context"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// sentinelEngine has one Defender table whose Sentinel flavour carries
// TimeGenerated, TenantId, Type and SourceSystem (kql.Table.SentinelColumns).
func sentinelEngine(t *testing.T) *Engine {
	t.Helper()
	return storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{"DeviceEvents": {
		Name:    "DeviceEvents",
		Columns: []kql.Column{{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString}, {Name: "Folders", Type: kql.TString}},
		SentinelColumns: []kql.Column{{Name: "TimeGenerated", Type: kql.TDatetime}, {Name: "TenantId", Type: kql.TString},
			{Name: "Type", Type: kql.TString}, {Name: "SourceSystem", Type: kql.TString}},
	}}},
		`CREATE TABLE "DeviceEvents" ("Timestamp" TIMESTAMP_NS, "DeviceName" VARCHAR, "Folders" VARCHAR)`,
		`INSERT INTO "DeviceEvents" VALUES ('2024-03-01 09:30:00', 'pc1', '["a","b"]'), ('2024-02-01 09:30:00', 'pc2', '[]')`,
	)
}

// Published Sentinel hunts read TimeGenerated (the ingestion time, here
// the event's Timestamp), Type (the table name) and TenantId on Defender
// tables; without a reference the table keeps its advanced-hunting schema.
func TestSentinelColumnsOnDefenderTables(t *testing.T) {
	e := sentinelEngine(t)
	r := query(t, e, `DeviceEvents | where TimeGenerated > ago(1d) | project DeviceName, TimeGenerated, Type, TenantId`)
	if len(r.Rows) != 1 {
		t.Fatalf("rows = %v, want the one event of the past day", r.Rows)
	}
	want := time.Date(2024, 3, 1, 9, 30, 0, 0, time.UTC)
	if got, ok := r.Rows[0][1].(time.Time); !ok || !got.Equal(want) {
		t.Errorf("TimeGenerated = %v, want %v (the row's Timestamp)", r.Rows[0][1], want)
	}
	if r.Rows[0][2] != "DeviceEvents" || r.Rows[0][3] != "" {
		t.Errorf("Type, TenantId = %q, %q; want the table name and an empty string", r.Rows[0][2], r.Rows[0][3])
	}
	r = query(t, e, `DeviceEvents | where ingestion_time() > ago(1d) | project DeviceName`)
	if len(r.Rows) != 1 || r.Rows[0][0] != "pc1" {
		t.Errorf("ingestion_time() window: rows = %v, want pc1's event", r.Rows)
	}
	r = query(t, e, `DeviceEvents | getschema`)
	if len(r.Rows) != 3 {
		t.Errorf("getschema has %d columns, want the 3 advanced-hunting ones: %v", len(r.Rows), r.Rows)
	}
	r = query(t, e, `DeviceEvents | take 1`)
	if len(r.Columns) != 3 {
		t.Errorf("columns = %v, want the advanced-hunting ones only", r.Columns)
	}
}

// An unnamed mv-expand expression expands into the column it reads,
// looking through conversions, as the checker names it.
func TestMvExpandUnnamedExpression(t *testing.T) {
	e := sentinelEngine(t)
	r := query(t, e, `DeviceEvents | mv-expand parse_json(Folders) | project DeviceName, Folders`)
	if len(r.Rows) != 2 || r.Columns[1].Type != kql.TDynamic {
		t.Fatalf("columns %v rows %v, want pc1's two folders as dynamic", r.Columns, r.Rows)
	}
	r = query(t, e, `print x = 1 | mv-expand dynamic([1, 2]) | project Column1`)
	if len(r.Rows) != 2 {
		t.Errorf("rows = %v, want two (Column1)", r.Rows)
	}
}

// Expectations from the KQL reference examples (parse_url, parse_urlquery,
// extract_json) and the ingestion-time policy (null without a time).
func TestCorpusFunctions(t *testing.T) {
	e := openLocked(t)
	cases := []struct{ src, want string }{
		{`print tostring(parse_url("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment"))`,
			`{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`},
		{`print tostring(parse_urlquery("k1=v1&k2=v2&k3=v3"))`, `{"Query Parameters":{"k1":"v1","k2":"v2","k3":"v3"}}`},
		{`print tostring(parse_url("https://www.bing.com/search?q=x").Host)`, `www.bing.com`},
		{`let json = '{"name": "John", "age": 30}'; print extract_json("$.name", json, typeof(string))`, `John`},
		{`let json = '{"name": "John", "age": 30}'; print tostring(extract_json("$.age", json, typeof(long)) + 1)`, `31`},
		{`print extractjson("$.a[1]", '{"a":[1,{"b":2}]}')`, `{"b":2}`},
		{`print extractjson("$.a", 'not json')`, ``},
		{`print isnull(ingestion_time())`, `true`},
		{`print tostring(indexof_regex("abcabc", @"a.c"))`, `0`},
		{`print tostring(indexof_regex("xxabcabc", @"b.a"))`, `3`},
		{`print tostring(indexof_regex("abcabc", @"z"))`, `-1`},
	}
	for _, tc := range cases {
		r := query(t, e, tc.src)
		if got := r.Rows[0][0]; got != tc.want && !(tc.want == "true" && got == true) {
			t.Errorf("%s = %v, want %s", tc.src, got, tc.want)
		}
	}
}

// IdentityInfo's Sentinel AccountUPN is the advanced-hunting AccountUpn.
func TestSentinelAlias(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE "IdentityInfo" ("AccountUpn" VARCHAR); INSERT INTO "IdentityInfo" VALUES ('ann@contoso.com')`); err != nil {
		t.Fatal(err)
	}
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{"IdentityInfo": {Name: "IdentityInfo",
		Columns:         []kql.Column{{Name: "AccountUpn", Type: kql.TString}},
		SentinelColumns: []kql.Column{{Name: "AccountUPN", Type: kql.TString}}}}})
	r := query(t, e, `IdentityInfo | project AccountUPN`)
	if len(r.Rows) != 1 || r.Rows[0][0] != "ann@contoso.com" {
		t.Errorf("rows = %v, want the AccountUpn value", r.Rows)
	}
}
