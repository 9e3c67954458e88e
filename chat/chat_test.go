package chat

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/fixtures"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/translate"
)

// testNow is the clock of hunts/: the sample story ends at it.
var testNow = time.Date(2025, 6, 7, 18, 0, 0, 0, time.UTC)

// openSample opens an engine over the embedded sample dataset.
func openSample(t *testing.T) *exec.Engine {
	t.Helper()
	ctx := context.Background()
	eng, err := exec.Open(ctx, exec.Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	s, err := fixtures.Load(ctx, eng.DB(), "", testNow)
	if err != nil {
		t.Fatal(err)
	}
	eng.SetSchema(s)
	if err := eng.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return eng
}

func newSession(t *testing.T, eng *exec.Engine) *Session {
	t.Helper()
	v, err := LoadVocabulary(context.Background(), eng, false)
	if err != nil {
		t.Fatal(err)
	}
	return &Session{Engine: eng, Backend: translate.NewOffline(eng.Schema(), v), Now: testNow}
}

// sessions makes fresh conversations over one engine and one vocabulary.
func sessions(t *testing.T, eng *exec.Engine) func() *Session {
	backend := newSession(t, eng).Backend
	return func() *Session { return &Session{Engine: eng, Backend: backend, Now: testNow} }
}

// column returns the distinct text values of a result column.
func column(t *testing.T, r *exec.Result, name string) ([]string, bool) {
	t.Helper()
	for i, c := range r.Columns {
		if c.Name != name {
			continue
		}
		var out []string
		for _, row := range r.Rows {
			v := ""
			switch x := row[i].(type) {
			case string:
				v = x
			case int64:
				v = strconv.FormatInt(x, 10)
			default:
				v = fmt.Sprint(x)
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out, true
	}
	return nil, false
}

// promptCase is one turn of translate/testdata/prompts.txt.
type promptCase struct {
	line     int
	prompt   string
	followup bool
	expect   []string
}

func readPrompts(t *testing.T) []*promptCase {
	t.Helper()
	f, err := os.Open("../translate/testdata/prompts.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cases []*promptCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "prompt:"):
			cases = append(cases, &promptCase{line: n, prompt: strings.TrimSpace(strings.TrimPrefix(line, "prompt:"))})
		case strings.HasPrefix(line, "followup:"):
			cases = append(cases, &promptCase{line: n, prompt: strings.TrimSpace(strings.TrimPrefix(line, "followup:")), followup: true})
		case len(cases) > 0:
			cases[len(cases)-1].expect = append(cases[len(cases)-1].expect, line)
		default:
			t.Fatalf("prompts.txt:%d: expectation before any prompt", n)
		}
	}
	return cases
}

// check returns what is wrong with a turn against its expectations.
func check(t *testing.T, turn *Turn, expect []string) []string {
	var bad []string
	for _, e := range expect {
		kind, arg, _ := strings.Cut(e, ":")
		arg = strings.TrimSpace(arg)
		if kind == "clarify" {
			if turn.Clarification == "" {
				bad = append(bad, "want a clarifying question, got a query")
			}
			continue
		}
		if kind == "refuse" {
			if turn.Refusal == "" {
				bad = append(bad, "want a refusal")
			}
			continue
		}
		if turn.Refusal != "" {
			bad = append(bad, "unexpected refusal: "+turn.Refusal)
			return bad
		}
		if turn.Clarification != "" {
			bad = append(bad, "unexpected clarification: "+turn.Clarification)
			return bad
		}
		if turn.Err != nil {
			bad = append(bad, "query error: "+turn.Err.Error())
			return bad
		}
		switch kind {
		case "kql":
			norm := strings.Join(strings.Fields(turn.KQL), " ")
			if !strings.Contains(norm, strings.Join(strings.Fields(arg), " ")) {
				bad = append(bad, fmt.Sprintf("KQL lacks %q", arg))
			}
		case "rows":
			n := len(turn.Result.Rows)
			if more, ok := strings.CutPrefix(arg, ">"); ok {
				want, _ := strconv.Atoi(more)
				if n <= want {
					bad = append(bad, fmt.Sprintf("%d rows, want more than %d", n, want))
				}
			} else if want, _ := strconv.Atoi(arg); n != want {
				bad = append(bad, fmt.Sprintf("%d rows, want %d", n, want))
			}
		case "values", "includes":
			col, list, _ := strings.Cut(arg, "=")
			col = strings.TrimSpace(col)
			var want []string
			for _, v := range strings.Split(list, ", ") {
				want = append(want, strings.TrimSpace(v))
			}
			slices.Sort(want)
			got, ok := column(t, turn.Result, col)
			switch {
			case !ok:
				bad = append(bad, fmt.Sprintf("no column %s", col))
			case kind == "values" && !slices.Equal(got, want):
				bad = append(bad, fmt.Sprintf("%s = %q, want %q", col, got, want))
			case kind == "includes":
				for _, w := range want {
					if !slices.Contains(got, w) {
						bad = append(bad, fmt.Sprintf("%s lacks %q (has %q)", col, w, got))
					}
				}
			}
		default:
			t.Fatalf("unknown expectation %q", e)
		}
	}
	return bad
}

// TestPromptSet measures the share of the realistic prompts translated
// correctly: the answer on the sample dataset has the rows the story
// says. It fails below the floor, so the share cannot silently drop.
func TestPromptSet(t *testing.T) {
	const floor = 0.95
	eng := openSample(t)
	cases := readPrompts(t)

	var s *Session
	fresh := sessions(t, eng)
	passed, scored := 0, 0
	for _, c := range cases {
		if !c.followup || s == nil {
			s = fresh()
		}
		turn, err := s.Ask(context.Background(), c.prompt)
		if len(c.expect) == 0 {
			// A turn that only sets up the follow-ups after it.
			if err != nil || turn.Err != nil || turn.Clarification != "" {
				t.Errorf("prompts.txt:%d: %q: the set-up turn failed: %v %v %s", c.line, c.prompt, err, turn.Err, turn.Clarification)
			}
			continue
		}
		scored++
		if err != nil {
			t.Errorf("prompts.txt:%d: %q: %v", c.line, c.prompt, err)
			continue
		}
		if bad := check(t, turn, c.expect); len(bad) > 0 {
			t.Logf("prompts.txt:%d: %q: %s\n%s", c.line, c.prompt, strings.Join(bad, "; "), turn.KQL)
			continue
		}
		passed++
	}
	if scored < 40 {
		t.Fatalf("%d scored prompts, want at least 40", scored)
	}
	share := float64(passed) / float64(scored)
	t.Logf("prompt set: %d of %d translated correctly (%.0f%%)", passed, scored, 100*share)
	if share < floor {
		t.Errorf("prompt set: %.0f%% correct, below the floor of %.0f%%", 100*share, 100*floor)
	}
}

func TestLooksLikeKQL(t *testing.T) {
	s := kql.AdvancedHunting()
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"DeviceProcessEvents | take 5", true},
		{"SecurityIncident", true},
		{"let x = 1; print x", true},
		{"print 1 + 2", true},
		{"union DeviceProcessEvents, DeviceFileEvents | count", true},
		{"show me high severity incidents", false},
		{"find powershell on fs01", false},
		{"search for lsass dumps", false},
		{"print the alerts of incident 1041", false},
		{"devices that ran certutil", false},
	} {
		if got := LooksLikeKQL(c.in, s); got != c.want {
			t.Errorf("LooksLikeKQL(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// A turn that starts with | continues the previous query; a focus set by
// the user stays through a reset and names the device for "that device".
func TestPipeContinuesAndFocus(t *testing.T) {
	s := newSession(t, openSample(t))
	ctx := context.Background()
	if _, err := s.Ask(ctx, "| count"); err != nil {
		t.Fatal(err)
	}
	turn, err := s.Ask(ctx, "SecurityIncident | summarize arg_max(LastModifiedTime, *) by IncidentNumber")
	if err != nil || turn.Err != nil || len(turn.Result.Rows) != 9 {
		t.Fatalf("first turn: %v %v", err, turn.Err)
	}
	turn, err = s.Ask(ctx, "| count")
	if err != nil || turn.Err != nil {
		t.Fatalf("| count: %v %v", err, turn.Err)
	}
	if !turn.IsKQL || !strings.HasSuffix(turn.KQL, "by IncidentNumber\n| count") || fmt.Sprint(turn.Result.Rows) != "[[9]]" {
		t.Errorf("| count ran %q: %v", turn.KQL, turn.Result.Rows)
	}

	s.SetFocus(&translate.Entity{Kind: "device", ID: "fs01.corp.contoso.com"})
	s.Reset()
	if f := s.Focus(); f == nil || f.ID != "fs01.corp.contoso.com" {
		t.Fatalf("focus after Reset: %v", f)
	}
	turn, err = s.Ask(ctx, "logons on that device")
	if err != nil || turn.Err != nil || turn.Result == nil {
		t.Fatalf("logons on that device: %v %v %s", err, turn.Err, turn.Clarification)
	}
	if !strings.Contains(turn.KQL, `DeviceName =~ "fs01.corp.contoso.com"`) || len(turn.Result.Rows) == 0 {
		t.Errorf("logons on that device: %s (%d rows)", turn.KQL, len(turn.Result.Rows))
	}
	s.SetFocus(nil)
	if s.Focus() != nil {
		t.Error("focus not cleared")
	}
}
