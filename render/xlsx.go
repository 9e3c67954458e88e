package render

import (
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// XLSXSheet is the name of the worksheet a result is written to.
const XLSXSheet = "Result"

// XLSXDateFormat is the number format of datetime cells. Excel keeps
// milliseconds; the full 100 ns value is in the CSV and JSON forms.
const XLSXDateFormat = "yyyy-mm-dd hh:mm:ss.000"

// maxExactXLSX is the largest integer an Excel cell holds exactly (Excel
// keeps 15 significant digits); larger longs are written as text so no
// digit is lost.
const maxExactXLSX = 999_999_999_999_999

// writeXLSX writes a workbook with one sheet: a bold, frozen header row of
// column names, then one row per result row with typed cells: int, long,
// real and decimal as numbers, bool as a boolean, datetime as an Excel
// date with XLSXDateFormat; timespan, guid, dynamic and string as text (in
// their FormatValue form). Nulls are empty cells. NaN and ±Infinity, which
// Excel cannot hold as numbers, are text.
func writeXLSX(w io.Writer, r *exec.Result) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", XLSXSheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(XLSXSheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFmt := XLSXDateFormat
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	head := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c.Name}
		// A width that fits the name and typical values, so dates do not
		// show as ####.
		width := float64(len(c.Name)) + 2
		if c.Type == kql.TDatetime && width < 24 {
			width = 24
		}
		if width < 10 {
			width = 10
		}
		if width > 60 {
			width = 60
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	vals := make([]any, len(r.Columns))
	for n, row := range r.Rows {
		for i, v := range row {
			vals[i] = xlsxCell(r.Columns[i].Type, v, dateStyle)
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, vals); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// xlsxCell returns the value to store for v of KQL type t.
func xlsxCell(t kql.Type, v any, dateStyle int) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool:
		return x
	case int64:
		if x > maxExactXLSX || x < -maxExactXLSX {
			return strconv.FormatInt(x, 10)
		}
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return FormatReal(x)
		}
		return x
	case time.Time:
		return excelize.Cell{StyleID: dateStyle, Value: x.UTC()}
	case string:
		if t == kql.TDecimal {
			if f, err := strconv.ParseFloat(x, 64); err == nil {
				return f
			}
		}
		return x
	}
	return FormatValue(t, v)
}
