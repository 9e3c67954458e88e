package kql

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Tree-building helpers; spans are ignored by astOpts.
func id(name string) *Ident   { return &Ident{Name: name} }
func lng(v int64) *Literal    { return &Literal{Kind: LitLong, Int: v} }
func real(v float64) *Literal { return &Literal{Kind: LitReal, Real: v} }
func str(s string) *Literal   { return &Literal{Kind: LitString, Str: s} }
func ts(ticks int64) *Literal { return &Literal{Kind: LitTimespan, Ticks: ticks} }
func boolean(b bool) *Literal { return &Literal{Kind: LitBool, Bool: b} }
func bin(op string, x, y Expr) *BinaryExpr {
	return &BinaryExpr{Op: op, X: x, Y: y}
}
func call(name string, args ...Expr) *CallExpr { return &CallExpr{Func: id(name), Args: args} }
func col(x Expr) *ColumnExpr                   { return &ColumnExpr{X: x} }
func named(name string, x Expr) *ColumnExpr    { return &ColumnExpr{Names: []*Ident{id(name)}, X: x} }
func pipe(src Expr, ops ...Operator) *PipeExpr { return &PipeExpr{Source: src, Ops: ops} }
func query(xs ...Statement) *Query             { return &Query{Stmts: xs} }
func stmt(x Expr) *ExprStmt                    { return &ExprStmt{X: x} }
func where(x Expr) *WhereOp                    { return &WhereOp{Pred: x} }
func print1(x Expr) Expr                       { return &PrintOp{Cols: []*ColumnExpr{col(x)}} }

// utcTicks is the tick count of a UTC time, computed by the standard library.
func utcTicks(y int, mo time.Month, d, h, mi, s, ns int) int64 {
	t := time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	return t.Unix()*10_000_000 + int64(t.Nanosecond()/100)
}

const (
	second = int64(10_000_000)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

func TestParseTrees(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want *Query
	}{
		{"precedence or < and < comparison",
			"T | where a == 1 or b > 2 and c < 3",
			query(stmt(pipe(id("T"), where(bin("or", bin("==", id("a"), lng(1)), bin("and", bin(">", id("b"), lng(2)), bin("<", id("c"), lng(3)))))))),
		},
		{"precedence additive < multiplicative, left associative",
			"print 1 + 2 * 3 - 4",
			query(stmt(print1(bin("-", bin("+", lng(1), bin("*", lng(2), lng(3))), lng(4))))),
		},
		{"comparison binds looser than arithmetic",
			"print a + 1 > b * 2",
			query(stmt(print1(bin(">", bin("+", id("a"), lng(1)), bin("*", id("b"), lng(2)))))),
		},
		{"unary minus binds looser than member access",
			"print -x.y",
			query(stmt(print1(&UnaryExpr{Op: "-", X: &MemberExpr{X: id("x"), Name: id("y")}}))),
		},
		{"negative number literal",
			"print -9223372036854775807, 2 - -1.5",
			query(stmt(&PrintOp{Cols: []*ColumnExpr{col(lng(-math.MaxInt64)), col(bin("-", lng(2), real(-1.5)))}})),
		},
		{"the smallest long is a datatable value",
			"datatable(v:long)[-9223372036854775808]",
			query(stmt(&DatatableOp{Cols: []*ColumnDecl{{Name: id("v"), Type: "long"}}, Values: []Expr{lng(math.MinInt64)}})),
		},
		{"negated and case-sensitive string operators",
			`T | where a !has_cs "x" and b !contains "y" and c startswith_cs "z" and d !~ "w"`,
			query(stmt(pipe(id("T"), where(bin("and", bin("and", bin("and",
				bin("!has_cs", id("a"), str("x")), bin("!contains", id("b"), str("y"))),
				bin("startswith_cs", id("c"), str("z"))), bin("!~", id("d"), str("w"))))))),
		},
		{"in variants and has_any",
			`T | where a in~ ("x", "y") or b !in (1) or c has_any (L)`,
			query(stmt(pipe(id("T"), where(bin("or", bin("or",
				&InExpr{Op: "in~", X: id("a"), List: []Expr{str("x"), str("y")}},
				&InExpr{Op: "!in", X: id("b"), List: []Expr{lng(1)}}),
				&InExpr{Op: "has_any", X: id("c"), List: []Expr{id("L")}}))))),
		},
		{"in with a subquery",
			"T | where x in (U | project y)",
			query(stmt(pipe(id("T"), where(&InExpr{Op: "in", X: id("x"), List: []Expr{
				pipe(id("U"), &ProjectOp{Cols: []*ColumnExpr{col(id("y"))}})}})))),
		},
		{"between and !between",
			"T | where x between (1 .. 10) and y !between (ago(1d) .. now())",
			query(stmt(pipe(id("T"), where(bin("and",
				&BetweenExpr{X: id("x"), Lo: lng(1), Hi: lng(10)},
				&BetweenExpr{Not: true, X: id("y"), Lo: call("ago", ts(day)), Hi: call("now")}))))),
		},
		{"matches regex with a verbatim string",
			`T | where x matches regex @"\d+"`,
			query(stmt(pipe(id("T"), where(bin("matches regex", id("x"), str(`\d+`)))))),
		},
		{"member access, indexing, $left/$right",
			`print d.a["b"][0], $left.x, d.['c d']`,
			query(stmt(&PrintOp{Cols: []*ColumnExpr{
				col(&IndexExpr{X: &IndexExpr{X: &MemberExpr{X: id("d"), Name: id("a")}, Index: str("b")}, Index: lng(0)}),
				col(&MemberExpr{X: id("$left"), Name: id("x")}),
				col(&MemberExpr{X: id("d"), Name: id("c d")}),
			}})),
		},
		{"star and named arguments",
			"T | summarize count(*), arg_max(t, *) | evaluate bag_unpack(d, columnsConflict='keep_source')",
			query(stmt(pipe(id("T"),
				&SummarizeOp{Aggs: []*ColumnExpr{col(call("count", &Star{})), col(call("arg_max", id("t"), &Star{}))}},
				&EvaluateOp{Plugin: call("bag_unpack", id("d"), &NamedArg{Name: id("columnsConflict"), Value: str("keep_source")})}))),
		},
		{"contextual keywords are column names",
			"T | project kind, on, by, with, step | where from == to",
			query(stmt(pipe(id("T"),
				&ProjectOp{Cols: []*ColumnExpr{col(id("kind")), col(id("on")), col(id("by")), col(id("with")), col(id("step"))}},
				where(bin("==", id("from"), id("to")))))),
		},
		{"bracketed names",
			`T | extend ['a b'] = 1, ["x"] = 2 | project-away Foo*, ['c d']`,
			query(stmt(pipe(id("T"),
				&ExtendOp{Cols: []*ColumnExpr{named("a b", lng(1)), named("x", lng(2))}},
				&ProjectAwayOp{Cols: []Expr{&Wildcard{Pattern: "Foo*"}, id("c d")}}))),
		},
		{"summarize with names and by",
			"T | summarize count(), n = dcount(x) by bin(Timestamp, 1h), y",
			query(stmt(pipe(id("T"), &SummarizeOp{
				Aggs: []*ColumnExpr{col(call("count")), named("n", call("dcount", id("x")))},
				By:   []*ColumnExpr{col(call("bin", id("Timestamp"), ts(hour))), col(id("y"))},
			}))),
		},
		{"summarize by only",
			"T | summarize by a",
			query(stmt(pipe(id("T"), &SummarizeOp{By: []*ColumnExpr{col(id("a"))}}))),
		},
		{"join kind, hint, $left/$right and a same-name key",
			"T | join kind=leftouter hint.strategy=shuffle (U | where x) on $left.a == $right.b, c",
			query(stmt(pipe(id("T"), &JoinOp{
				Params: []*OpParam{{Name: "kind", Value: id("leftouter")}, {Name: "hint.strategy", Value: id("shuffle")}},
				Right:  &ParenExpr{X: pipe(id("U"), where(id("x")))},
				On: []Expr{
					bin("==", &MemberExpr{X: id("$left"), Name: id("a")}, &MemberExpr{X: id("$right"), Name: id("b")}),
					id("c"),
				},
			}))),
		},
		{"lookup",
			"T | lookup kind=inner U on k",
			query(stmt(pipe(id("T"), &LookupOp{Params: []*OpParam{{Name: "kind", Value: id("inner")}}, Right: id("U"), On: []Expr{id("k")}}))),
		},
		{"mv-apply sub-pipeline has no source",
			"T | mv-apply with_itemindex=i x = arr to typeof(long) limit 5 on (summarize s = sum(x) | where s > 1)",
			query(stmt(pipe(id("T"), &MvApplyOp{
				Params: []*OpParam{{Name: "with_itemindex", Value: id("i")}},
				Cols:   []*MvExpandCol{{Name: id("x"), X: id("arr"), ToType: "long"}},
				Limit:  lng(5),
				Sub: &PipeExpr{Ops: []Operator{
					&SummarizeOp{Aggs: []*ColumnExpr{named("s", call("sum", id("x")))}},
					where(bin(">", id("s"), lng(1))),
				}},
			}))),
		},
		{"mvexpand alias and mv-expand",
			"T | mvexpand a | mv-expand kind=array b to typeof(string), c",
			query(stmt(pipe(id("T"),
				&MvExpandOp{Cols: []*MvExpandCol{{X: id("a")}}},
				&MvExpandOp{Params: []*OpParam{{Name: "kind", Value: id("array")}}, Cols: []*MvExpandCol{{X: id("b"), ToType: "string"}, {X: id("c")}}}))),
		},
		{"parse pattern",
			`T | parse kind=regex flags=i x with "a" b:long "c" * d`,
			query(stmt(pipe(id("T"), &ParseOp{
				Params: []*OpParam{{Name: "kind", Value: id("regex")}, {Name: "flags", Value: id("i")}},
				X:      id("x"),
				Pattern: []*ParsePart{
					{Lit: str("a")}, {Column: &ColumnDecl{Name: id("b"), Type: "long"}},
					{Lit: str("c")}, {Star: true}, {Column: &ColumnDecl{Name: id("d")}},
				},
			}))),
		},
		{"make-series in range lowers to from/to/step",
			"T | make-series n = count() default = 0 on t in range(ago(1d), now(), 1h) by k",
			query(stmt(pipe(id("T"), &MakeSeriesOp{
				Aggs: []*MakeSeriesAgg{{Col: named("n", call("count")), Default: lng(0)}},
				On:   id("t"), From: call("ago", ts(day)), To: call("now"), Step: ts(hour),
				By: []*ColumnExpr{col(id("k"))},
			}))),
		},
		{"sort, top, take aliases",
			"T | order by a asc nulls first, b | top 3 by c desc | limit 5 | filter x",
			query(stmt(pipe(id("T"),
				&SortOp{Keys: []*SortKey{{X: id("a"), Order: "asc", Nulls: "first"}, {X: id("b")}}},
				&TopOp{N: lng(3), Keys: []*SortKey{{X: id("c"), Order: "desc"}}},
				&TakeOp{N: lng(5)},
				where(id("x"))))),
		},
		{"let statements: scalar, tabular, function with tabular params, view",
			`let n = 5; let T2 = T | take n; let f = (a:string, U:(x:long, *), m:long = 5) { U | take m }; let v = view () { print 1 }; f("x", T2)`,
			query(
				&LetStmt{Name: id("n"), Value: lng(5)},
				&LetStmt{Name: id("T2"), Value: pipe(id("T"), &TakeOp{N: id("n")})},
				&LetStmt{Name: id("f"), Value: &FuncExpr{
					Params: []*Param{
						{Name: id("a"), Type: "string"},
						{Name: id("U"), Tabular: true, AnyColumns: true, Columns: []*ColumnDecl{{Name: id("x"), Type: "long"}}},
						{Name: id("m"), Type: "long", Default: lng(5)},
					},
					Body: &Body{Stmts: []Statement{stmt(pipe(id("U"), &TakeOp{N: id("m")}))}},
				}},
				&LetStmt{Name: id("v"), Value: &FuncExpr{View: true, Body: &Body{Stmts: []Statement{stmt(print1(lng(1)))}}}},
				stmt(call("f", str("x"), id("T2"))),
			),
		},
		{"tabular parameter T:(*)",
			"let f = (T:(*)) { T | count }; f(U)",
			query(
				&LetStmt{Name: id("f"), Value: &FuncExpr{
					Params: []*Param{{Name: id("T"), Tabular: true, AnyColumns: true}},
					Body:   &Body{Stmts: []Statement{stmt(pipe(id("T"), &CountOp{}))}},
				}},
				stmt(call("f", id("U"))),
			),
		},
		{"declare and set",
			"declare query_parameters(n:long = 10); set query_now = datetime(2024-01-01); T | take n",
			query(
				&DeclareStmt{Params: []*Param{{Name: id("n"), Type: "long", Default: lng(10)}}},
				&SetStmt{Name: id("query_now"), Value: &Literal{Kind: LitDatetime, Ticks: utcTicks(2024, 1, 1, 0, 0, 0, 0)}},
				stmt(pipe(id("T"), &TakeOp{N: id("n")})),
			),
		},
		{"datatable with trailing comma, range, union",
			"datatable(a:long, b:string)[1, 'x', 2, 'y',] | union (range i from 1 to 3 step 1), Dev*",
			query(stmt(pipe(
				&DatatableOp{Cols: []*ColumnDecl{{Name: id("a"), Type: "long"}, {Name: id("b"), Type: "string"}},
					Values: []Expr{lng(1), str("x"), lng(2), str("y")}},
				&UnionOp{Tables: []Expr{
					&ParenExpr{X: &RangeOp{Name: id("i"), From: lng(1), To: lng(3), Step: lng(1)}},
					&Wildcard{Pattern: "Dev*"},
				}}))),
		},
		{"externaldata",
			`externaldata(h:string)[@"https://x/y.csv"] with (format="csv", ignoreFirstRecord=true)`,
			query(stmt(&ExternalDataOp{
				Cols: []*ColumnDecl{{Name: id("h"), Type: "string"}},
				URLs: []Expr{str("https://x/y.csv")},
				With: []*OpParam{{Name: "format", Value: str("csv")}, {Name: "ignoreFirstRecord", Value: boolean(true)}},
			})),
		},
		{"search with column:value",
			`search in (T) "ntds" and ActionType:"FileModified"`,
			query(stmt(&SearchOp{Tables: []Expr{id("T")}, Pred: bin("and", str("ntds"), bin(":", id("ActionType"), str("FileModified")))})),
		},
		{"bag_unpack output schema",
			"T | evaluate bag_unpack(d) : (a:string, *)",
			query(stmt(pipe(id("T"), &EvaluateOp{Plugin: call("bag_unpack", id("d")),
				Output: []*ColumnDecl{{Name: id("a"), Type: "string"}}, OutputAny: true}))),
		},
		{"top-nested and sample-distinct",
			"T | top-nested 2 of a with others = 'o' by n = count() desc, top-nested of b by sum(c) | sample-distinct 3 of a",
			query(stmt(pipe(id("T"),
				&TopNestedOp{Levels: []*TopNestedLevel{
					{N: lng(2), Of: col(id("a")), Others: str("o"), By: named("n", call("count")), Order: "desc"},
					{Of: col(id("b")), By: col(call("sum", id("c")))},
				}},
				&SampleDistinctOp{N: lng(3), Of: id("a")}))),
		},
		{"generic operator keeps its text",
			"T | reduce by x with threshold=0.1 | take 1",
			query(stmt(pipe(id("T"), &GenericOp{Name: "reduce", Text: "reduce by x with threshold=0.1"}, &TakeOp{N: lng(1)}))),
		},
		{"distinct with an assignment",
			"T | distinct a, b = tolower(c)",
			query(stmt(pipe(id("T"), &DistinctOp{Cols: []Expr{id("a"), &NamedArg{Name: id("b"), Value: call("tolower", id("c"))}}}))),
		},
		{"non-ASCII letters in names",
			"print Ҁx = ['Ҁ']",
			query(stmt(&PrintOp{Cols: []*ColumnExpr{named("Ҁx", id("Ҁ"))}})),
		},
		{"zero-width and no-break spaces are white space",
			"T\u200B|\u00A0where\uFEFFx",
			query(stmt(pipe(id("T"), where(id("x"))))),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.src, err)
			}
			if d := cmp.Diff(tt.want, got, astOpts); d != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.src, d)
			}
			checkRoundTrip(t, tt.name, got)
		})
	}
}

func TestParseLiterals(t *testing.T) {
	tests := []struct {
		src  string
		want *Literal
	}{
		{"7d", ts(7 * day)},
		{"1.5h", ts(90 * minute)},
		{"30m", ts(30 * minute)},
		{"10s", ts(10 * second)},
		{"100ms", ts(second / 10)},
		{"10microsecond", ts(100)},
		{"1tick", ts(1)},
		{"25min", ts(25 * minute)},
		{"1sec", ts(second)},
		{"2days", ts(2 * day)},
		{"3hours", ts(3 * hour)},
		{"0.5d", ts(12 * hour)},
		{"time(1.02:03:04)", ts(day + 2*hour + 3*minute + 4*second)},
		{"timespan(00:00:00.1)", ts(second / 10)},
		{"timespan(2)", ts(2 * day)},
		{"time(null)", &Literal{Kind: LitTimespan, Null: true}},
		{"0x1F", lng(31)},
		{"42", lng(42)},
		{"1e3", real(1000)},
		{"1.5", real(1.5)},
		{"1000.", real(1000)},
		{"real(nan)", real(math.NaN())},
		{"real(+inf)", real(math.Inf(1))},
		{"real(-inf)", real(math.Inf(-1))},
		{"real(null)", &Literal{Kind: LitReal, Null: true}},
		{"double(2)", real(2)},
		{"int(1)", &Literal{Kind: LitInt, Int: 1}},
		{"int(null)", &Literal{Kind: LitInt, Null: true}},
		{"long(2)", lng(2)},
		{"long(-2)", lng(-2)},
		{"long(null)", &Literal{Kind: LitLong, Null: true}},
		{"decimal(1.2)", &Literal{Kind: LitDecimal, Str: "1.2"}},
		{"bool(null)", &Literal{Kind: LitBool, Null: true}},
		{"true", boolean(true)},
		{"false", boolean(false)},
		{"datetime(2015-12-31 23:59:59.9)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2015, 12, 31, 23, 59, 59, 900_000_000)}},
		{"datetime(2015-12-31)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2015, 12, 31, 0, 0, 0, 0)}},
		{"datetime(2014-05-25T08:20:03.123456Z)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2014, 5, 25, 8, 20, 3, 123_456_000)}},
		{"datetime(2014-05-25T08:20:03+02:00)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2014, 5, 25, 6, 20, 3, 0)}},
		{"datetime(Sat, 8 Nov 2014 15:05:02 GMT)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2014, 11, 8, 15, 5, 2, 0)}},
		{"datetime(Saturday, 08-Nov-14 15:05:02 GMT)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2014, 11, 8, 15, 5, 2, 0)}},
		{"datetime(null)", &Literal{Kind: LitDatetime, Null: true}},
		{"guid(74BE27DE-1E4E-49D9-B579-FE0B331D3642)", &Literal{Kind: LitGuid, Str: "74be27de-1e4e-49d9-b579-fe0b331d3642"}},
		{"guid(null)", &Literal{Kind: LitGuid, Null: true}},
		{`dynamic({'a': [1, "x", null, -2.5], "b": {"c": true}})`, &Literal{Kind: LitDynamic, Str: `{"a":[1,"x",null,-2.5],"b":{"c":true}}`}},
		{"dynamic(null)", &Literal{Kind: LitDynamic, Null: true}},
		{"dynamic([])", &Literal{Kind: LitDynamic, Str: `[]`}},
		{`"Hello" ', ' @"world!"`, str("Hello, world!")},
		{`'a\tb\u0041\\\'"'`, str("a\tbA\\'\"")},
		{`"it's"`, str("it's")},
		{`@"C:\x"`, str(`C:\x`)},
		{`@'a''b'`, str(`a'b`)},
		{`h"secret"`, &Literal{Kind: LitString, Str: "secret", Obfuscated: true}},
		{`h@'C:\s'`, &Literal{Kind: LitString, Str: `C:\s`, Obfuscated: true}},
		{"```line1\nline2```", str("line1\nline2")},
		{"datetime // a comment\n(2015-12-31)", &Literal{Kind: LitDatetime, Ticks: utcTicks(2015, 12, 31, 0, 0, 0, 0)}},
	}
	for _, tt := range tests {
		q, err := Parse("print " + tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		got := q.Stmts[0].(*ExprStmt).X.(*PrintOp).Cols[0].X
		if d := cmp.Diff(Expr(tt.want), got, astOpts); d != "" {
			t.Errorf("literal %q (-want +got):\n%s", tt.src, d)
		}
		checkRoundTrip(t, tt.src, q)
	}
}

func TestFormatCanonical(t *testing.T) {
	tests := []struct{ src, want string }{
		{"T|where a>1|limit 5", "T\n| where a > 1\n| take 5"},
		{"T | filter x | order by y", "T\n| where x\n| sort by y"},
		{"let x=1;T|project a=x", "let x = 1;\nT\n| project a = x"},
		{`print ['a b']=1, ['kind']=2, plain=3`, `print ["a b"] = 1, ["kind"] = 2, plain = 3`},
		{`print 'it\'s', @"C:\dir"`, `print "it's", @"C:\dir"`},
		{"print 90m, 1.5h, 2d, 100ms", "print 90m, 90m, 2d, 100ms"},
		{"print (1 + 2) * 3", "print (1 + 2) * 3"},
		{"T | project-away a | mvexpand b", "T\n| project-away a\n| mv-expand b"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := q.String(); got != tt.want {
			t.Errorf("Format(%q) =\n%s\nwant\n%s", tt.src, got, tt.want)
		}
	}
}

func TestFormatParenthesizesSyntheticTrees(t *testing.T) {
	// A tree built by a program (not the parser) still prints valid KQL.
	x := bin("*", bin("+", lng(1), lng(2)), lng(3))
	if got, want := Format(x), "(1 + 2) * 3"; got != want {
		t.Errorf("Format = %q, want %q", got, want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src       string
		at        string // the error starts at the first occurrence of this text
		msg, hint string
	}{
		{"T | summarise count()", "summarise", `unknown tabular operator "summarise"`, `did you mean "summarize"?`},
		{"T | projct a", "projct", `unknown tabular operator "projct"`, `did you mean "project"?`},
		{"T | mv-expnd a", "mv-expnd", `unknown tabular operator "mv-expnd"`, `did you mean "mv-expand"?`},
		{"T | project-awy a", "project-awy", `unknown tabular operator "project-awy"`, `did you mean "project-away"?`},
		{"T | frobnicate", "frobnicate", `unknown tabular operator "frobnicate"`, ""},
		{`T | where x == "abc`, `"abc`, "unterminated string literal", `close the string with "`},
		{"T | where (x == 1", "", `expected ")", found end of query`, `the "(" at 1:11 is not closed`},
		{"T | where x == 'a’ // c", "'a", "unterminated string literal", "a typographic quote does not close a string; use '"},
		{"T | where x == “a”", "“", `unexpected character '“'`, `use straight quotes`},
		{"T | 5", "5", `expected a tabular operator after "|", found "5"`, ""},
		{"let x = 1\nT", "T", `expected "|", ";" or end of query, found "T"`, `end each let statement with ";"`},
		{"T | where x = 1", "= 1", `expected "|", ";" or end of query, found "="`, `use "==" to compare values`},
		{"print 99999999999999999999", "999", `integer literal "99999999999999999999" overflows long`, ""},
		{"print datetime(2020-13-01)", "datetime", `invalid datetime literal "2020-13-01"`, ""},
		{"print 1 +", "", "expected an expression, found end of query", ""},
		{"print 1.5x", "1.5x", `invalid number "1.5x"`, "timespan units"},
		{"T | join (U) on", "", "expected an expression, found end of query", ""},
		{"T | take 1 take 2", "take 2", `expected "|", ";" or end of query, found "take"`, `add "|" before "take"`},
		{"", "", "empty query", ""},
		{"T | print 1", "print", `"print" cannot follow "|": it has no input`, "start a new statement"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		if err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", tt.src)
			continue
		}
		el, ok := err.(ErrorList)
		if !ok || len(el) == 0 {
			t.Errorf("Parse(%q) error %T, want a non-empty ErrorList", tt.src, err)
			continue
		}
		e := el[0]
		wantAt := len(tt.src)
		if tt.at != "" {
			wantAt = strings.Index(tt.src, tt.at)
		}
		if tt.src != "" && e.Span.Start != wantAt && !(tt.at == "" && e.Span.Start >= len(tt.src)) {
			t.Errorf("Parse(%q) error at %d, want %d (%s)", tt.src, e.Span.Start, wantAt, e.Msg)
		}
		if !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("Parse(%q) message %q, want it to contain %q", tt.src, e.Msg, tt.msg)
		}
		if !strings.Contains(e.Hint, tt.hint) || tt.hint == "" && strings.HasPrefix(tt.msg, "unknown") && e.Hint != "" {
			t.Errorf("Parse(%q) hint %q, want %q", tt.src, e.Hint, tt.hint)
		}
	}
}

func TestErrorList(t *testing.T) {
	var l ErrorList
	if l.Err() != nil {
		t.Error("empty ErrorList.Err() is not nil")
	}
	for i := 0; i < MaxErrors+5; i++ {
		l.Add(&Error{Span: Span{i, i + 1}, Msg: "bad"})
	}
	if len(l) != MaxErrors {
		t.Errorf("len = %d, want the cap %d", len(l), MaxErrors)
	}
	if l.Err() == nil {
		t.Error("non-empty ErrorList.Err() is nil")
	}
}

func TestLineCol(t *testing.T) {
	src := "ab\ncé d\n"
	tests := []struct{ off, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {strings.Index(src, "d"), 2, 4}, {len(src), 3, 1}, {999, 3, 1},
	}
	for _, tt := range tests {
		if l, c := LineCol(src, tt.off); l != tt.line || c != tt.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

func TestInspect(t *testing.T) {
	q, err := Parse("let n = 5; T | where a > n | summarize count() by b")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	Inspect(q, func(n Node) bool {
		if id, ok := n.(*Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	want := []string{"n", "T", "a", "n", "count", "b"}
	if d := cmp.Diff(want, names); d != "" {
		t.Errorf("identifiers in pre-order (-want +got):\n%s", d)
	}
	// Returning false prunes: the where predicate's identifiers are skipped.
	names = names[:0]
	Inspect(q, func(n Node) bool {
		if _, ok := n.(*WhereOp); ok {
			return false
		}
		if id, ok := n.(*Ident); ok {
			names = append(names, id.Name)
		}
		return true
	})
	if d := cmp.Diff([]string{"n", "T", "count", "b"}, names); d != "" {
		t.Errorf("pruned walk (-want +got):\n%s", d)
	}
}

func TestTextForms(t *testing.T) {
	dt := []struct {
		s    string
		want int64
		ok   bool
	}{
		{"2015-12-31", utcTicks(2015, 12, 31, 0, 0, 0, 0), true},
		{"2015-12-31 23:59:59.9", utcTicks(2015, 12, 31, 23, 59, 59, 900_000_000), true},
		{"2015-12-31T23:59:59.1234567Z", utcTicks(2015, 12, 31, 23, 59, 59, 123_456_700), true},
		{"12-02-2022", utcTicks(2022, 12, 2, 0, 0, 0, 0), true}, // month first
		{"13-01-2022", 0, false},
		{"2015-02-30", 0, false},
		{"nonsense", 0, false},
	}
	for _, tt := range dt {
		got, ok := ParseDatetimeText(tt.s)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseDatetimeText(%q) = %d, %v; want %d, %v", tt.s, got, ok, tt.want, tt.ok)
		}
	}
	tsp := []struct {
		s    string
		want int64
		ok   bool
	}{
		{"1.02:03:04.5", day + 2*hour + 3*minute + 4*second + second/2, true},
		{"02:03", 2*hour + 3*minute, true},
		{"-00:00:01", -second, true},
		{"2", 2 * day, true},
		{"90m", 90 * minute, true},
		{"25:00:00", 0, false},
		{"x", 0, false},
	}
	for _, tt := range tsp {
		got, ok := ParseTimespanText(tt.s)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("ParseTimespanText(%q) = %d, %v; want %d, %v", tt.s, got, ok, tt.want, tt.ok)
		}
	}
}

func TestInternalErrorIsRecovered(t *testing.T) {
	q, err := parseWith("T | take 1", func(p *parser) *Query {
		var ops []Operator
		_ = ops[p.i+5] // an out-of-range index: a bug, not a syntax error
		return nil
	})
	if q != nil {
		t.Errorf("got a tree %v, want nil", q)
	}
	el, ok := err.(ErrorList)
	if !ok || len(el) != 1 {
		t.Fatalf("err = %v, want one internal error", err)
	}
	if !strings.Contains(el[0].Msg, `internal error parsing "T | take 1"`) {
		t.Errorf("message %q does not name the input", el[0].Msg)
	}
}

func TestParseReportsAnErrorPerStatement(t *testing.T) {
	src := "let a = T | summarise x;\nlet b = (1 + ;\nT | projct y"
	_, err := Parse(src)
	el, ok := err.(ErrorList)
	if !ok || len(el) != 3 {
		t.Fatalf("got %v, want three errors", err)
	}
	for i, want := range []string{"summarise", ";\nT", "projct"} {
		if at := strings.Index(src, want); el[i].Span.Start != at {
			t.Errorf("error %d at %d (%s), want %d", i, el[i].Span.Start, el[i].Msg, at)
		}
	}
}

func TestParseRecoversAfterAnErrorInABody(t *testing.T) {
	src := "let f = (x:long) { let y = ; x }; T | projct a"
	_, err := Parse(src)
	el, ok := err.(ErrorList)
	if !ok || len(el) != 2 {
		t.Fatalf("got %v, want two errors", err)
	}
	if at := strings.Index(src, "projct"); el[1].Span.Start != at {
		t.Errorf("second error at %d (%s), want %d", el[1].Span.Start, el[1].Msg, at)
	}
}

func TestParseBoundsNesting(t *testing.T) {
	src := "print " + strings.Repeat("(", 5000) + "1" + strings.Repeat(")", 5000)
	_, err := Parse(src)
	if err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("got %v, want a nesting error", err)
	}
	ok := "print " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200)
	if _, err := Parse(ok); err != nil {
		t.Errorf("200 levels: %v", err)
	}
}

func TestFormatKeepsComments(t *testing.T) {
	src := "// header\nlet x = 1; // one\nT // source\n// before where\n| where a > x // trailing\n    and b // inner\n| take 5\n// end\n"
	want := "// header\nlet x = 1;  // one\nT  // source\n// before where\n| where a > x and b  // trailing\n// inner\n| take 5\n// end"
	q, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Comments) != 7 {
		t.Fatalf("got %d comments, want 7", len(q.Comments))
	}
	if got := Format(q); got != want {
		t.Errorf("Format =\n%s\nwant\n%s", got, want)
	}
	checkRoundTrip(t, "comments", q)
}

// Kusto rejects -9223372036854775808 in an expression (it negates
// 9223372036854775808, which overflows long) but accepts it as a datatable
// value: conformance cases r2-type-casts-coercion-0037 (rejected),
// r3-parse-search-0017 (rejected) and r1-type-casts-coercion-0019 (accepted).
func TestSmallestLongOnlyInDatatable(t *testing.T) {
	for _, src := range []string{
		"print abs(-9223372036854775808)",
		"datatable(v:long)[0] | where v between (-9223372036854775808 .. 0)",
	} {
		_, err := Parse(src)
		if err == nil || !strings.Contains(err.Error(), "overflows long") {
			t.Errorf("Parse(%q) error = %v, want an overflow error", src, err)
		}
	}
	if _, err := Parse("datatable(l:long)[9223372036854775807, -9223372036854775808]"); err != nil {
		t.Errorf("datatable with the smallest long: %v", err)
	}
}
