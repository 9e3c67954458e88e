package exec

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// pruneEngine holds a small stored table with datetime columns in and
// near the edges of TIMESTAMP_NS.
func pruneEngine(t *testing.T) *Engine {
	t.Helper()
	return storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{"Events": {Name: "Events", Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime}, {Name: "Early", Type: kql.TDatetime}, {Name: "Device", Type: kql.TString},
		{Name: "n", Type: kql.TLong}, {Name: "Extra", Type: kql.TString}}}}},
		`CREATE TABLE "Events" AS
		SELECT make_timestamp_ns(epoch_ns(TIMESTAMP_NS '2024-03-01 12:00:00') + n * 3600000000100) AS "Timestamp",
			CASE WHEN n = 2 THEN NULL ELSE TIMESTAMP_NS '1677-09-22 00:00:00.0000001' END AS "Early",
			'dev' || (n % 2) AS "Device", n AS "n", 'x' || n AS "Extra"
		FROM range(1, 6) t(n)`,
	)
}

// Pruning must not change a result: each query runs pruned and unpruned.
func TestPruneKeepsResults(t *testing.T) {
	e := pruneEngine(t)
	queries := []string{
		`Events | where n > 1 | project Timestamp, Device`,
		`Events | where Timestamp > datetime(2024-03-01 14:00) | project n, Early`,
		`Events | top 2 by Timestamp desc | project Device, Timestamp`,
		`Events | join (Events | project Device, m = n) on Device | project n, m, Device1`,
		`Events | join kind=leftouter (Events | where n > 3 | project Device, Extra) on Device | project n, Extra1`,
		`Events | summarize c = count(), t = max(Timestamp) by Device | project Device, t`,
		`Events | distinct Device, n | project n`,
		`Events | extend k = strcat(Device, n) | project-away Extra | project k, Timestamp`,
		`Events | union (Events | project n) | project n`,
		`Events | where n < 3 | extend p = pack_all() | project p`,
		`Events | serialize | extend r = row_number() | project r, Timestamp`,
		`let a = Events | project Device, n; a | join kind=inner (a) on Device | project n, n1`,
		`Events | summarize make_list(n) by bin(Timestamp, 1d)`,
		`Events | project Timestamp, Early`,
	}
	for _, src := range queries {
		pruneStages = false
		want := query(t, e, src)
		pruneStages = true
		got := query(t, e, src)
		if g, w := resultText(got), resultText(want); g != w {
			p, _ := e.Compile(src)
			t.Errorf("%s\npruned:   %s\nunpruned: %s\n%s", src, g, w, p.SQL)
		}
	}
}

func resultText(r *Result) string {
	var rows []string
	for _, row := range orderRowsText(r) {
		var cells []string
		for _, v := range row {
			if tm, ok := v.(time.Time); ok {
				cells = append(cells, tm.Format(time.RFC3339Nano)+"@"+tm.Location().String())
				continue
			}
			cells = append(cells, fmt.Sprintf("%T:%v", v, v))
		}
		rows = append(rows, strings.Join(cells, "|"))
	}
	if !r.Ordered {
		sort.Strings(rows)
	}
	return strings.Join(rows, "; ")
}

func TestPruneDropsUnusedWork(t *testing.T) {
	e := pruneEngine(t)
	p, err := e.Compile(`Events | where Device == "dev1" | project n, Timestamp`)
	if err != nil {
		t.Fatal(err)
	}
	// the plain read the where superseded is gone, and so are the
	// columns nobody reads (Early would be converted, Extra copied)
	if strings.Count(p.SQL, `FROM "Events"`) != 1 || strings.Contains(p.SQL, `"Early"`) || strings.Contains(p.SQL, `"Extra"`) {
		t.Errorf("unpruned work left:\n%s", p.SQL)
	}
	if strings.Contains(p.SQL, "CASE WHEN \"Timestamp\" BETWEEN") {
		t.Errorf("a stored datetime needs no range check:\n%s", p.SQL)
	}
	// a computed datetime keeps its range check
	p, err = e.Compile(`Events | project t = Timestamp + 3650000d`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.SQL, "BETWEEN") {
		t.Errorf("computed datetime lost its range check:\n%s", p.SQL)
	}
	r := query(t, e, `Events | project t = Timestamp + 3650000d`)
	for _, row := range r.Rows {
		if row[0] != nil {
			t.Errorf("datetime beyond 9999-12-31 = %v, want null", row[0])
		}
	}
}

// Stored datetimes come back exact, in UTC, including the earliest
// TIMESTAMP_NS value and nulls.
func TestStoredDatetimeValues(t *testing.T) {
	e := pruneEngine(t)
	r := query(t, e, `Events | where n <= 2 | project n, Timestamp, Early | order by n asc`)
	want0 := time.Date(2024, 3, 1, 13, 0, 0, 100, time.UTC)
	if got := r.Rows[0][1].(time.Time); !got.Equal(want0) || got.Location() != time.UTC {
		t.Errorf("Timestamp = %v, want %v UTC", got, want0)
	}
	early := time.Date(1677, 9, 22, 0, 0, 0, 100, time.UTC)
	if got := r.Rows[0][2].(time.Time); !got.Equal(early) {
		t.Errorf("Early = %v, want %v", got, early)
	}
	if r.Rows[1][2] != nil {
		t.Errorf("null Early = %#v", r.Rows[1][2])
	}
}

// Values the driver already returns with their documented Go type are
// kept, not boxed again.
func TestConvertValueKeepsBoxes(t *testing.T) {
	vals := []struct {
		t kql.Type
		v any
	}{
		{kql.TString, "abc"}, {kql.TLong, int64(123456)}, {kql.TReal, 1.5}, {kql.TBool, true},
		{kql.TDatetime, time.Date(2024, 1, 2, 3, 4, 5, 600, time.UTC)}, {kql.TGuid, "0f8fad5b-d9cb-469f-a165-70867728950e"},
	}
	for _, x := range vals {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := convertValue(x.t, x.v); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("convertValue(%s, %T) allocates %v times", x.t, x.v, allocs)
		}
	}
}

// has folds the case of the term, not of the boundary classes: the
// answers are those of a fully case-insensitive term match.
func TestHasTermFolding(t *testing.T) {
	e := openLocked(t)
	cases := []struct {
		expr string
		want bool
	}{
		{`"a—ÉTÉ—b" has "été"`, true}, // em dash is a boundary; É folds to é
		{`"xétéx" has "ÉTÉ"`, false},  // letters on both sides
		{`"été2" has "été"`, false},   // a digit is part of the term
		{`"run MiniDump now" has "minidump"`, true},
		{`"run_minidump" has "MINIDUMP"`, true}, // _ is a boundary
		{`"run MiniDump now" has_cs "minidump"`, false},
		{`"a ΑΘΗΝΑ b" has "αθηνα"`, true},
		{`"x lsass.exe" has_any ("LSASS", "procdump")`, true},
		{`"xlsass.exe" has_any ("LSASS", "procdump")`, false},
		{`"C:\\Tools\\ProcDump64.exe" hasprefix "procdump"`, true},
	}
	for _, tc := range cases {
		r := query(t, e, "print r = "+tc.expr)
		if got := r.Rows[0][0]; got != tc.want {
			t.Errorf("%s = %v, want %v", tc.expr, got, tc.want)
		}
	}
}
