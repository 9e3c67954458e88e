package exec

import (
	"context"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// jsonColumnEngine has DeviceEvents with AdditionalFields stored as JSON
// text, dynamic in the table's Sentinel flavour (schema.json's la_type).
func jsonColumnEngine(t *testing.T) *Engine {
	t.Helper()
	return storedEngine(t, &kql.Schema{Tables: map[string]*kql.Table{"DeviceEvents": {
		Name:          "DeviceEvents",
		Columns:       []kql.Column{{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString}, {Name: "AdditionalFields", Type: kql.TString}},
		SentinelTypes: map[string]kql.Type{"AdditionalFields": kql.TDynamic},
	}}},
		`CREATE TABLE "DeviceEvents" ("Timestamp" TIMESTAMP_NS, "DeviceName" VARCHAR, "AdditionalFields" VARCHAR)`,
		`INSERT INTO "DeviceEvents" VALUES ('2024-03-01 09:30:00', 'pc1', '{"Experience":"Malicious","Tags":["a","b"]}'),
			('2024-03-01 10:30:00', 'pc2', '{"Experience":"CustomPolicy","Tags":[]}'), ('2024-03-01 11:30:00', 'pc3', '')`,
	)
}

// A query that reads AdditionalFields as dynamic (Sentinel's type) sees it
// as dynamic throughout; one that reads it as a string keeps advanced
// hunting's string. Values follow parse_json: "" is null.
func TestSentinelDynamicColumn(t *testing.T) {
	e := jsonColumnEngine(t)
	r := query(t, e, `DeviceEvents | where AdditionalFields.Experience == "Malicious" | project DeviceName, e = tostring(AdditionalFields.Experience)`)
	if len(r.Rows) != 1 || r.Rows[0][0] != "pc1" || r.Rows[0][1] != "Malicious" {
		t.Errorf("member access: rows = %v, want pc1 Malicious", r.Rows)
	}
	r = query(t, e, `DeviceEvents | extend n = array_length(AdditionalFields["Tags"]) | project DeviceName, n, AdditionalFields | sort by DeviceName asc`)
	if r.Columns[2].Type != kql.TDynamic {
		t.Errorf("AdditionalFields is %s in a query that indexes it, want dynamic", r.Columns[2].Type)
	}
	if len(r.Rows) != 3 || r.Rows[0][1] != int64(2) || r.Rows[1][1] != int64(0) || r.Rows[2][1] != nil || r.Rows[2][2] != nil {
		t.Errorf("index: rows = %v, want lengths 2, 0 and null (an empty text parses to null)", r.Rows)
	}
	r = query(t, e, `DeviceEvents | mv-expand AdditionalFields.Tags | project DeviceName`)
	if len(r.Rows) != 3 {
		// pc1 twice; pc2's empty array drops the row, pc3's null keeps one
		t.Errorf("mv-expand: rows = %v, want 3", r.Rows)
	}
	r = query(t, e, `DeviceEvents | where AdditionalFields has "Malicious" | project AdditionalFields`)
	if r.Columns[0].Type != kql.TString || len(r.Rows) != 1 || !strings.Contains(r.Rows[0][0].(string), "Malicious") {
		t.Errorf("string use: columns %v rows %v, want the string column and pc1's text", r.Columns, r.Rows)
	}
	// parse_json of the dynamic column is the same value in a query that
	// also uses it as dynamic, as in Sentinel.
	r = query(t, e, `DeviceEvents | where isnotempty(AdditionalFields.Experience) | extend x = tostring(parse_json(AdditionalFields).Experience) | project x | sort by x asc`)
	if len(r.Rows) != 2 || r.Rows[0][0] != "CustomPolicy" || r.Rows[1][0] != "Malicious" {
		t.Errorf("parse_json of the dynamic column: rows = %v", r.Rows)
	}
}

// A string column without a dynamic Sentinel type stays a string: member
// access on it is the error Kusto reports.
func TestSentinelDynamicOnlyWhereDocumented(t *testing.T) {
	e := jsonColumnEngine(t)
	_, err := e.Query(context.Background(), `DeviceEvents | extend x = DeviceName.Foo`)
	if err == nil || !strings.Contains(err.Error(), "only dynamic values") {
		t.Errorf("DeviceName.Foo: err = %v, want the string-has-no-property error", err)
	}
}

// iff and case take the common type of their non-dynamic branches and
// convert a dynamic branch to it (Kusto.Language declares them
// ReturnTypeKind.CommonNonDynamic over CommonScalarOrDynamic parameters;
// Microsoft's published hunts rely on it: iff(p, RemoteUrl,
// parse_url(RemoteUrl).Host)).
func TestConditionalWithDynamicBranch(t *testing.T) {
	e := openLocked(t)
	r := query(t, e, `print a = iff(false, "x", parse_url("http://h.com/p").Host), b = case(false, 1, dynamic(5)), c = iff(true, dynamic(1), dynamic("s"))`)
	want := []kql.Column{{Name: "a", Type: kql.TString}, {Name: "b", Type: kql.TLong}, {Name: "c", Type: kql.TDynamic}}
	for i, w := range want {
		if r.Columns[i] != w {
			t.Errorf("column %d = %v, want %v", i, r.Columns[i], w)
		}
	}
	if r.Rows[0][0] != "h.com" || r.Rows[0][1] != int64(5) {
		t.Errorf("row = %v, want h.com, 5", r.Rows[0])
	}
}

// Every Log Analytics table has the standard columns (_BilledSize real,
// _ResourceId string, ...); the sample data has no billing, so they are
// null and empty.
func TestLogAnalyticsStandardColumns(t *testing.T) {
	e := jsonColumnEngine(t)
	r := query(t, e, `DeviceEvents | take 1 | project _BilledSize, _ResourceId`)
	if r.Columns[0].Type != kql.TReal || r.Columns[1].Type != kql.TString {
		t.Errorf("columns = %v, want real and string", r.Columns)
	}
	if len(r.Rows) != 1 || r.Rows[0][0] != nil || r.Rows[0][1] != "" {
		t.Errorf("rows = %v, want null and empty", r.Rows)
	}
}
