package exec

import (
	"sort"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// search tests a row's columns as one text (termMatch); the rows it
// returns must be those of the test column by column: a term never
// matches across two columns, a column's start and end bound terms, nulls
// match nothing, and case folding is that of has.
func TestSearchOneTextPerRowAgrees(t *testing.T) {
	e := storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{
		"S": {Name: "S", Columns: []kql.Column{
			{Name: "Id", Type: kql.TLong},
			{Name: "A", Type: kql.TString},
			{Name: "B", Type: kql.TString},
			{Name: "N", Type: kql.TLong},
			{Name: "D", Type: kql.TDynamic},
		}},
	}},
		`CREATE TABLE "S" ("Id" BIGINT, "A" VARCHAR, "B" VARCHAR, "N" BIGINT, "D" JSON)`,
		`INSERT INTO "S" VALUES
			(1, 'ma', 'ria', NULL, NULL),
			(2, 'xmaria', 'mariax', 7, '{"k":"maria"}'),
			(3, 'MARIA', NULL, NULL, NULL),
			(4, NULL, 'über-Maria', 42, NULL),
			(5, '', '', 420, '[1,2]'),
			(6, 'ma ria', 'x', NULL, NULL),
			(7, 'ſtop', 'KELVIN', NULL, NULL),
			(8, 'Кириллица', 'ok', 4200, NULL),
			(9, 'a' || chr(30) || 'b', 'c', NULL, NULL),
			(10, 'tail ma', 'ria head', NULL, NULL)`,
	)
	terms := []string{"maria", "ma ria", "ma", "ria", "42", "MARIA", "stop", "kelvin", "кириллица", "ria head", "a b", "k", "1,2", "maria*", "*aria", "*ari*", "über", "-", ""}
	for _, term := range terms {
		for _, kind := range []string{"", "kind=case_sensitive "} {
			op, tt := "has", term
			switch {
			case strings.HasPrefix(term, "*") && strings.HasSuffix(term, "*") && len(term) > 1:
				op, tt = "contains", term[1:len(term)-1]
			case strings.HasSuffix(term, "*"):
				op, tt = "hasprefix", term[:len(term)-1]
			case strings.HasPrefix(term, "*"):
				op, tt = "hassuffix", term[1:]
			}
			if kind != "" {
				op += "_cs"
			}
			q := "S | search " + kind + quoteString(term) + " | project Id"
			var ors []string
			for _, c := range []string{"Id", "A", "B", "N", "D"} {
				ors = append(ors, c+" "+op+" "+quoteString(tt))
			}
			ref := "S | where " + strings.Join(ors, " or ") + " | project Id"
			got, want := rowsText(query(t, e, q)), rowsText(query(t, e, ref))
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("%s: ids %v, column by column %v", q, got, want)
			}
		}
	}
	// the separator itself: a term holding it is tested column by column
	r := query(t, e, `S | search "a`+"\x1e"+`b" | project Id`)
	if got := rowsText(r); strings.Join(got, ",") != "9" {
		t.Errorf("search of a term holding U+001E: ids %v, want 9", got)
	}
}

// search over several tables tests the term's pattern after the union
// (searchTerm); each table's rows must be those search finds in it alone.
func TestSearchTermOverTablesAgrees(t *testing.T) {
	e := eventsTablesEngine(t)
	for _, term := range []string{"Text3", "text3", "Some", "some*", "*Text4", "Other Text", "Error", "acbd207d", "v1.0", "1.0.1", "Event", "Event*", "*", "ext", "-"} {
		for _, kind := range []string{"", "kind=case_sensitive "} {
			got := rowsText(query(t, e, "search "+kind+quoteString(term)+" | project $table, EventText"))
			var want []string
			for _, tbl := range []string{"EventsTable1", "EventsTable2"} {
				for _, row := range rowsText(query(t, e, tbl+" | search "+kind+quoteString(term)+" | project $table, EventText")) {
					want = append(want, strings.Replace(row, "search_arg0", tbl, 1))
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("search %s%q:\ngot  %q\nwant %q", kind, term, got, want)
			}
		}
	}
}
