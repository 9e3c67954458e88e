package kql

import (
	"errors"
	"strings"
	"testing"
)

// TestStringEscapes: the values of escape sequences in "..." and '...'
// literals. The documented ones (\t \n \\ \' \" \uXXXX, docs-examples'
// string-literal cases, kql-semantics.md §2) and the octal escapes Kusto
// accepts ("\3" in published hunts) as Kusto.Language decodes them: one to
// three octal digits, "\3" = U+0003, "\101" = "A", "\12" = "\n", "\1234"
// = "S4". Kusto refuses the others ("\?", "\/", "\8", "\e").
func TestStringEscapes(t *testing.T) {
	for _, tc := range []struct{ lit, want string }{
		{`"a\tb"`, "a\tb"},
		{`"a\nb"`, "a\nb"},
		{`"a\\b"`, `a\b`},
		{`'it\'s'`, "it's"},
		{`"say \"hi\""`, `say "hi"`},
		{`"\u0041"`, "A"},
		{`"\3"`, "\x03"},
		{`"a\3b"`, "a\x03b"},
		{`"\0"`, "\x00"},
		{`"\101"`, "A"},
		{`"\12"`, "\n"},
		{`"\1234"`, "S4"},
		{`"\777"`, "\u01ff"},
		{`"\x41"`, "A"},
	} {
		q, err := Parse("print s = " + tc.lit)
		if err != nil {
			t.Errorf("%s: %v", tc.lit, err)
			continue
		}
		lit, ok := q.Stmts[0].(*ExprStmt).X.(*PrintOp).Cols[0].X.(*Literal)
		if !ok {
			t.Errorf("%s: not a literal", tc.lit)
			continue
		}
		if lit.Str != tc.want {
			t.Errorf("%s = %q, want %q", tc.lit, lit.Str, tc.want)
		}
		// fmt writes a literal that reads back as the same value
		q2, err := Parse(Format(q))
		if err != nil {
			t.Errorf("%s: fmt output %q does not parse: %v", tc.lit, Format(q), err)
		} else if got := q2.Stmts[0].(*ExprStmt).X.(*PrintOp).Cols[0].X.(*Literal).Str; got != tc.want {
			t.Errorf("%s: after fmt %q, want %q", tc.lit, got, tc.want)
		}
	}
	for _, lit := range []string{`"\?"`, `'\?'`, `"a\/b"`, `"\8"`, `"\e"`} {
		src := "print s = " + lit
		_, err := Parse(src)
		var el ErrorList
		if err == nil {
			t.Errorf("%s: accepted, Kusto refuses it", lit)
			continue
		}
		if !errors.As(err, &el) || len(el) == 0 || !strings.Contains(el[0].Msg, "escape") || el[0].Span.Start != len("print s = ") {
			t.Errorf("%s: error %v, want an escape error at the literal", lit, err)
		}
	}
}
