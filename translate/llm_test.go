package translate

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

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
		if len(msgs) != 2 || !strings.Contains(msgs[1].(map[string]any)["content"].(string), "Previous query:\nSecurityIncident | take 1") {
			t.Errorf("the request does not carry the previous query: %v", last["messages"])
		}
	}
}
