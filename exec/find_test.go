package exec

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// eventsTablesEngine holds the two tables of the find operator's reference
// examples [D:find-operator].
func eventsTablesEngine(t *testing.T) *Engine {
	t.Helper()
	str := func(names ...string) []kql.Column {
		var cols []kql.Column
		for _, n := range names {
			cols = append(cols, kql.Column{Name: n, Type: kql.TString})
		}
		return cols
	}
	return storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{
		"EventsTable1": {Name: "EventsTable1", Columns: str("Session_Id", "Level", "EventText", "Version")},
		"EventsTable2": {Name: "EventsTable2", Columns: str("Session_Id", "Level", "EventText", "EventName")},
	}},
		`CREATE TABLE "EventsTable1" ("Session_Id" VARCHAR, "Level" VARCHAR, "EventText" VARCHAR, "Version" VARCHAR)`,
		`INSERT INTO "EventsTable1" VALUES ('acbd207d-51aa-4df7-bfa7-be70eb68f04e', 'Information', 'Some Text1', 'v1.0.0'),
			('acbd207d-51aa-4df7-bfa7-be70eb68f04e', 'Error', 'Some Text2', 'v1.0.0'),
			('28b8e46e-3c31-43cf-83cb-48921c3986fc', 'Error', 'Some Text3', 'v1.0.1'),
			('8f057b11-3281-45c3-a856-05ebb18a3c59', 'Information', 'Some Text4', 'v1.1.0')`,
		`CREATE TABLE "EventsTable2" ("Session_Id" VARCHAR, "Level" VARCHAR, "EventText" VARCHAR, "EventName" VARCHAR)`,
		`INSERT INTO "EventsTable2" VALUES ('f7d5f95f-f580-4ea6-830b-5776c8d64fdd', 'Information', 'Some Other Text1', 'Event1'),
			('acbd207d-51aa-4df7-bfa7-be70eb68f04e', 'Information', 'Some Other Text2', 'Event2'),
			('acbd207d-51aa-4df7-bfa7-be70eb68f04e', 'Error', 'Some Other Text3', 'Event3'),
			('15eaeab5-8576-4b58-8fc6-478f75d8fee4', 'Error', 'Some Other Text4', 'Event4')`,
	)
}

// rowsText renders rows as sorted lines "a|b|c" for order-free comparison.
func rowsText(r *Result) []string {
	var out []string
	for _, row := range r.Rows {
		var cells []string
		for _, v := range row {
			if d, ok := v.(Dynamic); ok {
				cells = append(cells, string(d))
				continue
			}
			cells = append(cells, fmt.Sprint(v))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

func colNames(r *Result) string {
	var names []string
	for _, c := range r.Columns {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

// The find reference's output examples: columns and rows.
func TestFindReferenceExamples(t *testing.T) {
	e := eventsTablesEngine(t)
	cases := []struct {
		src, cols string
		rows      []string
	}{
		{`find in (EventsTable1, EventsTable2) where Session_Id == 'acbd207d-51aa-4df7-bfa7-be70eb68f04e' and Level == 'Error' project EventText, Version, EventName, pack_all()`,
			"source_,EventText,Version,EventName,pack_",
			[]string{
				`EventsTable1|Some Text2|v1.0.0||{"Session_Id":"acbd207d-51aa-4df7-bfa7-be70eb68f04e","Level":"Error","EventText":"Some Text2","Version":"v1.0.0"}`,
				`EventsTable2|Some Other Text3||Event3|{"Session_Id":"acbd207d-51aa-4df7-bfa7-be70eb68f04e","Level":"Error","EventText":"Some Other Text3","EventName":"Event3"}`,
			}},
		{`find where Version == 'v1.0.0' or EventName == 'Event1' project Session_Id, EventText, Version, EventName`,
			"source_,Session_Id,EventText,Version,EventName",
			[]string{
				"EventsTable1|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Some Text1|v1.0.0|",
				"EventsTable1|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Some Text2|v1.0.0|",
				"EventsTable2|f7d5f95f-f580-4ea6-830b-5776c8d64fdd|Some Other Text1||Event1",
			}},
		{`find where Session_Id == 'acbd207d-51aa-4df7-bfa7-be70eb68f04e'`,
			"source_,Session_Id,Level,EventText,pack_",
			[]string{
				`EventsTable1|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Error|Some Text2|{"Version":"v1.0.0"}`,
				`EventsTable1|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Information|Some Text1|{"Version":"v1.0.0"}`,
				`EventsTable2|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Error|Some Other Text3|{"EventName":"Event3"}`,
				`EventsTable2|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Information|Some Other Text2|{"EventName":"Event2"}`,
			}},
	}
	for _, tc := range cases {
		r := query(t, e, tc.src)
		if got := colNames(r); got != tc.cols {
			t.Errorf("%s: columns %s, want %s", tc.src, got, tc.cols)
		}
		got := rowsText(r)
		sort.Strings(got)
		sort.Strings(tc.rows)
		if strings.Join(got, "\n") != strings.Join(tc.rows, "\n") {
			t.Errorf("%s:\ngot  %q\nwant %q", tc.src, got, tc.rows)
		}
	}
}

// search without input looks in every table (or the named ones); the
// result starts with $table and has the tables' columns as union gives
// them [D:search-operator].
func TestSearchTables(t *testing.T) {
	e := eventsTablesEngine(t)
	r := query(t, e, `search "Text3"`)
	if got := colNames(r); got != "$table,Session_Id,Level,EventText,Version,EventName" {
		t.Errorf("columns %s", got)
	}
	got := rowsText(r)
	sort.Strings(got)
	want := []string{"EventsTable1|28b8e46e-3c31-43cf-83cb-48921c3986fc|Error|Some Text3|v1.0.1|", "EventsTable2|acbd207d-51aa-4df7-bfa7-be70eb68f04e|Error|Some Other Text3||Event3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("search \"Text3\":\ngot  %q\nwant %q", got, want)
	}
	r = query(t, e, `search in (EventsTable2) Level == "Error" and EventText has "Text4"`)
	if len(r.Rows) != 1 || r.Rows[0][0] != "EventsTable2" || r.Rows[0][3] != "Some Other Text4" {
		t.Errorf("search in (EventsTable2): rows %v", r.Rows)
	}
}

// join conditions joined with and are a list of equalities
// [D:join-operator]; search * matches every row; an unnamed conversion
// takes the name of what it converts (extend tostring(d.Id) is d_Id, as
// summarize by tostring(x) is x in the conformance cases).
func TestCorpusIdioms(t *testing.T) {
	e := eventsTablesEngine(t)
	r := query(t, e, `EventsTable1 | join kind=inner (EventsTable2) on $left.Session_Id == $right.Session_Id and $left.Level == $right.Level | project EventText, EventText1`)
	got := rowsText(r)
	sort.Strings(got)
	want := []string{"Some Text1|Some Other Text2", "Some Text2|Some Other Text3"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("join on a and b: got %q, want %q", got, want)
	}
	r = query(t, e, `search * | count`)
	if r.Rows[0][0] != int64(8) {
		t.Errorf("search * counts %v rows, want 8", r.Rows[0][0])
	}
	r = query(t, e, `print d = dynamic({"Id": 5}) | extend tostring(d.Id)`)
	if got := colNames(r); got != "d,d_Id" || r.Columns[1].Type != kql.TString {
		t.Errorf("extend tostring(d.Id): columns %v", r.Columns)
	}
}

// A conversion around an aggregate keeps the aggregate's name:
// summarize tostring(make_set(x)) is set_x, as Microsoft's SQL-server hunt
// reads it.
func TestConvertedAggregateName(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `datatable(k:long, x:string)[1, "a", 1, "b"] | summarize tostring(make_set(x)) by k`)
	if got := colNames(r); got != "k,set_x" || r.Columns[1].Type != kql.TString {
		t.Errorf("columns %v, want k and set_x (string)", r.Columns)
	}
}

// mv-expand and mv-apply over a value the query computes once
// (toscalar(T)) expand it for every row, as Sentinel's
// which-tables-are-in-use hunt does.
func TestExpandComputedValue(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `let t = datatable(x:string)["a","b"] | summarize make_set(x); print q = "a c" | mv-apply y = toscalar(t) to typeof(string) on (where q contains y) | mv-expand z = toscalar(t) to typeof(string)`)
	got := rowsText(r)
	sort.Strings(got)
	if strings.Join(got, ";") != "a c|a|a;a c|a|b" {
		t.Errorf("rows = %q, want y = a expanded over z = a, b", got)
	}
}
