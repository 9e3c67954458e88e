package kql

import "testing"

// schema.json records AdditionalFields and LoggedOnUsers as dynamic in
// Sentinel (la_type) and string in advanced hunting.
func TestSentinelTypesFromSchema(t *testing.T) {
	s := AdvancedHunting()
	for _, c := range []struct{ table, col string }{{"DeviceEvents", "AdditionalFields"}, {"DeviceInfo", "LoggedOnUsers"}, {"DeviceNetworkInfo", "IPAddresses"}} {
		tb, _ := s.Table(c.table)
		if got := tb.SentinelTypes[c.col]; got != TDynamic {
			t.Errorf("%s.%s Sentinel type = %q, want dynamic", c.table, c.col, got)
		}
	}
	tb, _ := s.Table("DeviceEvents")
	if _, ok := tb.SentinelTypes["FileName"]; ok {
		t.Error("DeviceEvents.FileName has a Sentinel type; it is a string in both")
	}
}

// The column's type is dynamic for the whole query when the query uses it
// as dynamic anywhere (property access, index, mv-expand, bag functions),
// and advanced hunting's string otherwise (see Table.SentinelDynamic).
func TestSentinelDynamicColumns(t *testing.T) {
	tests := []struct {
		src  string
		want Type // of the first result column
	}{
		{`DeviceEvents | project AdditionalFields`, TString},
		{`DeviceEvents | project AdditionalFields, x = parse_json(AdditionalFields).Experience`, TString},
		{`DeviceEvents | project AdditionalFields, x = AdditionalFields.Experience`, TDynamic},
		{`DeviceEvents | where AdditionalFields has "x" | project AdditionalFields, e = AdditionalFields["Experience"]`, TDynamic},
		{`DeviceEvents | mv-expand AdditionalFields | project AdditionalFields`, TDynamic},
		{`DeviceInfo | project LoggedOnUsers, n = array_length(LoggedOnUsers)`, TDynamic},
		{`DeviceInfo | project LoggedOnUsers, k = bag_keys(LoggedOnUsers)`, TDynamic},
		// a column without a dynamic Sentinel type is not changed by use
		{`DeviceEvents | project FileName, x = FileName.Foo`, TString},
	}
	for _, tt := range tests {
		q, info, errs := checkText(t, tt.src)
		if len(errs) > 0 {
			t.Errorf("%s: %v", tt.src, errs)
			continue
		}
		cols := lastResult(q, info)
		if len(cols) == 0 || cols[0].Type != tt.want {
			t.Errorf("%s: columns %v, want the first %s", tt.src, cols, tt.want)
		}
	}
}
