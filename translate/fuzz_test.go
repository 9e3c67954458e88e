package translate

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// FuzzTranslate: any prompt gives a query that parses and checks, a
// clarifying question, or a refusal, never a panic; follow-ups on it too.
func FuzzTranslate(f *testing.F) {
	if file, err := os.Open("testdata/prompts.txt"); err == nil {
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			line := sc.Text()
			for _, p := range []string{"prompt:", "followup:"} {
				if rest, ok := strings.CutPrefix(line, p); ok {
					f.Add(strings.TrimSpace(rest))
				}
			}
		}
		file.Close()
	}
	f.Add(`"unterminated`)
	f.Add("between june 31 and feb 30")
	f.Add("top 0 rare 99999999999999999999 processes")
	o := NewOffline(nil, vocab)
	schema := kql.AdvancedHunting()
	f.Fuzz(func(t *testing.T, prompt string) {
		if strings.TrimSpace(prompt) == "" || len(strings.TrimSpace(prompt)) > MaxPrompt {
			return
		}
		var c *Context
		for _, p := range []string{prompt, "now count them", "the first one"} {
			tr, err := o.Translate(context.Background(), &Request{Prompt: p, Now: now, Context: c})
			if err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			if tr.Refusal != "" {
				if tr.Query != nil || tr.Clarification != "" {
					t.Fatalf("%q: a refusal with a query or a question", p)
				}
				return
			}
			if tr.Clarification != "" {
				if tr.Query != nil {
					t.Fatalf("%q: a clarification with a query", p)
				}
				return
			}
			q, err := kql.Parse(tr.KQL)
			if err != nil {
				t.Fatalf("%q: the query does not parse: %v\n%s", p, err, tr.KQL)
			}
			if _, err := kql.Check(q, schema); err != nil {
				t.Fatalf("%q: the query does not check: %v\n%s", p, err, tr.KQL)
			}
			c = &Context{Plan: tr.Plan, KQL: tr.KQL, Focus: tr.Focus}
		}
	})
}
