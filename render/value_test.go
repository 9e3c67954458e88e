package render

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// The expected texts come from the KQL docs and the conformance README:
// timespans print as [-][d.]hh:mm:ss[.fffffff] (`-12:00:00`,
// `14.00:00:00`, `1.12:30:55.1230000`), datetimes as tostring() writes them
// with seven fraction digits.
func TestFormatValue(t *testing.T) {
	tenth := 0.1 // a variable, so 0.1+0.2 is float64 arithmetic, not an exact constant
	day := int64(exec.TicksPerDay)
	hour := int64(exec.TicksPerHour)
	tests := []struct {
		typ  kql.Type
		v    any
		want string
	}{
		{kql.TTimespan, exec.Timespan(-12 * hour), "-12:00:00"},
		{kql.TTimespan, exec.Timespan(14 * day), "14.00:00:00"},
		{kql.TTimespan, exec.Timespan(day + 12*hour + 30*exec.TicksPerMinute + 55*exec.TicksPerSecond + 1230000), "1.12:30:55.1230000"},
		{kql.TTimespan, exec.Timespan(1), "00:00:00.0000001"},
		{kql.TTimespan, exec.Timespan(0), "00:00:00"},
		{kql.TTimespan, exec.Timespan(math.MinInt64), "-10675199.02:48:05.4775808"},
		{kql.TDatetime, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), "2017-01-01T00:00:00.0000000Z"},
		{kql.TDatetime, time.Date(2015, 12, 31, 23, 59, 59, 999999900, time.UTC), "2015-12-31T23:59:59.9999999Z"},
		{kql.TDatetime, time.Date(2020, 1, 1, 2, 0, 0, 0, time.FixedZone("x", 3600)), "2020-01-01T01:00:00.0000000Z"},
		{kql.TReal, tenth + 0.2, "0.30000000000000004"},
		{kql.TReal, math.NaN(), "NaN"},
		// Kusto's tostring(real), as the engine's tostring writes it and
		// the conformance cases record it: fixed notation with a fraction
		// digit up to an exponent of 15, E notation beyond.
		{kql.TReal, 1418873.5319298245, "1418873.5319298245"},
		{kql.TReal, 1.0, "1.0"},
		{kql.TReal, 100000000000.0, "100000000000.0"},
		{kql.TReal, 1e15, "1000000000000000.0"},
		{kql.TReal, 1e16, "1E+16"},
		{kql.TReal, 9223372036854775807.0, "9.223372036854776E+18"},
		{kql.TReal, 1.5e300, "1.5E+300"},
		{kql.TReal, 0.0001, "0.0001"},
		{kql.TReal, 0.00001, "1E-05"},
		{kql.TReal, -2.5e-10, "-2.5E-10"},
		{kql.TReal, math.Copysign(0, -1), "-0.0"},
		{kql.TReal, 0.0, "0.0"},
		{kql.TReal, math.Inf(-1), "-Infinity"},
		{kql.TLong, int64(-9223372036854775808), "-9223372036854775808"},
		{kql.TBool, true, "true"},
		{kql.TDynamic, exec.Dynamic(`{ "a" : [1, 2] }`), `{"a":[1,2]}`},
		{kql.TString, "", ""},
		{kql.TLong, nil, ""},
	}
	for _, tt := range tests {
		if got := FormatValue(tt.typ, tt.v); got != tt.want {
			t.Errorf("FormatValue(%s, %#v) = %q, want %q", tt.typ, tt.v, got, tt.want)
		}
	}
}

func TestWriteJSONShape(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "n", Type: kql.TLong}, {Name: "s", Type: kql.TString}, {Name: "r", Type: kql.TReal}, {Name: "d", Type: kql.TDynamic}, {Name: "t", Type: kql.TDatetime}},
		Rows: [][]any{
			{int64(9007199254740993), "a\"b", math.NaN(), exec.Dynamic(`{"k":[1]}`), time.Date(2020, 1, 1, 0, 0, 0, 100, time.UTC)},
			{nil, nil, nil, nil, nil},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, r, "json", Options{}); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.UseNumber()
	var got struct {
		Columns []struct{ Name, Type string }
		Rows    [][]any
	}
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	if len(got.Columns) != 5 || got.Columns[0].Name != "n" || got.Columns[0].Type != "long" {
		t.Fatalf("columns = %+v", got.Columns)
	}
	row := got.Rows[0]
	// A long beyond 2^53 must survive as an exact integer.
	if row[0].(json.Number).String() != "9007199254740993" {
		t.Errorf("long = %v", row[0])
	}
	if row[1] != "a\"b" || row[2] != "NaN" || row[4] != "2020-01-01T00:00:00.0000001Z" {
		t.Errorf("row = %#v", row)
	}
	if m, ok := row[3].(map[string]any); !ok || len(m["k"].([]any)) != 1 {
		t.Errorf("dynamic = %#v, want the JSON object itself", row[3])
	}
	// Strings are never null; other types are.
	if n := got.Rows[1]; n[0] != nil || n[1] != "" || n[3] != nil {
		t.Errorf("null row = %#v", n)
	}
}

func TestWriteCSVAndTSV(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "a", Type: kql.TString}, {Name: "b", Type: kql.TLong}},
		Rows:    [][]any{{"x,\"y\"\nz", int64(1)}, {"tab\there", nil}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, r, "csv", Options{}); err != nil {
		t.Fatal(err)
	}
	want := "a,b\n\"x,\"\"y\"\"\nz\",1\ntab\there,\n"
	if buf.String() != want {
		t.Errorf("csv = %q, want %q", buf.String(), want)
	}
	buf.Reset()
	if err := Write(&buf, r, "tsv", Options{}); err != nil {
		t.Fatal(err)
	}
	want = "a\tb\nx,\"y\"\\nz\t1\ntab\\there\t\n"
	if buf.String() != want {
		t.Errorf("tsv = %q, want %q", buf.String(), want)
	}
	if err := Write(&buf, r, "yaml", Options{}); err == nil {
		t.Error("unknown format accepted")
	}
}
