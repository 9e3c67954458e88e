package kql

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// These tests build trees by hand, so they do not depend on the parser.
// Spans are made up: each identifier gets a distinct position.

var ckSpanCounter int

func ckSp() Span { ckSpanCounter += 10; return Span{ckSpanCounter, ckSpanCounter + 5} }

func ckId(name string) *Ident { return &Ident{Sp: ckSp(), Name: name} }
func ckLng(v int64) *Literal  { return &Literal{Sp: ckSp(), Kind: LitLong, Int: v} }
func ckStr(v string) *Literal { return &Literal{Sp: ckSp(), Kind: LitString, Str: v} }
func ckCall(f string, args ...Expr) *CallExpr {
	return &CallExpr{Sp: ckSp(), Func: ckId(f), Args: args}
}
func ckBin(op string, x, y Expr) *BinaryExpr { return &BinaryExpr{Sp: ckSp(), Op: op, X: x, Y: y} }
func ckCol(x Expr, names ...string) *ColumnExpr {
	ce := &ColumnExpr{Sp: ckSp(), X: x}
	for _, n := range names {
		ce.Names = append(ce.Names, ckId(n))
	}
	return ce
}
func ckPipe(src Expr, ops ...Operator) *PipeExpr { return &PipeExpr{Sp: ckSp(), Source: src, Ops: ops} }
func ckQuery(stmts ...Statement) *Query          { return &Query{Stmts: stmts} }
func ckStmt(x Expr) *ExprStmt                    { return &ExprStmt{Sp: ckSp(), X: x} }
func ckLet(name string, v Expr) *LetStmt         { return &LetStmt{Sp: ckSp(), Name: ckId(name), Value: v} }
func ckDt(cols ...string) *DatatableOp {
	d := &DatatableOp{Sp: ckSp()}
	for i := 0; i+1 < len(cols); i += 2 {
		d.Cols = append(d.Cols, &ColumnDecl{Sp: ckSp(), Name: ckId(cols[i]), Type: cols[i+1]})
	}
	return d
}
func ckKind(k string) []*OpParam { return []*OpParam{{Sp: ckSp(), Name: "kind", Value: ckId(k)}} }

// resultOf checks q and returns the columns of its last statement.
func ckResultOf(t *testing.T, q *Query) []Column {
	t.Helper()
	info, err := Check(q, AdvancedHunting())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	last := q.Stmts[len(q.Stmts)-1].(*ExprStmt)
	return info.Results[last.X]
}

func TestCheckResultColumnsAST(t *testing.T) {
	tests := []struct {
		name string
		q    *Query
		want []Column
	}{{
		// r1-aggregation-0000
		name: "summarize automatic names",
		q: ckQuery(ckStmt(ckPipe(ckDt("k", "long", "v", "long"), &SummarizeOp{Sp: ckSp(),
			Aggs: []*ColumnExpr{ckCol(ckCall("sum", ckId("v"))), ckCol(ckCall("avg", ckId("v"))), ckCol(ckCall("min", ckId("v"))),
				ckCol(ckCall("max", ckId("v"))), ckCol(ckCall("count")), ckCol(ckCall("countif", ckBin(">", ckId("v"), ckLng(15)))),
				ckCol(ckCall("sumif", ckId("v"), ckBin(">", ckId("v"), ckLng(15)))), ckCol(ckCall("avgif", ckId("v"), ckBin(">", ckId("v"), ckLng(15))))},
			By: []*ColumnExpr{ckCol(ckId("k"))}}))),
		want: []Column{{"k", TLong}, {"sum_v", TLong}, {"avg_v", TReal}, {"min_v", TLong}, {"max_v", TLong},
			{"count_", TLong}, {"countif_", TLong}, {"sumif_v", TLong}, {"avgif_v", TReal}},
	}, {
		// docs: make_list, make_set, make_list_with_nulls of one column → list_v, set_v, list_v1
		name: "summarize duplicate names get suffixes",
		q: ckQuery(ckStmt(ckPipe(ckDt("v", "long"), &SummarizeOp{Sp: ckSp(),
			Aggs: []*ColumnExpr{ckCol(ckCall("make_list", ckId("v"))), ckCol(ckCall("make_set", ckId("v"))), ckCol(ckCall("make_list_with_nulls", ckId("v")))}}))),
		want: []Column{{"list_v", TDynamic}, {"set_v", TDynamic}, {"list_v1", TDynamic}},
	}, {
		// docs-oracle arg_max: summarize arg_max(v, *) by k → k, v, w
		name: "arg_max star expands the other columns",
		q: ckQuery(ckStmt(ckPipe(ckDt("k", "long", "v", "long", "w", "string"), &SummarizeOp{Sp: ckSp(),
			Aggs: []*ColumnExpr{ckCol(ckCall("arg_max", ckId("v"), &Star{Sp: ckSp()}))},
			By:   []*ColumnExpr{ckCol(ckId("k"))}}))),
		want: []Column{{"k", TLong}, {"v", TLong}, {"w", TString}},
	}, {
		name: "summarize by bin keeps the column name",
		q: ckQuery(ckStmt(ckPipe(ckDt("t", "datetime", "v", "long"), &SummarizeOp{Sp: ckSp(),
			Aggs: []*ColumnExpr{ckCol(ckCall("sum", ckId("v")))},
			By:   []*ColumnExpr{ckCol(ckCall("bin", ckId("t"), &Literal{Sp: ckSp(), Kind: LitTimespan, Ticks: 36000000000}))}}))),
		want: []Column{{"t", TDatetime}, {"sum_v", TLong}},
	}, {
		// r1 joins: L | join kind=inner R on k → k, lv, k1, rv
		name: "join renames colliding right columns",
		q: ckQuery(ckLet("L", ckDt("k", "long", "lv", "string")), ckLet("R", ckDt("k", "long", "rv", "string")),
			ckStmt(ckPipe(ckId("L"), &JoinOp{Sp: ckSp(), Params: ckKind("inner"), Right: ckId("R"), On: []Expr{ckId("k")}}))),
		want: []Column{{"k", TLong}, {"lv", TString}, {"k1", TLong}, {"rv", TString}},
	}, {
		name: "leftanti join keeps the left side",
		q: ckQuery(ckLet("L", ckDt("k", "long", "lv", "string")), ckLet("R", ckDt("k", "long", "rv", "string")),
			ckStmt(ckPipe(ckId("L"), &JoinOp{Sp: ckSp(), Params: ckKind("leftanti"), Right: ckId("R"), On: []Expr{ckId("k")}}))),
		want: []Column{{"k", TLong}, {"lv", TString}},
	}, {
		name: "lookup drops the right key",
		q: ckQuery(ckLet("L", ckDt("k", "long", "lv", "string")), ckLet("R", ckDt("k", "long", "rv", "string")),
			ckStmt(ckPipe(ckId("L"), &LookupOp{Sp: ckSp(), Right: ckId("R"), On: []Expr{ckId("k")}}))),
		want: []Column{{"k", TLong}, {"lv", TString}, {"rv", TString}},
	}, {
		// docs-oracle union-operator: type clashes become name_type
		name: "union splits columns by type",
		q:    ckQuery(ckStmt(&UnionOp{Sp: ckSp(), Tables: []Expr{ckDt("v_real", "real"), ckDt("v", "real"), ckDt("v", "long"), ckDt("v_real", "real")}})),
		want: []Column{{"v_real", TReal}, {"v_real1", TReal}, {"v_long", TLong}},
	}, {
		name: "extend replaces in place",
		q: ckQuery(ckStmt(ckPipe(ckDt("a", "long", "b", "string"), &ExtendOp{Sp: ckSp(),
			Cols: []*ColumnExpr{ckCol(ckCall("tostring", ckId("a")), "a"), ckCol(ckBin("-", ckCall("now"), ckCall("ago", &Literal{Sp: ckSp(), Kind: LitTimespan, Ticks: 1})), "age")}}))),
		want: []Column{{"a", TString}, {"b", TString}, {"age", TTimespan}},
	}, {
		name: "print names unnamed columns by position",
		q:    ckQuery(ckStmt(&PrintOp{Sp: ckSp(), Cols: []*ColumnExpr{ckCol(ckLng(1), "a"), ckCol(ckBin("+", ckLng(1), &Literal{Sp: ckSp(), Kind: LitReal, Real: 1.5})), ckCol(ckStr("x"), "b")}})),
		want: []Column{{"a", TLong}, {"print_1", TReal}, {"b", TString}},
	}, {
		name: "project of a function gets Column1",
		q:    ckQuery(ckStmt(ckPipe(ckDt("FirstName", "string"), &ProjectOp{Sp: ckSp(), Cols: []*ColumnExpr{ckCol(ckId("FirstName")), ckCol(ckCall("strlen", ckId("FirstName")))}}))),
		want: []Column{{"FirstName", TString}, {"Column1", TLong}},
	}, {
		name: "mv-expand keeps position, to typeof sets the type",
		q: ckQuery(ckStmt(ckPipe(ckDt("a", "dynamic", "b", "long"), &MvExpandOp{Sp: ckSp(), Cols: []*MvExpandCol{{Sp: ckSp(), X: ckId("a"), ToType: "string"}},
			Params: []*OpParam{{Sp: ckSp(), Name: "with_itemindex", Value: ckId("i")}}}))),
		want: []Column{{"a", TString}, {"b", TLong}, {"i", TLong}},
	}, {
		name: "sentinel columns resolve on Defender tables",
		q: ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &WhereOp{Sp: ckSp(), Pred: ckBin(">", ckId("TimeGenerated"), ckCall("ago", ckLng(1)))},
			&ProjectOp{Sp: ckSp(), Cols: []*ColumnExpr{ckCol(ckId("TimeGenerated")), ckCol(ckId("DeviceName"))}}))),
		want: []Column{{"TimeGenerated", TDatetime}, {"DeviceName", TString}},
	}, {
		name: "count",
		q:    ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &CountOp{Sp: ckSp()}))),
		want: []Column{{"Count", TLong}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ckResultOf(t, tt.q)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckDiagnosticsAST(t *testing.T) {
	bad := ckId("DeviceNme")
	unknownFn := ckId("tostrin")
	renamed := ckId("DeviceAlertEvents")
	arity := ckCall("strlen", ckId("DeviceName"), ckId("DeviceName"))
	unknownTable := ckId("DeviceProcesEvents")
	tests := []struct {
		name string
		q    *Query
		want ErrorList
	}{{
		name: "unknown column with hint",
		q:    ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &WhereOp{Sp: ckSp(), Pred: ckBin("==", bad, ckStr("x"))}))),
		want: ErrorList{{Span: bad.Sp, Msg: `unknown column "DeviceNme"`, Hint: `did you mean "DeviceName"?`}},
	}, {
		name: "unknown function with hint",
		q:    ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &ExtendOp{Sp: ckSp(), Cols: []*ColumnExpr{ckCol(&CallExpr{Sp: ckSp(), Func: unknownFn, Args: []Expr{ckId("DeviceName")}}, "x")}}))),
		want: ErrorList{{Span: unknownFn.Sp, Msg: `unknown function "tostrin"`, Hint: `did you mean "tostring"?`}},
	}, {
		name: "renamed table",
		q:    ckQuery(ckStmt(ckPipe(renamed, &TakeOp{Sp: ckSp(), N: ckLng(1)}))),
		want: ErrorList{{Span: renamed.Sp, Msg: `table "DeviceAlertEvents" was renamed`, Hint: `use "AlertInfo" or "AlertEvidence" instead`}},
	}, {
		name: "unknown table",
		q:    ckQuery(ckStmt(ckPipe(unknownTable, &TakeOp{Sp: ckSp(), N: ckLng(1)}))),
		want: ErrorList{{Span: unknownTable.Sp, Msg: `unknown table "DeviceProcesEvents"`, Hint: `did you mean "DeviceProcessEvents"?`}},
	}, {
		name: "wrong arity",
		q:    ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &ExtendOp{Sp: ckSp(), Cols: []*ColumnExpr{ckCol(arity, "n")}}))),
		want: ErrorList{{Span: arity.Sp, Msg: `function "strlen" expects 1 argument, got 2`}},
	}, {
		name: "no error after an open result",
		q: ckQuery(ckStmt(ckPipe(ckId("DeviceInfo"), &EvaluateOp{Sp: ckSp(), Plugin: ckCall("bag_unpack", ckId("LoggedOnUsers"))},
			&WhereOp{Sp: ckSp(), Pred: ckBin("==", ckId("UserName"), ckStr("x"))}))),
		want: nil,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Check(tt.q, AdvancedHunting())
			var got ErrorList
			if err != nil && !errors.As(err, &got) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}
