package chat

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/translate"
)

// Session is one conversation over an engine.
type Session struct {
	Engine  Engine
	Backend translate.Backend
	// Now is the clock prompts are relative to (the engine's now()).
	Now time.Time

	state translate.Context
	// pinned is the focus the user set; it outlives Reset.
	pinned *translate.Entity
}

// Engine runs the queries of a conversation: the embedded DuckDB engine
// or a remote Kusto service.
type Engine interface {
	Query(ctx context.Context, src string) (*exec.Result, error)
	Schema() *kql.Schema
}

// Turn is one exchange: the input, and either a query with its result, a
// query error, or a clarifying question.
type Turn struct {
	Input string
	// IsKQL is true when the input was run as typed.
	IsKQL         bool
	KQL           string
	Explanation   string
	Clarification string
	// Refusal says why nothing was run: the input asked to change data,
	// or was not about the data.
	Refusal string
	Result  *exec.Result
	// Err is the query's error (a kql.ErrorList when positioned); the
	// conversation goes on.
	Err error
}

// Context returns the conversation state a follow-up refers to.
func (s *Session) Context() translate.Context { return s.state }

// Reset forgets the conversation; a focus the user set (SetFocus) stays.
func (s *Session) Reset() { s.state = translate.Context{Focus: s.pinned} }

// SetContext puts back a context returned by Context (to answer a turn
// again, or to resume a conversation).
func (s *Session) SetContext(c translate.Context) { s.state = c }

// Focus is the incident, alert, device or user in focus, or nil.
func (s *Session) Focus() *translate.Entity { return s.state.Focus }

// SetFocus puts e in focus (nil clears it): "this incident", "that
// device", "these users" refer to it, until the user sets another.
func (s *Session) SetFocus(e *translate.Entity) { s.pinned, s.state.Focus = e, e }

// Rebuild runs q again and makes it, with its result, the context the
// next follow-up refers to (the focus stays). It is how a saved
// conversation is resumed.
func (s *Session) Rebuild(ctx context.Context, q string) (*exec.Result, error) {
	res, err := s.Engine.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	s.state = translate.Context{KQL: q, Result: table(res), Focus: s.state.Focus}
	return res, nil
}

// Ask runs one turn. The error is for failures of the session itself
// (the backend failed, the context was cancelled); a query error is in
// Turn.Err.
func (s *Session) Ask(ctx context.Context, input string) (*Turn, error) {
	input = strings.TrimSpace(input)
	t := &Turn{Input: input}
	q := input
	// "| where ..." continues the previous query (also the lines of a
	// query pasted into a terminal that sends them one by one).
	if strings.HasPrefix(input, "|") && s.state.KQL != "" {
		q = strings.TrimRight(s.state.KQL, "\n ;") + "\n" + input
	}
	if q != input || LooksLikeKQL(input, s.Engine.Schema()) {
		t.IsKQL, t.KQL = true, q
		input = q
		res, err := s.Engine.Query(ctx, input)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			t.Err = err
			return t, nil
		}
		t.Result = res
		s.state = translate.Context{KQL: input, Result: table(res), Focus: s.state.Focus}
		return t, nil
	}
	c := s.state
	tr, err := s.Backend.Translate(ctx, &translate.Request{Prompt: ResolveFocus(input, c.Focus), Now: s.Now, Context: &c})
	if err != nil {
		return nil, err
	}
	t.Explanation = tr.Explanation
	if tr.Reset {
		s.Reset()
	}
	if tr.Refusal != "" {
		t.Refusal = tr.Refusal
		return t, nil
	}
	if tr.Clarification != "" {
		t.Clarification = tr.Clarification
		s.state.Plan, s.state.Focus = tr.Plan, tr.Focus
		return t, nil
	}
	t.KQL = tr.KQL
	res, err := s.Engine.Query(ctx, tr.KQL)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		t.Err = err
		return t, nil
	}
	t.Result = res
	focus := tr.Focus
	if focus == nil {
		focus = s.pinned
	}
	s.state = translate.Context{Plan: tr.Plan, KQL: tr.KQL, Result: table(res), Focus: focus}
	return t, nil
}

func table(r *exec.Result) *translate.Table {
	return &translate.Table{Columns: r.Columns, Rows: r.Rows}
}

var (
	reFirstWord = regexp.MustCompile(`^\s*([A-Za-z_][A-Za-z0-9_-]*)`)
	kqlStarts   = map[string]bool{"let": true, "print": true, "range": true, "datatable": true, "union": true, "search": true, "find": true, "evaluate": true, "set": true, "declare": true, "externaldata": true}
)

// LooksLikeKQL reports whether input is a KQL query rather than English:
// it starts with a table of the schema (case-sensitive, as KQL is), or
// with a statement keyword and parses and checks.
func LooksLikeKQL(input string, s *kql.Schema) bool {
	m := reFirstWord.FindStringSubmatch(input)
	if m == nil {
		return strings.HasPrefix(strings.TrimSpace(input), "(")
	}
	if _, ok := s.Table(m[1]); ok {
		return true
	}
	if !kqlStarts[m[1]] {
		return false
	}
	q, err := kql.Parse(input)
	if err != nil {
		return false
	}
	_, err = kql.Check(q, s)
	var list kql.ErrorList
	return err == nil || !errors.As(err, &list)
}
