package remote

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// testToken is shaped like a real access token (a JWT), so the generic
// redaction is exercised too.
const testToken = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2hlbHAua3VzdG8ud2luZG93cy5uZXQifQ.c2lnbmF0dXJlLXRlc3Q"

// request is what a fake service received.
type request struct {
	Method, Path string
	Header       http.Header
	Body         map[string]any
}

// fake is an in-process service: handle answers the n-th request (from 0).
type fake struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []request
	handle func(w http.ResponseWriter, r *http.Request, n int)
}

func newFake(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	t.Helper()
	f := &fake{handle: handle}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var body map[string]any
		_ = json.Unmarshal(b, &body)
		f.mu.Lock()
		n := len(f.reqs)
		f.reqs = append(f.reqs, request{r.Method, r.URL.Path, r.Header.Clone(), body})
		f.mu.Unlock()
		f.handle(w, r, n)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) requests() []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]request(nil), f.reqs...)
}

// fixture reads testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serve answers with status and body as JSON.
func serve(status int, body []byte) func(w http.ResponseWriter, r *http.Request, n int) {
	return func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(body)
	}
}

// sleeps records the back-off waits instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// newEngine returns an engine of kind that talks to f.
func newEngine(t *testing.T, kind Kind, f *fake, mod ...func(*Config)) (*Engine, *sleeps) {
	t.Helper()
	sl := &sleeps{}
	cfg := Config{Kind: kind, Token: StaticToken(testToken), Sleep: sl.sleep}
	switch kind {
	case ADX:
		cfg.Cluster, cfg.Database = f.srv.URL, "Security"
	case LogAnalytics:
		cfg.Endpoint, cfg.Workspace = f.srv.URL, "b7b1c1a0-0000-4000-8000-00000000cafe"
	case Defender:
		cfg.Endpoint = f.srv.URL
	}
	for _, m := range mod {
		m(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e, sl
}

// allTypesFixture is each service's answer to testdata/alltypes.kql.
var allTypesFixture = map[Kind]string{
	ADX:          "adx_v2_alltypes.json",
	LogAnalytics: "loganalytics_alltypes.json",
	Defender:     "defender_alltypes.json",
}
