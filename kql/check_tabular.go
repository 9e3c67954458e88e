package kql

import (
	"sort"
	"strconv"
	"strings"
)

// tab checks a tabular expression and returns its columns. in is the
// implicit input of a pipeline without a source (mv-apply's subquery,
// partition, facet), nil elsewhere.
func (c *checker) tab(e Expr, in *rel) *rel {
	var r *rel
	switch e := e.(type) {
	case nil:
		return openRel()
	case *PipeExpr:
		if e.Source != nil {
			r = c.tab(e.Source, nil)
		} else if in != nil {
			r = in
		} else {
			r = openRel()
		}
		c.pipes = append(c.pipes, nil)
		for _, op := range e.Ops {
			c.pipes[len(c.pipes)-1] = append(c.pipes[len(c.pipes)-1], stage{op, r})
			r = c.op(op, r)
		}
		c.pipes = c.pipes[:len(c.pipes)-1]
	case *ParenExpr:
		r = c.tab(e.X, in)
	case *Ident:
		r = c.tableRef(e)
	case *CallExpr:
		r = c.tabCall(e)
	case *MemberExpr:
		// cluster("c").database("d").Table and similar: another database.
		c.scalarArgsOf(e.X)
		r = openRel()
	case Operator:
		// datatable, print, range, union, search, find, evaluate,
		// externaldata as the source of a pipeline.
		r = c.op(e, nil)
	default:
		c.scalar(e, nil)
		c.errorf(e.Span(), "", "expected a tabular expression")
		r = openRel()
	}
	return c.setRel(e, r)
}

// scalarArgsOf checks the arguments of cluster()/database() chains.
func (c *checker) scalarArgsOf(e Expr) {
	switch e := e.(type) {
	case *CallExpr:
		for _, a := range e.Args {
			c.scalar(a, nil)
		}
	case *MemberExpr:
		c.scalarArgsOf(e.X)
	}
}

// tableRef resolves a table name: a let-bound table or view, a schema table
// (with its Sentinel columns resolvable but hidden), or an error with a
// did-you-mean hint.
func (c *checker) tableRef(id *Ident) *rel {
	if b := c.scope.lookup(id.Name); b != nil {
		switch b.kind {
		case bindTable:
			return b.rel.clone()
		case bindFunc:
			if len(b.fn.Params) == 0 && b.fnTabular {
				return b.fnResult.clone()
			}
			c.errorf(id.Sp, "", "function %q needs arguments: %s(...)", id.Name, id.Name)
			return openRel()
		default:
			c.errorf(id.Sp, "", "%q is a scalar, not a table", id.Name)
			return openRel()
		}
	}
	if t, ok := c.schema.Table(id.Name); ok {
		return c.schemaRel(t)
	}
	if now, ok := c.schema.Renamed[id.Name]; ok && len(now) > 0 {
		quoted := make([]string, len(now))
		for i, n := range now {
			quoted[i] = strconv.Quote(n)
		}
		c.errorf(id.Sp, "use "+strings.Join(quoted, " or ")+" instead", "table %q was renamed", id.Name)
		return openRel()
	}
	cands := append(c.schema.TableNames(), c.scope.allNames(bindTable, bindFunc)...)
	hint := didYouMean(suggest(id.Name, cands))
	if hint == "" && logAnalyticsTables[id.Name] {
		hint = id.Name + " is a Microsoft Sentinel (Log Analytics) table; the advanced-hunting schema does not have it"
	}
	c.errorf(id.Sp, hint, "unknown table %q", id.Name)
	return openRel()
}

// logAnalyticsTables are Sentinel / Log Analytics tables that published
// hunting queries use and advanced hunting does not have (corpus STATS).
var logAnalyticsTables = map[string]bool{
	"SigninLogs": true, "AADNonInteractiveUserSignInLogs": true, "AADUserRiskEvents": true,
	"AADRiskyUsers": true, "AuditLogs": true, "SecurityEvent": true, "OfficeActivity": true,
	"AWSCloudTrail": true, "AzureActivity": true, "AzureDiagnostics": true, "BehaviorAnalytics": true,
	"CommonSecurityLog": true, "DnsEvents": true, "Anomalies": true, "Usage": true, "Heartbeat": true,
	"IntuneDevices": true, "LAQueryLogs": true, "MicrosoftGraphActivityLogs": true,
	"NetworkAccessTraffic": true, "SentinelAudit": true, "ThreatIntelligenceIndicator": true,
	"ThreatIntelIndicators": true, "W3CIISLog": true, "Syslog": true, "Event": true, "Operation": true,
}

// logAnalyticsColumns are the standard columns every Log Analytics
// (Sentinel) table has besides its own [D:azure-monitor/logs/log-standard-columns].
var logAnalyticsColumns = []Column{
	{"_IsBillable", TString}, {"_BilledSize", TReal}, {"_ResourceId", TString},
	{"_SubscriptionId", TString}, {"_TimeReceived", TDatetime}, {"_ItemId", TString},
}

// LogAnalyticsColumns returns the standard columns every Log Analytics
// (Sentinel) table has besides its own (_IsBillable, _BilledSize,
// _ResourceId, ...), with their documented types.
func LogAnalyticsColumns() []Column {
	return append([]Column(nil), logAnalyticsColumns...)
}

// sentinelTableColumns are columns that the Sentinel (Log Analytics)
// table of the same name has and the advanced-hunting table does not,
// beyond the ones schema.json lists: Sentinel's UEBA IdentityInfo
// [azure-reference-other azure-monitor-ref/tables/includes/identityinfo-include.md].
var sentinelTableColumns = map[string][]Column{
	"IdentityInfo": {
		{"AccountCloudSID", TString}, {"AccountCreationTime", TDatetime}, {"AccountSID", TString},
		{"AccountTenantId", TString}, {"AccountUPN", TString}, {"AdditionalMailAddresses", TDynamic},
		{"Applications", TString}, {"EntityRiskScore", TDynamic}, {"ExtensionProperty", TDynamic},
		{"InvestigationPriority", TInt}, {"InvestigationPriorityPercentile", TInt}, {"IsMFARegistered", TBool},
		{"IsServiceAccount", TBool}, {"LastSeenDate", TDatetime}, {"MailAddress", TString},
		{"OnPremisesDistinguishedName", TString}, {"OnPremisesExtensionAttributes", TString},
		{"RelatedAccounts", TDynamic}, {"RiskState", TString}, {"SAMAccountName", TString},
		{"ServicePrincipals", TDynamic}, {"StreetAddress", TString}, {"UACFlags", TString},
		{"UserState", TString}, {"UserStateChangedOn", TDatetime}, {"UserType", TString},
	},
}

// schemaRel is the table value of a schema table: its advanced-hunting
// columns, with the Sentinel and Log Analytics standard columns
// resolvable but hidden. Column slices are shared, never changed in
// place: operators that change columns work on a clone.
func (c *checker) schemaRel(t *Table) *rel {
	if r, ok := c.tables[t]; ok {
		return r
	}
	extra := sentinelTableColumns[t.Name]
	hidden := make([]Column, 0, len(t.SentinelColumns)+len(logAnalyticsColumns)+len(extra))
	hidden = append(append(hidden, t.SentinelColumns...), logAnalyticsColumns...)
	for _, col := range extra {
		if _, ok := t.Column(col.Name); !ok {
			hidden = append(hidden, col)
		}
	}
	cols := append([]Column(nil), t.Columns...)
	for i, col := range cols {
		if t.SentinelDynamic(col.Name, c.dynUses) {
			// the Sentinel flavour of a JSON column (see SentinelDynamic)
			cols[i].Type = TDynamic
		}
	}
	r := &rel{cols: cols[:len(cols):len(cols)], hidden: hidden[:len(hidden):len(hidden)]}
	if c.tables == nil {
		c.tables = map[*Table]*rel{}
	}
	c.tables[t] = r
	return r
}

// tabCall checks a call in table position: materialize(T), a user
// function, table("name"), cluster()/database().
func (c *checker) tabCall(call *CallExpr) *rel {
	name := ""
	if call.Func != nil {
		name = call.Func.Name
	}
	if b := c.scope.lookup(name); b != nil && b.kind == bindFunc {
		r, _, _ := c.callUser(call, b, nil, nil)
		return r
	}
	switch name {
	case "materialize":
		if len(call.Args) != 1 {
			c.errorf(call.Sp, "", "function %q expects 1 argument, got %d", name, len(call.Args))
			return openRel()
		}
		return c.tab(call.Args[0], nil)
	case "table", "view", "materialized_view", "external_table":
		if len(call.Args) > 0 && name == "table" {
			// table("T"), or table(t) with t a let-bound string constant
			var tname *string
			if lit, ok := call.Args[0].(*Literal); ok && lit.Kind == LitString {
				c.setType(lit, TString)
				tname = &lit.Str
			} else if id, ok := call.Args[0].(*Ident); ok {
				if b := c.scope.lookup(id.Name); b != nil && b.kind == bindScalar && b.str != nil {
					c.setType(id, TString)
					tname = b.str
				}
			}
			if tname != nil {
				if t, ok := c.schema.Table(*tname); ok {
					return c.schemaRel(t)
				}
				if b := c.scope.lookup(*tname); b != nil && b.kind == bindTable {
					return b.rel.clone()
				}
				c.errorf(call.Args[0].Span(), "", "unknown table or tabular expression %q", *tname)
				return openRel()
			}
		}
		for _, a := range call.Args {
			c.scalar(a, nil)
		}
		return openRel()
	case "cluster", "database":
		for _, a := range call.Args {
			c.scalar(a, nil)
		}
		return openRel()
	}
	c.scalar(call, nil)
	return openRel()
}

// callUser checks a call of a let-bound function. input, when not nil, is
// the table an `invoke` passes as the first argument. It returns the
// result table (tabular functions) or the result type.
func (c *checker) callUser(call *CallExpr, b *binding, input, row *rel) (*rel, Type, bool) {
	fn := b.fn
	params := fn.Params
	if input != nil && len(params) > 0 {
		params = params[1:]
	}
	required := 0
	for _, p := range params {
		if p != nil && p.Default == nil {
			required++
		}
	}
	if len(call.Args) < required || len(call.Args) > len(params) {
		want := strconv.Itoa(len(params))
		if required != len(params) {
			want = strconv.Itoa(required) + " to " + strconv.Itoa(len(params))
		}
		c.errorf(call.Sp, "", "function %q expects %s arguments, got %d", call.Func.Name, want, len(call.Args))
	}
	argTypes := make([]Type, len(fn.Params))
	argRels := make([]*rel, len(fn.Params))
	off := 0
	if input != nil && len(fn.Params) > 0 {
		argRels[0] = input
		off = 1
	}
	for i, a := range call.Args {
		var p *Param
		if i+off < len(fn.Params) {
			p = fn.Params[i+off]
		}
		if na, ok := a.(*NamedArg); ok {
			a = na.Value
		}
		if (p != nil && p.Tabular) || (p == nil && c.isTabular(a)) {
			r := c.tab(a, nil)
			if i+off < len(argRels) {
				argRels[i+off] = r
			}
			continue
		}
		t := c.scalar(a, row)
		if i+off < len(argTypes) {
			argTypes[i+off] = t
		}
	}
	if !b.fnTabular {
		return nil, b.fnType, false
	}
	// Re-check the body with the actual tables for precise result columns;
	// its errors were reported at the definition.
	hasTable := false
	for _, r := range argRels {
		if r != nil {
			hasTable = true
		}
	}
	if !hasTable || c.depth > 8 {
		return b.fnResult.clone(), TUnknown, true
	}
	c.depth++
	c.quiet++
	r, _, tab := c.funcBody(fn, b.env, argTypes, argRels)
	c.quiet--
	c.depth--
	if !tab || r == nil {
		return b.fnResult.clone(), TUnknown, true
	}
	return r.clone(), TUnknown, true
}

// paramString returns an operator option's value as text (kind=inner →
// "inner"), or "".
func paramString(params []*OpParam, name string) string {
	for _, p := range params {
		if p == nil || !strings.EqualFold(p.Name, name) {
			continue
		}
		switch v := p.Value.(type) {
		case *Ident:
			return v.Name
		case *Literal:
			switch v.Kind {
			case LitString:
				return v.Str
			case LitBool:
				return strconv.FormatBool(v.Bool)
			case LitLong, LitInt:
				return strconv.FormatInt(v.Int, 10)
			}
		}
	}
	return ""
}

// op checks one operator applied to in (nil for a pipeline source).
func (c *checker) op(o Operator, in *rel) *rel {
	if in == nil {
		in = &rel{}
	}
	var r *rel
	switch o := o.(type) {
	case *WhereOp:
		c.predicate(o.Pred, in)
		r = in
	case *ProjectOp:
		r = c.project(o.Cols, in)
	case *ProjectAwayOp:
		r = in.clone()
		for _, e := range o.Cols {
			for _, name := range c.matchCols(e, in) {
				if i := r.index(name); i >= 0 {
					r.cols = append(r.cols[:i], r.cols[i+1:]...)
				}
			}
		}
	case *ProjectKeepOp:
		keep := map[string]bool{}
		for _, e := range o.Cols {
			for _, name := range c.matchCols(e, in) {
				keep[name] = true
			}
		}
		r = &rel{open: in.open, serialized: in.serialized}
		for _, col := range in.cols {
			if keep[col.Name] {
				r.cols = append(r.cols, col)
			}
		}
	case *ProjectRenameOp:
		r = in.clone()
		for _, ce := range o.Cols {
			if ce == nil || len(ce.Names) == 0 {
				continue
			}
			old, ok := ce.X.(*Ident)
			if !ok {
				c.scalar(ce.X, in)
				continue
			}
			col, found := c.column(old, in)
			if !found {
				continue
			}
			col.Name = ce.Names[0].Name
			if i := r.index(old.Name); i >= 0 {
				r.cols[i] = col
			} else {
				r.set(col)
			}
		}
	case *ProjectReorderOp:
		r = c.reorder(o, in)
	case *ExtendOp:
		r = c.extend(o.Cols, in)
	case *SerializeOp:
		in = in.clone()
		in.serialized = true
		r = c.extend(o.Cols, in)
	case *SummarizeOp:
		r = c.summarize(o, in)
	case *SortOp:
		for _, k := range o.Keys {
			c.sortKey(k, in)
		}
		r = in.clone()
		r.serialized = true
	case *TopOp:
		c.scalar(o.N, nil)
		for _, k := range o.Keys {
			c.sortKey(k, in)
		}
		r = in.clone()
		r.serialized = true
	case *TakeOp:
		c.scalar(o.N, nil)
		r = in
	case *SampleOp:
		c.scalar(o.N, nil)
		r = in
	case *SampleDistinctOp:
		c.scalar(o.N, nil)
		t := c.scalar(o.Of, in)
		r = &rel{cols: []Column{{nameOr(exprName(o.Of), "Column1"), t}}}
	case *CountOp:
		name := "Count"
		if o.As != nil {
			name = o.As.Name
		}
		r = &rel{cols: []Column{{name, TLong}}}
	case *DistinctOp:
		r = c.distinct(o, in)
	case *JoinOp:
		r = c.join(o, in)
	case *LookupOp:
		r = c.lookup(o, in)
	case *UnionOp:
		r = c.union(o, in)
	case *MvExpandOp:
		r = c.mvExpand(o.Params, o.Cols, o.Limit, in)
	case *MvApplyOp:
		r = c.mvApply(o, in)
	case *ParseOp:
		c.scalar(o.X, in)
		r = in.clone()
		for i, p := range o.Pattern {
			if i > 0 && p != nil && p.Column != nil && o.Pattern[i-1] != nil && o.Pattern[i-1].Column != nil &&
				p.Column.Name != nil && o.Pattern[i-1].Column.Name != nil {
				// Kusto refuses two columns in a row (r2-parse-search-0033)
				c.errorf(p.Sp, "", "parse: columns %q and %q need a delimiter between them", o.Pattern[i-1].Column.Name.Name, p.Column.Name.Name)
			}
			switch {
			case p == nil:
			case p.Lit != nil:
				c.setType(p.Lit, TString)
			case p.Column != nil && p.Column.Name != nil:
				t := TString
				if p.Column.Type != "" {
					t = declType(p.Column.Type)
				}
				r.set(Column{p.Column.Name.Name, t})
			}
		}
	case *ParseKVOp:
		c.scalar(o.X, in)
		r = in.clone()
		for _, cd := range o.Cols {
			if cd != nil && cd.Name != nil {
				r.set(Column{cd.Name.Name, declType(cd.Type)})
			}
		}
	case *MakeSeriesOp:
		r = c.makeSeries(o, in)
	case *TopNestedOp:
		r = c.topNested(o, in)
	case *TopHittersOp:
		c.scalar(o.N, nil)
		t := c.scalar(o.Of, in)
		name := nameOr(exprName(o.Of), "Column1")
		r = &rel{cols: []Column{{name, t}}}
		if o.By != nil {
			c.scalar(o.By, in)
			r.cols = append(r.cols, Column{"approximate_sum_" + nameOr(exprName(o.By), ""), TUnknown})
		} else {
			r.cols = append(r.cols, Column{"approximate_count_" + name, TLong})
		}
	case *GetSchemaOp:
		r = &rel{serialized: true, cols: []Column{{"ColumnName", TString}, {"ColumnOrdinal", TInt}, {"DataType", TString}, {"ColumnType", TString}}}
	case *EvaluateOp:
		r = c.evaluate(o, in)
	case *RenderOp:
		r = in
	case *AsOp:
		if o.Name != nil {
			c.scope.bind(o.Name.Name, &binding{kind: bindTable, rel: in.clone()})
		}
		r = in
	case *InvokeOp:
		r = c.invoke(o, in)
	case *SearchOp:
		// search looks in every column of its tables (all tables when none
		// are named): its predicate's names are not checked, and its
		// output is $table and the tables' columns.
		var parts []*rel
		if len(in.cols) > 0 || in.open {
			parts = append(parts, in)
		}
		for _, t := range o.Tables {
			parts = append(parts, c.tab(t, nil))
		}
		r = &rel{cols: append([]Column{{"$table", TString}}, unionColumns(parts)...), open: len(parts) == 0}
		for _, p := range parts {
			r.open = r.open || p.open
		}
	case *FindOp:
		for _, t := range o.Tables {
			c.tab(t, nil)
		}
		r = &rel{cols: []Column{{"source_", TString}}, open: true}
		for _, ce := range o.Project {
			if ce != nil {
				r.cols = append(r.cols, Column{nameOr(firstName(ce), exprName(ce.X)), TUnknown})
			}
		}
	case *FacetOp:
		if o.With != nil {
			c.tab(o.With, in)
		}
		r = openRel()
	case *ForkOp:
		for _, b := range o.Branches {
			if b != nil {
				c.tab(b.X, in)
			}
		}
		r = openRel()
	case *PartitionOp:
		c.scalar(o.By, in)
		r = c.tab(o.Sub, in.clone()).clone()
	case *ScanOp:
		r = in.clone()
		for _, p := range o.Declare {
			if p != nil && p.Name != nil {
				r.set(Column{p.Name.Name, declType(p.Type)})
			}
		}
		// Steps refer to each other's columns as step.Col: not modelled.
		r.open = true
		for _, st := range o.Steps {
			if st != nil {
				c.noWindowCalls(st)
			}
		}
	case *GenericOp:
		c.errorf(o.Sp, "", "operator %q is not supported", o.Name)
		r = openRel()
	case *DatatableOp:
		r = &rel{}
		for _, cd := range o.Cols {
			if cd != nil && cd.Name != nil {
				r.cols = append(r.cols, Column{cd.Name.Name, declType(cd.Type)})
			}
		}
		for _, v := range o.Values {
			c.scalar(v, nil)
			if v != nil && !isConstant(v) {
				c.errorf(v.Span(), "", "datatable values must be literals")
			}
		}
	case *ExternalDataOp:
		r = &rel{}
		for _, cd := range o.Cols {
			if cd != nil && cd.Name != nil {
				r.cols = append(r.cols, Column{cd.Name.Name, declType(cd.Type)})
			}
		}
		r.open = len(r.cols) == 0
		for _, u := range o.URLs {
			c.scalar(u, nil)
		}
	case *PrintOp:
		r = &rel{}
		for i, ce := range o.Cols {
			if ce == nil {
				continue
			}
			t := c.scalar(ce.X, nil)
			if len(ce.Names) == 0 {
				// print names only what is named: `print d` is print_0.
				r.set(Column{"print_" + strconv.Itoa(i), t})
				continue
			}
			c.assign(r, ce, t, "")
		}
	case *RangeOp:
		tf := c.scalar(o.From, nil)
		tt := c.scalar(o.To, nil)
		c.scalar(o.Step, nil)
		t := tf
		if isNumeric(tf) && isNumeric(tt) {
			t = promoteNumeric(tf, tt)
		}
		name := "Column1"
		if o.Name != nil {
			name = o.Name.Name
		}
		r = &rel{cols: []Column{{name, t}}, serialized: true}
	default:
		c.errorf(o.Span(), "", "operator not supported by the checker")
		r = openRel()
	}
	return c.setRel(o, r)
}

func nameOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func firstName(ce *ColumnExpr) string {
	if ce != nil && len(ce.Names) > 0 && ce.Names[0] != nil {
		return ce.Names[0].Name
	}
	return ""
}

// predicate checks a where/filter predicate: it must be a bool.
func (c *checker) predicate(e Expr, row *rel) {
	if t := c.scalar(e, row); t != TUnknown && t != TBool && t != TDynamic {
		c.errorf(e.Span(), "compare it with something, e.g. isnotempty(x) or x == ...", "where needs a bool predicate, got %s", t)
	}
}

func (c *checker) sortKey(k *SortKey, row *rel) {
	if k != nil {
		if c.scalar(k.X, row) == TDynamic {
			c.errorf(k.X.Span(), "convert it first, e.g. tostring() or tolong()", "cannot sort by a dynamic value")
		}
	}
}

// column resolves a column name in row, reporting it when unknown.
func (c *checker) column(id *Ident, row *rel) (Column, bool) {
	if col, ok := row.find(id.Name); ok {
		c.setType(id, col.Type)
		return col, true
	}
	if row == nil || !row.open {
		hint := didYouMean(suggest(id.Name, row.names()))
		if hint == "" {
			hint = c.droppedBy(id.Name)
		}
		c.errorf(id.Sp, hint, "unknown column %q", id.Name)
	}
	c.setType(id, TUnknown)
	return Column{}, false
}

// matchCols resolves an Ident or Wildcard of project-away/-keep/-reorder
// to the names of the columns of row it denotes.
func (c *checker) matchCols(e Expr, row *rel) []string {
	switch e := e.(type) {
	case *Ident:
		if col, ok := c.column(e, row); ok {
			return []string{col.Name}
		}
		return nil
	case *Wildcard:
		var out []string
		for _, col := range row.cols {
			if wildcardMatch(e.Pattern, col.Name) {
				out = append(out, col.Name)
			}
		}
		return out
	case nil:
		return nil
	default:
		c.scalar(e, row)
		return nil
	}
}

// wildcardMatch matches name against a pattern where * stands for any
// run of characters.
func wildcardMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, last) && len(name) >= len(last)
}

// seriesOutputs are the columns an unnamed call of a multi-result series
// function produces, named prefix_X_suffix [D:series-stats-function,
// D:series-fit-line-function, D:series-decompose-anomalies-function, ...].
var seriesOutputs = map[string][]Column{
	"series_stats": {{"min", TReal}, {"min_idx", TLong}, {"max", TReal}, {"max_idx", TLong},
		{"avg", TReal}, {"stdev", TReal}, {"variance", TReal}},
	"series_fit_line": {{"rsquare", TReal}, {"slope", TReal}, {"variance", TReal}, {"rvariance", TReal},
		{"interception", TReal}, {"line_fit", TDynamic}},
	"series_fit_2lines": {{"rsquare", TReal}, {"split_idx", TLong}, {"variance", TReal}, {"rvariance", TReal},
		{"line_fit", TDynamic}, {"right_rsquare", TReal}, {"right_slope", TReal}, {"right_interception", TReal},
		{"right_variance", TReal}, {"right_rvariance", TReal}, {"left_rsquare", TReal}, {"left_slope", TReal},
		{"left_interception", TReal}, {"left_variance", TReal}, {"left_rvariance", TReal}},
	"series_decompose":           {{"baseline", TDynamic}, {"seasonal", TDynamic}, {"trend", TDynamic}, {"residual", TDynamic}},
	"series_decompose_anomalies": {{"ad_flag", TDynamic}, {"ad_score", TDynamic}, {"baseline", TDynamic}},
	"series_periods_detect":      {{"periods", TDynamic}, {"scores", TDynamic}},
}

// seriesColumns returns the columns of an unnamed multi-result series
// function call, or nil.
func seriesColumns(e Expr) []Column {
	call, ok := e.(*CallExpr)
	if !ok || call.Func == nil || len(call.Args) == 0 {
		return nil
	}
	outs, ok := seriesOutputs[call.Func.Name]
	if !ok {
		return nil
	}
	x := aggArgName(call.Args[0])
	cols := make([]Column, len(outs))
	for i, o := range outs {
		cols[i] = Column{call.Func.Name + "_" + x + "_" + o.Name, o.Type}
	}
	return cols
}

// exprName is the column name KQL gives an unnamed expression that is a
// column reference or a path into one: `x` → x, `d.a` → d_a, `d["a"]` → d_a.
// It returns "" for other expressions.
func exprName(e Expr) string {
	switch e := e.(type) {
	case *Ident:
		if strings.HasPrefix(e.Name, "$") {
			return ""
		}
		return e.Name
	case *MemberExpr:
		if e.Name == nil {
			return ""
		}
		if id, ok := e.X.(*Ident); ok && (id.Name == "$left" || id.Name == "$right") {
			return e.Name.Name
		}
		if base := exprName(e.X); base != "" {
			return base + "_" + e.Name.Name
		}
	case *IndexExpr:
		if lit, ok := e.Index.(*Literal); ok && lit.Kind == LitString {
			if base := exprName(e.X); base != "" {
				return base + "_" + lit.Str
			}
		}
	case *ParenExpr:
		return exprName(e.X)
	}
	return ""
}

// nextColumnName returns the first ColumnN not used in r.
func nextColumnName(r *rel) string {
	for i := 1; ; i++ {
		n := "Column" + strconv.Itoa(i)
		if !r.has(n) {
			return n
		}
	}
}

// uniqueName returns name, or name with the smallest numeric suffix that
// is not used in r (count_, count_1, ...).
func uniqueName(r *rel, name string) string {
	if !r.has(name) {
		return name
	}
	for i := 1; ; i++ {
		n := name + strconv.Itoa(i)
		if !r.has(n) {
			return n
		}
	}
}

// assign adds the result of ColumnExpr ce of type t to r: under its
// given name(s), its own column name, or the fallback (ColumnN when "").
// An existing column of that name is replaced in place.
func (c *checker) assign(r *rel, ce *ColumnExpr, t Type, fallback string) {
	switch {
	case len(ce.Names) == 1:
		r.set(Column{ce.Names[0].Name, t})
	case len(ce.Names) > 1:
		for _, n := range ce.Names {
			if n != nil {
				r.set(Column{n.Name, TUnknown})
			}
		}
	default:
		if cols := seriesColumns(ce.X); cols != nil {
			for _, col := range cols {
				r.set(col)
			}
			return
		}
		name := aggArgName(ce.X)
		if name == "" {
			name = fallback
		}
		if name == "" {
			name = nextColumnName(r)
		}
		r.set(Column{name, t})
	}
}

func (c *checker) project(cols []*ColumnExpr, in *rel) *rel {
	r := &rel{open: in.open, serialized: in.serialized}
	for _, ce := range cols {
		if ce == nil {
			continue
		}
		if w, ok := ce.X.(*Wildcard); ok && len(ce.Names) == 0 {
			for _, col := range in.cols {
				if wildcardMatch(w.Pattern, col.Name) {
					r.set(col)
				}
			}
			continue
		}
		t := c.scalar(ce.X, in)
		c.assign(r, ce, t, "")
	}
	return r
}

// extend adds or replaces columns; later expressions see earlier ones.
func (c *checker) extend(cols []*ColumnExpr, in *rel) *rel {
	r := in.clone()
	batch := map[string]bool{} // columns this extend made
	for _, ce := range cols {
		if ce == nil {
			continue
		}
		if len(batch) > 0 && Mentions(ce.X, batch) {
			// Kusto resolves every expression of one extend against its
			// input (the conformance cases r2-dynamic-json-0019,
			// r3-datetime-timespan-0014, ... are rejected); exec refuses it too
			c.errorf(ce.X.Span(), "use a second extend", "a column defined in this extend cannot be used in the same extend")
		}
		t := c.scalar(ce.X, r)
		c.assign(r, ce, t, "")
		for _, col := range r.cols {
			if !in.has(col.Name) {
				batch[col.Name] = true
			}
		}
	}
	return r
}

func (c *checker) reorder(o *ProjectReorderOp, in *rel) *rel {
	r := &rel{hidden: in.hidden, open: in.open, serialized: in.serialized}
	used := map[string]bool{}
	for _, k := range o.Cols {
		if k == nil {
			continue
		}
		names := c.matchCols(k.X, in)
		switch k.Order {
		case "asc", "granny-asc":
			sort.Strings(names)
		case "desc", "granny-desc":
			sort.Sort(sort.Reverse(sort.StringSlice(names)))
		}
		for _, n := range names {
			if !used[n] {
				used[n] = true
				col, _ := in.find(n)
				r.cols = append(r.cols, col)
			}
		}
	}
	for _, col := range in.cols {
		if !used[col.Name] {
			r.cols = append(r.cols, col)
		}
	}
	return r
}

func (c *checker) distinct(o *DistinctOp, in *rel) *rel {
	r := &rel{open: in.open}
	for _, e := range o.Cols {
		if _, ok := e.(*Star); ok {
			return &rel{cols: append([]Column(nil), in.cols...), hidden: in.hidden, open: in.open}
		}
		t := c.scalar(e, in)
		name := aggArgName(e)
		if na, ok := e.(*NamedArg); ok && na.Name != nil {
			name = na.Name.Name // distinct Name = expr
		}
		if name == "" {
			name = nextColumnName(r)
		}
		r.set(Column{name, t})
	}
	return r
}

// evaluate checks a plugin call. Plugins produce columns that depend on
// the data, so the result is open.
func (c *checker) evaluate(o *EvaluateOp, in *rel) *rel {
	if o.Plugin == nil || o.Plugin.Func == nil {
		return openRel()
	}
	switch o.Plugin.Func.Name {
	case "bag_unpack":
		r := in.clone()
		r.open = true
		if len(o.Plugin.Args) > 0 {
			c.scalar(o.Plugin.Args[0], in)
			if id, ok := o.Plugin.Args[0].(*Ident); ok {
				if i := r.index(id.Name); i >= 0 {
					r.cols = append(r.cols[:i], r.cols[i+1:]...)
				}
			}
		}
		return r
	case "narrow":
		return &rel{cols: []Column{{"Row", TLong}, {"Column", TString}, {"Value", TString}}}
	}
	return openRel()
}

// fileProfileColumns are the columns the advanced-hunting FileProfile()
// function adds [D:advanced-hunting-fileprofile-function].
var fileProfileColumns = []Column{
	{"SHA1", TString}, {"SHA256", TString}, {"MD5", TString}, {"FileSize", TLong},
	{"GlobalPrevalence", TLong}, {"GlobalFirstSeen", TDatetime}, {"GlobalLastSeen", TDatetime},
	{"Signer", TString}, {"Issuer", TString}, {"SignerHash", TString}, {"IsCertificateValid", TBool},
	{"IsRootSignerMicrosoft", TBool}, {"SignatureState", TString}, {"IsExecutable", TBool},
	{"ThreatName", TString}, {"Publisher", TString}, {"SoftwareName", TString}, {"ProfileAvailability", TString},
}

func (c *checker) invoke(o *InvokeOp, in *rel) *rel {
	if o.Call == nil || o.Call.Func == nil {
		return openRel()
	}
	name := o.Call.Func.Name
	if b := c.scope.lookup(name); b != nil && b.kind == bindFunc {
		r, _, tab := c.callUser(o.Call, b, in, in)
		if !tab || r == nil {
			return openRel()
		}
		return r
	}
	for _, a := range o.Call.Args {
		c.scalar(a, in)
	}
	switch name {
	case "FileProfile":
		r := in.clone()
		for _, col := range fileProfileColumns {
			if !r.has(col.Name) {
				r.cols = append(r.cols, col)
			}
		}
		return r
	case "SeenBy":
		r := in.clone()
		r.open = true
		return r
	}
	cands := append([]string{"FileProfile", "SeenBy"}, c.scope.allNames(bindFunc)...)
	c.errorf(o.Call.Func.Sp, didYouMean(suggest(name, cands)), "unknown function %q", name)
	return openRel()
}

// isConstant tells whether e is a literal (possibly signed), as datatable
// values must be.
func isConstant(e Expr) bool {
	switch e := e.(type) {
	case *Literal:
		return true
	case *UnaryExpr:
		return isConstant(e.X)
	case *ParenExpr:
		return isConstant(e.X)
	case *CallExpr:
		// typed nulls and constructors the parser may keep as calls:
		// int(null), dynamic([...]), datetime(...)
		if e.Func == nil {
			return false
		}
		if _, ok := CanonicalType(e.Func.Name); ok || e.Func.Name == "time" {
			return true
		}
	}
	return false
}

// stage is one operator of a pipeline being checked, with its input.
type stage struct {
	op Operator
	in *rel
}

// droppedBy explains an unknown column that an earlier operator of the
// current pipeline had as input and removed: "the summarize before this
// point drops it", or "" when none did.
func (c *checker) droppedBy(name string) string {
	if len(c.pipes) == 0 {
		return ""
	}
	stages := c.pipes[len(c.pipes)-1]
	last := -1
	for i, st := range stages {
		if st.in.has(name) {
			last = i
		}
	}
	// The current operator's input has it: the name is unknown elsewhere
	// (the other side of a join, say), not dropped.
	if last < 0 || last == len(stages)-1 {
		return ""
	}
	kw := operatorKeyword(stages[last].op)
	if kw == "" {
		return ""
	}
	return strconv.Quote(name) + " is dropped by the " + kw + " before this point"
}

// operatorKeyword names the operators that remove columns.
func operatorKeyword(op Operator) string {
	switch op.(type) {
	case *ProjectOp:
		return "project"
	case *ProjectAwayOp:
		return "project-away"
	case *ProjectKeepOp:
		return "project-keep"
	case *ProjectRenameOp:
		return "project-rename"
	case *SummarizeOp:
		return "summarize"
	case *DistinctOp:
		return "distinct"
	case *CountOp:
		return "count"
	case *MakeSeriesOp:
		return "make-series"
	case *TopNestedOp:
		return "top-nested"
	case *JoinOp:
		return "join"
	case *EvaluateOp:
		return "evaluate"
	}
	return ""
}

// noWindowCalls reports the window functions (prev, next, row_number, ...)
// called in a scan step, as exec does.
func (c *checker) noWindowCalls(n Node) {
	Inspect(n, func(n Node) bool {
		if call, ok := n.(*CallExpr); ok && call.Func != nil && c.scope.lookup(call.Func.Name) == nil {
			if b, ok := lookupBuiltin(call.Func.Name); ok && b.Window {
				c.errorf(call.Sp, "", "%s", WindowInScanMessage(call.Func.Name))
			}
		}
		return true
	})
}
