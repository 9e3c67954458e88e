package render

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

func sampleResult() *exec.Result {
	return &exec.Result{
		Columns: []kql.Column{
			{Name: "DeviceName", Type: kql.TString}, {Name: "count_", Type: kql.TLong}, {Name: "ratio", Type: kql.TReal},
			{Name: "Timestamp", Type: kql.TDatetime}, {Name: "IsAdmin", Type: kql.TBool}, {Name: "Elapsed", Type: kql.TTimespan},
			{Name: "Bag", Type: kql.TDynamic},
		},
		Rows: [][]any{
			{"ws-01", int64(12), 0.5, time.Date(2024, 3, 1, 8, 30, 15, 123456700, time.UTC), true, exec.Timespan(90 * exec.TicksPerMinute), exec.Dynamic(`{"a": 1}`)},
			{"a|b\nc", nil, nil, nil, nil, nil, nil},
		},
	}
}

// Piped tables are plain ASCII, column names kept as written (tablewriter
// upper-cases headers by default), numbers right-aligned, nothing wrapped,
// line breaks in values escaped so each row is one line.
func TestWriteTable(t *testing.T) {
	r := &exec.Result{
		Columns: []kql.Column{{Name: "DeviceName", Type: kql.TString}, {Name: "count_", Type: kql.TLong}},
		Rows:    [][]any{{"ws-01", int64(12)}, {"line1\nline2", int64(7)}, {"", nil}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, r, "table", Options{}); err != nil {
		t.Fatal(err)
	}
	want := `+--------------+--------+
| DeviceName   | count_ |
+--------------+--------+
| ws-01        |     12 |
| line1\nline2 |      7 |
|              |        |
+--------------+--------+
`
	if buf.String() != want {
		t.Errorf("table =\n%s\nwant\n%s", buf.String(), want)
	}

	buf.Reset()
	if err := Write(&buf, r, "table", Options{TTY: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "│ DeviceName   │ count_ │") {
		t.Errorf("terminal table has no box-drawing header:\n%s", buf.String())
	}
}

func TestWriteTableNoRows(t *testing.T) {
	r := &exec.Result{Columns: []kql.Column{{Name: "a", Type: kql.TLong}}}
	var buf bytes.Buffer
	if err := Write(&buf, r, "table", Options{}); err != nil {
		t.Fatal(err)
	}
	want := "+---+\n| a |\n+---+\n"
	if buf.String() != want {
		t.Errorf("table =\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sampleResult(), "markdown", Options{}); err != nil {
		t.Fatal(err)
	}
	want := "| DeviceName | count_ | ratio | Timestamp | IsAdmin | Elapsed | Bag |\n" +
		"| --- | ---: | ---: | --- | --- | --- | --- |\n" +
		"| ws-01 | 12 | 0.5 | 2024-03-01T08:30:15.1234567Z | true | 01:30:00 | {\"a\":1} |\n" +
		"| a\\|b<br>c |  |  |  |  |  |  |\n"
	if buf.String() != want {
		t.Errorf("markdown =\n%s\nwant\n%s", buf.String(), want)
	}
}

// The workbook must open in Excel with typed cells: numbers as numbers,
// booleans as booleans, datetimes as date serials with a date format, and a
// bold, frozen header row.
func TestWriteXLSX(t *testing.T) {
	r := sampleResult()
	r.Columns = append(r.Columns, kql.Column{Name: "big", Type: kql.TLong}, kql.Column{Name: "nan", Type: kql.TReal})
	r.Rows[0] = append(r.Rows[0], int64(9007199254740993), math.NaN())
	r.Rows[1] = append(r.Rows[1], nil, math.Inf(1))
	var buf bytes.Buffer
	if err := Write(&buf, r, "xlsx", Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != XLSXSheet {
		t.Fatalf("sheets = %v", got)
	}
	cell := func(ref string) (excelize.CellType, string) {
		t.Helper()
		typ, err := f.GetCellType(XLSXSheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.GetCellValue(XLSXSheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return typ, v
	}
	tests := []struct {
		ref     string
		typ     excelize.CellType
		raw     string
		comment string
	}{
		{"A1", excelize.CellTypeInlineString, "DeviceName", "header"},
		{"B1", excelize.CellTypeInlineString, "count_", "header"},
		{"A2", excelize.CellTypeInlineString, "ws-01", "string"},
		{"B2", excelize.CellTypeUnset, "12", "long as a number"},
		{"C2", excelize.CellTypeUnset, "0.5", "real as a number"},
		{"E2", excelize.CellTypeBool, "1", "bool"},
		{"F2", excelize.CellTypeInlineString, "01:30:00", "timespan as its KQL text"},
		{"G2", excelize.CellTypeInlineString, `{"a":1}`, "dynamic as compact JSON"},
		{"H2", excelize.CellTypeInlineString, "9007199254740993", "long beyond 15 digits as exact text"},
		{"I2", excelize.CellTypeInlineString, "NaN", "NaN as text"},
		{"I3", excelize.CellTypeInlineString, "Infinity", "Infinity as text"},
		{"A3", excelize.CellTypeInlineString, "a|b\nc", "string kept verbatim"},
		{"B3", excelize.CellTypeUnset, "", "null is an empty cell"},
	}
	for _, tt := range tests {
		typ, raw := cell(tt.ref)
		if typ != tt.typ || raw != tt.raw {
			t.Errorf("%s (%s): type %v value %q, want type %v value %q", tt.ref, tt.comment, typ, raw, tt.typ, tt.raw)
		}
	}

	// 2024-03-01 08:30:15.1234567 as an Excel serial: 45352 days since
	// 1899-12-30, plus the fraction of the day.
	_, raw := cell("D2")
	serial, err := strconvParse(raw)
	if err != nil {
		t.Fatalf("D2 = %q, not a number: %v", raw, err)
	}
	wantSerial := 45352 + (8*3600+30*60+15.1234567)/86400
	if math.Abs(serial-wantSerial) > 1e-8 {
		t.Errorf("D2 serial = %v, want %v", serial, wantSerial)
	}
	if st, err := f.GetCellStyle(XLSXSheet, "D2"); err != nil {
		t.Fatal(err)
	} else if style, err := f.GetStyle(st); err != nil || style.CustomNumFmt == nil || *style.CustomNumFmt != XLSXDateFormat {
		t.Errorf("D2 style = %+v (%v), want the date format %q", style, err, XLSXDateFormat)
	}

	st, err := f.GetCellStyle(XLSXSheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(st)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header style = %+v (%v), want bold", style, err)
	}
	panes, err := f.GetPanes(XLSXSheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v (%v), want the first row frozen", panes, err)
	}
}

func strconvParse(s string) (float64, error) { return strconv.ParseFloat(s, 64) }
