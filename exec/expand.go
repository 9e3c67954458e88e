package exec

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// expandList is the per-row element list of mv-expand: array elements,
// one-key bags (or [key, value] arrays) for a bag, the value itself
// otherwise (null included).
func expandList(d string, bagArray bool) string {
	if strings.Contains(d, "SELECT") {
		// DuckDB refuses a subquery inside the lambda below (mv-apply
		// x = toscalar(T)): bind the value first, in a subquery of its own
		return "(SELECT " + expandList(`"$xd"`, bagArray) + " FROM (SELECT " + d + ` AS "$xd"))`
	}
	pair := "json_object(k, json_extract(" + d + ", '/' || replace(replace(k, '~', '~0'), '/', '~1')))"
	if bagArray {
		pair = "to_json([to_json(k), json_extract(" + d + ", '/' || replace(replace(k, '~', '~0'), '/', '~1'))])"
	}
	return "(CASE WHEN json_type(" + d + ") = 'ARRAY' THEN CAST(" + d + " AS JSON[]) " +
		"WHEN json_type(" + d + ") = 'OBJECT' THEN list_transform(json_keys(" + d + "), k -> " + pair + ") " +
		"ELSE [" + d + "] END)"
}

func (c *compiler) mvExpand(r *rel, op *kql.MvExpandOp, sc *scope) (*rel, error) {
	ev := c.rowEnv(r, sc)
	bagArray := strings.EqualFold(paramWord(op.Params, "bagexpansion"), "array") || strings.EqualFold(paramWord(op.Params, "kind"), "array")
	itemIndex := paramWord(op.Params, "with_itemindex")
	type ex struct {
		name string
		list string
		to   kql.Type
	}
	var exs []ex
	for _, mc := range op.Cols {
		v, err := c.scalar(mc.X, ev)
		if err != nil {
			return nil, err
		}
		name := ""
		if mc.Name != nil {
			name = mc.Name.Name
		} else {
			name = expandName(mc.X, r.cols)
		}
		if v.t != kql.TDynamic {
			return nil, errAt(mc.X, "mv-expand needs a dynamic value, found %s", typeName(v.t))
		}
		d := v.sql
		to := kql.TDynamic
		if mc.ToType != "" {
			t, ok := kql.CanonicalType(mc.ToType)
			if !ok {
				return nil, errAt(mc, "unknown type %q", mc.ToType)
			}
			to = t
		}
		exs = append(exs, ex{name: name, list: expandList(d, bagArray), to: to})
	}
	stage := "SELECT *"
	for i, e := range exs {
		stage += ", " + e.list + " AS \"$l" + strconv.Itoa(i) + "\""
	}
	s1 := c.addCTE(stage+" FROM "+r.from, r.cols, r.ord, r.sorted)
	var lens []string
	for i := range exs {
		lens = append(lens, "len(\"$l"+strconv.Itoa(i)+"\")")
	}
	n := lens[0]
	if len(lens) > 1 {
		n = "greatest(" + strings.Join(lens, ", ") + ")"
	}
	if op.Limit != nil {
		lim, err := c.countArg(op.Limit, sc)
		if err != nil {
			return nil, err
		}
		n = "least(" + n + ", " + lim + ")"
	}
	s2 := c.addCTE("SELECT *, unnest(range(1, "+n+" + 1)) AS \"$i\" FROM "+s1.from, r.cols, r.ord, r.sorted)
	outs := relOuts(r)
	for i, e := range exs {
		el := val{sql: "\"$l" + strconv.Itoa(i) + "\"[\"$i\"]", t: kql.TDynamic}
		if e.to != kql.TDynamic {
			el = c.convertStrict(el, e.to)
		}
		replaced := false
		for j := range outs {
			if outs[j].name == e.name {
				outs[j] = outCol{e.name, el.sql, el.t}
				replaced = true
			}
		}
		if !replaced {
			outs = append(outs, outCol{e.name, el.sql, el.t})
		}
	}
	if itemIndex != "" {
		outs = append(outs, outCol{itemIndex, "CAST(\"$i\" - 1 AS BIGINT)", kql.TLong})
	}
	var sel []string
	var cols []kql.Column
	for _, o := range outs {
		sel = append(sel, o.sql+" AS "+quoteIdent(o.name))
		cols = append(cols, kql.Column{Name: o.name, Type: o.t})
	}
	ord := "\"$i\""
	if r.ord {
		ord = ordCol + ", \"$i\""
	}
	sel = append(sel, "row_number() OVER (ORDER BY "+ord+") AS "+ordCol)
	if c.part != "" {
		sel = append(sel, c.part)
	}
	return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+s2.from, cols, true, r.sorted), nil
}

// convertStrict converts a dynamic element for `to typeof(T)`: values of
// another kind become null.
func (c *compiler) convertStrict(v val, t kql.Type) val {
	switch t {
	case kql.TString:
		return val{sql: "coalesce(CASE WHEN json_type(" + v.sql + ") = 'VARCHAR' THEN json_extract_string(" + v.sql + ", '$') ELSE " + dynText(v.sql) + " END, '')", t: t}
	}
	return c.convert(v, t)
}

func (c *compiler) parse(r *rel, op *kql.ParseOp, sc *scope) (*rel, error) {
	ev := c.rowEnv(r, sc)
	src, err := c.scalar(op.X, ev)
	if err != nil {
		return nil, err
	}
	s := c.asString(src).sql
	kind := strings.ToLower(paramWord(op.Params, "kind"))
	if kind == "" {
		kind = "simple"
	}
	if kind != "simple" && kind != "regex" && kind != "relaxed" {
		return nil, errAt(op, "unknown parse kind %q", kind)
	}
	flags := paramWord(op.Params, "flags")
	var re strings.Builder
	if kind == "regex" && flags != "" {
		re.WriteString("(?" + flags + ")")
	}
	type pcol struct {
		name string
		t    kql.Type
	}
	var pcols []pcol
	lastCol := -1
	for i, p := range op.Pattern {
		if p.Column != nil {
			lastCol = i
		}
	}
	re.WriteString("^")
	if kind == "regex" {
		re.Reset()
		if flags != "" {
			re.WriteString("(?" + flags + ")")
		}
	}
	for i, p := range op.Pattern {
		if i > 0 && p.Column != nil && op.Pattern[i-1].Column != nil {
			return nil, errAt(p, "parse: columns %q and %q need a delimiter between them", op.Pattern[i-1].Column.Name.Name, p.Column.Name.Name)
		}
		switch {
		case p.Star:
			re.WriteString("(?:.*?)")
		case p.Lit != nil:
			if kind == "regex" {
				re.WriteString("(?:" + p.Lit.Str + ")")
			} else {
				re.WriteString(regexp.QuoteMeta(p.Lit.Str))
			}
		case p.Column != nil:
			t := kql.TString
			if p.Column.Type != "" {
				tt, ok := kql.CanonicalType(p.Column.Type)
				if !ok {
					return nil, errAt(p, "unknown type %q", p.Column.Type)
				}
				t = tt
			}
			pcols = append(pcols, pcol{p.Column.Name.Name, t})
			if kind == "regex" && !isNumeric(t) {
				re.WriteString("(.*)")
			} else if isIntegral(t) {
				re.WriteString(`([-+]?\d+)`)
			} else if t == kql.TReal || t == kql.TDecimal {
				re.WriteString(`([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)`)
			} else if kind != "regex" && i == lastCol && i == len(op.Pattern)-1 {
				re.WriteString("(.*)")
			} else {
				re.WriteString("(.*?)")
			}
		}
	}
	if kind != "regex" {
		re.WriteString("$")
	}
	pattern, err := rewriteRegex(re.String())
	if err != nil {
		return nil, errAt(op, "parse pattern is not a valid regular expression: %v", err)
	}
	pat := quoteString(pattern)
	matched := "regexp_matches(" + s + ", " + pat + ")"
	var convs []val
	for i, pc := range pcols {
		g := val{sql: "regexp_extract(" + s + ", " + pat + ", " + strconv.Itoa(i+1) + ")", t: kql.TString}
		if pc.t == kql.TString {
			convs = append(convs, g)
			continue
		}
		convs = append(convs, c.convert(val{sql: "nullif(" + g.sql + ", '')", t: kql.TString}, pc.t))
	}
	ok := matched
	if kind == "simple" {
		for i, pc := range pcols {
			if pc.t != kql.TString {
				ok += " AND " + convs[i].sql + " IS NOT NULL"
			}
		}
	}
	outs := relOuts(r)
	for i, pc := range pcols {
		var expr string
		if pc.t == kql.TString {
			expr = "(CASE WHEN " + ok + " THEN " + convs[i].sql + " ELSE '' END)"
		} else {
			expr = "(CASE WHEN " + ok + " THEN " + convs[i].sql + " END)"
		}
		replaced := false
		for j := range outs {
			if outs[j].name == pc.name {
				outs[j] = outCol{pc.name, expr, pc.t}
				replaced = true
			}
		}
		if !replaced {
			outs = append(outs, outCol{pc.name, expr, pc.t})
		}
	}
	out := c.selectOuts(r, outs)
	if op.Where {
		// parse-where keeps only rows that matched (and converted)
		var sel []string
		for _, o := range outs {
			sel = append(sel, o.sql+" AS "+quoteIdent(o.name))
		}
		if r.ord {
			sel = append(sel, ordCol)
		}
		c.ctes = c.ctes[:len(c.ctes)-1]
		c.nextID--
		return c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+r.from+" WHERE "+ok, out.cols, r.ord, r.sorted), nil
	}
	return out, nil
}

func (c *compiler) evaluate(r *rel, op *kql.EvaluateOp, sc *scope) (*rel, error) {
	switch op.Plugin.Func.Name {
	case "bag_unpack":
		return c.bagUnpack(r, op.Plugin, sc)
	case "pivot":
		return c.pivot(r, op, sc)
	case "sliding_window_counts":
		return c.slidingWindowCounts(r, op.Plugin, sc)
	}
	return nil, errAt(op.Plugin, "plugin %q is not supported", op.Plugin.Func.Name)
}

// withSQL is the statement that selects sel from the stages compiled so far.
func (c *compiler) withSQL(sel string) string {
	if len(c.ctes) == 0 {
		return sel
	}
	return "WITH " + strings.Join(c.ctes, ",\n") + "\n" + sel
}

// bagUnpack compiles evaluate bag_unpack(col [, prefix] [, columnsConflict=..]
// [, ignoredProperties=..]): one column per key (sorted by name), typed by
// the values found, the source column removed. The keys come from the data,
// through CompileOptions.Probe.
func (c *compiler) bagUnpack(r *rel, call *kql.CallExpr, sc *scope) (*rel, error) {
	if c.opts.Probe == nil {
		return nil, errAt(call, "evaluate bag_unpack needs the data to find its columns; it runs only through the engine")
	}
	if len(call.Args) == 0 {
		return nil, errAt(call, "bag_unpack needs a dynamic column")
	}
	src, ok := call.Args[0].(*kql.Ident)
	if !ok {
		return nil, errAt(call.Args[0], "bag_unpack needs a column name")
	}
	scol, ok := r.col(src.Name)
	if !ok || scol.Type != kql.TDynamic {
		return nil, errAt(src, "bag_unpack needs a dynamic column, %q is not one", src.Name)
	}
	prefix, conflict := "", "error"
	ignored := map[string]bool{}
	for _, a := range call.Args[1:] {
		if na, ok := a.(*kql.NamedArg); ok {
			v, err := c.scalar(na.Value, &env{c: c, sc: sc})
			if err != nil {
				return nil, err
			}
			switch na.Name.Name {
			case "columnsConflict":
				s, ok := v.isConstString()
				if !ok {
					return nil, errAt(na, "columnsConflict must be a string constant")
				}
				conflict = s
			case "ignoredProperties":
				l, ok := constStrings(v)
				if !ok {
					return nil, errAt(na, "ignoredProperties must be a constant dynamic array of strings")
				}
				for _, k := range l {
					ignored[k] = true
				}
			default:
				return nil, errAt(na, "bag_unpack has no parameter %q", na.Name.Name)
			}
			continue
		}
		v, err := c.scalar(a, &env{c: c, sc: sc})
		if err != nil {
			return nil, err
		}
		s, ok := v.isConstString()
		if !ok {
			return nil, errAt(a, "the bag_unpack prefix must be a string constant")
		}
		prefix = s
	}
	d := quoteIdent(src.Name)
	probe := c.withSQL("SELECT k, list(DISTINCT json_type(json_extract(" + d + ", '/' || replace(replace(k, '~', '~0'), '/', '~1')))) FROM (SELECT " + d + ", unnest(json_keys(" + d + ")) AS k FROM " + r.from + " WHERE json_type(" + d + ") = 'OBJECT') GROUP BY k ORDER BY k")
	rows, err := c.opts.Probe(probe)
	if err != nil {
		return nil, errAt(call, "bag_unpack: %v", err)
	}
	outs := relOuts(r)
	srcIdx := -1
	for i := range outs {
		if outs[i].name == src.Name {
			srcIdx = i
		}
	}
	var added []outCol
	for _, row := range rows {
		key, _ := row[0].(string)
		if ignored[key] {
			continue
		}
		t := bagType(row[1])
		name := prefix + key
		if kql.InternalName(name) {
			return nil, errAt(call, "bag_unpack: the key %q would name a column %q: names starting with $ are reserved for kqlhunt's internal columns (use a column prefix)", key, name)
		}
		el := val{sql: "json_extract(" + d + ", " + quoteString(jsonPointer(key)) + ")", t: kql.TDynamic}
		if t != kql.TDynamic {
			el = c.convertStrict(el, t)
		}
		idx := -1
		for i := range outs {
			if outs[i].name == name {
				idx = i
			}
		}
		switch {
		case idx == srcIdx && idx >= 0:
			// the key takes the place of the source column
			outs[idx] = outCol{name, el.sql, t}
			srcIdx = -1
		case idx >= 0:
			switch conflict {
			case "replace_source":
				outs[idx] = outCol{name, el.sql, t}
			case "keep_source":
			default:
				return nil, hintAt(call, "use columnsConflict='replace_source' or 'keep_source'", "bag_unpack: column %q already exists", name)
			}
		default:
			added = append(added, outCol{name, el.sql, t})
		}
	}
	if srcIdx >= 0 {
		outs = append(outs[:srcIdx], outs[srcIdx+1:]...)
	}
	return c.selectOuts(r, append(outs, added...)), nil
}

// bagType is the column type bag_unpack gives a key from the JSON types of
// its values.
func bagType(v any) kql.Type {
	list, _ := v.([]any)
	var t kql.Type
	for _, x := range list {
		s, _ := x.(string)
		var k kql.Type
		switch s {
		case "NULL", "":
			continue
		case "BIGINT", "UBIGINT":
			k = kql.TLong
		case "DOUBLE":
			k = kql.TReal
		case "VARCHAR":
			k = kql.TString
		case "BOOLEAN":
			k = kql.TBool
		default:
			return kql.TDynamic
		}
		switch {
		case t == "":
			t = k
		case t == k:
		case isNumeric(t) && isNumeric(k):
			t = kql.TReal
		default:
			return kql.TDynamic
		}
	}
	if t == "" {
		return kql.TDynamic
	}
	return t
}

func (c *compiler) mvApply(r *rel, op *kql.MvApplyOp, sc *scope) (*rel, error) {
	if c.part != "" {
		return nil, errAt(op, "mv-apply inside mv-apply is not supported")
	}
	order := ""
	if r.ord {
		order = "ORDER BY " + ordCol
	}
	base := c.addCTE("SELECT *, row_number() OVER ("+order+") AS \"$rid\" FROM "+r.from, r.cols, r.ord, r.sorted)
	ev := c.rowEnv(r, sc)
	bagArray := strings.EqualFold(paramWord(op.Params, "bagexpansion"), "array") || strings.EqualFold(paramWord(op.Params, "kind"), "array")
	itemIndex := paramWord(op.Params, "with_itemindex")
	var lists []string
	var outs []outCol
	for i, mc := range op.Cols {
		v, err := c.scalar(mc.X, ev)
		if err != nil {
			return nil, err
		}
		name := ""
		if mc.Name != nil {
			name = mc.Name.Name
		} else {
			name = expandName(mc.X, r.cols)
		}
		if v.t != kql.TDynamic {
			return nil, errAt(mc.X, "mv-apply needs a dynamic value, found %s", typeName(v.t))
		}
		lists = append(lists, expandList(v.sql, bagArray)+" AS \"$l"+strconv.Itoa(i)+"\"")
		el := val{sql: "\"$l" + strconv.Itoa(i) + "\"[\"$i\"]", t: kql.TDynamic}
		if mc.ToType != "" {
			t, ok := kql.CanonicalType(mc.ToType)
			if !ok {
				return nil, errAt(mc, "unknown type %q", mc.ToType)
			}
			if t != kql.TDynamic {
				el = c.convertStrict(el, t)
			}
		}
		outs = append(outs, outCol{name, el.sql, el.t})
	}
	s1 := c.addCTE("SELECT *, "+strings.Join(lists, ", ")+" FROM "+base.from, nil, false, false)
	var lens []string
	for i := range op.Cols {
		lens = append(lens, "len(\"$l"+strconv.Itoa(i)+"\")")
	}
	n := "greatest(" + strings.Join(lens, ", ") + ")"
	if op.Limit != nil {
		lim, err := c.countArg(op.Limit, sc)
		if err != nil {
			return nil, err
		}
		n = "least(" + n + ", " + lim + ")"
	}
	s2 := c.addCTE("SELECT *, unnest(range(1, "+n+" + 1)) AS \"$i\" FROM "+s1.from, nil, false, false)
	if itemIndex != "" {
		outs = append(outs, outCol{itemIndex, "CAST(\"$i\" - 1 AS BIGINT)", kql.TLong})
	}
	all := relOuts(r)
	for _, o := range outs {
		replaced := false
		for j := range all {
			if all[j].name == o.name {
				all[j] = o
				replaced = true
			}
		}
		if !replaced {
			all = append(all, o)
		}
	}
	var sel []string
	var xcols []kql.Column
	for _, o := range all {
		sel = append(sel, o.sql+" AS "+quoteIdent(o.name))
		xcols = append(xcols, kql.Column{Name: o.name, Type: o.t})
	}
	sel = append(sel, "row_number() OVER (ORDER BY \"$rid\", \"$i\") AS "+ordCol, "\"$rid\"")
	x := c.addCTE("SELECT "+strings.Join(sel, ", ")+" FROM "+s2.from, xcols, true, true)
	sub := op.Sub
	for {
		if p, ok := sub.(*kql.ParenExpr); ok {
			sub = p.X
			continue
		}
		break
	}
	pipe, ok := sub.(*kql.PipeExpr)
	if !ok || pipe.Source != nil {
		return nil, errAt(op.Sub, "mv-apply expects a subquery of operators: on (op | op ...)")
	}
	c.part = "\"$rid\""
	res, err := c.ops(x, pipe.Ops, sc)
	c.part = ""
	if err != nil {
		return nil, err
	}
	subNames := map[string]bool{}
	for _, col := range res.cols {
		subNames[col.Name] = true
	}
	var fsel []string
	var cols []kql.Column
	for _, col := range r.cols {
		if subNames[col.Name] {
			continue
		}
		fsel = append(fsel, "b."+quoteIdent(col.Name))
		cols = append(cols, col)
	}
	for _, col := range res.cols {
		fsel = append(fsel, "s."+quoteIdent(col.Name))
		cols = append(cols, col)
	}
	ord := "b.\"$rid\""
	if res.ord {
		ord += ", s." + ordCol
	}
	fsel = append(fsel, "row_number() OVER (ORDER BY "+ord+") AS "+ordCol)
	return c.addCTE("SELECT "+strings.Join(fsel, ", ")+" FROM "+base.from+" AS b JOIN "+res.from+" AS s ON b.\"$rid\" = s.\"$rid\"", cols, true, false), nil
}

// expandName is the column an unnamed mv-expand / mv-apply expression
// expands into, as the checker names it: the column the expression reads,
// looking through conversions (mv-expand parse_json(Folders) replaces
// Folders), otherwise the first ColumnN the input does not have.
func expandName(e kql.Expr, cols []kql.Column) string {
	if n := convArgName(e); n != "" {
		return n
	}
	for i := 1; ; i++ {
		n := "Column" + strconv.Itoa(i)
		if !hasColumn(cols, n) {
			return n
		}
	}
}

// convArgName is autoName looking through conversions, "" otherwise.
func convArgName(e kql.Expr) string {
	if n := autoName(e); n != "" {
		return n
	}
	if call, ok := e.(*kql.CallExpr); ok && call.Func != nil && len(call.Args) == 1 && isConversionFunc(call.Func.Name) {
		return convArgName(call.Args[0])
	}
	return ""
}

func hasColumn(cols []kql.Column, name string) bool {
	for _, c := range cols {
		if c.Name == name {
			return true
		}
	}
	return false
}

// isConversionFunc reports whether name is a conversion function that
// automatic column names look through (sum(toint(v)) is sum_v).
func isConversionFunc(name string) bool {
	switch name {
	case "tostring", "toint", "tolong", "todouble", "toreal", "todecimal", "tobool", "toboolean",
		"todatetime", "totimespan", "toguid", "todynamic", "parse_json", "parsejson":
		return true
	}
	return false
}
