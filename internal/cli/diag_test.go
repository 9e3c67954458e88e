package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

func TestWriteDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		src  string
		err  error
		want string
	}{
		{
			name: "caret under the span, hint on its own line",
			src:  "DeviceProcessEvents\n| summarise count()",
			err: kql.ErrorList{{
				Span: kql.Span{Start: 22, End: 31}, Msg: `unknown operator "summarise"`, Hint: `did you mean "summarize"?`,
			}},
			want: `kqlhunt: q.kql:2:3: unknown operator "summarise"
    | summarise count()
      ^~~~~~~~~
hint: did you mean "summarize"?
`,
		},
		{
			name: "a single *Error; the span ends at the end of the line",
			src:  "T | where x >\n| take 1",
			err:  &kql.Error{Span: kql.Span{Start: 10, End: 20}, Msg: "bad comparison"},
			want: `kqlhunt: q.kql:1:11: bad comparison
    T | where x >
              ^~~
`,
		},
		{
			name: "tabs kept, wide runes counted by their width",
			src:  "print\t\"日本\", y",
			// y is byte 16, rune 13; 日 and 本 are two columns wide each.
			err:  kql.ErrorList{{Span: kql.Span{Start: 16, End: 17}, Msg: "unknown column"}},
			want: "kqlhunt: q.kql:1:13: unknown column\n    print\t\"日本\", y\n         \t        ^\n",
		},
		{
			name: "an error at the end of the text points after the last token",
			src:  "print x = 1 +\n\n",
			err:  kql.ErrorList{{Span: kql.Span{Start: 15, End: 15}, Msg: "expected an expression"}},
			want: `kqlhunt: q.kql:1:14: expected an expression
    print x = 1 +
                 ^
`,
		},
		{
			name: "a span beyond the text is clamped, never a panic",
			src:  "T",
			err:  kql.ErrorList{{Span: kql.Span{Start: 5, End: 9}, Msg: "oops"}},
			want: "kqlhunt: q.kql:1:2: oops\n    T\n     ^\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if !writeDiagnostics(&buf, "q.kql", tt.src, tt.err) {
				t.Fatal("writeDiagnostics reported no diagnostics")
			}
			if buf.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}

func TestWriteDiagnosticsCap(t *testing.T) {
	var list kql.ErrorList
	for i := range 14 {
		list = append(list, &kql.Error{Span: kql.Span{Start: i, End: i + 1}, Msg: fmt.Sprintf("error %d", i)})
	}
	var buf bytes.Buffer
	writeDiagnostics(&buf, "<arg>", strings.Repeat("x", 20), list)
	out := buf.String()
	if n := strings.Count(out, "kqlhunt: <arg>:1:"); n != maxDiagnostics {
		t.Errorf("%d diagnostics shown, want %d", n, maxDiagnostics)
	}
	if !strings.HasSuffix(out, "kqlhunt: <arg>: and 4 more errors\n") {
		t.Errorf("no count of the rest:\n%s", out)
	}
}

func TestWriteDiagnosticsNotKQL(t *testing.T) {
	var buf bytes.Buffer
	if writeDiagnostics(&buf, "f", "x", fmt.Errorf("plain")) || buf.Len() != 0 {
		t.Errorf("a plain error was rendered as a diagnostic: %q", buf.String())
	}
}
