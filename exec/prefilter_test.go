package exec

import (
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The substring prefilter of the term operators (termContains) only
// saves work: every query returns the same rows with it as without it, on
// text whose letters fold in RE2 to letters that lower() keeps apart
// (ſ and s, ς and σ, ϑ and θ, µ and μ, K and k), term boundaries, empty
// terms and nulls.
func TestTermPrefilterSameRows(t *testing.T) {
	texts := []string{
		"ſekurlsa::logonpasswords", "SEKURLSA", "mimikatz sekurlsa", "xsekurlsa", "sekurlsax",
		"ΣΟΦΟΣ σοφος", "σοφος", "σοφoς", "ϑεός", "θεός", "µs timer", "μs", "K-band", "KELVIN",
		"İstanbul", "istanbul", "straße", "STRASSE", "ǅemal", "ǆemal", "ﬁle", "file", "a-b c.exe",
		"cmd.exe /c", "CMD.EXE", "", "-enc abc", "x-enc", "über-alles", "ÜBER", "Ångström", "ångström",
	}
	var vals []string
	for i, s := range texts {
		vals = append(vals, "("+itoa(i)+", "+quoteString(s)+")")
	}
	vals = append(vals, "(999, NULL)")
	e := storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{
		"P": {Name: "P", Columns: []kql.Column{{Name: "Id", Type: kql.TLong}, {Name: "S", Type: kql.TString}}},
		"Q": {Name: "Q", Columns: []kql.Column{{Name: "Id", Type: kql.TLong}, {Name: "S", Type: kql.TString}, {Name: "N", Type: kql.TLong}}},
	}},
		`CREATE TABLE "P" ("Id" BIGINT, "S" VARCHAR)`,
		`INSERT INTO "P" VALUES `+strings.Join(vals, ", "),
		`CREATE TABLE "Q" ("Id" BIGINT, "S" VARCHAR, "N" BIGINT)`,
		`INSERT INTO "Q" SELECT "Id", upper("S"), "Id" FROM "P"`,
	)
	terms := []string{"sekurlsa", "SEKURLSA", "ſekurlsa", "σοφος", "ΣΟΦΟΣ", "σοφoς", "θεός", "ϑεός", "μs", "µs", "k", "kelvin", "K",
		"istanbul", "İstanbul", "straße", "strasse", "ǆemal", "file", "ﬁle", "c.exe", "cmd.exe", "-enc", "enc", "über", "ångström", "Ångström", "", "-", "a"}
	var queries []string
	for _, term := range terms {
		q := quoteString(term)
		for _, op := range []string{"has", "!has", "has_cs", "!has_cs", "hasprefix", "!hasprefix", "hassuffix", "hasprefix_cs", "hassuffix_cs"} {
			queries = append(queries, "P | where S "+op+" "+q+" | project Id")
		}
		queries = append(queries,
			"P | where S has_any ("+q+", 'mimikatz', 'σοφος') | project Id",
			"P | where S has_all ("+q+", 's') | project Id",
			"P | where not(S has_any ("+q+", 'cmd.exe')) | project Id",
			"search "+q+" | project $table, Id",
			"search "+quoteString(term+"*")+" | project $table, Id",
			"search "+quoteString("*"+term)+" | project $table, Id",
			"search kind=case_sensitive "+q+" | project $table, Id",
			"Q | search "+q+" | project Id",
		)
	}
	run := func(on bool) []string {
		termPrefilter = on
		defer func() { termPrefilter = true }()
		var out []string
		for _, q := range queries {
			rows := rowsText(query(t, e, q))
			sort.Strings(rows)
			out = append(out, q+" -> "+strings.Join(rows, ","))
		}
		return out
	}
	with, without := run(true), run(false)
	matched := 0
	for i := range with {
		if with[i] != without[i] {
			t.Errorf("with the prefilter:\n  %s\nwithout:\n  %s", with[i], without[i])
		}
		if !strings.HasSuffix(with[i], "-> ") {
			matched++
		}
	}
	if matched < len(with)/3 {
		t.Errorf("only %d of %d queries return rows: the inputs do not exercise the prefilter", matched, len(with))
	}
}

// foldExtras are the letters (?i) matches whose lower case differs from
// the term letter's.
func TestFoldExtras(t *testing.T) {
	for term, want := range map[string]string{
		"Sekurlsa": "ſ",
		"cmd.exe":  "",
		"ſ":        "S,s",
		"ΣΟΦΟΣ":    "ς,ϕ", // and φ beside ϕ
		"kelvin":   "",    // K lowers to k
		"θ":        "ϑ",   // ϴ lowers to θ
	} {
		if got := strings.Join(foldExtras(term), ","); got != want {
			t.Errorf("foldExtras(%q) = %q, want %q", term, got, want)
		}
	}
}
