package translate

import (
	"slices"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Plan is what the translator understood from a prompt (and the turns
// before it): the subject, filters, time window and shape of the answer.
// It is kept in the conversation's Context so a follow-up can change one
// part of it ("only on fs01", "now count them", "what about the last 30
// days") and the query is built again.
type Plan struct {
	Subject string // a subject id ("incident", "process", ...); "" when not known
	Filters []Filter
	Time    *TimeRange
	Shape   Shape
	By      []string // dimensions to group by (count, top, rare, trend)
	N       int      // top N / rare N / the number of rows of a listing; 0 = default
	Bin     time.Duration
	Sort    string // "", "time", "count" or a dimension
	Desc    bool

	// View is a drill-down into the focused incident or alert: its alerts
	// ("alerts"), its evidence ("evidence"), or the distinct values of
	// one evidence dimension (EvidenceDim) such as the devices involved.
	View        string
	Focus       *Entity
	EvidenceDim string

	// Having keeps the groups of a count whose Count compares so: "devices
	// with at least 10 failed logons".
	Having *Threshold

	// Base, when set, is a query the user typed (or a drill-down view):
	// the plan's filters and shape are operators appended to its
	// pipeline, over its result columns BaseColumns.
	Base        string
	BaseColumns []kql.Column
	// BaseTime: the first operator of Base's pipeline is its time window,
	// which a follow-up's window replaces.
	BaseTime bool
}

// Threshold is a comparison of a group's count: Op is >, >=, < or <=.
type Threshold struct {
	Op string
	N  int64
}

// Shape is the form of the answer.
type Shape string

// Shapes.
const (
	ShapeList  Shape = "list"  // rows, newest first
	ShapeCount Shape = "count" // a count, by the group dimensions if any
	ShapeTop   Shape = "top"   // the N most frequent values of the group dimensions
	ShapeRare  Shape = "rare"  // the N least frequent values
	ShapeTrend Shape = "trend" // counts per time bin
)

// Filter is one condition of a plan.
type Filter struct {
	Dim    string   // a dimension (dimDevice, dimSeverity, ...), "text", "concept" or "column"
	Column string   // with Dim "column": the column, named by a value the dataset holds
	Values []string // values, any of which matches
	Op     string   // "eq" (case-insensitive equality), "exact", "has", "contains", "prefix"
	Negate bool
	// Concept is the KQL predicate of a hunting concept; Desc says it in
	// English.
	Concept string
	Desc    string
}

// Entity is a thing a conversation can focus on.
type Entity struct {
	Kind  string // "incident", "alert", "device", "user"
	ID    string // IncidentNumber, AlertId, device or account name
	Label string // a title, when known
}

func (p *Plan) clone() *Plan {
	if p == nil {
		return nil
	}
	c := *p
	c.Filters = slices.Clone(p.Filters)
	c.By = slices.Clone(p.By)
	if p.Time != nil {
		t := *p.Time
		c.Time = &t
	}
	if p.Focus != nil {
		f := *p.Focus
		c.Focus = &f
	}
	if p.Having != nil {
		h := *p.Having
		c.Having = &h
	}
	return &c
}

// setFilter adds f, replacing a filter on the same dimension.
func (p *Plan) setFilter(f Filter) {
	for i, g := range p.Filters {
		if g.Dim == f.Dim && g.Column == f.Column && g.Dim != "text" && g.Dim != "concept" && g.Negate == f.Negate {
			p.Filters[i] = f
			return
		}
	}
	p.Filters = append(p.Filters, f)
}
