package translate

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// HTTPBackend asks an OpenAI-compatible chat-completions endpoint (which
// covers Azure OpenAI and local servers such as Ollama) to write the KQL,
// in the shape of the NL2KQL pipeline: the catalogue picks the tables,
// columns and values that matter for the prompt; few-shot examples come
// from a bank of our own checked pairs; the model's query is parsed and
// checked, and the diagnostics go back to it for up to MaxRepairs
// repairs. When the model fails, times out or never writes a query that
// checks, the offline translator (Fallback) answers and says so.
//
// It is used only when configured (HTTPBackendFromEnv). A query that does
// not check is never returned.
type HTTPBackend struct {
	URL    string // base URL; /chat/completions is appended
	Model  string
	APIKey string
	Schema *kql.Schema
	Client *http.Client
	// Timeout bounds the whole exchange with the model, repairs included
	// (default 30 s).
	Timeout time.Duration
	// MaxRepairs is how many times a query that does not parse or check
	// is sent back with its diagnostics (default 2; negative: none).
	MaxRepairs int
	// Fallback answers when the model cannot; nil returns the error.
	Fallback *Offline
}

// HTTPBackendFromEnv returns the backend configured by KQLHUNT_LLM_URL,
// KQLHUNT_LLM_MODEL and KQLHUNT_LLM_API_KEY, or nil when KQLHUNT_LLM_URL
// is unset. KQLHUNT_LLM_TIMEOUT (a Go duration) bounds each answer.
func HTTPBackendFromEnv(getenv func(string) string, schema *kql.Schema) (*HTTPBackend, error) {
	url := strings.TrimSpace(getenv("KQLHUNT_LLM_URL"))
	if url == "" {
		return nil, nil
	}
	model := strings.TrimSpace(getenv("KQLHUNT_LLM_MODEL"))
	if model == "" {
		return nil, fmt.Errorf("KQLHUNT_LLM_URL is set but KQLHUNT_LLM_MODEL is not: name the model to use")
	}
	timeout := 30 * time.Second
	if s := strings.TrimSpace(getenv("KQLHUNT_LLM_TIMEOUT")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("KQLHUNT_LLM_TIMEOUT %q: want a duration such as 20s", s)
		}
		timeout = d
	}
	return &HTTPBackend{
		URL: strings.TrimRight(url, "/"), Model: model, APIKey: getenv("KQLHUNT_LLM_API_KEY"),
		Schema: schema, Client: NoRedirectClient(), Timeout: timeout, MaxRepairs: 2,
	}, nil
}

// NoRedirectClient is an HTTP client that does not follow redirects, so
// that an API key is never sent anywhere but where it was configured for.
func NoRedirectClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return errors.New("the model server redirected the request: not followed (it would carry the API key)")
	}}
}

var reFence = lazyRegexp("(?s)```(?:kql|kusto)?\\s*(.*?)```")

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Translate implements Backend.
func (h *HTTPBackend) Translate(ctx context.Context, req *Request) (*Translation, error) {
	if r := refusal(req.Prompt); r != "" {
		return &Translation{Refusal: r}, nil
	}
	timeout := h.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr, timedOut, err := h.ask(ctx, req, timeout)
	if err == nil {
		return tr, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err() // the user stopped it
	}
	if h.Fallback == nil {
		return nil, err
	}
	why := err.Error()
	if timedOut {
		why = fmt.Sprintf("it did not answer within %s", timeout)
	}
	off, oerr := h.Fallback.Translate(ctx, req)
	if oerr != nil {
		return nil, fmt.Errorf("%v; the offline translator: %w", err, oerr)
	}
	note := fmt.Sprintf("The language model %s gave no usable query (%s): the offline translator answered.", h.Model, firstLine(why))
	off.Explanation = strings.TrimSpace(note + " " + off.Explanation)
	return off, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// ask runs the exchange: the question, then repairs, within timeout
// (which starts once the grounded prompt is written).
func (h *HTTPBackend) ask(ctx context.Context, req *Request, timeout time.Duration) (_ *Translation, timedOut bool, _ error) {
	msgs := []chatMessage{{Role: "system", Content: h.systemPrompt(req.Prompt)}}
	for _, ex := range h.examples(req.Prompt, 3) {
		msgs = append(msgs, chatMessage{"user", ex.Prompt}, chatMessage{"assistant", ex.KQL})
	}
	user := req.Prompt
	if req.Context != nil && req.Context.KQL != "" {
		user = "Previous query:\n" + req.Context.KQL + "\n\nFollow-up: " + req.Prompt
	}
	msgs = append(msgs, chatMessage{"user", user})
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	repairs := h.MaxRepairs
	var lastErr error
	for round := 0; round <= max(repairs, 0); round++ {
		text, err := h.complete(ctx, msgs)
		if err != nil {
			return nil, ctx.Err() == context.DeadlineExceeded, err
		}
		q, problem := h.vet(text)
		if problem == nil {
			expl := fmt.Sprintf("Written by the language model %s for %q; parsed and checked against the schema.", h.Model, req.Prompt)
			if round > 0 {
				expl += fmt.Sprintf(" It was repaired %d time(s) after the checker's diagnostics.", round)
			}
			return &Translation{Query: q, KQL: kql.Format(q), Explanation: expl}, false, nil
		}
		lastErr = problem
		msgs = append(msgs, chatMessage{"assistant", text},
			chatMessage{"user", "That query is not valid here: " + problem.Error() + "\nReply with the corrected KQL query only."})
	}
	return nil, false, lastErr
}

// vet parses and checks the model's reply.
func (h *HTTPBackend) vet(text string) (*kql.Query, error) {
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
	return q, nil
}

// complete sends one chat-completions request.
func (h *HTTPBackend) complete(ctx context.Context, msgs []chatMessage) (string, error) {
	body, _ := json.Marshal(map[string]any{"model": h.Model, "temperature": 0, "messages": msgs})
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	hr.Header.Set("Content-Type", "application/json")
	if h.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+h.APIKey)
	}
	client := h.Client
	if client == nil {
		client = NoRedirectClient()
	}
	resp, err := client.Do(hr)
	if err != nil {
		return "", fmt.Errorf("language model: %s", redact(err.Error(), h.APIKey))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return "", fmt.Errorf("language model: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("language model: %s: %s", resp.Status, redact(strings.TrimSpace(string(data[:min(len(data), 300)])), h.APIKey))
	}
	var out struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(data, &out); err != nil || len(out.Choices) == 0 {
		return "", fmt.Errorf("language model: unexpected response")
	}
	return out.Choices[0].Message.Content, nil
}

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[redacted]")
}

// systemPrompt grounds the model in the catalogue: the tables the prompt
// most likely means, their columns with types and descriptions, and the
// known values of the columns the prompt names.
func (h *HTTPBackend) systemPrompt(prompt string) string {
	var b strings.Builder
	b.WriteString("You write KQL (Kusto Query Language) for Microsoft Defender XDR advanced hunting and Microsoft Sentinel. " +
		"Reply with one KQL query only, no prose. Use only these tables and columns; string comparisons are case-sensitive with == and case-insensitive with =~.\n")
	cat := NewCatalog(h.Schema, nil)
	if h.Fallback != nil {
		cat = h.Fallback.catalog()
	}
	tables := cat.Tables
	var mentioned map[*CatColumn]bool
	if g, err := newGPrompt(prompt, time.Now()); err == nil {
		ranked := cat.rank(g)
		tables = nil
		mentioned = map[*CatColumn]bool{}
		for i, c := range ranked {
			if i >= 4 || i > 0 && c.score < 0.3*ranked[0].score {
				break
			}
			tables = append(tables, c.t)
			for _, m := range g.mentions(c.t) {
				mentioned[m.col] = true
			}
		}
		if len(tables) == 0 {
			tables = cat.Tables
		}
	}
	for _, t := range tables {
		fmt.Fprintf(&b, "\nTable %s", t.Name)
		if t.Desc != "" {
			fmt.Fprintf(&b, ": %s", firstLine(t.Desc))
		}
		b.WriteString("\n")
		for _, c := range t.Columns {
			if strings.HasPrefix(c.Name, "_") {
				continue
			}
			fmt.Fprintf(&b, "  %s:%s", c.Name, c.Type)
			if mentioned[c] && c.Desc != "" {
				fmt.Fprintf(&b, " — %s", firstLine(c.Desc))
			}
			if mentioned[c] && len(c.Values) > 0 {
				fmt.Fprintf(&b, " (values: %s)", strings.Join(c.Values[:min(len(c.Values), 12)], ", "))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// Example is one checked prompt and query of the few-shot bank.
type Example struct {
	Prompt string `json:"prompt"`
	KQL    string `json:"kql"`
}

//go:embed fewshot.json
var fewshotJSON []byte

// FewShotBank returns the committed bank of example pairs.
func FewShotBank() []Example {
	var out []Example
	if err := json.Unmarshal(fewshotJSON, &out); err != nil {
		panic("translate: fewshot.json: " + err.Error())
	}
	return out
}

// examples picks the n examples of the bank that share the most words
// with the prompt and whose tables the schema has.
func (h *HTTPBackend) examples(prompt string, n int) []Example {
	words := map[string]bool{}
	for _, w := range contentWords(prompt) {
		words[w] = true
	}
	type scored struct {
		ex    Example
		score int
	}
	var ss []scored
	for _, ex := range FewShotBank() {
		q, err := kql.Parse(ex.KQL)
		if err != nil {
			continue
		}
		if _, err := kql.Check(q, h.Schema); err != nil {
			continue // a table or column this schema lacks
		}
		s := 0
		for _, w := range contentWords(ex.Prompt) {
			if words[w] {
				s++
			}
		}
		if s > 0 {
			ss = append(ss, scored{ex, s})
		}
	}
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].score > ss[j].score })
	var out []Example
	for _, s := range ss[:min(n, len(ss))] {
		out = append(out, s.ex)
	}
	return slices.Clip(out)
}
