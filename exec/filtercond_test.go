package exec

import "testing"

func TestFilterCond(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`coalesce(lower("FileName") IN ('a', 'b'), false)`, `lower("FileName") IN ('a', 'b')`},
		{`coalesce(x = 1, false)`, `x = 1`},
		// Two coalesces joined: the first one does not span the whole text.
		{`coalesce(a, false) OR coalesce(b, false)`, `coalesce(a, false) OR coalesce(b, false)`},
		// Parentheses and quotes inside literals and identifiers do not count.
		{`coalesce("a)b" = ')('' , false', false)`, `"a)b" = ')('' , false'`},
		// A coalesce with more than two arguments is kept.
		{`coalesce(a, b, false)`, `coalesce(a, b, false)`},
		{`(NOT coalesce(x IN ('s'), false))`, `(NOT coalesce(x IN ('s'), false))`},
		{`coalesce(x, true)`, `coalesce(x, true)`},
		{`x = 1`, `x = 1`},
	} {
		if got := filterCond(tc.in); got != tc.want {
			t.Errorf("filterCond(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
