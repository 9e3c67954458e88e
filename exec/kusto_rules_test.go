package exec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kqlhunt/kqlhunt/kql"
)

// checkAndQuery runs src through kql.Check and the engine. It returns the
// checker's result columns, the engine's result, and each one's first
// error.
func checkAndQuery(t *testing.T, e *Engine, src string) (checked []kql.Column, r *Result, checkErr, queryErr *kql.Error) {
	t.Helper()
	q, err := kql.Parse(src)
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	info, err := kql.Check(q, kql.AdvancedHunting())
	var el kql.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		checkErr = el[0]
	} else if err != nil {
		t.Fatalf("check %s: %v", src, err)
	}
	for i := len(q.Stmts) - 1; i >= 0 && info != nil; i-- {
		if es, ok := q.Stmts[i].(*kql.ExprStmt); ok {
			checked = info.Results[es.X]
			break
		}
	}
	r, err = e.Query(context.Background(), src)
	el = nil
	if errors.As(err, &el) && len(el) > 0 {
		queryErr = el[0]
	} else if err != nil {
		t.Fatalf("query %s: %v", src, err)
	}
	return
}

func columnList(cols []kql.Column) string {
	var ns []string
	for _, c := range cols {
		ns = append(ns, c.Name)
	}
	return strings.Join(ns, ",")
}

// TestKustoSummarizeRules: issue 13's gaps, with the outcome Kusto gives
// (Kusto.Language's binder as the referee, and kql-semantics.md §4:
// "take_any(x) keeps name x, any(x) -> any_x"), the same in check and
// query.
func TestKustoSummarizeRules(t *testing.T) {
	e := openLocked(t)
	const T = `datatable(k:long, v:long)[1, 2, 1, 2] `
	for _, tc := range []struct {
		src, cols, row string // cols, row: the accepted result
		errAt, errMsg  string // or the error: the text it points at, and its message
	}{
		// any(*): one any_<col> per column that is not a group key
		{src: T + `| summarize any(*)`, cols: "any_k,any_v", row: "[1 2]"},
		{src: T + `| summarize any(*) by k`, cols: "k,any_v", row: "[1 2]"},
		{src: T + `| summarize take_any(*) by k`, cols: "k,v", row: "[1 2]"},
		{src: T + `| summarize take_any(*)`, cols: "k,v", row: "[1 2]"},
		{src: T + `| summarize any(k, v)`, cols: "any_k,any_v", row: "[1 2]"},
		{src: T + `| summarize take_any(k, v)`, cols: "k,v", row: "[1 2]"},
		// an automatic name already taken is made unique (Kusto.Language
		// binds `by k, bin(k, 1) | project k1`)
		{src: T + `| summarize count() by k, bin(k, 1)`, cols: "k,k1,count_", row: "[1 1 2]"},
		{src: T + `| summarize count(), count()`, cols: "count_,count_1", row: "[2 2]"},
		// a name given twice: "A column with the name 'k' is already declared"
		{src: T + `| summarize count() by k, k`, errAt: `k`, errMsg: `column "k" is already declared`},
		{src: T + `| summarize count() by k, k = v`, errAt: `k = v`, errMsg: `column "k" is already declared`},
		{src: T + `| summarize k = count() by k`, errAt: `k = count()`, errMsg: `column "k" is already declared`},
		{src: T + `| summarize s = sum(v), s = max(v)`, errAt: `s = max(v)`, errMsg: `column "s" is already declared`},
		// count(Col): Kusto.Language refuses it ("A value of type bool
		// expected") but the Kusto engine runs it and counts every row,
		// nulls included, as count_Col (docs-summarize-operator-08,
		// r1-null-and-edge-0005): the engine is followed
		{src: `range x from 1 to 2 step 1 | extend y = iff(x == 1, real(null), real(5)) | summarize count(y)`, cols: "count_y", row: "[2]"},
		// a wrong argument count reads the same in check and query
		{src: T + `| summarize countif(k, v, k)`, errAt: `countif(k, v, k)`, errMsg: `function "countif" expects 1 argument, got 3`},
		{src: `print x = strlen("a", "b")`, errAt: `strlen("a", "b")`, errMsg: `function "strlen" expects 1 argument, got 2`},
		// octal escapes: "\3" is one character, U+0003; "\101" is "A"
		{src: `print n = strlen("\3"), c = unicode_codepoints_from_string("a\3"), a = "\101"`, cols: "n,c,a", row: "[1 [97,3] A]"},
	} {
		cols, r, cerr, qerr := checkAndQuery(t, e, tc.src)
		if tc.errMsg != "" {
			for _, x := range []struct {
				who string
				err *kql.Error
			}{{"check", cerr}, {"query", qerr}} {
				if x.err == nil {
					t.Errorf("%s: %s accepts it, want %q", tc.src, x.who, tc.errMsg)
					continue
				}
				if got := tc.src[x.err.Span.Start:x.err.Span.End]; x.err.Msg != tc.errMsg || got != tc.errAt {
					t.Errorf("%s: %s says %q at %q, want %q at %q", tc.src, x.who, x.err.Msg, got, tc.errMsg, tc.errAt)
				}
			}
			continue
		}
		if cerr != nil || qerr != nil {
			t.Errorf("%s: check %v, query %v", tc.src, cerr, qerr)
			continue
		}
		if got := columnList(cols); got != tc.cols {
			t.Errorf("%s: check's columns %s, want %s", tc.src, got, tc.cols)
		}
		if got := columnList(r.Columns); got != tc.cols {
			t.Errorf("%s: query's columns %s, want %s", tc.src, got, tc.cols)
		}
		if len(r.Rows) != 1 {
			t.Errorf("%s: %d rows, want 1", tc.src, len(r.Rows))
			continue
		}
		row := strings.ReplaceAll("["+rowText(r.Rows[0])+"]", " ", "")
		if want := strings.ReplaceAll(tc.row, " ", ""); row != want {
			t.Errorf("%s: row %v, want %s", tc.src, r.Rows[0], tc.row)
		}
	}
}

// rowText is a row's values, dynamic ones as JSON text, joined by spaces.
func rowText(row []any) string {
	var vs []string
	for _, v := range row {
		if d, ok := v.(Dynamic); ok {
			v = string(d)
		}
		vs = append(vs, fmt.Sprint(v))
	}
	return strings.Join(vs, " ")
}
