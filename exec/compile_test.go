package exec

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

func compileSrc(t *testing.T, src string) (*Program, error) {
	t.Helper()
	q, err := kql.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return Compile(q, CompileOptions{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)})
}

// TestCompileErrors checks that what the compiler cannot express is a
// positioned error naming the function or operator, never SQL.
func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		src, at, msg string
	}{
		{`print x = read_csv("/etc/passwd")`, `read_csv`, `unknown function "read_csv"`},
		{`print x = glob("*")`, `glob`, `unknown function "glob"`},
		{`datatable(a:long)[1] | extend b = a + 1, c = b * 2`, `b * 2`, `cannot be used in the same extend`},
		{`datatable(a:long)[1] | extend first = a`, `first`, `"first" is a keyword`},
		{`datatable(k:long, t:long)[1, 2] | summarize n = count(), last = max(t) by k`, `last`, `"last" is a keyword`},
		{`datatable(string:long)[1]`, `string`, `"string" is a keyword`},
		{`let first = 1; print x = 1`, `first`, `"first" is a keyword`},
		{`datatable(d:dynamic)[dynamic([1])] | sort by d`, `d`, `cannot sort by a dynamic value`},
		{`datatable(a:long)[1] | extend r = row_number()`, `row_number()`, `needs a serialized row set`},
		{`print x = 1 | evaluate python("x")`, `python("x")`, `plugin "python" is not supported`},
	} {
		_, err := compileSrc(t, tc.src)
		var el kql.ErrorList
		if !errors.As(err, &el) || len(el) == 0 {
			t.Errorf("%s: error %v is not a kql.ErrorList", tc.src, err)
			continue
		}
		e := el[0]
		if !strings.Contains(e.Msg, tc.msg) {
			t.Errorf("%s: message %q does not contain %q", tc.src, e.Msg, tc.msg)
		}
		if got := tc.src[e.Span.Start:e.Span.End]; !strings.HasPrefix(got, tc.at) {
			t.Errorf("%s: error at %q, want %q", tc.src, got, tc.at)
		}
	}
}

// TestCompileQuotes checks that identifiers and strings are quoted by
// doubling, so no user text escapes its literal.
func TestCompileQuotes(t *testing.T) {
	p, err := compileSrc(t, `datatable(['a"b']:string)["x'; DROP TABLE t; --"] | where ['a"b'] == "it's"`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"a""b"`, `'x''; DROP TABLE t; --'`, `'it''s'`} {
		if !strings.Contains(p.SQL, want) {
			t.Errorf("SQL lacks %s:\n%s", want, p.SQL)
		}
	}
}
