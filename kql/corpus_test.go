package kql

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// astOpts compares trees ignoring spans; NaN literals equal each other.
var astOpts = cmp.Options{
	cmp.FilterPath(func(p cmp.Path) bool {
		sf, ok := p.Last().(cmp.StructField)
		return ok && (sf.Name() == "Sp" || sf.Name() == "Trailing")
	}, cmp.Ignore()),
	cmpopts.EquateNaNs(),
}

// sharedDir finds the shared/ folder beside the repository root by walking
// up from the package directory; "" when absent.
func sharedDir(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		cand := filepath.Join(dir, "shared")
		if fi, err := os.Stat(filepath.Join(cand, "corpus")); err == nil && fi.IsDir() {
			return cand
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

type corpusQuery struct {
	name, src string
}

func loadCorpus(t testing.TB) []corpusQuery {
	shared := sharedDir(t)
	if shared == "" {
		t.Skip("shared/corpus not found")
	}
	files, err := filepath.Glob(filepath.Join(shared, "corpus", "queries", "*", "*.kql"))
	if err != nil || len(files) == 0 {
		t.Skip("no corpus queries")
	}
	qs := make([]corpusQuery, 0, len(files))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(shared, f)
		qs = append(qs, corpusQuery{rel, string(b)})
	}
	return qs
}

// checkRoundTrip asserts that the canonical text of q re-parses to the same
// tree and that formatting is idempotent.
func checkRoundTrip(t *testing.T, name string, q *Query) bool {
	t.Helper()
	out := Format(q)
	q2, err := Parse(out)
	if err != nil {
		t.Errorf("%s: formatted query does not parse: %v\n%s", name, describeErr(out, err), out)
		return false
	}
	if d := cmp.Diff(q, q2, astOpts); d != "" {
		t.Errorf("%s: reparsed tree differs (-orig +reparsed):\n%s\nformatted:\n%s", name, d, out)
		return false
	}
	if out2 := Format(q2); out2 != out {
		t.Errorf("%s: Format is not idempotent:\nfirst:\n%s\nsecond:\n%s", name, out, out2)
		return false
	}
	return true
}

func describeErr(src string, err error) string {
	el, ok := err.(ErrorList)
	if !ok || len(el) == 0 {
		return err.Error()
	}
	e := el[0]
	line, col := LineCol(src, e.Span.Start)
	lines := strings.Split(src, "\n")
	s := ""
	if line-1 < len(lines) {
		s = lines[line-1]
	}
	msg := e.Msg
	if e.Hint != "" {
		msg += " (hint: " + e.Hint + ")"
	}
	return strings.TrimSpace(strings.Join([]string{itoa(line) + ":" + itoa(col) + ": " + msg, s}, "\n\t"))
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// invalidCorpus lists the corpus queries that are not valid KQL as
// published, with the offending fragment. The test asserts they fail, so
// the list cannot go stale.
var invalidCorpus = map[string]string{
	"corpus/queries/alexverboon-hunting/0094-mdi-identifyserviceaccountous.kql":                        "project-rename DistinguishedName (no New = Old)",
	"corpus/queries/alexverboon-mdatp/0034-systemguard.kql":                                            "“DeviceBootAttestationInfo” (typographic quotes)",
	"corpus/queries/alexverboon-mdatp/0042-alert.kql":                                                  "a PowerShell command line pasted after the query",
	"corpus/queries/bert-janp/0143-ttp-t1219-netsupportrat-fin7.kql":                                   `contains "netsupport" ProcessVersionInfoCompanyName (missing "or")`,
	"corpus/queries/jkerai1/0050-identify-mail-items-accessed-by-a-specific-ip-address-cisa.kql":       "'x.x.x.x’ (string closed by a typographic quote)",
	"corpus/queries/m365-defender-hunting-queries/0244-insider-threat-detection-queries.kql":           `datetime("8:00:00 AM") (a time of day is no datetime text form)`,
	"corpus/queries/m365-defender-hunting-queries/0379-episode-3-summarizing-pivoting-and-joining.kql": "a line of dashes between two queries",
	"corpus/queries/reprise99/0054-device-asraudit.kql":                                                "where isAudit = true (= is assignment, comparison is ==)",
	"corpus/queries/reprise99/0055-device-asrlsassaudit.kql":                                           "where isAudit = true (= is assignment, comparison is ==)",
}

func TestCorpusParses(t *testing.T) {
	qs := loadCorpus(t)
	ok, invalid := 0, 0
	for _, q := range qs {
		tree, err := Parse(q.src)
		if why, bad := invalidCorpus[filepath.ToSlash(q.name)]; bad {
			if err == nil {
				t.Errorf("%s: parses, but is listed as invalid KQL (%s)", q.name, why)
			} else {
				invalid++
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %s", q.name, describeErr(q.src, err))
			continue
		}
		if checkRoundTrip(t, q.name, tree) {
			ok++
		}
	}
	t.Logf("%d/%d corpus queries parse and round-trip; %d are invalid KQL as published", ok, len(qs), invalid)
}

func TestConformanceParses(t *testing.T) {
	shared := sharedDir(t)
	if shared == "" {
		t.Skip("shared/ not found")
	}
	f, err := os.Open(filepath.Join(shared, "conformance", "cases.jsonl"))
	if err != nil {
		t.Skip("no conformance cases")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	n, ok := 0, 0
	for sc.Scan() {
		var c struct {
			ID    string          `json:"id"`
			KQL   string          `json:"kql"`
			Error json.RawMessage `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		if len(c.Error) != 0 && string(c.Error) != "null" {
			continue
		}
		n++
		tree, err := Parse(c.KQL)
		if err != nil {
			t.Errorf("%s: %s\n%s", c.ID, describeErr(c.KQL, err), c.KQL)
			continue
		}
		if checkRoundTrip(t, c.ID, tree) {
			ok++
		}
	}
	t.Logf("%d/%d accepted conformance cases parse and round-trip", ok, n)
}
