package translate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// HTTPBackend asks an OpenAI-compatible chat-completions endpoint to
// write the KQL. It is used only when configured (HTTPBackendFromEnv);
// the query it returns is parsed and checked against the schema, and a
// query that does not check is an error, never run.
type HTTPBackend struct {
	URL    string // base URL; /chat/completions is appended
	Model  string
	APIKey string
	Schema *kql.Schema
	Client *http.Client
}

// HTTPBackendFromEnv returns the backend configured by KQLHUNT_LLM_URL,
// KQLHUNT_LLM_MODEL and KQLHUNT_LLM_API_KEY, or nil when KQLHUNT_LLM_URL
// is unset.
func HTTPBackendFromEnv(getenv func(string) string, schema *kql.Schema) (*HTTPBackend, error) {
	url := strings.TrimSpace(getenv("KQLHUNT_LLM_URL"))
	if url == "" {
		return nil, nil
	}
	model := strings.TrimSpace(getenv("KQLHUNT_LLM_MODEL"))
	if model == "" {
		return nil, fmt.Errorf("KQLHUNT_LLM_URL is set but KQLHUNT_LLM_MODEL is not: name the model to use")
	}
	return &HTTPBackend{
		URL: strings.TrimRight(url, "/"), Model: model, APIKey: getenv("KQLHUNT_LLM_API_KEY"),
		Schema: schema, Client: &http.Client{Timeout: 60 * time.Second},
	}, nil
}

var reFence = lazyRegexp("(?s)```(?:kql|kusto)?\\s*(.*?)```")

// Translate implements Backend.
func (h *HTTPBackend) Translate(ctx context.Context, req *Request) (*Translation, error) {
	var sys strings.Builder
	sys.WriteString("You write KQL (Kusto Query Language) for Microsoft Defender XDR advanced hunting. Reply with one KQL query only, no prose. Tables and columns:\n")
	for _, name := range h.Schema.TableNames() {
		t, _ := h.Schema.Table(name)
		var cs []string
		for _, c := range t.Columns {
			cs = append(cs, c.Name+":"+string(c.Type))
		}
		fmt.Fprintf(&sys, "%s(%s)\n", name, strings.Join(cs, ", "))
	}
	user := req.Prompt
	if req.Context != nil && req.Context.KQL != "" {
		user = "Previous query:\n" + req.Context.KQL + "\n\nFollow-up: " + req.Prompt
	}
	body, _ := json.Marshal(map[string]any{
		"model":       h.Model,
		"temperature": 0,
		"messages": []map[string]string{
			{"role": "system", "content": sys.String()},
			{"role": "user", "content": user},
		},
	})
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hr.Header.Set("Content-Type", "application/json")
	if h.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+h.APIKey)
	}
	resp, err := h.Client.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("language model: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("language model: %s: %s", resp.Status, strings.TrimSpace(string(data[:min(len(data), 300)])))
	}
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Choices) == 0 {
		return nil, fmt.Errorf("language model: unexpected response")
	}
	text := out.Choices[0].Message.Content
	if m := reFence.FindStringSubmatch(text); m != nil {
		text = m[1]
	}
	text = strings.TrimSpace(text)
	q, err := kql.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("the language model's query does not parse: %v\n%s", err, text)
	}
	if _, err := kql.Check(q, h.Schema); err != nil {
		return nil, fmt.Errorf("the language model's query does not check against the schema: %v\n%s", err, text)
	}
	return &Translation{
		Query:       q,
		KQL:         kql.Format(q),
		Explanation: fmt.Sprintf("Written by the language model %s for %q; parsed and checked against the schema.", h.Model, req.Prompt),
	}, nil
}
