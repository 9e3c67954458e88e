package kql

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCheck: whatever parses, Check never panics (a recovered panic
// surfaces as an "internal error" diagnostic) and reports errors as an
// ErrorList with spans inside the text. Seeds: the checker's test queries
// and, when present, the corpus.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		`DeviceProcessEvents | where DeviceNme == "x"`,
		`DeviceInfo | summarize arg_max(Timestamp, *) by DeviceId | join kind=leftouter (DeviceNetworkInfo) on DeviceId`,
		`let f = (T:(DeviceName:string)) { T | project DeviceName }; DeviceInfo | invoke f()`,
		`union withsource=T DeviceInfo, DeviceNetworkInfo | project T, DeviceName`,
		`DeviceInfo | mv-apply u = parse_json(LoggedOnUsers) on (where u.UserName != "" | take 1)`,
		`print x = datetime(2020-01-02) - datetime(2020-01-01), 1/2, 1.0/2, 2 * 1h`,
		`DeviceInfo | make-series c = count() default = 0 on Timestamp step 1h by DeviceId`,
		`DeviceInfo | top-nested 3 of DeviceName by count()`,
	} {
		f.Add(s)
	}
	if shared := sharedDir(f); shared != "" {
		files, _ := filepath.Glob(filepath.Join(shared, "corpus", "queries", "*", "*.kql"))
		for i, name := range files {
			if i%7 != 0 { // a spread of the corpus keeps the seed set small
				continue
			}
			if b, err := os.ReadFile(name); err == nil {
				f.Add(string(b))
			}
		}
	}
	schema := AdvancedHunting()
	f.Fuzz(func(t *testing.T, src string) {
		q, err := Parse(src)
		if err != nil {
			return
		}
		_, err = Check(q, schema)
		if err == nil {
			return
		}
		var list ErrorList
		if !errors.As(err, &list) {
			t.Fatalf("Check error is %T, want ErrorList", err)
		}
		for _, e := range list {
			if strings.Contains(e.Msg, "internal error") {
				t.Fatalf("Check panicked on %q: %s", src, e.Msg)
			}
			if e.Span.Start < 0 || e.Span.End > len(src) || e.Span.Start > e.Span.End {
				t.Fatalf("error span %v outside the text (len %d): %s", e.Span, len(src), e.Msg)
			}
		}
	})
}
