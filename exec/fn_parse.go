package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Parsing functions that read a string into a dynamic value:
// parse_command_line, parse_path, parse_csv, base64_decode_toarray, and
// has_any_index. Each is a state machine or a few regular expressions in
// SQL (list_reduce over the characters), so nothing runs outside DuckDB.

// bindSQL evaluates expr once and names it "$name" in body (a one-element
// list_transform: DuckDB has no let). Lambda names start with $ so they
// cannot hide a column.
func bindSQL(expr, name, body string) string {
	return "list_transform([" + expr + "], \"$" + name + "\" -> " + body + ")[1]"
}

func registerParseFuncs(reg func(string, int, int, fnImpl)) {
	reg("parse_command_line", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		kind, ok := a[1].isConstString()
		if !ok {
			return val{}, errAt(call.Args[1], "parse_command_line: the parser type must be a constant string")
		}
		if kind != "windows" {
			return val{}, hintAt(call.Args[1], `the only parser type is "windows"`, "parse_command_line: unknown parser type %q", kind)
		}
		return val{sql: commandLineSQL(c.asString(a[0]).sql), t: kql.TDynamic}, nil
	})
	reg("parse_path", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: parsePathSQL(c.asString(a[0]).sql), t: kql.TDynamic}, nil
	})
	reg("parse_csv", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		return val{sql: parseCSVSQL(c.asString(a[0]).sql), t: kql.TDynamic}, nil
	})
	reg("base64_decode_toarray", 1, 1, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		h := "hex(from_base64(" + s + "))"
		bytes := "list_transform(range(0, length(" + h + ") // 2), i -> CAST(('0x' || substr(" + h + ", 2 * i + 1, 2)) AS BIGINT))"
		return val{sql: "(CASE WHEN regexp_matches(" + s + ", '^[A-Za-z0-9+/]*={0,2}$') AND length(" + s + ") % 4 = 0 THEN to_json(" + bytes + ") END)", t: kql.TDynamic}, nil
	})
	reg("has_any_index", 2, 2, func(c *compiler, ev *env, call *kql.CallExpr, a []val) (val, error) {
		s := c.asString(a[0]).sql
		l := jsonList(dynArg(c, a[1]))
		// each element is matched as a term, like has
		t := "coalesce(" + dynText(`"$e"`) + ", '')"
		match := "(" + t + " = '' OR (contains(lower(" + s + "), lower(" + t + ")) AND regexp_matches(" + s + ", " + dynTermRegex(t, "has", false) + ")))"
		return val{sql: "CAST(coalesce(list_position(list_transform(" + l + ", \"$e\" -> " + match + "), true), 0) - 1 AS BIGINT)", t: kql.TLong}, nil
	})
}

// commandLineSQL splits a Windows command line as CommandLineToArgvW does:
//   - the program name (the first argument) ends at the next quote when it
//     starts with one, else at the first space or tab; it takes no escapes;
//   - other arguments are separated by spaces and tabs outside quotes;
//   - 2n backslashes before a quote are n backslashes and the quote opens
//     or closes a quoted part; 2n+1 backslashes before a quote are n
//     backslashes and a literal quote; backslashes before anything else
//     are literal;
//   - inside a quoted part, two quotes are a literal quote and end the
//     quoted part (three quotes in a row make one literal quote).
//
// The state of the reduction: finished arguments a, the current argument
// cur, whether one is open, the run of quotes q (0 outside, 1 inside, 2
// after a quote that closed the part: the next quote is literal) and the
// pending backslashes bs.
func commandLineSQL(s string) string {
	prog := "(CASE WHEN starts_with(" + s + ", '\"') THEN regexp_extract(" + s + ", '^\"([^\"]*)', 1) ELSE regexp_extract(" + s + ", '^[^ \\t]*') END)"
	progLen := "(CASE WHEN starts_with(" + s + ", '\"') THEN length(regexp_extract(" + s + ", '^\"[^\"]*\"?')) ELSE length(" + prog + ") END)"
	rest := "regexp_replace(substr(" + s + ", " + progLen + " + 1), '^[ \\t]+', '')"
	st := func(a, cur, open, q, bs string) string {
		return "{'a': " + a + ", 'cur': " + cur + ", 'open': " + open + ", 'q': " + q + ", 'bs': " + bs + "}"
	}
	bsl := func(n string) string { return "repeat('\\', " + n + ")" }
	q0 := "(CASE WHEN s.q = 2 THEN 0 ELSE s.q END)"
	step := "(s, c) -> CASE " +
		"WHEN (c.cur = ' ' OR c.cur = chr(9)) AND s.q <> 1 THEN (CASE WHEN s.open THEN " + st("list_append(s.a, s.cur || "+bsl("s.bs")+")", "''", "false", "0", "0") + " ELSE s END) " +
		"WHEN c.cur = '\\' THEN " + st("s.a", "s.cur", "true", q0, "s.bs + 1") + " " +
		"WHEN c.cur = '\"' AND s.bs % 2 = 0 THEN " + st("s.a", "s.cur || "+bsl("s.bs // 2")+" || (CASE WHEN s.q = 2 THEN '\"' ELSE '' END)", "true", "(CASE WHEN s.q = 2 THEN 0 ELSE s.q + 1 END)", "0") + " " +
		"WHEN c.cur = '\"' THEN " + st("s.a", "s.cur || "+bsl("s.bs // 2")+" || '\"'", "true", "s.q", "0") + " " +
		"ELSE " + st("s.a", "s.cur || "+bsl("s.bs")+" || c.cur", "true", q0, "0") + " END"
	init := st("CAST([] AS VARCHAR[])", "''", "false", "0", "0")
	// list_reduce wants the elements to have the state's type: each
	// character rides in the cur field of a state
	chars := "list_transform(string_split(" + rest + ", ''), ch -> " + st("CAST([] AS VARCHAR[])", "ch", "false", "0", "0") + ")"
	red := "list_reduce(" + chars + ", " + step + ", " + init + ")"
	args := `(CASE WHEN "$r".open THEN list_append("$r".a, "$r".cur || repeat('\', "$r".bs)) ELSE "$r".a END)`
	// without a backslash before a quote and without two quotes in a row,
	// an argument is a run of characters and quoted parts whose quotes
	// are dropped: one regular expression does it, far faster than the
	// character by character reduction
	fast := "list_transform(regexp_extract_all(" + rest + `, '(?:[^ \t"]+|"[^"]*(?:"|$))+'), "$t" -> replace("$t", '"', ''))`
	simple := "NOT regexp_matches(" + rest + `, '\\"|""')`
	return "(CASE WHEN " + s + " = '' THEN CAST('[]' AS JSON) WHEN " + simple + " THEN to_json(list_prepend(" + prog + ", " + fast + ")) ELSE to_json(list_prepend(" + prog + ", " + bindSQL(red, "r", args) + ")) END)"
}

// parsePathSQL splits a file path into the bag parse_path returns: Scheme
// (before "://"), RootPath (a drive such as "C:\"), DirectoryPath (all
// before the last separator), DirectoryName (its last part), Filename,
// Extension (after the last dot, without it) and AlternateDataStreamName
// (after a colon in the file name).
func parsePathSQL(s string) string {
	scheme := "regexp_extract(" + s + ", '^([A-Za-z][A-Za-z0-9+.-]+)://', 1)"
	p := "(CASE WHEN " + scheme + " = '' THEN " + s + " ELSE substr(" + s + ", length(" + scheme + ") + 4) END)"
	root := "regexp_extract(" + p + ", '^[A-Za-z]:[\\\\/]')"
	dir := "regexp_extract(" + p + ", '^(.*)[\\\\/]', 1)"
	// the drive's own separator stays in a directory that is the root
	dirPath := "(CASE WHEN " + root + " <> '' AND length(" + dir + ") < length(" + root + ") THEN " + root + " ELSE " + dir + " END)"
	last := "regexp_extract(" + p + ", '([^\\\\/]*)$', 1)"
	file := "(CASE WHEN " + root + " = '' AND " + dir + " = '' AND regexp_matches(" + last + ", '^[A-Za-z]:') THEN substr(" + last + ", 3) ELSE " + last + " END)"
	name := "regexp_extract(" + file + ", '^[^:]*')"
	ads := "regexp_extract(" + file + ", ':(.*)$', 1)"
	ext := "regexp_extract(" + name + ", '\\.([^.]*)$', 1)"
	dirName := "regexp_extract(" + dirPath + ", '([^\\\\/]*)[\\\\/]?$', 1)"
	dp, fl, nm := `"$dp"`, `"$fl"`, `"$nm"`
	obj := "json_object('Scheme', " + scheme + ", 'RootPath', " + root + ", 'DirectoryPath', " + dp + ", 'DirectoryName', " + strings.ReplaceAll(dirName, dirPath, dp) + ", 'Filename', " + nm + ", 'Extension', " + strings.ReplaceAll(ext, name, nm) + ", 'AlternateDataStreamName', " + strings.ReplaceAll(ads, file, fl) + ")"
	return bindSQL(dirPath, "dp", bindSQL(file, "fl", bindSQL(strings.ReplaceAll(name, file, fl), "nm", obj)))
}

// parseCSVSQL reads the first record of a comma-separated text: fields
// in double quotes may hold commas and line breaks, and "" inside them is
// a quote; the record ends at the first line break outside quotes.
//
// The state: finished fields a, the current field cur, q (0 outside
// quotes, 1 inside, 2 after a quote inside: a closing quote or the first
// of a pair) and done (the record has ended).
func parseCSVSQL(s string) string {
	st := func(a, cur, q, done string) string {
		return "{'a': " + a + ", 'cur': " + cur + ", 'q': " + q + ", 'done': " + done + "}"
	}
	push := "list_append(s.a, s.cur)"
	step := "(s, c) -> CASE " +
		"WHEN s.done THEN s " +
		"WHEN s.q = 1 THEN (CASE WHEN c.cur = '\"' THEN " + st("s.a", "s.cur", "2", "false") + " ELSE " + st("s.a", "s.cur || c.cur", "1", "false") + " END) " +
		"WHEN s.q = 2 AND c.cur = '\"' THEN " + st("s.a", "s.cur || c.cur", "1", "false") + " " +
		"WHEN c.cur = ',' THEN " + st(push, "''", "0", "false") + " " +
		"WHEN c.cur = chr(10) THEN " + st(push, "''", "0", "true") + " " +
		"WHEN c.cur = chr(13) THEN s " +
		"WHEN c.cur = '\"' AND s.q = 0 AND s.cur = '' THEN " + st("s.a", "''", "1", "false") + " " +
		"ELSE " + st("s.a", "s.cur || c.cur", "0", "false") + " END"
	init := st("CAST([] AS VARCHAR[])", "''", "0", "false")
	chars := "list_transform(string_split(" + s + ", ''), ch -> " + st("CAST([] AS VARCHAR[])", "ch", "0", "false") + ")"
	red := "list_reduce(" + chars + ", " + step + ", " + init + ")"
	return bindSQL(red, "r", `to_json(CASE WHEN "$r".done THEN "$r".a ELSE list_append("$r".a, "$r".cur) END)`)
}

// jsonPathKeys reads a bag key written as a JSONPath ($.a.b, $['a'].b):
// the names from the root, or ok=false when key is a plain key. A path
// that indexes arrays or is malformed is an error.
func jsonPathKeys(n kql.Node, key string) (keys []string, ok bool, err error) {
	if !strings.HasPrefix(key, "$") {
		return nil, false, nil
	}
	bad := func() ([]string, bool, error) {
		return nil, true, hintAt(n, "write $.name or $['name'] segments", "unsupported JSONPath bag key %q", key)
	}
	s := key[1:]
	for s != "" {
		switch {
		case s[0] == '.':
			s = s[1:]
			i := strings.IndexAny(s, ".[")
			if i < 0 {
				i = len(s)
			}
			if i == 0 {
				return bad()
			}
			keys = append(keys, s[:i])
			s = s[i:]
		case strings.HasPrefix(s, "['") || strings.HasPrefix(s, `["`):
			q := s[1]
			j := strings.IndexByte(s[2:], q)
			if j < 0 || !strings.HasPrefix(s[2+j+1:], "]") {
				return bad()
			}
			keys = append(keys, s[2:2+j])
			s = s[2+j+2:]
		default:
			return bad()
		}
	}
	if len(keys) == 0 {
		return bad()
	}
	return keys, true, nil
}

// keysPointer is the JSON pointer of a key path.
func keysPointer(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(jsonPointer(k))
	}
	return b.String()
}

// nestedObject is {k1: {k2: ... {kn: v}}} in SQL.
func nestedObject(keys []string, v string) string {
	out := v
	for i := len(keys) - 1; i >= 0; i-- {
		out = "json_object(" + quoteString(keys[i]) + ", " + out + ")"
	}
	return out
}
