package translate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// defaultListRows is how many rows a listing of events shows when the
// prompt gives no number; the explanation says so.
const defaultListRows = 100

// evidenceDims are the dimensions incidents and alerts are filtered by
// through their evidence (AlertEvidence).
var evidenceDims = map[string]bool{
	dimDevice: true, dimUser: true, dimIP: true, dimDomain: true, dimURL: true, dimSHA256: true,
	dimSHA1: true, dimFile: true, dimProcess: true, dimCmdline: true, dimFolder: true,
}

// canFilter reports whether a subject can be filtered by dim.
func (o *Offline) canFilter(sub *subject, dim string) bool {
	switch dim {
	case "text", "concept", "column":
		return true
	case "incident":
		return sub.id == "incident"
	}
	if _, ok := sub.dims[dim]; ok {
		return true
	}
	if sub.id == "incident" || sub.id == "alert" {
		return evidenceDims[dim] || (sub.id == "incident" && dim == dimTechnique)
	}
	return false
}

// builder collects the let statements a query needs ahead of its pipeline.
type builder struct {
	o    *Offline
	lets []kql.Statement
}

func (b *builder) let(name string, x kql.Expr) *kql.Ident {
	for _, s := range b.lets {
		if l := s.(*kql.LetStmt); l.Name.Name == name {
			name = fmt.Sprintf("%s%d", name, len(b.lets)+1)
		}
	}
	b.lets = append(b.lets, &kql.LetStmt{Name: ident(name), Value: x})
	return ident(name)
}

func (b *builder) query(p *kql.PipeExpr) *kql.Query {
	stmts := append(slices.Clone(b.lets), &kql.ExprStmt{X: p})
	return &kql.Query{Stmts: stmts}
}

// build makes the query for a plan, or says why it cannot.
func (o *Offline) build(p *Plan) (*kql.Query, string) {
	b := &builder{o: o}
	if p.Base != "" {
		return b.onBase(p)
	}
	if p.View != "" {
		return b.view(p)
	}
	sub := subjectByID(p.Subject)
	if sub == nil {
		return nil, "What should I look for: incidents, alerts, or which events?"
	}
	tbl, source, problem := o.source(sub)
	if problem != "" {
		return nil, problem
	}
	pipeOps := []kql.Operator{}
	// One row per incident (its latest state), per device, per identity.
	switch sub.id {
	case "incident":
		pipeOps = append(pipeOps, argMax("LastModifiedTime", "IncidentNumber"))
	case "device":
		pipeOps = append(pipeOps, argMax("Timestamp", "DeviceName"))
	case "identity":
		pipeOps = append(pipeOps, argMax("Timestamp", "AccountUpn"))
	}
	if p.Time != nil && sub.id != "device" && sub.id != "identity" {
		pipeOps = append(pipeOps, where(p.Time.predicate(sub.time)))
	}
	for _, f := range p.Filters {
		pred, problem := b.filter(sub, tbl, f)
		if problem != "" {
			return nil, problem
		}
		pipeOps = append(pipeOps, where(pred))
	}
	by := make([]string, 0, len(p.By))
	for _, d := range p.By {
		c, ok := sub.dims[d]
		if !ok {
			return nil, fmt.Sprintf("%s have no %s to group by; group them by one of: %s.", capital(sub.noun), dimName(d), strings.Join(dimNames(sub), ", "))
		}
		by = appendUnique(by, c[0])
	}
	n := p.N
	switch p.Shape {
	case ShapeCount:
		if len(by) == 0 {
			pipeOps = append(pipeOps, &kql.CountOp{})
			break
		}
		pipeOps = append(pipeOps, &kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: cols(by...)})
		if p.Having != nil {
			pipeOps = append(pipeOps, where(binary(p.Having.Op, ident("Count"), longLit(p.Having.N))))
		}
		key := sortKey("Count", true)
		if p.Sort != "" && p.Sort != "count" && p.Sort != "time" {
			if c, ok := sub.dims[p.Sort]; ok && slices.Contains(by, c[0]) {
				key = sortKey(c[0], p.Desc)
			}
		} else if p.Sort == "count" {
			key = sortKey("Count", p.Desc)
		}
		if n > 0 {
			pipeOps = append(pipeOps, &kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{key}})
		} else {
			pipeOps = append(pipeOps, &kql.SortOp{Keys: []*kql.SortKey{key, sortKey(by[0], false)}})
		}
	case ShapeTop, ShapeRare:
		if n <= 0 {
			n = 10
		}
		pipeOps = append(pipeOps,
			&kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: cols(by...)},
			&kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{sortKey("Count", p.Shape == ShapeTop), sortKey(by[0], false)}})
	case ShapeTrend:
		bin := p.Bin
		if bin == 0 {
			bin = 24 * time.Hour
		}
		groups := append([]*kql.ColumnExpr{named(sub.time, call("bin", ident(sub.time), spanLit(bin)))}, cols(by...)...)
		pipeOps = append(pipeOps,
			&kql.SummarizeOp{Aggs: []*kql.ColumnExpr{named("Count", call("count"))}, By: groups},
			&kql.SortOp{Keys: append([]*kql.SortKey{sortKey(sub.time, false)}, sortKeys(by)...)})
	default:
		show := slices.Clone(sub.list)
		for _, f := range p.Filters {
			// Show the columns a filter looked at, so the answer shows why
			// a row is there.
			if cs, ok := sub.dims[f.Dim]; ok && f.Dim != dimSeverity && f.Dim != dimStatus {
				for _, c := range cs {
					if _, ok := tbl.Column(c); ok && !slices.Contains(show, c) && len(show) < 10 {
						show = append(show, c)
					}
				}
			}
		}
		var keep []string
		for _, c := range show {
			if _, ok := tbl.Column(c); ok {
				keep = append(keep, c)
			}
		}
		pipeOps = append(pipeOps, &kql.ProjectOp{Cols: cols(keep...)})
		key := sortKey(sub.time, !boundedTimeline(sub, p))
		switch p.Sort {
		case "", "count":
		case "time":
			key = sortKey(sub.time, p.Desc)
		default:
			if c, ok := sub.dims[p.Sort]; ok && slices.Contains(keep, c[0]) {
				key = sortKey(c[0], p.Desc)
				if p.Sort == dimSeverity {
					// By rank, not alphabetically.
					key.X = severityRank(c[0])
				}
			}
		}
		if !slices.Contains(keep, sub.time) && p.Sort == "" {
			key = sortKey(keep[0], false)
		}
		if n == 0 && sub.id != "incident" && sub.id != "device" && sub.id != "identity" && sub.id != "alert" && !boundedTimeline(sub, p) {
			n = defaultListRows
		}
		if n > 0 {
			pipeOps = append(pipeOps, &kql.TopOp{N: longLit(int64(n)), Keys: []*kql.SortKey{key}})
		} else {
			pipeOps = append(pipeOps, &kql.SortOp{Keys: []*kql.SortKey{key}})
		}
	}
	if sub.union != nil && p.Shape == ShapeList && p.Sort == "" && !boundedTimeline(sub, p) {
		// A timeline reads oldest first: the most recent rows, in order.
		pipeOps = append(pipeOps, &kql.SortOp{Keys: []*kql.SortKey{sortKey(sub.time, false)}})
	}
	return b.query(pipe(source, pipeOps...)), ""
}

// boundedTimeline reports whether a timeline has a closed time window
// (a day, a range): then all of it is shown, in order.
func boundedTimeline(sub *subject, p *Plan) bool {
	return sub.union != nil && p.Time != nil && (p.Time.Day != "" || !p.Time.End.IsZero())
}

// source is the table (or union of tables) a subject reads, and the
// columns it has.
func (o *Offline) source(sub *subject) (*kql.Table, kql.Expr, string) {
	if sub.union == nil {
		tbl, ok := o.Schema.Table(sub.table)
		if !ok {
			return nil, nil, fmt.Sprintf("The dataset has no %s table, so I cannot look at %s.", sub.table, sub.noun)
		}
		return tbl, ident(sub.table), ""
	}
	merged := &kql.Table{Columns: []kql.Column{{Name: "Table", Type: kql.TString}}}
	var tables []kql.Expr
	for _, name := range sub.union {
		t, ok := o.Schema.Table(name)
		if !ok {
			continue
		}
		tables = append(tables, ident(name))
		for _, c := range t.Columns {
			if _, dup := merged.Column(c.Name); !dup {
				merged.Columns = append(merged.Columns, c)
			}
		}
	}
	if len(tables) == 0 {
		return nil, nil, "The dataset has none of the device event tables a timeline reads."
	}
	u := &kql.UnionOp{Params: []*kql.OpParam{{Name: "withsource", Value: ident("Table")}}, Tables: tables}
	return merged, u, ""
}

// severityRank orders severities: High 3, Medium 2, Low 1, others 0.
func severityRank(col string) kql.Expr {
	return call("case",
		binary("==", ident(col), strLit("High")), longLit(3),
		binary("==", ident(col), strLit("Medium")), longLit(2),
		binary("==", ident(col), strLit("Low")), longLit(1),
		longLit(0))
}

func sortKeys(cs []string) []*kql.SortKey {
	out := make([]*kql.SortKey, len(cs))
	for i, c := range cs {
		out[i] = sortKey(c, false)
	}
	return out
}

func argMax(timeCol, by string) *kql.SummarizeOp {
	return &kql.SummarizeOp{
		Aggs: []*kql.ColumnExpr{named("", call("arg_max", ident(timeCol), &kql.Star{}))},
		By:   cols(by),
	}
}

// filter is the predicate of one filter on a subject's table.
func (b *builder) filter(sub *subject, tbl *kql.Table, f Filter) (kql.Expr, string) {
	switch f.Dim {
	case "concept":
		if f.Values[0] != sub.id {
			return nil, fmt.Sprintf("%q is about %s, not %s; ask for %s instead?", f.Desc, subjectByID(f.Values[0]).noun, sub.noun, subjectByID(f.Values[0]).noun)
		}
		pred, err := parsePredicate(f.Concept)
		if err != nil {
			return nil, "internal error: " + err.Error()
		}
		if f.Negate {
			return call("not", pred), ""
		}
		return pred, ""
	case "text":
		return match(tbl, []string{sub.text}, f), ""
	case "column":
		if _, ok := tbl.Column(f.Column); !ok {
			return nil, fmt.Sprintf("%s have no %s column.", capital(sub.noun), f.Column)
		}
		return match(tbl, []string{f.Column}, f), ""
	case "incident":
		nums := make([]kql.Expr, 0, len(f.Values))
		for _, v := range f.Values {
			n, _ := strconv.ParseInt(v, 10, 64)
			nums = append(nums, longLit(n))
		}
		op := "in"
		if f.Negate {
			op = "!in"
		}
		return &kql.InExpr{Op: op, X: ident("IncidentNumber"), List: nums}, ""
	}
	if cs, ok := sub.dims[f.Dim]; ok {
		return match(tbl, userColumns(cs, f), f), ""
	}
	if sub.id == "incident" || sub.id == "alert" {
		if pred := b.viaEvidence(sub, f); pred != nil {
			return pred, ""
		}
	}
	return nil, fmt.Sprintf("%s have no %s: I cannot filter them by %s. Did you mean other events, or alerts/incidents involving it?", capital(sub.noun), dimName(f.Dim), strings.Join(f.Values, ", "))
}

// userColumns keeps, for a user given as a UPN, the columns that hold
// UPNs or addresses (an AccountName never has an @).
func userColumns(cs []string, f Filter) []string {
	if f.Dim != dimUser || len(cs) < 2 {
		return cs
	}
	upn := false
	for _, v := range f.Values {
		upn = upn || strings.Contains(v, "@")
	}
	var out []string
	for _, c := range cs {
		isUPN := strings.Contains(c, "Upn") || strings.Contains(c, "Address") || strings.Contains(c, "Email")
		if isUPN == upn {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return cs
	}
	return out
}

// viaEvidence filters incidents or alerts by an entity of their evidence.
func (b *builder) viaEvidence(sub *subject, f Filter) kql.Expr {
	op := "in"
	if f.Negate {
		op = "!in"
	}
	pos := f
	pos.Negate = false
	var alerts *kql.Ident
	if f.Dim == dimTechnique {
		if sub.id != "incident" {
			return nil
		}
		sa, _ := b.o.Schema.Table("SecurityAlert")
		alerts = b.let("alerts", pipe(ident("SecurityAlert"),
			where(match(sa, []string{"Techniques"}, pos)),
			&kql.DistinctOp{Cols: []kql.Expr{ident("SystemAlertId")}}))
	} else {
		ev := subjectByID("evidence")
		cs, ok := ev.dims[f.Dim]
		if !ok {
			return nil
		}
		et, _ := b.o.Schema.Table("AlertEvidence")
		evidence := b.let("evidence", pipe(ident("AlertEvidence"),
			where(match(et, userColumns(cs, pos), pos)),
			&kql.DistinctOp{Cols: []kql.Expr{ident("AlertId")}}))
		if sub.id == "alert" {
			return &kql.InExpr{Op: op, X: ident("AlertId"), List: []kql.Expr{evidence}}
		}
		alerts = b.let("alerts", pipe(ident("SecurityAlert"),
			where(&kql.InExpr{Op: "in", X: ident("VendorOriginalId"), List: []kql.Expr{evidence}}),
			&kql.DistinctOp{Cols: []kql.Expr{ident("SystemAlertId")}}))
	}
	incidents := b.let("incidents", pipe(ident("SecurityIncident"),
		&kql.MvExpandOp{Cols: []*kql.MvExpandCol{{Name: ident("SystemAlertId"), X: ident("AlertIds"), ToType: "string"}}},
		where(&kql.InExpr{Op: "in", X: ident("SystemAlertId"), List: []kql.Expr{alerts}}),
		&kql.DistinctOp{Cols: []kql.Expr{ident("IncidentNumber")}}))
	return &kql.InExpr{Op: op, X: ident("IncidentNumber"), List: []kql.Expr{incidents}}
}

// exactDims are matched with == (their values are canonical), the rest
// case-insensitively.
var exactDims = map[string]bool{dimSeverity: true, dimStatus: true, dimClass: true, dimIP: true}

// match is the predicate "any of the columns matches any of the values".
func match(tbl *kql.Table, columns []string, f Filter) kql.Expr {
	var preds []kql.Expr
	for _, c := range columns {
		col := ident(c)
		typ := kql.TString
		if tbl != nil {
			if cc, ok := tbl.Column(c); ok {
				typ = cc.Type
			}
		}
		if typ != kql.TString && typ != kql.TDynamic {
			// Numbers (ports, error codes).
			var nums []kql.Expr
			for _, v := range f.Values {
				if n, err := strconv.ParseInt(v, 10, 64); err == nil {
					nums = append(nums, longLit(n))
				}
			}
			if len(nums) == 0 {
				continue
			}
			op := "in"
			if f.Negate {
				op = "!in"
			}
			if len(nums) == 1 {
				o := "=="
				if f.Negate {
					o = "!="
				}
				preds = append(preds, binary(o, col, nums[0]))
			} else {
				preds = append(preds, &kql.InExpr{Op: op, X: col, List: nums})
			}
			continue
		}
		if typ == kql.TDynamic {
			col = nil
			preds = append(preds, textPred(call("tostring", ident(c)), f))
			continue
		}
		preds = append(preds, textPred(col, f))
	}
	if f.Negate {
		return and(preds...)
	}
	return or(preds...)
}

func textPred(col kql.Expr, f Filter) kql.Expr {
	neg := f.Negate
	vals := f.Values
	switch f.Op {
	case "has":
		if len(vals) == 1 {
			return binary(pick(neg, "!has", "has"), col, strLit(vals[0]))
		}
		x := inList("has_any", col, vals)
		if neg {
			return call("not", x)
		}
		return x
	case "contains":
		return orEach(col, vals, pick(neg, "!contains", "contains"), neg)
	case "prefix":
		return orEach(col, vals, pick(neg, "!startswith", "startswith"), neg)
	}
	exact := exactDims[f.Dim] || f.Op == "exact"
	if len(vals) == 1 {
		if exact {
			return binary(pick(neg, "!=", "=="), col, strLit(vals[0]))
		}
		return binary(pick(neg, "!~", "=~"), col, strLit(vals[0]))
	}
	if exact {
		return inList(pick(neg, "!in", "in"), col, vals)
	}
	return inList(pick(neg, "!in~", "in~"), col, vals)
}

func orEach(col kql.Expr, vals []string, op string, neg bool) kql.Expr {
	var ps []kql.Expr
	for _, v := range vals {
		ps = append(ps, binary(op, col, strLit(v)))
	}
	if neg {
		return and(ps...)
	}
	return or(ps...)
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// view builds the drill-down into the focused incident or alert.
func (b *builder) view(p *Plan) (*kql.Query, string) {
	f := p.Focus
	var evidenceIDs kql.Expr // the AlertEvidence.AlertId values in scope
	switch f.Kind {
	case "incident":
		n, err := strconv.ParseInt(f.ID, 10, 64)
		if err != nil {
			return nil, fmt.Sprintf("%q is not an incident number", f.ID)
		}
		alertIDs := b.let("alertIds", pipe(ident("SecurityIncident"),
			where(binary("==", ident("IncidentNumber"), longLit(n))),
			argMax("LastModifiedTime", "IncidentNumber"),
			&kql.MvExpandOp{Cols: []*kql.MvExpandCol{{Name: ident("SystemAlertId"), X: ident("AlertIds"), ToType: "string"}}},
			&kql.ProjectOp{Cols: cols("SystemAlertId")}))
		if p.View == "alerts" {
			var ops []kql.Operator
			ops = append(ops, where(&kql.InExpr{Op: "in", X: ident("SystemAlertId"), List: []kql.Expr{alertIDs}}))
			if p.Time != nil {
				ops = append(ops, where(p.Time.predicate("TimeGenerated")))
			}
			sa, _ := b.o.Schema.Table("SecurityAlert")
			for _, fl := range p.Filters {
				if fl.Dim == dimSeverity {
					ops = append(ops, where(match(sa, []string{"AlertSeverity"}, fl)))
				} else {
					return nil, fmt.Sprintf("I can narrow an incident's alerts by severity or time only; to filter by %s ask for its evidence (\"show its evidence\").", describeFilter(fl))
				}
			}
			summary := &kql.SummarizeOp{
				Aggs: []*kql.ColumnExpr{
					named("Devices", call("make_set_if", ident("DeviceName"), call("isnotempty", ident("DeviceName")))),
					named("Accounts", call("make_set_if", ident("AccountUpn"), call("isnotempty", ident("AccountUpn")))),
					named("RemoteIPs", call("make_set_if", ident("RemoteIP"), call("isnotempty", ident("RemoteIP")))),
				},
				By: cols("AlertId"),
			}
			ops = append(ops,
				&kql.JoinOp{
					Params: []*kql.OpParam{{Name: "kind", Value: ident("leftouter")}},
					Right:  &kql.ParenExpr{X: pipe(ident("AlertEvidence"), summary)},
					On:     []kql.Expr{binary("==", &kql.MemberExpr{X: ident("$left"), Name: ident("VendorOriginalId")}, &kql.MemberExpr{X: ident("$right"), Name: ident("AlertId")})},
				},
				&kql.ProjectOp{Cols: []*kql.ColumnExpr{
					named("", ident("TimeGenerated")), named("AlertId", ident("VendorOriginalId")), named("", ident("AlertName")),
					named("", ident("AlertSeverity")), named("", ident("Tactics")), named("", ident("Techniques")),
					named("", ident("Devices")), named("", ident("Accounts")), named("", ident("RemoteIPs")),
				}},
				&kql.SortOp{Keys: []*kql.SortKey{sortKey("TimeGenerated", false)}})
			return b.query(pipe(ident("SecurityAlert"), ops...)), ""
		}
		evidenceIDs = b.let("evidenceAlerts", pipe(ident("SecurityAlert"),
			where(&kql.InExpr{Op: "in", X: ident("SystemAlertId"), List: []kql.Expr{alertIDs}}),
			&kql.ProjectOp{Cols: cols("VendorOriginalId")}))
	case "alert":
		evidenceIDs = strLit(f.ID)
	default:
		return nil, "I can drill into an incident or an alert."
	}
	var ops []kql.Operator
	if lit, ok := evidenceIDs.(*kql.Literal); ok {
		ops = append(ops, where(binary("==", ident("AlertId"), lit)))
	} else {
		ops = append(ops, where(&kql.InExpr{Op: "in", X: ident("AlertId"), List: []kql.Expr{evidenceIDs}}))
	}
	ev := subjectByID("evidence")
	et, _ := b.o.Schema.Table("AlertEvidence")
	if p.Time != nil {
		ops = append(ops, where(p.Time.predicate("Timestamp")))
	}
	for _, fl := range p.Filters {
		pred, problem := b.filter(ev, et, fl)
		if problem != "" {
			return nil, problem
		}
		ops = append(ops, where(pred))
	}
	if p.View == "involved" {
		cs, ok := ev.dims[p.EvidenceDim]
		if !ok {
			return nil, fmt.Sprintf("Alert evidence has no %s; ask for the devices, users, IP addresses, files, processes or URLs involved.", dimName(p.EvidenceDim))
		}
		c := cs[0]
		ops = append(ops,
			where(call("isnotempty", ident(c))),
			&kql.SummarizeOp{
				Aggs: []*kql.ColumnExpr{
					named("Alerts", call("dcount", ident("AlertId"))),
					named("FirstSeen", call("min", ident("Timestamp"))),
					named("LastSeen", call("max", ident("Timestamp"))),
				},
				By: cols(c),
			},
			&kql.SortOp{Keys: []*kql.SortKey{sortKey("FirstSeen", false), sortKey(c, false)}})
		return b.query(pipe(ident("AlertEvidence"), ops...)), ""
	}
	ops = append(ops,
		&kql.ProjectOp{Cols: cols(ev.list...)},
		&kql.SortOp{Keys: []*kql.SortKey{sortKey("Timestamp", false), sortKey("AlertId", false), sortKey("EntityType", false)}})
	return b.query(pipe(ident("AlertEvidence"), ops...)), ""
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var dimEnglish = map[string]string{
	dimDevice: "device", dimUser: "user", dimIP: "IP address", dimDomain: "domain", dimURL: "URL",
	dimSHA256: "SHA256", dimSHA1: "SHA1", dimMD5: "MD5", dimFile: "file name", dimProcess: "process",
	dimParent: "parent process", dimCmdline: "command line", dimSeverity: "severity", dimStatus: "status",
	dimClass: "classification", dimTechnique: "MITRE technique", dimCategory: "category", dimAction: "action type",
	dimCountry: "country", dimApp: "application", dimPort: "port", dimSender: "sender", dimRecipient: "recipient",
	dimLogonType: "logon type", dimTitle: "title", dimEntity: "entity type", dimSubject: "subject",
	dimFolder: "folder", dimThreat: "threat type", "incident": "incident number", "text": "text",
	dimErrorCode: "error code",
}

func dimName(d string) string {
	if n, ok := dimEnglish[d]; ok {
		return n
	}
	return d
}

func dimNames(sub *subject) []string {
	var out []string
	for d := range sub.dims {
		out = append(out, dimName(d))
	}
	slices.Sort(out)
	return out
}
