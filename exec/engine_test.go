package exec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

var testNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func openLocked(t *testing.T) *Engine {
	t.Helper()
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// storedEngine opens a one-thread engine, runs the statements that create
// its stored tables, gives it schema and locks it down.
func storedEngine(t *testing.T, schema *kql.Schema, stmts ...string) *Engine {
	t.Helper()
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	for _, s := range stmts {
		if _, err := e.DB().ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	e.SetSchema(schema)
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func query(t *testing.T, e *Engine, src string) *Result {
	t.Helper()
	r, err := e.Query(context.Background(), src)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return r
}

func TestQueryValuesAndTypes(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `print b=true, l=1, r=1.5, s="x", d=datetime(2020-01-02 03:04:05.1234567), ts=1d+2h, dyn=dynamic({"a":[1,2]}), n=long(null), e=""`)
	want := []kql.Column{{Name: "b", Type: kql.TBool}, {Name: "l", Type: kql.TLong}, {Name: "r", Type: kql.TReal}, {Name: "s", Type: kql.TString},
		{Name: "d", Type: kql.TDatetime}, {Name: "ts", Type: kql.TTimespan}, {Name: "dyn", Type: kql.TDynamic}, {Name: "n", Type: kql.TLong}, {Name: "e", Type: kql.TString}}
	if len(r.Columns) != len(want) {
		t.Fatalf("columns = %v", r.Columns)
	}
	for i := range want {
		if r.Columns[i] != want[i] {
			t.Errorf("column %d = %v, want %v", i, r.Columns[i], want[i])
		}
	}
	row := r.Rows[0]
	if row[0] != true || row[1] != int64(1) || row[2] != 1.5 || row[3] != "x" {
		t.Errorf("scalars = %#v", row[:4])
	}
	if got := row[4].(time.Time); !got.Equal(time.Date(2020, 1, 2, 3, 4, 5, 123456700, time.UTC)) {
		t.Errorf("datetime = %v", got)
	}
	if row[5] != Timespan(26*TicksPerHour) {
		t.Errorf("timespan = %v", row[5])
	}
	if string(row[6].(Dynamic)) != `{"a":[1,2]}` {
		t.Errorf("dynamic = %s", row[6])
	}
	if row[7] != nil || row[8] != "" {
		t.Errorf("null long = %#v, empty string = %#v", row[7], row[8])
	}
}

func TestQueryDatatableRangeAndNow(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `datatable(a:long, s:string)[1,"x", 2,"y", 3,"z"] | where a >= 2 | order by a asc`)
	if len(r.Rows) != 2 || r.Rows[0][1] != "y" || r.Rows[1][1] != "z" || !r.Ordered {
		t.Errorf("rows = %v ordered=%v", r.Rows, r.Ordered)
	}
	r = query(t, e, `range x from 1 to 10 step 3`)
	if len(r.Rows) != 4 || r.Rows[3][0] != int64(10) {
		t.Errorf("range rows = %v", r.Rows)
	}
	// now() is pinned, and ago() is relative to the same instant.
	r = query(t, e, `print n=now(), a=ago(1h), same = now() - ago(1h) == 1h`)
	if !r.Rows[0][0].(time.Time).Equal(testNow) || !r.Rows[0][1].(time.Time).Equal(testNow.Add(-time.Hour)) || r.Rows[0][2] != true {
		t.Errorf("now/ago = %v", r.Rows[0])
	}
}

func TestQueryTable(t *testing.T) {
	ctx := context.Background()
	e, err := Open(ctx, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().ExecContext(ctx, `CREATE TABLE "Events" ("Name" VARCHAR, "N" INTEGER)`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB().ExecContext(ctx, `INSERT INTO "Events" VALUES ('a', 1), ('b', 2), ('a', 3)`); err != nil {
		t.Fatal(err)
	}
	e.SetSchema(&kql.Schema{Tables: map[string]*kql.Table{"Events": {Name: "Events", Columns: []kql.Column{{Name: "Name", Type: kql.TString}, {Name: "N", Type: kql.TInt}}}}})
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	r := query(t, e, `Events | summarize total=sum(N) by Name | order by Name asc`)
	if len(r.Rows) != 2 || r.Rows[0][0] != "a" || r.Rows[0][1] != int64(4) {
		t.Errorf("rows = %v", r.Rows)
	}
	if _, err := e.Query(ctx, `Nope | take 1`); err == nil || !strings.Contains(err.Error(), `"Nope"`) {
		t.Errorf("unknown table error = %v", err)
	}
}

func TestQueryCancel(t *testing.T) {
	e := openLocked(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.Query(ctx, `range x from 1 to 5000000000 step 1 | summarize dcount(x % 1000000007)`)
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled query returned %v, want context.Canceled", err)
	}
	// The engine still works afterwards.
	query(t, e, `print 1`)
}

// TestLockdown checks that after Lockdown no SQL statement can touch files,
// extensions or settings — even written directly, bypassing the compiler.
func TestLockdown(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.csv")
	if err := os.WriteFile(secret, []byte("a\nTOPSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := openLocked(t)
	ctx := context.Background()
	for _, stmt := range []string{
		"SELECT * FROM read_csv(" + quoteString(secret) + ")",
		"SELECT * FROM read_text(" + quoteString(secret) + ")",
		"SELECT * FROM glob(" + quoteString(dir+"/*") + ")",
		"COPY (SELECT 1) TO " + quoteString(filepath.Join(dir, "out.csv")),
		"ATTACH " + quoteString(filepath.Join(dir, "x.duckdb")) + " AS x",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET enable_external_access = true",
		"SET lock_configuration = false",
		"RESET enable_external_access",
	} {
		rows, err := e.DB().QueryContext(ctx, stmt)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err == nil {
			t.Errorf("%s: succeeded after Lockdown", stmt)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out.csv")); err == nil {
		t.Error("COPY wrote a file after Lockdown")
	}
}

// TestInjection sends SQL through string literals, identifiers and function
// names: each is a literal value or a clear error, never file contents.
func TestInjection(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "passwd")
	if err := os.WriteFile(secret, []byte("root:TOPSECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := openLocked(t)
	ctx := context.Background()
	lit := `'); select * from read_csv('` + secret + `') --`
	r := query(t, e, `print s = "`+strings.ReplaceAll(lit, `"`, `\"`)+`"`)
	if r.Rows[0][0] != lit {
		t.Errorf("string literal came back as %q", r.Rows[0][0])
	}
	r = query(t, e, `print s = @"'; COPY (SELECT 1) TO '/tmp/x'; --"`)
	if r.Rows[0][0] != `'; COPY (SELECT 1) TO '/tmp/x'; --` {
		t.Errorf("verbatim literal came back as %q", r.Rows[0][0])
	}
	r = query(t, e, `datatable(['a"; select 1; --']:string)["v"] | project ['a"; select 1; --']`)
	if r.Columns[0].Name != `a"; select 1; --` || r.Rows[0][0] != "v" {
		t.Errorf("quoted identifier: %v %v", r.Columns, r.Rows)
	}
	for _, src := range []string{
		`print read_csv("` + secret + `")`,
		`print glob("/etc/*")`,
		`print x = read_text('` + secret + `')`,
		`read_csv('` + secret + `')`,
		`print 1 | where contains("a", "b") or read_csv("x") == 1`,
		`externaldata(a:string)["` + secret + `"]`,
		"print s = 'a' /* ' ; select * from read_csv('" + secret + "') -- */",
	} {
		r, err := e.Query(ctx, src)
		if err == nil {
			for _, row := range r.Rows {
				for _, v := range row {
					if s, ok := v.(string); ok && strings.Contains(s, "TOPSECRET") {
						t.Errorf("%s: returned file contents", src)
					}
				}
			}
			continue
		}
		if strings.Contains(err.Error(), "TOPSECRET") {
			t.Errorf("%s: error leaks file contents: %v", src, err)
		}
		var el kql.ErrorList
		if !errors.As(err, &el) {
			t.Errorf("%s: error is not positioned: %v", src, err)
		}
	}
}
