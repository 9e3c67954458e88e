package exec_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

var update = flag.Bool("update", false, "rewrite the golden output.sql files")

var goldenNow = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// goldenSchema is the one table the goldens may read.
var goldenSchema = &kql.Schema{Tables: map[string]*kql.Table{
	"Events": {Name: "Events", Columns: []kql.Column{
		{Name: "Timestamp", Type: kql.TDatetime},
		{Name: "DeviceName", Type: kql.TString},
		{Name: "FileName", Type: kql.TString},
	}},
}}

func loadEvents(t *testing.T, e *exec.Engine) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{
		`CREATE TABLE "Events" ("Timestamp" TIMESTAMP_NS, "DeviceName" VARCHAR, "FileName" VARCHAR)`,
		`INSERT INTO "Events" VALUES
			('2024-03-01 09:30:00', 'pc1', 'cmd.exe'),
			('2024-03-01 10:30:00', 'pc1', 'cmd.exe'),
			('2024-03-01 11:10:00', 'pc2', 'CMD.exe'),
			('2024-03-01 11:50:00', 'pc2', 'cmd.EXE'),
			('2024-03-01 11:55:00', 'pc2', 'powershell.exe')`,
	}
	for _, s := range stmts {
		if _, err := e.DB().ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	e.SetSchema(goldenSchema)
}

type goldenResult struct {
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Rows    []json.RawMessage `json:"rows"`
	Ordered bool              `json:"ordered"`
}

// canon re-encodes a JSON value so that equal values compare equal as text.
func canon(t *testing.T, raw []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("bad JSON %s: %v", raw, err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// TestGolden compiles each testdata/golden/NAME/input.kql, compares the SQL
// with output.sql (rewritten by -update), runs it on DuckDB and compares
// the rows with result.json, which is written by hand from the KQL
// documentation and never by -update.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no goldens: %v", err)
	}
	ctx := context.Background()
	eng, err := exec.Open(ctx, exec.Options{Now: goldenNow, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	loadEvents(t, eng)
	if err := eng.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(dir, "input.kql"))
			if err != nil {
				t.Fatal(err)
			}
			q, err := kql.Parse(string(src))
			if err != nil {
				t.Fatal(err)
			}
			p, err := exec.Compile(q, exec.CompileOptions{Schema: goldenSchema, Now: goldenNow})
			if err != nil {
				t.Fatal(err)
			}
			sqlPath := filepath.Join(dir, "output.sql")
			if *update {
				if err := os.WriteFile(sqlPath, []byte(p.SQL+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(sqlPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(strings.TrimSpace(string(want)), strings.TrimSpace(p.SQL)); diff != "" {
				t.Errorf("SQL differs from output.sql (-want +got):\n%s", diff)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "result.json"))
			if err != nil {
				t.Fatal(err)
			}
			var exp goldenResult
			if err := json.Unmarshal(raw, &exp); err != nil {
				t.Fatalf("result.json: %v", err)
			}
			res, err := eng.Run(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var gotCols, wantCols []string
			for _, c := range res.Columns {
				gotCols = append(gotCols, c.Name+":"+string(c.Type))
			}
			for _, c := range exp.Columns {
				wantCols = append(wantCols, c.Name+":"+c.Type)
			}
			if diff := cmp.Diff(wantCols, gotCols); diff != "" {
				t.Fatalf("columns (-want +got):\n%s", diff)
			}
			if res.Ordered != exp.Ordered && len(exp.Rows) > 1 {
				t.Errorf("ordered = %v, want %v", res.Ordered, exp.Ordered)
			}
			var gotRows, wantRows []string
			for _, row := range res.Rows {
				jr := make([]any, len(row))
				for i, v := range row {
					jr[i] = render.JSONValue(res.Columns[i].Type, v)
				}
				b, err := json.Marshal(jr)
				if err != nil {
					t.Fatal(err)
				}
				gotRows = append(gotRows, canon(t, b))
			}
			for _, r := range exp.Rows {
				wantRows = append(wantRows, canon(t, r))
			}
			if !exp.Ordered {
				sort.Strings(gotRows)
				sort.Strings(wantRows)
			}
			if diff := cmp.Diff(wantRows, gotRows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}
