package cli

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/render"
)

const remoteTestToken = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJrcWxodW50LXRlc3QifQ.c2lnbmF0dXJl"

func remoteFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "remote", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fakeService answers every query with status and body, and counts the
// queries; it answers schema requests (ADX's management endpoint, Log
// Analytics' metadata) with the recorded documents, or 404 when noSchema.
// No request may carry a management command other than the schema's.
func fakeService(t *testing.T, status int, body []byte, noSchema ...bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	adxSchema, laSchema := remoteFixture(t, "adx_v1_show_schema.json"), remoteFixture(t, "loganalytics_metadata.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if bytes.Contains(b, []byte(".drop")) {
			t.Errorf("a management command was sent: %s", b)
		}
		schema := map[string][]byte{"/v1/rest/mgmt": adxSchema, "/v1/workspaces/b7b1c1a0-0000-4000-8000-00000000cafe/metadata": laSchema}[r.URL.Path]
		if schema != nil {
			if len(noSchema) > 0 && noSchema[0] {
				w.WriteHeader(404)
				w.Write([]byte(`{"error":{"code":"PathNotFoundError","message":"no metadata here"}}`))
				return
			}
			w.Write(schema)
			return
		}
		n.Add(1)
		if r.Header.Get("Authorization") != "Bearer "+remoteTestToken {
			w.WriteHeader(401)
			w.Write([]byte(`{"error":{"code":"Unauthorized","message":"no token"}}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// remoteEnv is testEnv with a token in the environment and a schema
// cache of the test's own.
func remoteEnv(t *testing.T, vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	e, stdout, stderr := testEnv("")
	cache := t.TempDir()
	e.getenv = func(k string) string {
		switch k {
		case "KQLHUNT_ACCESS_TOKEN":
			return remoteTestToken
		case "KQLHUNT_SCHEMA_CACHE":
			return cache
		}
		return vars[k]
	}
	return e, stdout, stderr
}

// engineArgs are the flags that point kqlhunt at a fake service.
func engineArgs(kind, url string) []string {
	switch kind {
	case "adx":
		return []string{"--engine", "adx", "--cluster", url, "--database", "Security"}
	case "loganalytics":
		return []string{"--engine", "loganalytics", "--endpoint", url, "--workspace", "b7b1c1a0-0000-4000-8000-00000000cafe"}
	}
	return []string{"--engine", "defender", "--endpoint", url}
}

var remoteFixtures = map[string]string{"adx": "adx_v2_alltypes.json", "loganalytics": "loganalytics_alltypes.json", "defender": "defender_alltypes.json"}

// The same query on the local engine and on each (fake) remote engine
// prints byte-identical output in every format.
func TestQueryRemoteSameOutputAsLocal(t *testing.T) {
	q := strings.TrimSpace(string(remoteFixture(t, "alltypes.kql")))
	dir := t.TempDir()
	for kind, fx := range remoteFixtures {
		srv, _ := fakeService(t, 200, remoteFixture(t, fx))
		for _, format := range render.FormatNames() {
			outputs := map[string][]byte{}
			for _, side := range []string{"local", kind} {
				e, stdout, stderr := remoteEnv(t, nil)
				args := []string{"query", "--format", format}
				file := filepath.Join(dir, side+"."+format)
				if format == "xlsx" {
					args = append(args, "-o", file)
				}
				if side != "local" {
					args = append(args, engineArgs(kind, srv.URL)...)
				}
				if code := run(context.Background(), append(args, q), e); code != ExitOK {
					t.Fatalf("%s %s: exit %d: %s", side, format, code, stderr)
				}
				outputs[side] = stdout.Bytes()
				if format == "xlsx" {
					b, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					outputs[side] = b
				}
			}
			if !bytes.Equal(outputs["local"], outputs[kind]) || len(outputs["local"]) == 0 {
				t.Errorf("%s --format %s differs from local:\nlocal:\n%s\n%s:\n%s", kind, format, outputs["local"], kind, outputs[kind])
			}
		}
	}
}

// A management command is refused, and nothing at all is sent (not even
// the schema request).
func TestQueryRemoteRefusesManagement(t *testing.T) {
	for kind := range remoteFixtures {
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1) }))
		defer srv.Close()
		e, stdout, stderr := remoteEnv(t, nil)
		code := run(context.Background(), append(append([]string{"query"}, engineArgs(kind, srv.URL)...), "// cleanup\n.drop table DeviceEvents"), e)
		if code != ExitError || n.Load() != 0 || stdout.Len() != 0 {
			t.Errorf("%s: exit %d, %d requests, stdout %q", kind, code, n.Load(), stdout)
		}
		if !strings.Contains(stderr.String(), "management commands") || !strings.Contains(stderr.String(), "nothing was sent") {
			t.Errorf("%s: stderr %q", kind, stderr)
		}
	}
}

// The service's error is shown at its position in the query, with its
// code and message.
func TestQueryRemoteErrorPosition(t *testing.T) {
	srv, _ := fakeService(t, 400, remoteFixture(t, "loganalytics_semantic_error.json"), true)
	e, _, stderr := remoteEnv(t, nil)
	code := run(context.Background(), append(append([]string{"query"}, engineArgs("loganalytics", srv.URL)...), "SecurityEvent\n| where Foo > 1"), e)
	if code != ExitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "kqlhunt: <arg>:2:9: loganalytics: SEM0100: 'where' operator: Failed to resolve scalar expression named 'Foo' on line [2,8]\n    | where Foo > 1\n            ^"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	// without the service's schema, only the syntax was checked, as said
	if !strings.Contains(stderr.String(), "warning: reading the schema: loganalytics: HTTP 404: PathNotFoundError: no metadata here: queries are checked for syntax only") {
		t.Errorf("stderr %q", stderr)
	}
}

// A partial result is shown, and its error reported with exit 1.
func TestQueryRemotePartial(t *testing.T) {
	srv, _ := fakeService(t, 200, remoteFixture(t, "adx_v2_partial.json"))
	e, stdout, stderr := remoteEnv(t, nil)
	code := run(context.Background(), append(append([]string{"query", "--format", "csv"}, engineArgs("adx", srv.URL)...), "DeviceLogonEvents | project DeviceName"), e)
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if stdout.String() != "DeviceName\nws-001\nws-002\n" {
		t.Errorf("stdout %q", stdout)
	}
	if !strings.Contains(stderr.String(), "partial result (2 rows returned, more may exist)") || !strings.Contains(stderr.String(), "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Errorf("stderr %q", stderr)
	}
}

// A token the service echoes never reaches the terminal.
func TestQueryRemoteTokenRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		w.Write([]byte(`{"error":{"code":"Forbidden","message":"caller ` + r.Header.Get("Authorization") + ` may not read"}}`))
	}))
	defer srv.Close()
	e, stdout, stderr := remoteEnv(t, nil)
	code := run(context.Background(), append(append([]string{"query"}, engineArgs("defender", srv.URL)...), "DeviceEvents | take 1"), e)
	if code != ExitError {
		t.Fatalf("exit %d", code)
	}
	if strings.Contains(stderr.String()+stdout.String(), remoteTestToken) || !strings.Contains(stderr.String(), "[REDACTED]") {
		t.Errorf("stderr %q", stderr)
	}
}

// --compare runs the query on both engines and says where they differ.
func TestQueryCompare(t *testing.T) {
	q := strings.TrimSpace(string(remoteFixture(t, "alltypes.kql")))
	srv, _ := fakeService(t, 200, remoteFixture(t, "adx_v2_alltypes.json"))
	e, _, stderr := remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"query", "--compare", "--format", "csv"}, engineArgs("adx", srv.URL)...), q), e); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "compare: local and adx return the same 1 rows × 18 columns") {
		t.Errorf("stderr %q", stderr)
	}
	changed := bytes.Replace(remoteFixture(t, "adx_v2_alltypes.json"), []byte(`"text"`), []byte(`"TEXT"`), 1)
	srv2, _ := fakeService(t, 200, changed)
	e, _, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"query", "--compare", "--format", "csv"}, engineArgs("adx", srv2.URL)...), q), e); code != ExitError {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, w := range []string{"rows differ (as multisets)", "only in local (1×): true, 7, -42, 1.5, 2.5, text,", "only in adx (1×): true, 7, -42, 1.5, 2.5, TEXT,"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr %q lacks %q", stderr, w)
		}
	}
	e, _, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), []string{"query", "--compare", "print 1"}, e); code != ExitUsage {
		t.Errorf("--compare without a remote engine: exit %d %s", code, stderr)
	}
}

// A saved profile selects the engine and its settings; flags win.
func TestProfile(t *testing.T) {
	srv, n := fakeService(t, 200, remoteFixture(t, "defender_alltypes.json"))
	path := filepath.Join(t.TempDir(), "profiles.json")
	os.WriteFile(path, []byte(`{"profiles":{"prod":{"engine":"defender","endpoint":"`+srv.URL+`"}}}`), 0o600)
	e, stdout, stderr := remoteEnv(t, map[string]string{"KQLHUNT_PROFILES": path})
	if code := run(context.Background(), []string{"query", "--profile", "prod", "--format", "csv", "DeviceEvents | take 1"}, e); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n.Load() != 1 || !strings.HasPrefix(stdout.String(), "b,i,l,r,m,s,d,t,g,dy,") {
		t.Errorf("%d requests, stdout %q", n.Load(), stdout)
	}
	e, _, stderr = remoteEnv(t, map[string]string{"KQLHUNT_PROFILES": path})
	if code := run(context.Background(), []string{"query", "--profile", "staging", "print 1"}, e); code != ExitUsage || !strings.Contains(stderr.String(), `no profile "staging"`) {
		t.Errorf("exit %d: %s", code, stderr)
	}
	e, _, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), []string{"query", "--engine", "splunk", "print 1"}, e); code != ExitUsage {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// sql shows the local engine's SQL: with a remote engine it says so
	e, _, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), []string{"sql", "--engine", "defender", "x"}, e); code != ExitUsage || !strings.Contains(stderr.String(), "a remote --engine runs the KQL itself") {
		t.Errorf("sql: exit %d: %s", code, stderr)
	}
}

// ask and translate work on a remote engine: the prompt is translated
// against the service's schema (Defender's is the advanced-hunting one)
// and the checked query is sent unchanged; translate sends nothing.
func TestAskRemote(t *testing.T) {
	srv, n := fakeService(t, 200, remoteFixture(t, "defender_alltypes.json"))
	e, stdout, stderr := remoteEnv(t, nil)
	if code := run(context.Background(), append([]string{"translate"}, append(engineArgs("defender", srv.URL), "high severity alerts in the last day")...), e); code != ExitOK {
		t.Fatalf("translate: exit %d: %s", code, stderr)
	}
	if n.Load() != 0 || !strings.Contains(stdout.String(), `Severity == "High"`) {
		t.Errorf("translate: %d requests, stdout %q", n.Load(), stdout)
	}
	e, stdout, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), append([]string{"ask", "--format", "csv"}, append(engineArgs("defender", srv.URL), "high severity alerts in the last day")...), e); code != ExitOK {
		t.Fatalf("ask: exit %d: %s", code, stderr)
	}
	if n.Load() != 1 || !strings.HasPrefix(stdout.String(), "b,i,l,r,m,s,d,t,g,dy,") {
		t.Errorf("ask: %d requests, stdout %q", n.Load(), stdout)
	}
	if !strings.Contains(stderr.String(), `Severity == "High"`) {
		t.Errorf("ask: the query is not shown on standard error: %q", stderr)
	}
	// A chat script's turns run there too.
	script := filepath.Join(t.TempDir(), "s.txt")
	os.WriteFile(script, []byte("high severity alerts in the last day\n"), 0o644)
	e, stdout, stderr = remoteEnv(t, map[string]string{"KQLHUNT_HISTORY": "off"})
	if code := run(context.Background(), append([]string{"chat", "--script", script}, engineArgs("defender", srv.URL)...), e); code != ExitOK {
		t.Fatalf("chat: exit %d: %s", code, stderr)
	}
	if n.Load() != 2 || !strings.Contains(stdout.String(), `Severity == "High"`) {
		t.Errorf("chat: %d requests in all, stdout %q", n.Load(), stdout)
	}
}

// run and schema work on a remote engine too.
func TestRunAndSchemaRemote(t *testing.T) {
	srv, n := fakeService(t, 200, remoteFixture(t, "defender_alltypes.json"))
	dir := t.TempDir()
	f := filepath.Join(dir, "a.kql")
	os.WriteFile(f, []byte("DeviceEvents | take 1\n"), 0o644)
	e, stdout, stderr := remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"run", "--format", "csv"}, engineArgs("defender", srv.URL)...), f), e); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if n.Load() != 1 || !strings.Contains(stdout.String(), "6f3c1b2a-9d4e-4f5a-8b7c-1d2e3f4a5b6c") || !strings.Contains(stderr.String(), "1 of 1 queries succeeded") {
		t.Errorf("stdout %q stderr %q", stdout, stderr)
	}
	e, stdout, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"schema", "--format", "csv"}, engineArgs("defender", srv.URL)...), "DeviceEvents"), e); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout.String(), "ColumnName,ColumnOrdinal,ColumnType\nTimestamp,0,datetime\n") || n.Load() != 1 {
		t.Errorf("schema stdout %q", stdout)
	}
}

// The service's schema is read once, cached per service, used by schema
// and check, and read again with --refresh-schema.
func TestRemoteSchemaCached(t *testing.T) {
	var mgmt atomic.Int32
	doc := remoteFixture(t, "adx_v1_show_schema.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/rest/mgmt" {
			t.Errorf("unexpected request %s", r.URL.Path)
		}
		mgmt.Add(1)
		w.Write(doc)
	}))
	defer srv.Close()
	cache := t.TempDir()
	vars := map[string]string{}
	e, stdout, stderr := testEnv("")
	e.getenv = func(k string) string {
		return map[string]string{"KQLHUNT_ACCESS_TOKEN": remoteTestToken, "KQLHUNT_SCHEMA_CACHE": cache}[k] + vars[k]
	}
	if code := run(context.Background(), append([]string{"schema", "--format", "csv"}, engineArgs("adx", srv.URL)...), e); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := "TableName,Columns,Rows\nDeviceLogonEvents,6,\nHeartbeat,2,\n"; stdout.String() != want {
		t.Errorf("schema: %q, want %q", stdout, want)
	}
	stdout.Reset()
	e.stdin = strings.NewReader("DeviceLogonEvents | where LogonTyp == 'x'")
	stderr.Reset()
	if code := run(context.Background(), append([]string{"check"}, engineArgs("adx", srv.URL)...), e); code != ExitError || !strings.Contains(stderr.String(), `did you mean "LogonType"?`) {
		t.Errorf("check against the remote schema: exit %d: %s", code, stderr)
	}
	if n := mgmt.Load(); n != 1 {
		t.Errorf("%d schema requests, want 1 (then the cache)", n)
	}
	if code := run(context.Background(), append([]string{"schema", "--refresh-schema"}, engineArgs("adx", srv.URL)...), e); code != ExitOK || mgmt.Load() != 2 {
		t.Errorf("--refresh-schema: exit %d, %d requests", code, mgmt.Load())
	}
}

// The same test folder passes on the local engine and on a (fake) remote
// one; with --compare each query runs on both, and a difference fails it.
func TestTestRemoteAndCompare(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "alltypes.kql"), remoteFixture(t, "alltypes.kql"), 0o644)
	e, stdout, stderr := remoteEnv(t, nil)
	if code := run(context.Background(), []string{"test", "--update", dir}, e); code != ExitOK {
		t.Fatalf("update: exit %d: %s %s", code, stdout, stderr)
	}
	srv, n := fakeService(t, 200, remoteFixture(t, "defender_alltypes.json"))
	for _, extra := range [][]string{nil, {"--compare"}} {
		e, stdout, stderr = remoteEnv(t, nil)
		args := append(append(append([]string{"test"}, extra...), engineArgs("defender", srv.URL)...), dir)
		if code := run(context.Background(), args, e); code != ExitOK {
			t.Errorf("%v: exit %d: %s %s", extra, code, stdout, stderr)
		}
	}
	if n.Load() != 2 {
		t.Errorf("%d remote queries, want 2", n.Load())
	}
	changed := bytes.Replace(remoteFixture(t, "defender_alltypes.json"), []byte(`"l": -42`), []byte(`"l": -43`), 1)
	srv2, _ := fakeService(t, 200, changed)
	e, stdout, stderr = remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"test", "--compare"}, engineArgs("defender", srv2.URL)...), dir), e); code != ExitError {
		t.Fatalf("exit %d", code)
	}
	for _, w := range []string{"the local and defender results differ", "only in local (1×): true, 7, -42,", "only in defender (1×): true, 7, -43,"} {
		if !strings.Contains(stdout.String()+stderr.String(), w) {
			t.Errorf("output lacks %q:\n%s\n%s", w, stdout, stderr)
		}
	}
}

// --timeout and Ctrl-C stop a remote query as they stop a local one.
func TestRemoteTimeoutAndInterrupt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // then the server notices the client going away
		<-r.Context().Done()
	}))
	defer srv.Close()
	e, _, stderr := remoteEnv(t, nil)
	if code := run(context.Background(), append(append([]string{"query", "--timeout", "100ms"}, engineArgs("defender", srv.URL)...), "DeviceEvents | take 1"), e); code != ExitError || !strings.Contains(stderr.String(), "query timed out (--timeout)") {
		t.Errorf("timeout: exit %d: %s", code, stderr)
	}
	e, _, stderr = remoteEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if code := run(ctx, append([]string{"query"}, append(engineArgs("defender", srv.URL), "DeviceEvents | take 1")...), e); code != ExitInterrupted {
		t.Errorf("interrupt: exit %d: %s", code, stderr)
	}
}
