package kql

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// Every built-in function the corpus calls (STATS.md "Functions") is in the
// catalog, apart from the names that are not KQL built-ins.
func TestCatalogCoversCorpusFunctions(t *testing.T) {
	shared := sharedDir(t)
	if shared == "" {
		t.Skip("shared/ not found")
	}
	b, err := os.ReadFile(filepath.Join(shared, "corpus", "STATS.md"))
	if err != nil {
		t.Skip(err)
	}
	notBuiltin := map[string]bool{
		"appMailReadActivity": true, "appid": true, // columns/lets followed by "(" in a query
		"arg": true, "regex": true, // "arg (" and "matches regex (" in the text
		// Tabular functions the checker handles itself: materialize(T) and
		// the advanced-hunting invoke functions.
		"materialize": true, "FileProfile": true, "SeenBy": true,
	}
	section := regexp.MustCompile("(?s)## Functions.*?\n## ").Find(b)
	rows := regexp.MustCompile("(?m)^\\| `([A-Za-z_0-9]+)` \\|").FindAllSubmatch(section, -1)
	if len(rows) < 100 {
		t.Fatalf("found %d functions in STATS.md; the table format changed?", len(rows))
	}
	for _, r := range rows {
		name := string(r[1])
		if notBuiltin[name] {
			continue
		}
		if _, ok := lookupBuiltin(name); !ok {
			t.Errorf("corpus function %q is not in the catalog", name)
		}
	}
}

// Aggregates' automatic names follow [D:summarize-operator] and the
// conformance cases: count() → count_, make_list(x) → list_x, ...
func TestCatalogAggregateNames(t *testing.T) {
	for name, prefix := range map[string]string{
		"count": "count", "countif": "countif", "dcount": "dcount", "sum": "sum", "avg": "avg",
		"make_list": "list", "make_set": "set", "make_bag": "bag", "makeset": "set", "makelist": "list",
		"make_list_with_nulls": "list", "stdev": "stdev", "variance": "variance", "any": "any",
	} {
		b, ok := lookupBuiltin(name)
		if !ok || !b.Agg || b.prefix != prefix {
			t.Errorf("%s: in catalog %v, aggregate %v, prefix %q; want prefix %q", name, ok, b != nil && b.Agg, b.prefixOrEmpty(), prefix)
		}
	}
}

func (b *builtin) prefixOrEmpty() string {
	if b == nil {
		return ""
	}
	return b.prefix
}

func TestSuggest(t *testing.T) {
	cands := []string{"DeviceName", "DeviceId", "Timestamp", "FileName", "InitiatingProcessFileName"}
	for _, tt := range []struct{ name, want string }{
		{"DeviceNme", "DeviceName"},  // deletion
		{"devicename", "DeviceName"}, // case only
		{"DeviecName", "DeviceName"}, // transposition
		{"TimeStamp", "Timestamp"},
		{"InitiatingProcessFilename", "InitiatingProcessFileName"},
		{"Foo", ""},        // nothing close
		{"DeviceName", ""}, // exact: no suggestion
		{"Dev", ""},        // too far for a short name
	} {
		if got := suggest(tt.name, cands); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if d := osaDistance("abc", "acb", 5); d != 1 {
		t.Errorf("transposition distance = %d, want 1", d)
	}
	if d := osaDistance("kitten", "sitting", 10); d != 3 {
		t.Errorf("kitten/sitting = %d, want 3", d)
	}
	if d := osaDistance("kitten", "sitting", 2); d != 2 {
		t.Errorf("capped distance = %d, want the limit 2", d)
	}
}
