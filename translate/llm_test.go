package translate

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

func TestHTTPBackendFromEnv(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	b, err := HTTPBackendFromEnv(getenv, kql.AdvancedHunting())
	if b != nil || err != nil {
		t.Fatalf("unconfigured: %v, %v; want nil, nil (never used unless configured)", b, err)
	}
	env["KQLHUNT_LLM_URL"] = "http://127.0.0.1:1/v1/"
	if _, err := HTTPBackendFromEnv(getenv, kql.AdvancedHunting()); err == nil || !strings.Contains(err.Error(), "KQLHUNT_LLM_MODEL") {
		t.Errorf("URL without a model: err = %v", err)
	}
	env["KQLHUNT_LLM_MODEL"] = "m"
	b, err = HTTPBackendFromEnv(getenv, kql.AdvancedHunting())
	if err != nil || b.URL != "http://127.0.0.1:1/v1" || b.Model != "m" {
		t.Errorf("configured: %+v, %v", b, err)
	}
}

// fakeModel answers every chat completion with reply, and records the
// last request.
func fakeModel(t *testing.T, reply string, last *map[string]any) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" || r.Header.Get("Authorization") != "Bearer k" {
			http.Error(w, "bad request "+r.URL.Path, http.StatusBadRequest)
			return
		}
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, last)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": reply}}},
		})
	}))
}

func TestHTTPBackendChecksTheQuery(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		reply, wantKQL, wantErr string
	}{
		{"```kql\nSecurityIncident | where Severity == \"High\"\n```", "SecurityIncident\n| where Severity == \"High\"", ""},
		{"SecurityIncident | where Severty == \"High\"", "", "does not check"},
		{"here you go: SecurityIncident |", "", "does not parse"},
	} {
		var last map[string]any
		srv := fakeModel(t, c.reply, &last)
		b := &HTTPBackend{URL: srv.URL + "/v1", Model: "m", APIKey: "k", Schema: kql.AdvancedHunting(), Client: srv.Client()}
		tr, err := b.Translate(ctx, &Request{Prompt: "high severity incidents", Context: &Context{KQL: "SecurityIncident | take 1"}})
		srv.Close()
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("reply %q: err = %v, want %q", c.reply, err, c.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("reply %q: %v", c.reply, err)
			continue
		}
		if tr.KQL != c.wantKQL || tr.Query == nil {
			t.Errorf("reply %q: KQL %q, want %q", c.reply, tr.KQL, c.wantKQL)
		}
		msgs, _ := last["messages"].([]any)
		if len(msgs) < 2 || !strings.Contains(msgs[len(msgs)-1].(map[string]any)["content"].(string), "Previous query:\nSecurityIncident | take 1") {
			t.Errorf("the request does not carry the previous query: %v", last["messages"])
		}
	}
}

// Every example of the few-shot bank is our own, parses and checks
// against the schema it is written for, so the model is never shown a
// broken query.
func TestFewShotBankChecks(t *testing.T) {
	bank := FewShotBank()
	if len(bank) < 20 {
		t.Fatalf("the bank has %d examples", len(bank))
	}
	s := kql.AdvancedHunting()
	for _, ex := range bank {
		q, err := kql.Parse(ex.KQL)
		if err != nil {
			t.Errorf("%q: %v", ex.Prompt, err)
			continue
		}
		if _, err := kql.Check(q, s); err != nil {
			t.Errorf("%q: %v\n%s", ex.Prompt, err, ex.KQL)
		}
	}
}

// scriptedModel answers the n-th chat completion with replies[n] (the last
// one again after that), after delay; it records every request.
func scriptedModel(t *testing.T, delay time.Duration, replies []string, got *[][]chatMessage) *httptest.Server {
	t.Helper()
	var n int
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Messages []chatMessage }
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &req)
		mu.Lock()
		*got = append(*got, req.Messages)
		reply := replies[min(n, len(replies)-1)]
		n++
		mu.Unlock()
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"choices": []map[string]any{{"message": map[string]string{"role": "assistant", "content": reply}}},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A query that does not check goes back to the model with the checker's
// diagnostic; the repaired query is used.
func TestHTTPBackendRepairs(t *testing.T) {
	var got [][]chatMessage
	srv := scriptedModel(t, 0, []string{"SecurityIncident | where Severty == \"High\"", "```kql\nSecurityIncident | where Severity == \"High\"\n```"}, &got)
	b := &HTTPBackend{URL: srv.URL, Model: "m", Schema: kql.AdvancedHunting(), Client: NoRedirectClient(), MaxRepairs: 2, Fallback: NewOffline(nil, vocab)}
	tr, err := b.Translate(context.Background(), &Request{Prompt: "high severity incidents", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if tr.KQL != "SecurityIncident\n| where Severity == \"High\"" || !strings.Contains(tr.Explanation, "repaired 1 time") {
		t.Errorf("KQL %q, explanation %q", tr.KQL, tr.Explanation)
	}
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	last := got[1][len(got[1])-1].Content
	if !strings.Contains(last, `unknown column "Severty"`) {
		t.Errorf("the repair request does not carry the diagnostic: %q", last)
	}
	// The first request is grounded: the incident table with its columns,
	// and few-shot examples from the bank.
	sys := got[0][0].Content
	if !strings.Contains(sys, "Table SecurityIncident") || !strings.Contains(sys, "Severity:string") {
		t.Errorf("system prompt lacks the grounded table:\n%s", sys[:min(len(sys), 600)])
	}
	if len(got[0]) < 4 {
		t.Errorf("no few-shot examples in the first request: %d messages", len(got[0]))
	}
}

// After MaxRepairs failed repairs, or when the model does not answer in
// time, the offline translator answers and says so.
func TestHTTPBackendFallsBack(t *testing.T) {
	for _, c := range []struct {
		name    string
		delay   time.Duration
		replies []string
		want    string
	}{
		{"never checks", 0, []string{"SecurityIncident | where Nope == 1"}, "gave no usable query"},
		{"timeout", 3 * time.Second, []string{"SecurityIncident"}, "did not answer within"},
		{"server error", 0, nil, "gave no usable query"},
	} {
		var got [][]chatMessage
		var srv *httptest.Server
		if c.replies == nil {
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "overloaded", http.StatusServiceUnavailable)
			}))
			t.Cleanup(srv.Close)
		} else {
			srv = scriptedModel(t, c.delay, c.replies, &got)
		}
		b := &HTTPBackend{URL: srv.URL, Model: "m", Schema: kql.AdvancedHunting(), Client: NoRedirectClient(), MaxRepairs: 2, Timeout: 300 * time.Millisecond, Fallback: NewOffline(nil, vocab)}
		start := time.Now()
		tr, err := b.Translate(context.Background(), &Request{Prompt: "high severity incidents", Now: now})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if tr.Query == nil || !strings.Contains(tr.Explanation, c.want) {
			t.Errorf("%s: query %v, explanation %q", c.name, tr.Query != nil, tr.Explanation)
		}
		if c.name == "never checks" && len(got) != 3 {
			t.Errorf("%s: %d requests, want 1 + 2 repairs", c.name, len(got))
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("%s: took %s, the timeout is 300ms", c.name, time.Since(start))
		}
	}
}

// A redirect is not followed: it would carry the API key elsewhere.
func TestHTTPBackendNoRedirect(t *testing.T) {
	var leaked bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked = true
		}
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	b := &HTTPBackend{URL: srv.URL, Model: "m", APIKey: "sekrit-key", Schema: kql.AdvancedHunting(), Client: NoRedirectClient()}
	_, err := b.Translate(context.Background(), &Request{Prompt: "high severity incidents", Now: now})
	if err == nil || leaked {
		t.Fatalf("err %v, leaked %v", err, leaked)
	}
	if strings.Contains(err.Error(), "sekrit-key") {
		t.Errorf("the key appears in the error: %v", err)
	}
}
