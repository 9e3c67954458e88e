package translate

import (
	"fmt"
	"strings"
)

// explain says in English what the plan's query does, and what of the
// prompt was not used.
func (o *Offline) explain(p *Plan, u *understanding) string {
	var b strings.Builder
	if p.Base != "" {
		b.WriteString(explainBase(p))
	} else if p.View != "" {
		b.WriteString(explainView(p))
	} else {
		b.WriteString(explainPlan(p))
	}
	if u != nil {
		for _, n := range u.notes {
			fmt.Fprintf(&b, " Note: %s.", n)
		}
		if len(u.unknown) > 0 {
			fmt.Fprintf(&b, " Not used from the prompt: %s.", strings.Join(quoteAll(u.unknown), ", "))
		}
	}
	return b.String()
}

func quoteAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fmt.Sprintf("%q", w)
	}
	return out
}

func explainView(p *Plan) string {
	what := "incident " + p.Focus.ID
	if p.Focus.Kind == "alert" {
		what = "alert " + p.Focus.ID
	}
	if p.Focus.Label != "" {
		what += fmt.Sprintf(" (%s)", p.Focus.Label)
	}
	var s string
	switch p.View {
	case "alerts":
		s = fmt.Sprintf("Lists the alerts of %s, oldest first, with the devices, accounts and remote IPs of their evidence", what)
	case "evidence":
		s = fmt.Sprintf("Lists the evidence (AlertEvidence) of %s: each entity with its role, oldest first", what)
	case "involved":
		s = fmt.Sprintf("Lists the %ss in the evidence of %s, with how many alerts name each and when they were first and last seen", dimName(p.EvidenceDim), what)
	}
	var conds []string
	for _, f := range p.Filters {
		conds = append(conds, describeFilter(f))
	}
	if p.Time != nil {
		conds = append(conds, p.Time.describe())
	}
	if len(conds) > 0 {
		s += ", " + strings.Join(conds, ", ")
	}
	return s + "."
}

func explainPlan(p *Plan) string {
	sub := subjectByID(p.Subject)
	noun := sub.noun
	switch sub.id {
	case "incident":
		noun = "incidents (the latest record of each)"
	case "device":
		noun = "devices (the latest record of each)"
	case "identity":
		noun = "identities (the latest record of each)"
	}
	var by []string
	for _, d := range p.By {
		by = append(by, dimName(d))
	}
	n := p.N
	var s string
	switch p.Shape {
	case ShapeCount:
		s = "Counts " + noun
		if len(by) > 0 {
			s += " per " + strings.Join(by, " and ")
			if p.Having != nil {
				s += fmt.Sprintf(", keeping those with a count %s %d", p.Having.Op, p.Having.N)
			}
			if n > 0 {
				s += fmt.Sprintf(", keeping the %d largest counts", n)
			} else {
				s += ", largest count first"
			}
		}
	case ShapeTop, ShapeRare:
		if n <= 0 {
			n = 10
		}
		which := "most"
		if p.Shape == ShapeRare {
			which = "least"
		}
		s = fmt.Sprintf("Shows the %d %s common %s among %s, with their counts", n, which, strings.Join(by, " and "), noun)
	case ShapeTrend:
		bin := p.Bin
		if bin == 0 {
			bin = 24 * 3600e9
		}
		s = fmt.Sprintf("Counts %s per %s", noun, humanDuration(bin))
		if len(by) > 0 {
			s += " and " + strings.Join(by, " and ")
		}
		s += ", oldest first"
	default:
		bounded := boundedTimeline(sub, p)
		if n == 0 && sub.id != "incident" && sub.id != "device" && sub.id != "identity" && sub.id != "alert" && !bounded {
			n = defaultListRows
		}
		order := "newest first"
		switch p.Sort {
		case "time":
			if !p.Desc {
				order = "oldest first"
			}
		case "", "count":
		default:
			order = "sorted by " + dimName(p.Sort)
		}
		if bounded && p.Sort == "" && n == 0 {
			s = fmt.Sprintf("Lists a timeline of %s (%s), oldest first", noun, strings.Join(sub.union, ", "))
		} else if sub.union != nil && p.Sort == "" {
			s = fmt.Sprintf("Lists a timeline of %s (%s): the %d most recent, oldest first", noun, strings.Join(sub.union, ", "), n)
		} else if n > 0 {
			s = fmt.Sprintf("Lists %s (at most %d, %s)", noun, n, order)
		} else {
			s = fmt.Sprintf("Lists %s, %s", noun, order)
		}
	}
	var conds []string
	if p.Time != nil {
		tw := p.Time.describe()
		if sub.id == "incident" {
			tw = "created " + tw
		}
		conds = append(conds, tw)
	}
	for _, f := range p.Filters {
		d := describeFilter(f)
		if (sub.id == "incident" || sub.id == "alert") && evidenceDims[f.Dim] {
			if _, direct := sub.dims[f.Dim]; !direct {
				d += " (in their alerts' evidence)"
			}
		}
		conds = append(conds, d)
	}
	if len(conds) > 0 {
		s += ", " + strings.Join(conds, ", ")
	}
	return s + "."
}

// describeFilter says one filter in English.
func describeFilter(f Filter) string {
	if f.Dim == "concept" {
		if f.Negate {
			return "excluding " + f.Desc
		}
		return "that are " + f.Desc
	}
	vals := quoteAll(f.Values)
	v := strings.Join(vals, " or ")
	name := dimName(f.Dim)
	if f.Dim == "column" {
		name = f.Column
	}
	verb := "is"
	switch f.Op {
	case "has":
		verb = "has the term"
	case "contains":
		verb = "contains"
	case "prefix":
		verb = "starts with"
	}
	if f.Negate {
		verb = map[string]string{"is": "is not", "has the term": "does not have the term", "contains": "does not contain", "starts with": "does not start with"}[verb]
	}
	if f.Dim == dimStatus && f.Negate && len(f.Values) == 1 && f.Values[0] == "Closed" {
		return "still open (status is not \"Closed\")"
	}
	return fmt.Sprintf("where the %s %s %s", name, verb, v)
}

func explainBase(p *Plan) string {
	var steps []string
	if p.Time != nil {
		steps = append(steps, "keeps the rows "+p.Time.describe())
	}
	for _, f := range p.Filters {
		steps = append(steps, "keeps the rows "+describeFilter(f))
	}
	var by []string
	for _, d := range p.By {
		by = append(by, dimName(d))
	}
	switch p.Shape {
	case ShapeCount:
		if len(by) > 0 {
			steps = append(steps, "counts the rows per "+strings.Join(by, " and "))
		} else {
			steps = append(steps, "counts the rows")
		}
	case ShapeTop, ShapeRare:
		which := "most"
		if p.Shape == ShapeRare {
			which = "least"
		}
		steps = append(steps, fmt.Sprintf("shows the %s common %s", which, strings.Join(by, " and ")))
	case ShapeTrend:
		steps = append(steps, "counts the rows per time bin")
	default:
		if p.Sort != "" {
			steps = append(steps, "sorts them")
		}
		if p.N > 0 {
			steps = append(steps, fmt.Sprintf("keeps %d rows", p.N))
		}
	}
	if len(steps) == 0 {
		return "Runs the previous query again."
	}
	return "Runs the previous query, then " + strings.Join(steps, ", then ") + "."
}
