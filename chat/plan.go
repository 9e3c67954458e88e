package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// A Plan is a multi-step answer (investigate, summarise, analyse): named
// steps, each a KQL query checked against the engine's schema before it
// runs, approved by the user, ending in written findings computed from
// the rows.
type Plan struct {
	// Skill names what the plan does ("incident summary").
	Skill string
	// Subject is what it is about ("incident 1041").
	Subject string
	Steps   []*Step
	// Findings are written by Run, from the rows of the steps.
	Findings []Section

	findings func(p *Plan) []Section
}

// A Step is one query of a plan. A step whose tables are not in the
// dataset is skipped: Skipped says why, and it has no query.
type Step struct {
	Name    string
	KQL     string
	Skipped string

	Result *exec.Result
	Err    error
	Took   time.Duration
}

// A Section of the findings: a short title and its bullets.
type Section struct {
	Title   string
	Bullets []string
}

// Progress is reported before (Done false) and after (Done true) each
// step of a running plan.
type Progress struct {
	Index, Total int // Index counts from 1
	Step         *Step
	Done         bool
}

// Check parses and checks every step's query against the schema.
func (p *Plan) Check(s *kql.Schema) error {
	for i, st := range p.Steps {
		if st.Skipped != "" {
			continue
		}
		q, err := kql.Parse(st.KQL)
		if err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, st.Name, err)
		}
		if _, err := kql.Check(q, s); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, st.Name, err)
		}
	}
	return nil
}

// Run checks and runs the steps in order, reporting progress, and writes
// the findings. A step that fails is recorded (Step.Err) and the plan
// goes on; the error is for the plan itself (a check failed, the context
// was cancelled).
func (p *Plan) Run(ctx context.Context, eng Engine, progress func(Progress)) error {
	if err := p.Check(eng.Schema()); err != nil {
		return err
	}
	for i, st := range p.Steps {
		pr := Progress{Index: i + 1, Total: len(p.Steps), Step: st}
		if progress != nil {
			progress(pr)
		}
		if st.Skipped == "" {
			start := time.Now()
			st.Result, st.Err = eng.Query(ctx, st.KQL)
			st.Took = time.Since(start)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		pr.Done = true
		if progress != nil {
			progress(pr)
		}
	}
	p.Findings = nil
	if p.findings != nil {
		p.Findings = p.findings(p)
	}
	var unknown []string
	for _, st := range p.Steps {
		switch {
		case st.Skipped != "":
			unknown = append(unknown, fmt.Sprintf("%s: skipped (%s).", st.Name, st.Skipped))
		case st.Err != nil:
			unknown = append(unknown, fmt.Sprintf("%s: the query failed (%v).", st.Name, st.Err))
		}
	}
	if len(unknown) > 0 {
		p.addUnknown(unknown...)
	}
	return nil
}

// addUnknown appends bullets to the "Still unknown" section.
func (p *Plan) addUnknown(b ...string) {
	for i := range p.Findings {
		if p.Findings[i].Title == titleUnknown {
			p.Findings[i].Bullets = append(p.Findings[i].Bullets, b...)
			return
		}
	}
	p.Findings = append(p.Findings, Section{Title: titleUnknown, Bullets: b})
}

const titleUnknown = "Still unknown"

// Text is the numbered plan, as proposed for approval.
func (p *Plan) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s of %s (%d steps)\n", p.Skill, p.Subject, len(p.Steps))
	for i, st := range p.Steps {
		fmt.Fprintf(&b, "  %d. %s", i+1, st.Name)
		if st.Skipped != "" {
			fmt.Fprintf(&b, " (skipped: %s)", st.Skipped)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// FindingsText is the findings as sections of bullets.
func (p *Plan) FindingsText() string {
	var b strings.Builder
	for i, s := range p.Findings {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.Title + "\n")
		for _, x := range s.Bullets {
			b.WriteString("  - " + x + "\n")
		}
	}
	return b.String()
}

// step returns the result of the step named name, or nil.
func (p *Plan) step(name string) *exec.Result {
	for _, st := range p.Steps {
		if st.Name == name && st.Err == nil {
			return st.Result
		}
	}
	return nil
}

// rows gives access to a result's values by column name.
type rows struct{ r *exec.Result }

func (t rows) n() int {
	if t.r == nil {
		return 0
	}
	return len(t.r.Rows)
}

func (t rows) col(name string) int {
	if t.r == nil {
		return -1
	}
	for i, c := range t.r.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// str is the value of column name in row i as text ("" when null or
// missing).
func (t rows) str(i int, name string) string {
	c := t.col(name)
	if c < 0 || i >= t.n() {
		return ""
	}
	return valueText(t.r.Rows[i][c])
}

func (t rows) time(i int, name string) (time.Time, bool) {
	c := t.col(name)
	if c < 0 || i >= t.n() {
		return time.Time{}, false
	}
	v, ok := t.r.Rows[i][c].(time.Time)
	return v, ok && !v.IsZero()
}

func (t rows) num(i int, name string) int64 {
	n, _ := strconv.ParseInt(t.str(i, name), 10, 64)
	return n
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.UTC().Format("2006-01-02 15:04:05Z")
	case exec.Dynamic:
		s := string(x)
		if s == "null" {
			return ""
		}
		var str string
		if json.Unmarshal(x, &str) == nil {
			return str
		}
		return s
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

// distinct is the non-empty values of a column, by how often they occur
// (then by name).
func (t rows) distinct(name string) []string {
	count := map[string]int{}
	var order []string
	for i := 0; i < t.n(); i++ {
		v := strings.TrimSpace(t.str(i, name))
		if v == "" {
			continue
		}
		if count[v] == 0 {
			order = append(order, v)
		}
		count[v]++
	}
	sort.SliceStable(order, func(a, b int) bool {
		if count[order[a]] != count[order[b]] {
			return count[order[a]] > count[order[b]]
		}
		return order[a] < order[b]
	})
	return order
}

// span is the first and last time of a column.
func (t rows) span(name string) (first, last time.Time, ok bool) {
	for i := 0; i < t.n(); i++ {
		v, has := t.time(i, name)
		if !has {
			continue
		}
		if !ok || v.Before(first) {
			first = v
		}
		if !ok || v.After(last) {
			last = v
		}
		ok = true
	}
	return first, last, ok
}

// listOf joins up to max values, saying how many more there are.
func listOf(vals []string, max int) string {
	if len(vals) <= max {
		return strings.Join(vals, ", ")
	}
	return strings.Join(vals[:max], ", ") + fmt.Sprintf(" and %d more", len(vals)-max)
}

// techniques reads the MITRE techniques of a column that holds a JSON
// array of "Name (T1234)" (AttackTechniques) or of bare IDs.
func (t rows) techniques(name string) []string {
	seen := map[string]bool{}
	var out []string
	for i := 0; i < t.n(); i++ {
		s := t.str(i, name)
		var list []string
		if json.Unmarshal([]byte(s), &list) != nil {
			list = strings.Split(s, ",")
		}
		for _, x := range list {
			x = strings.TrimSpace(x)
			if x != "" && !seen[x] {
				seen[x] = true
				out = append(out, x)
			}
		}
	}
	return out
}

// plural is "1 alert", "2 alerts".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func span(first, last time.Time) string {
	f, l := first.UTC().Format("2006-01-02 15:04Z"), last.UTC().Format("2006-01-02 15:04Z")
	if f == l {
		return f
	}
	return fmt.Sprintf("%s to %s (%s)", f, l, last.Sub(first).Round(time.Minute))
}

// quote is s as a KQL string literal.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// ErrNoPlan is returned by NewPlan for a skill it does not know.
var ErrNoPlan = errors.New("no plan for this request")
