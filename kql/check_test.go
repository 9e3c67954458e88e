package kql

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkTestSchema is shared by the tests; Check does not change it.
var checkTestSchema = AdvancedHunting()

func checkText(t *testing.T, src string) (*Query, *Info, ErrorList) {
	t.Helper()
	q, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	info, err := Check(q, checkTestSchema)
	var list ErrorList
	if err != nil && !errors.As(err, &list) {
		t.Fatalf("Check error is %T, want ErrorList", err)
	}
	return q, info, list
}

func lastResult(q *Query, info *Info) []Column {
	for i := len(q.Stmts) - 1; i >= 0; i-- {
		if es, ok := q.Stmts[i].(*ExprStmt); ok {
			return info.Results[es.X]
		}
	}
	return nil
}

// Expected columns follow the KQL documentation and the conformance cases
// cited (names and types as Kusto returns them).
func TestCheckColumns(t *testing.T) {
	tests := []struct {
		src  string
		want []Column
	}{
		{`DeviceProcessEvents | summarize count() by DeviceName`,
			[]Column{{"DeviceName", TString}, {"count_", TLong}}},
		// [D:summarize-operator]: keys first, then aggregates with automatic names
		{`DeviceProcessEvents | summarize dcount(AccountName), make_set(FileName), arg_max(Timestamp, FileName) by DeviceId`,
			[]Column{{"DeviceId", TString}, {"dcount_AccountName", TLong}, {"set_FileName", TDynamic}, {"Timestamp", TDatetime}, {"FileName", TString}}},
		// docs-oracle percentilesw: percentile_X_99_9
		{`DeviceProcessEvents | summarize percentiles(ProcessId, 50, 99.9)`,
			[]Column{{"percentile_ProcessId_50", TLong}, {"percentile_ProcessId_99_9", TLong}}},
		{`DeviceInfo | summarize count() by bin(Timestamp, 1h)`,
			[]Column{{"Timestamp", TDatetime}, {"count_", TLong}}},
		// sum(toint(v)) is named after v (kusto-oracle dynamic-json case)
		{`datatable(v:dynamic)[1] | summarize sum(toint(v)), any(v), take_any(v)`,
			[]Column{{"sum_v", TLong}, {"any_v", TDynamic}, {"v", TDynamic}}},
		{`print x = datetime(2020-01-02) - datetime(2020-01-01), 1/2, 1.0/2, 2 * 1h`,
			[]Column{{"x", TTimespan}, {"print_1", TLong}, {"print_2", TReal}, {"print_3", TTimespan}}},
		{`datatable(a:int, b:long)[1, 2] | extend c = a + b, d = a * 1.5, e = tostring(a)`,
			[]Column{{"a", TInt}, {"b", TLong}, {"c", TLong}, {"d", TReal}, {"e", TString}}},
		// join collisions: the right key is kept and renamed (x1), then the next free number
		// emulator-measured-join-collision-suffix-skips-taken
		{`let L2 = datatable(k:string, k1:int)['a', 1]; let R = datatable(k:string, rv:int)['a',10]; L2 | join kind=inner (R) on k`,
			[]Column{{"k", TString}, {"k1", TInt}, {"k2", TString}, {"rv", TInt}}},
		{`let L = datatable(lk:long, v:string)[1, "a"]; let R = datatable(rk:long, v:string)[1, "b"]; L | join kind=leftouter R on $left.lk == $right.rk`,
			[]Column{{"lk", TLong}, {"v", TString}, {"rk", TLong}, {"v1", TString}}},
		{`DeviceInfo | extend d = parse_json(LoggedOnUsers) | project u = d[0].UserName, n = array_length(d)`,
			[]Column{{"u", TDynamic}, {"n", TLong}}},
		{`range x from 1 to 3 step 1`, []Column{{"x", TLong}}},
		{`range t from ago(1d) to now() step 1h`, []Column{{"t", TDatetime}}},
		{`DeviceInfo | getschema`,
			[]Column{{"ColumnName", TString}, {"ColumnOrdinal", TInt}, {"DataType", TString}, {"ColumnType", TString}}},
		{`let f = (T:(DeviceName:string)) { T | project DeviceName, n = strlen(DeviceName) }; DeviceInfo | invoke f()`,
			[]Column{{"DeviceName", TString}, {"n", TLong}}},
		{`DeviceInfo | summarize make_set(DeviceName) by OSPlatform | mv-expand set_DeviceName to typeof(string)`,
			[]Column{{"OSPlatform", TString}, {"set_DeviceName", TString}}},
		{`union withsource=T DeviceInfo, DeviceNetworkInfo | project T, DeviceName`,
			[]Column{{"T", TString}, {"DeviceName", TString}}},
		{`DeviceInfo | project DeviceId, DeviceName | lookup (DeviceNetworkInfo | project DeviceId, IPAddresses, DeviceName) on DeviceId`,
			[]Column{{"DeviceId", TString}, {"DeviceName", TString}, {"IPAddresses", TString}, {"DeviceName1", TString}}},
		{`DeviceInfo | project DeviceName | parse DeviceName with host "." domain:string`,
			[]Column{{"DeviceName", TString}, {"host", TString}, {"domain", TString}}},
		// make-series: keys, series, axis (docs-oracle make-series cases)
		{`DeviceInfo | make-series c = count() default = 0 on Timestamp step 1h by DeviceId`,
			[]Column{{"DeviceId", TString}, {"c", TDynamic}, {"Timestamp", TDynamic}}},
		{`DeviceInfo | top-nested 3 of DeviceName by count()`,
			[]Column{{"DeviceName", TString}, {"aggregated_DeviceName", TLong}}},
		{`DeviceInfo | count`, []Column{{"Count", TLong}}},
		{`DeviceInfo | distinct DeviceName, OSPlatform`, []Column{{"DeviceName", TString}, {"OSPlatform", TString}}},
		{`DeviceInfo | project DeviceName, OSPlatform, DeviceId | project-reorder DeviceId | project-rename Name = DeviceName`,
			[]Column{{"DeviceId", TString}, {"Name", TString}, {"OSPlatform", TString}}},
		{`DeviceInfo | project DeviceName, OSPlatform, OSVersion | project-away OS*`, []Column{{"DeviceName", TString}}},
		{`DeviceInfo | where TimeGenerated > ago(1d) | project TimeGenerated, TenantId`,
			[]Column{{"TimeGenerated", TDatetime}, {"TenantId", TString}}},
		{`DeviceInfo | project DeviceName | extend tolower(DeviceName), strcat(DeviceName, "x")`,
			[]Column{{"DeviceName", TString}, {"Column1", TString}, {"Column2", TString}}},
		{`print iff(true, 1, 2.5), case(false, "a", "b"), coalesce(long(null), 1)`,
			[]Column{{"print_0", TReal}, {"print_1", TString}, {"print_2", TLong}}},
		{`let threshold = 5; DeviceInfo | summarize n = count() by DeviceName | where n > threshold`,
			[]Column{{"DeviceName", TString}, {"n", TLong}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			q, info, errs := checkText(t, tt.src)
			if errs != nil {
				t.Fatalf("unexpected diagnostics: %v", errs)
			}
			if diff := cmp.Diff(tt.want, lastResult(q, info)); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckDiagnostics(t *testing.T) {
	tests := []struct {
		src  string
		at   string // the text the error's span covers
		msg  string
		hint string
	}{
		{`DeviceProcessEvents | where DeviceNme == "x"`, "DeviceNme", `unknown column "DeviceNme"`, `did you mean "DeviceName"?`},
		{`DeviceProcessEvents | where devicename == "x"`, "devicename", `unknown column "devicename"`, `did you mean "DeviceName"?`},
		{`DeviceProcesEvents | take 1`, "DeviceProcesEvents", `unknown table "DeviceProcesEvents"`, `did you mean "DeviceProcessEvents"?`},
		{`let Procs = DeviceProcessEvents; Proc | take 1`, "Proc", `unknown table "Proc"`, `did you mean "Procs"?`},
		{`SigninLog | take 1`, "SigninLog", `unknown table "SigninLog"`, `did you mean "SigninLogs"?`},
		// Sentinel (Log Analytics) tables are in the schema with their columns.
		{`SigninLogs | where ResultTyp == "0"`, "ResultTyp", `unknown column "ResultTyp"`, `did you mean "ResultType"?`},
		{`DeviceAlertEvents | take 1`, "DeviceAlertEvents", `table "DeviceAlertEvents" was renamed`, `use "AlertInfo" or "AlertEvidence" instead`},
		{`DeviceInfo | where tostrin(DeviceName) == ""`, "tostrin", `unknown function "tostrin"`, `did you mean "tostring"?`},
		{`print strlen("a", "b")`, `strlen("a", "b")`, `function "strlen" expects 1 argument, got 2`, ""},
		{`DeviceInfo | summarize count() by DeviceName | where DeviceId != ""`, "DeviceId", `unknown column "DeviceId"`, `"DeviceId" is dropped by the summarize before this point`},
		{`DeviceInfo | project DeviceName | project-away OSPlatform`, "OSPlatform", `unknown column "OSPlatform"`, `"OSPlatform" is dropped by the project before this point`},
		{`DeviceInfo | summarize n = count() by DeviceId | where OSPlatform == "Windows10"`, "OSPlatform", `unknown column "OSPlatform"`, `"OSPlatform" is dropped by the summarize before this point`},
		{`DeviceInfo | where Foo == 1`, "Foo", `unknown column "Foo"`, ""},
		{`let f = (x:long) { x + 1 }; print f(1, 2)`, "f(1, 2)", `function "f" expects 1 arguments, got 2`, ""},
		// Kusto rejects these (kusto-oracle rejected cases: no + on strings,
		// no arithmetic on dynamic, no sort by dynamic, datatable constants).
		{`print "a" + "b"`, `"a" + "b"`, `operator + cannot be applied to string and string`, `use strcat() to join strings`},
		{`print arr = dynamic([1,2,3]) | mv-expand arr | extend sq = arr * arr`, "arr * arr", `operator * cannot be applied to dynamic and dynamic`, `convert the dynamic value first, e.g. toint() or todouble()`},
		{`DeviceInfo | extend d = parse_json(LoggedOnUsers) | sort by d`, "d", `cannot sort by a dynamic value`, `convert it first, e.g. tostring() or tolong()`},
		{`datatable(x:long)[1 + 1]`, "1 + 1", `datatable values must be literals`, ""},
		{`DeviceInfo | extend n = count()`, "count", `aggregate function "count" is only allowed in summarize, make-series or top-nested`, ""},
		{`DeviceInfo | summarize DeviceName`, "DeviceName", `summarize needs an aggregate function here`, `use it as a group key: summarize ... by DeviceName`},
		// [D:window-functions]: prev/next need a serialized row set
		{`datatable(t:long)[1] | sort by t asc | extend gap = t - prev(t, 1, t)`, "t", `the default value of prev() must be a constant`, ""},
		{`DeviceInfo | where DeviceName`, "DeviceName", `where needs a bool predicate, got string`, `compare it with something, e.g. isnotempty(x) or x == ...`},
		{`DeviceInfo | join (DeviceNetworkInfo) on $left.Timestamp == $right.DeviceId`, "$left.Timestamp == $right.DeviceId", `join keys have different types: datetime and string`, `convert one side, e.g. tostring() or tolong()`},
		{`DeviceInfo | extend p = prev(DeviceName)`, "prev", `function "prev" needs serialized rows`, `sort the rows first (sort by ..., or serialize)`},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, _, errs := checkText(t, tt.src)
			if len(errs) != 1 {
				t.Fatalf("got %d diagnostics %v, want 1", len(errs), errs)
			}
			e := errs[0]
			start := strings.LastIndex(tt.src, tt.at)
			want := Span{start, start + len(tt.at)}
			if e.Span != want || e.Msg != tt.msg || e.Hint != tt.hint {
				t.Errorf("got %v %q hint %q, want %v %q hint %q", e.Span, e.Msg, e.Hint, want, tt.msg, tt.hint)
			}
		})
	}
}

// Permissive where KQL is: no error for these.
func TestCheckNoFalseErrors(t *testing.T) {
	for _, src := range []string{
		`DeviceInfo | extend b = parse_json(LoggedOnUsers) | evaluate bag_unpack(b) | where UserName == "x"`,
		`externaldata(x:string)["https://example.com/x.csv"] | where x != ""`,
		`externaldata(x:string)["https://example.com/x.csv"] with (format="csv") | project x`,
		`DeviceInfo | where tostring(LoggedOnUsers) contains "x" and OSPlatform == dynamic("Windows10")`,
		`declare query_parameters(p:string = "x"); DeviceInfo | where DeviceName == p`,
		`let T = materialize(DeviceInfo | take 10); T | join (T) on DeviceId | project DeviceId1`,
		`DeviceFileEvents | invoke FileProfile(SHA1, 1000) | where GlobalPrevalence < 5`,
		`DeviceInfo | mv-apply u = parse_json(LoggedOnUsers) on (where u.UserName != "" | take 1) | project DeviceName, u`,
		`DeviceInfo | where DeviceName in ((DeviceNetworkInfo | distinct DeviceName))`,
		`let names = dynamic(["a", "b"]); DeviceInfo | where DeviceName has_any (names)`,
		`print toscalar(DeviceInfo | summarize max(Timestamp)) - ago(1d)`,
		`union isfuzzy=true DeviceInfo, SomeTableThatMayNotExist | take 1`,
		`DeviceInfo | serialize n = row_number() | where n < 5 | extend p = prev(DeviceName)`,
		`DeviceInfo | sort by Timestamp asc | project DeviceName | extend p = prev(DeviceName, 1, "")`,
		`DeviceInfo | order by DeviceId, Timestamp desc | extend f = prev(Timestamp, 1, now(1d)) - Timestamp > 16m`,
		`range x from 1 to 5 step 1 | extend c = row_cumsum(x)`,
		`DeviceInfo | summarize s = make_set(Timestamp) by DeviceId | mv-apply s to typeof(datetime) on (extend n = next(s))`,
		`print toscalar(1) + 1`,
		`datatable(x:long, s:string, d:dynamic)[-1, "a", dynamic([1]), long(null), "", dynamic(null)]`,
		`DeviceInfo | make-series n = count(), other = -1 default = -2 on Timestamp step 1h`,
		`DeviceInfo | summarize tostring(make_set(DeviceName)), d = datetime_diff("second", max(Timestamp), min(Timestamp))`,
		`DeviceInfo | summarize n = count() by bin(Hour = Timestamp, 1h) | project Hour, n`,
		`IdentityInfo | summarize arg_max(Timestamp, *) by AccountObjectId | project AccountUPN, RiskState`,
		`DeviceInfo | where _IsBillable == "True" | summarize sum(_BilledSize)`,
		`DeviceInfo | join kind=inner (DeviceNetworkInfo | extend n = 1) on $left.DeviceId == $right.DeviceId`,
	} {
		t.Run(src, func(t *testing.T) {
			if _, _, errs := checkText(t, src); errs != nil {
				t.Errorf("unexpected diagnostics: %v", errs)
			}
		})
	}
}

// Info records the columns after every operator, which results are open,
// and the type of every expression.
func TestCheckInfo(t *testing.T) {
	src := `DeviceInfo | project DeviceName, Timestamp | extend age = now() - Timestamp, d = parse_json("{}") | evaluate bag_unpack(d)`
	q, info, errs := checkText(t, src)
	if errs != nil {
		t.Fatalf("unexpected diagnostics: %v", errs)
	}
	p := q.Stmts[0].(*ExprStmt).X.(*PipeExpr)
	project, extend, evaluate := p.Ops[0], p.Ops[1], p.Ops[2]
	if diff := cmp.Diff([]Column{{"DeviceName", TString}, {"Timestamp", TDatetime}}, info.Results[project]); diff != "" {
		t.Errorf("project (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Column{{"DeviceName", TString}, {"Timestamp", TDatetime}, {"age", TTimespan}, {"d", TDynamic}}, info.Results[extend]); diff != "" {
		t.Errorf("extend (-want +got):\n%s", diff)
	}
	// bag_unpack removes d and adds columns that depend on the data.
	if diff := cmp.Diff([]Column{{"DeviceName", TString}, {"Timestamp", TDatetime}, {"age", TTimespan}}, info.Results[evaluate]); diff != "" {
		t.Errorf("evaluate (-want +got):\n%s", diff)
	}
	if !info.Open[evaluate] || info.Open[extend] || !info.Open[p] {
		t.Errorf("open: evaluate %v extend %v pipe %v, want true false true", info.Open[evaluate], info.Open[extend], info.Open[p])
	}
	age := extend.(*ExtendOp).Cols[0].X.(*BinaryExpr)
	if info.Types[age] != TTimespan || info.Types[age.X] != TDatetime || info.Types[age.Y] != TDatetime {
		t.Errorf("types of now() - Timestamp: %q, %q, %q", info.Types[age], info.Types[age.X], info.Types[age.Y])
	}
}
