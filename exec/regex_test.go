package exec

import (
	"context"
	"strings"
	"testing"
)

// .NET spellings with an RE2 equivalent are rewritten; constructs RE2
// lacks are rejected with their name [D:re2-library].
func TestRewriteRegex(t *testing.T) {
	ok := []struct{ in, want string }{
		{`(?<user>[a-z]+)@`, `(?P<user>[a-z]+)@`},
		{`(?'user'[a-z]+)@`, `(?P<user>[a-z]+)@`},
		{`\u00e9+`, `\x{00e9}+`},
		{`[(?<x>]`, `[(?<x>]`}, // inside a class it is literal text
		{`\\u0041`, `\\u0041`}, // an escaped backslash, then text
		{`(?P<n>a)(?i)b`, `(?P<n>a)(?i)b`},
	}
	for _, c := range ok {
		got, err := rewriteRegex(c.in)
		if err != nil || got != c.want {
			t.Errorf("rewriteRegex(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct{ in, want string }{
		{`(a)\1`, "back-reference"},
		{`(?<n>a)\k<n>`, "back-reference"},
		{`a(?=b)`, "lookahead"},
		{`(?<!a)b`, "lookbehind"},
		{`a(`, "missing closing )"},
	}
	for _, c := range bad {
		if _, err := rewriteRegex(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rewriteRegex(%q): err = %v, want %q", c.in, err, c.want)
		}
	}
}

// Named groups and \u escapes work in every function that takes a regex.
func TestDotNetRegexSpellings(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `print a = extract("(?<user>[a-z]+)@", 1, "bob@x.com"), b = "é" matches regex "\\u00e9", `+
		`c = replace_regex("a-b", "(?<x>-)", "+"), d = extract_all(@"(?<k>\w+)=(?<v>\w+)", "a=1 b=2")`)
	row := r.Rows[0]
	if row[0] != "bob" || row[1] != true || row[2] != "a+b" || string(row[3].(Dynamic)) != `[["a","1"],["b","2"]]` {
		t.Errorf("row = %v", row)
	}
	r = query(t, e, `print s = "user=bob" | parse kind=regex s with @"user=(?<name>\w+)" name:string`)
	if got := r.Rows[0][len(r.Rows[0])-1]; got != "bob" {
		t.Errorf("parse kind=regex with a named group: %v", r.Rows[0])
	}
	_, err := e.Query(context.Background(), `print "aa" matches regex @"(a)\1"`)
	if err == nil || !strings.Contains(err.Error(), "back-reference") {
		t.Errorf("back-reference: err = %v", err)
	}
}

// url_decode of a value read through parse_url's query parameters (a
// subquery in SQL) decodes it: Microsoft's SafeLinks hunts do this.
func TestURLDecodeOfQueryParameter(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `print u = "https://x.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.com%2Fa&data=1" | project d = url_decode(tostring(parse_url(u)["Query Parameters"]["url"]))`)
	if r.Rows[0][0] != "https://evil.com/a" {
		t.Errorf("url_decode = %v, want https://evil.com/a", r.Rows[0][0])
	}
}
