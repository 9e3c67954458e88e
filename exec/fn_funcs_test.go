package exec

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// valueCase is a one-value query and the value Kusto documents for it,
// written as JSON (numbers compare as float64, objects regardless of key
// order; a real column's NaN is the string "NaN").
type valueCase struct {
	name, kql, want string
}

// runValueCases runs each query and compares its first column of its
// first row with the expected JSON.
func runValueCases(t *testing.T, cases []valueCase) {
	t.Helper()
	e := openLocked(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := query(t, e, tc.kql)
			if len(r.Rows) == 0 {
				t.Fatalf("%s: no rows", tc.kql)
			}
			got := jsonOf(t, r.Rows[0][0])
			var want any
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatalf("bad expectation %s: %v", tc.want, err)
			}
			if !sameJSON(got, want) {
				t.Errorf("%s\n got  %s\n want %s", tc.kql, mustJSON(got), tc.want)
			}
		})
	}
}

func jsonOf(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case Dynamic:
		var out any
		d := json.NewDecoder(bytes.NewReader(x))
		if err := d.Decode(&out); err != nil {
			t.Fatalf("bad JSON %s: %v", x, err)
		}
		return out
	case int64:
		return float64(x)
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		return x
	}
	return v
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sameJSON compares decoded JSON, numbers to 1e-9 relative.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !sameJSON(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

func TestParseFunctions(t *testing.T) {
	runValueCases(t, []valueCase{
		// the documentation's example
		{"cmdline-doc", `print parse_command_line("echo \"hello world!\"", "windows")`, `["echo","hello world!"]`},
		// CommandLineToArgvW: 2n+1 backslashes before a quote are n and a literal quote
		{"cmdline-odd-backslashes", `print parse_command_line(@"x a\\\""b c d", "windows")`, `["x","a\\\"b","c","d"]`},
		// 2n backslashes before a quote are n, and the quote opens a quoted part
		{"cmdline-even-backslashes", `print parse_command_line(@"x a\\\\""b c"" d e", "windows")`, `["x","a\\\\b c","d","e"]`},
		// backslashes not before a quote stay as they are
		{"cmdline-plain-backslashes", `print parse_command_line(@"cmd.exe /c ""a\b"" c\\d\", "windows")`, `["cmd.exe","/c","a\\b","c\\\\d\\"]`},
		// the program name ends at its closing quote and takes no escapes
		{"cmdline-quoted-program", `print parse_command_line(@"""C:\Program Files\a.exe""x  -y", "windows")`, `["C:\\Program Files\\a.exe","x","-y"]`},
		// "" inside quotes is a literal quote and closes the quoted part
		{"cmdline-double-quote-in-quotes", `print parse_command_line(@"p ""q """" r""", "windows")`, `["p","q \"","r"]`},
		// an empty quoted argument is an argument
		{"cmdline-empty-argument", `print parse_command_line(@"a """" b", "windows")`, `["a","","b"]`},
		// leading white space: an empty program name
		{"cmdline-leading-space", `print parse_command_line("  a\tb", "windows")`, `["","a","b"]`},
		{"path-drive", `print parse_path(@"C:\temp\file.txt")`, `{"Scheme":"","RootPath":"C:\\","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"path-relative", `print parse_path(@"temp\file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"path-scheme-stream", `print parse_path("file://C:/temp/file.txt:some.exe")`, `{"Scheme":"file","RootPath":"C:/","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`},
		{"path-unc", `print parse_path(@"\\shared\users\temp\file.txt.gz")`, `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`},
		{"path-unix", `print parse_path("/usr/lib/temp/file.txt")`, `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`},
		{"csv-quotes", `print parse_csv('aa,"b,b,b",cc,"Escaping quotes: ""Title""","line1\nline2"')`, `["aa","b,b,b","cc","Escaping quotes: \"Title\"","line1\nline2"]`},
		{"csv-first-record", `print parse_csv('record1,a,b,c\nrecord2,x,y,z')`, `["record1","a","b","c"]`},
		{"base64-toarray", `print base64_decode_toarray("S3VzdG8=")`, `[75,117,115,116,111]`},
		{"has-any-index-first", `print has_any_index("this is an example", dynamic(['this', 'example']))`, `0`},
		{"has-any-index-last", `print has_any_index("this is an example", dynamic(['not', 'example']))`, `1`},
		{"has-any-index-none", `print has_any_index("this is an example", dynamic(['not', 'found']))`, `-1`},
		{"has-any-index-numbers", `print has_any_index("Example number 2", range(1, 3, 1))`, `1`},
		{"has-any-index-empty", `print has_any_index("this is an example", dynamic([]))`, `-1`},
	})
}
