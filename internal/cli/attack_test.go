//go:build unix

package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2" // to build hostile .duckdb and Parquet files
)

// The attack suite: each row is a way a dataset, a query or a planted file
// from someone else could make kqlhunt read what it must not. A row sets
// the attack up in a fresh directory and gives kqlhunt's arguments; the
// run must end with the row's exit code and error, and the secret (a file
// beside the attack, reachable by path) must appear nowhere in the output.
// Every run also leaves no DuckDB temporary directory behind, neither
// ./.tmp in the working directory nor its private one. New attacks are
// new rows.

const secretText = "TOPSECRET-7f3a"

// attackEnv is the directory an attack is built in.
type attackEnv struct {
	dir    string // the working directory of the run
	secret string // a file holding secretText, as the header of a CSV
}

type attack struct {
	name  string
	setup func(t *testing.T, a *attackEnv) []string // kqlhunt's arguments
	code  int
	err   []string                         // in stderr
	out   []string                         // in stdout
	after func(t *testing.T, a *attackEnv) // more checks after the run
}

func TestAttacks(t *testing.T) {
	for _, tc := range attacks() {
		t.Run(tc.name, func(t *testing.T) {
			a := &attackEnv{dir: t.TempDir()}
			a.secret = filepath.Join(a.dir, "secret.csv")
			writeFile(t, a.secret, secretText+",second\n"+secretText+"-row,2\n")
			tmp := filepath.Join(a.dir, "tmp")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			t.Setenv("TMPDIR", tmp)
			t.Setenv("XDG_CACHE_HOME", filepath.Join(a.dir, "cache"))
			t.Chdir(a.dir)
			args := tc.setup(t, a)
			e, stdout, stderr := testEnv("")
			code := run(context.Background(), args, e)
			if code != tc.code {
				t.Errorf("%v: exit code %d, want %d\nstderr: %s", args, code, tc.code, stderr)
			}
			for _, w := range tc.err {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, w := range tc.out {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if strings.Contains(stdout.String()+stderr.String(), secretText) {
				t.Errorf("the secret came out:\nstdout: %s\nstderr: %s", stdout, stderr)
			}
			if strings.ContainsAny(stdout.String()+stderr.String(), "\x1b\x07\u009b") {
				t.Errorf("raw terminal controls came out:\nstdout: %q\nstderr: %q", stdout, stderr)
			}
			if _, err := os.Stat(filepath.Join(a.dir, ".tmp")); err == nil {
				t.Error("DuckDB made ./.tmp in the working directory")
			}
			if left, _ := filepath.Glob(filepath.Join(tmp, "kqlhunt-tmp-*")); len(left) > 0 {
				t.Errorf("temporary directories left: %v", left)
			}
			if tc.after != nil {
				tc.after(t, a)
			}
		})
	}
}

func attacks() []attack {
	// hostileDB is a .duckdb with a plain table T and the given statements
	// run in it (as database f).
	hostileDB := func(stmts ...string) func(t *testing.T, a *attackEnv) []string {
		return func(t *testing.T, a *attackEnv) []string {
			p := filepath.Join(a.dir, "hunt.duckdb")
			run := []string{"ATTACH '" + p + "' AS f", "USE f", "CREATE TABLE T AS SELECT 'ok' AS Note, 1 AS N"}
			for _, s := range stmts {
				run = append(run, strings.ReplaceAll(s, "SECRET", a.secret))
			}
			duck(t, run...)
			return []string{"query", "--data", p, "--format", "csv", "V | getschema | project ColumnName"}
		}
	}
	refusedView := func(name, stmt string, why ...string) attack {
		return attack{name: name, setup: hostileDB(stmt), code: ExitError,
			err: append(why, "hunt.duckdb: view V ", "refused (a dataset's views may read only its own tables)")}
	}
	return []attack{
		// .duckdb views that read files: refused from the catalog, before
		// any view is bound (the database is locked down before the
		// attach anyway).
		refusedView("duckdb view read_csv", "CREATE VIEW V AS SELECT * FROM read_csv('SECRET', header=true)", "calls the table function read_csv"),
		refusedView("duckdb view read_text", "CREATE VIEW V AS SELECT content FROM read_text('SECRET')", "calls the table function read_text"),
		refusedView("duckdb view glob", "CREATE VIEW V AS SELECT file FROM glob('/etc/*')", "calls the table function glob"),
		refusedView("duckdb view quoted table function", `CREATE VIEW V AS SELECT * FROM "read_csv_auto"('SECRET')`, "calls the table function read_csv_auto"),
		refusedView("duckdb view file name as table", "CREATE VIEW V AS SELECT * FROM 'SECRET'", "reads \"", "\", which is not a table of the database"),
		refusedView("duckdb view read_csv in a subquery", "CREATE VIEW V AS SELECT Note FROM T WHERE Note IN (SELECT column0 FROM read_csv('SECRET', header=false))", "calls the table function read_csv"),
		refusedView("duckdb view read_csv in a CTE", "CREATE VIEW V AS WITH s AS (SELECT * FROM read_csv('SECRET')) SELECT * FROM s", "calls the table function read_csv"),
		refusedView("duckdb view reads the temporary directory", "CREATE VIEW V AS SELECT * FROM glob('.tmp/*')", "calls the table function glob"),
		refusedView("duckdb view reads the system catalog", "CREATE VIEW V AS SELECT * FROM duckdb_settings()", "calls the table function duckdb_settings"),
		{
			name:  "duckdb view named to hide its query",
			setup: hostileDB(`CREATE VIEW "x AS SELECT 1 --" AS SELECT * FROM read_csv('SECRET')`),
			code:  ExitError, err: []string{`hunt.duckdb: view "x AS SELECT 1 --" calls the table function read_csv: refused`},
		},
		refusedView("duckdb view with a column list", `CREATE VIEW V(a, "b"")") AS SELECT 1, (SELECT count(*) FROM read_text('SECRET'))`, "calls the table function read_text"),
		refusedView("duckdb view reads another database", "CREATE VIEW V AS SELECT * FROM system.main.duckdb_tables", `reads "system.main.duckdb_tables"`),
		{
			name: "duckdb view over a macro is refused",
			setup: hostileDB("CREATE MACRO leak() AS (SELECT string_agg(content) FROM read_text('SECRET'))",
				"CREATE VIEW V AS SELECT leak() AS x"),
			code: ExitError, err: []string{"view V calls leak, a macro of the database: refused"},
		},
		{
			name:  "duckdb views over the database's own tables load",
			setup: hostileDB("CREATE VIEW V AS WITH x AS (SELECT N + 1 AS M FROM T) SELECT M, upper(Note) AS U FROM x, T"),
			code:  ExitOK, out: []string{"ColumnName\nM\nU\n"},
		},
		{
			name:  "duckdb view named with terminal escapes",
			setup: hostileDB("CREATE VIEW \"V\x1b]0;pwned\x07\x1b[2J\" AS SELECT * FROM glob('/etc/*')"),
			code:  ExitError, err: []string{`calls the table function glob: refused`},
		},
		{
			name:  "duckdb column named $ord",
			setup: hostileDB(`CREATE TABLE Ord AS SELECT 1 AS "$ord"`),
			code:  ExitError, err: []string{`table Ord, column "$ord": names starting with $ are reserved`},
		},

		// --data paths: glob characters are literal, files are those of
		// the directory, regular files only.
		{
			name: "glob characters in --data",
			setup: func(t *testing.T, a *attackEnv) []string {
				for _, d := range []string{"d1", "d2", "d[12]", "d*", "d?"} {
					parquet(t, filepath.Join(a.dir, "g", d, "T.parquet"), map[bool]string{true: "mine", false: secretText}[strings.ContainsAny(d, "[*?")])
				}
				return []string{"query", "--data", filepath.Join(a.dir, "g", "d[12]"), "--format", "csv", "T | summarize n = count(), v = take_any(V)"}
			},
			code: ExitOK, out: []string{"n,v\n1,mine\n"},
		},
		{
			name: "glob star in --data",
			setup: func(t *testing.T, a *attackEnv) []string {
				parquet(t, filepath.Join(a.dir, "g", "d*", "T.parquet"), "mine")
				parquet(t, filepath.Join(a.dir, "g", "dx", "T.parquet"), secretText)
				return []string{"query", "--data", filepath.Join(a.dir, "g", "d*"), "--format", "csv", "T | summarize n = count(), v = take_any(V)"}
			},
			code: ExitOK, out: []string{"n,v\n1,mine\n"},
		},
		{
			name: "symlink out of the data directory",
			setup: func(t *testing.T, a *attackEnv) []string {
				symlink(t, a.secret, filepath.Join(a.dir, "data", "T.csv"))
				return []string{"schema", "--data", filepath.Join(a.dir, "data")}
			},
			code: ExitError, err: []string{filepath.Join("data", "T.csv") + ": is a symbolic link to", "outside the data directory: refused (--follow-symlinks allows it)"},
		},
		{
			name: "Parquet symlink out of the data directory",
			setup: func(t *testing.T, a *attackEnv) []string {
				parquet(t, filepath.Join(a.dir, "elsewhere", "T.parquet"), secretText)
				symlink(t, filepath.Join(a.dir, "elsewhere", "T.parquet"), filepath.Join(a.dir, "data", "T.parquet"))
				return []string{"query", "--data", filepath.Join(a.dir, "data"), "T"}
			},
			code: ExitError, err: []string{"T.parquet: is a symbolic link to", "refused"},
		},
		{
			name: "--follow-symlinks allows a link out, knowingly",
			setup: func(t *testing.T, a *attackEnv) []string {
				out := filepath.Join(a.dir, "shared", "T.csv")
				writeFile(t, out, "Who\nfollowed\n")
				symlink(t, out, filepath.Join(a.dir, "data", "T.csv"))
				return []string{"query", "--follow-symlinks", "--data", filepath.Join(a.dir, "data"), "--format", "csv", "T"}
			},
			code: ExitOK, out: []string{"Who\nfollowed\n"},
		},
		{
			name: "symlink inside the data directory loads",
			setup: func(t *testing.T, a *attackEnv) []string {
				writeFile(t, filepath.Join(a.dir, "data", "raw", "t.txt"), "Who\ninside\n")
				symlink(t, filepath.Join(a.dir, "data", "raw", "t.txt"), filepath.Join(a.dir, "data", "T.csv"))
				return []string{"query", "--data", filepath.Join(a.dir, "data"), "--format", "csv", "T"}
			},
			code: ExitOK, out: []string{"Who\ninside\n"},
		},
		{
			name: "a FIFO is not a data file",
			setup: func(t *testing.T, a *attackEnv) []string {
				if err := os.MkdirAll(filepath.Join(a.dir, "data"), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := syscall.Mkfifo(filepath.Join(a.dir, "data", "T.csv"), 0o600); err != nil {
					t.Skip(err)
				}
				return []string{"schema", "--data", filepath.Join(a.dir, "data")}
			},
			code: ExitError, err: []string{"T.csv: not a regular file", "refused"},
		},

		// The sample cache.
		{
			name: "planted shared cache directory",
			setup: func(t *testing.T, a *attackEnv) []string {
				t.Setenv("XDG_CACHE_HOME", "")
				t.Setenv("HOME", "")
				planted := filepath.Join(a.dir, "tmp", "kqlhunt-"+strconv.Itoa(os.Getuid()))
				writeFile(t, filepath.Join(planted, "planted.txt"), secretText)
				if err := os.Chmod(planted, 0o777); err != nil {
					t.Fatal(err)
				}
				return []string{"query", "--format", "csv", "SecurityIncident | count"}
			},
			code: ExitOK, out: []string{"Count\n19\n"},
			after: func(t *testing.T, a *attackEnv) {
				ents, _ := os.ReadDir(filepath.Join(a.dir, "tmp", "kqlhunt-"+strconv.Itoa(os.Getuid())))
				if len(ents) != 1 {
					t.Errorf("kqlhunt wrote to a cache directory others can write to: %v", ents)
				}
			},
		},
		{
			name: "planted cache directory of another user",
			setup: func(t *testing.T, a *attackEnv) []string {
				if os.Getuid() != 0 {
					t.Skip("needs root to make a directory of another user")
				}
				t.Setenv("XDG_CACHE_HOME", "")
				t.Setenv("HOME", "")
				planted := filepath.Join(a.dir, "tmp", "kqlhunt-0")
				if err := os.Mkdir(planted, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(planted, 65534, 65534); err != nil {
					t.Fatal(err)
				}
				return []string{"query", "--format", "csv", "SecurityIncident | count"}
			},
			code: ExitOK, out: []string{"Count\n19\n"},
			after: func(t *testing.T, a *attackEnv) {
				if ents, _ := os.ReadDir(filepath.Join(a.dir, "tmp", "kqlhunt-0")); len(ents) != 0 {
					t.Errorf("kqlhunt wrote to another user's directory: %v", ents)
				}
			},
		},
		{
			name: "glob characters in the cache directory",
			setup: func(t *testing.T, a *attackEnv) []string {
				t.Setenv("XDG_CACHE_HOME", filepath.Join(a.dir, "c[12]*"))
				parquet(t, filepath.Join(a.dir, "c1x", "kqlhunt", "decoy.parquet"), secretText)
				return []string{"query", "--format", "csv", "SecurityIncident | count"}
			},
			code: ExitOK, out: []string{"Count\n19\n"},
		},
		{
			name: "damaged cache file",
			setup: func(t *testing.T, a *attackEnv) []string {
				e, _, stderr := testEnv("")
				if code := run(context.Background(), []string{"query", "SecurityIncident | count"}, e); code != ExitOK {
					t.Fatalf("building the cache: %d %s", code, stderr)
				}
				files, _ := filepath.Glob(filepath.Join(a.dir, "cache", "kqlhunt", "sample-*", "SecurityIncident.parquet"))
				if len(files) != 1 {
					t.Fatalf("cache files %v", files)
				}
				parquet(t, files[0], secretText) // a valid Parquet file, not the sample's
				return []string{"query", "--format", "csv", "SecurityIncident | summarize n = count(), secret = countif(tostring(pack_all()) has 'TOPSECRET')"}
			},
			code: ExitOK, out: []string{"n,secret\n19,0\n"},
			after: func(t *testing.T, a *attackEnv) {
				dirs, _ := filepath.Glob(filepath.Join(a.dir, "cache", "kqlhunt", "sample-*"))
				for _, d := range append(dirs, filepath.Join(a.dir, "cache", "kqlhunt")) {
					if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
						t.Errorf("cache directory %s: %v %v, want 0700", d, fi.Mode(), err)
					}
				}
			},
		},

		// Internal column names.
		{
			name: "$ord from a query",
			setup: func(*testing.T, *attackEnv) []string {
				return []string{"query", "range i from 1 to 3 step 1 | extend ['$ord'] = -i"}
			},
			code: ExitError, err: []string{`<arg>:1:37: ["$ord"]: names starting with $ are reserved`},
		},
		{
			name:  "$rid as a bare name",
			setup: func(*testing.T, *attackEnv) []string { return []string{"query", "print x = 1 | project $rid = x"} },
			code:  ExitError, err: []string{`<arg>:1:23: ["$rid"]: names starting with $ are reserved`},
		},
		{
			name:  "$ord in a datatable",
			setup: func(*testing.T, *attackEnv) []string { return []string{"query", "datatable(['$ord']:long)[2, 1]"} },
			code:  ExitError, err: []string{`<arg>:1:11: ["$ord"]: names starting with $ are reserved`},
		},
		{
			name: "$ord as union's withsource column",
			setup: func(*testing.T, *attackEnv) []string {
				return []string{"query", "union withsource=$ord (print a=1), (print a=2)"}
			},
			code: ExitError, err: []string{`<arg>:1:18: ["$ord"]: names starting with $ are reserved`},
		},
		{
			name: "$ord as mv-expand's item index",
			setup: func(*testing.T, *attackEnv) []string {
				return []string{"query", "print a = 1 | mv-expand with_itemindex=$ord x = pack_array(2, 1)"}
			},
			code: ExitError, err: []string{`<arg>:1:40: ["$ord"]: names starting with $ are reserved`},
		},
		{
			name: "$ord from bag_unpack",
			setup: func(*testing.T, *attackEnv) []string {
				return []string{"query", `print d = dynamic({"$ord": 5}) | evaluate bag_unpack(d)`}
			},
			code: ExitError, err: []string{`bag_unpack: the key "$ord" would name a column "$ord"`},
		},
		{
			name: "$ord from a CSV file",
			setup: func(t *testing.T, a *attackEnv) []string {
				writeFile(t, filepath.Join(a.dir, "data", "T.csv"), "a,$ord\nx,2\ny,1\n")
				return []string{"query", "--data", filepath.Join(a.dir, "data"), "T"}
			},
			code: ExitError, err: []string{`T.csv:1:2: column "$ord": names starting with $ are reserved`},
		},
		{
			name: "$ord from a JSON file",
			setup: func(t *testing.T, a *attackEnv) []string {
				writeFile(t, filepath.Join(a.dir, "data", "T.jsonl"), `{"a": "x", "$ord": 2}`+"\n")
				return []string{"query", "--data", filepath.Join(a.dir, "data"), "T"}
			},
			code: ExitError, err: []string{`T.jsonl: column "$ord": names starting with $ are reserved`},
		},
		{
			name: "$ord from a --schema file",
			setup: func(t *testing.T, a *attackEnv) []string {
				p := filepath.Join(a.dir, "schema.json")
				writeFile(t, p, `{"tables": {"T": {"columns": [{"name": "a", "type": "string"}, {"name": "$ord", "type": "long"}]}}}`)
				return []string{"check", "--schema", p, "--format", "json", "-"}
			},
			code: ExitError, err: []string{`schema.json: table T, column "$ord": names starting with $ are reserved`},
		},
		{
			name: "$rid from a Parquet file",
			setup: func(t *testing.T, a *attackEnv) []string {
				p := filepath.Join(a.dir, "data", "T.parquet")
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				duck(t, `COPY (SELECT 1 AS "$rid") TO '`+p+`' (FORMAT parquet)`)
				return []string{"query", "--data", filepath.Join(a.dir, "data"), "T"}
			},
			code: ExitError, err: []string{`T.parquet: column "$rid": names starting with $ are reserved`},
		},
	}
}

// duck runs statements on a fresh in-memory DuckDB (one connection).
func duck(t *testing.T, stmts ...string) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// parquet writes a one-row Parquet file with column V = v.
func parquet(t *testing.T, p, v string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "x.parquet") // p may hold glob characters
	duck(t, "COPY (SELECT '"+v+"' AS V) TO '"+tmp+"' (FORMAT parquet)")
	b, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
