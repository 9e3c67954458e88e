package translate

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// Request is one prompt to translate.
type Request struct {
	Prompt string
	// Now is the clock the prompt's times are relative to ("since
	// Monday", "in March"); relative windows print as ago() and follow
	// the engine's now().
	Now time.Time
	// Context is the conversation so far; nil for a first question.
	Context *Context
}

// Context is what a follow-up may refer to: the previous turn's plan, its
// query and result, and the incident, alert, device or user in focus.
type Context struct {
	Plan   *Plan
	KQL    string
	Result *Table
	Focus  *Entity
}

// Table is a result as the translator sees it: the caller converts the
// engine's result (translate does not import exec).
type Table struct {
	Columns []kql.Column
	Rows    [][]any
}

// Translation is the answer to a Request. Exactly one of Query and
// Clarification is set.
type Translation struct {
	Query *kql.Query
	// KQL is kql.Format(Query).
	KQL string
	// Explanation says in English what the query does (or, with a
	// clarification, what was understood).
	Explanation string
	// Clarification is a question for the user when the prompt is
	// ambiguous or too little of it was understood; nothing should run.
	Clarification string
	// Plan and Focus are the conversation state for the next turn.
	Plan  *Plan
	Focus *Entity
	// Reset is set when the prompt asked to start over: the caller
	// forgets the conversation.
	Reset bool
	// weak marks a question back that only says nothing was understood
	// (or that the subject's table is missing): another reading may answer.
	weak bool
	// entityOf is the kind of entity ("device", "user") a question back
	// asks what to show for.
	entityOf string
	// soft marks a question back about a part the subject reading cannot
	// express (a threshold): a reading that expresses everything may answer.
	soft bool
	// complete: every word that looks like a name, value or number was used.
	complete bool
	// table and scores are the grounded reading's table and the score of
	// every table for the prompt.
	table  string
	scores map[string]float64
	// hasRange: an address range (CIDR) was applied.
	hasRange bool
	// unused counts the prompt's content words the reading did not use.
	unused int
	// Refusal, when set, says why nothing was translated: the prompt asks
	// to change data (kqlhunt only reads), or is not about the data.
	// Query and Clarification are then empty.
	Refusal string
}

// Backend translates prompts. Offline is the built-in one; HTTPBackend
// asks a language model.
type Backend interface {
	Translate(ctx context.Context, req *Request) (*Translation, error)
}

// Offline is the deterministic, rule-based translator: no network.
type Offline struct {
	Schema *kql.Schema
	Vocab  *Vocabulary

	catOnce sync.Once
	cat     *Catalog
}

// NewOffline returns an offline translator over schema (the
// advanced-hunting schema when nil) and the dataset's vocabulary (may be
// nil).
func NewOffline(schema *kql.Schema, vocab *Vocabulary) *Offline {
	if schema == nil {
		schema = kql.AdvancedHunting()
	}
	return &Offline{Schema: schema, Vocab: vocab}
}

// clarify is a translation that asks back.
func clarify(understood, question string, plan *Plan, focus *Entity) *Translation {
	return &Translation{Explanation: understood, Clarification: question, Plan: plan, Focus: focus}
}

// MaxPrompt is the longest prompt translated, in bytes: a question in
// English is far shorter, and the bound keeps the time to answer bounded.
const MaxPrompt = 2000

// Translate implements Backend.
func (o *Offline) Translate(ctx context.Context, req *Request) (*Translation, error) {
	prompt := strings.TrimSpace(req.Prompt)
	if prompt == "" {
		return nil, fmt.Errorf("empty prompt")
	}
	if len(prompt) > MaxPrompt {
		return nil, fmt.Errorf("the prompt is %d characters long: kqlhunt translates prompts of at most %d (write a long hunt as KQL)", len(prompt), MaxPrompt)
	}
	if r := refusal(prompt); r != "" {
		return &Translation{Refusal: r}, nil
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	tr, err := o.translateSubjects(ctx, req)
	first := req.Context == nil || req.Context.Plan == nil && req.Context.Focus == nil && req.Context.KQL == ""
	if err == nil && (!first || tr.Reset) {
		// A follow-up reads the conversation: the subject reading owns it.
		// When its answer is that the dataset lacks the tables it would
		// use for the device or user in focus, the catalogue reads the
		// entity's name instead: the tables that hold it.
		if tr.weak && tr.Focus != nil && (tr.Focus.Kind == "device" || tr.Focus.Kind == "user") {
			if g, _ := o.grounded(prompt+" "+tr.Focus.ID, now); g != nil {
				g.Focus = tr.Focus
				return g, nil
			}
		}
		return tr, nil
	}
	// The grounded reading: over the catalogue of the active schema.
	g, why := o.grounded(prompt, now)
	switch {
	case err != nil && g != nil:
		return g, nil
	case err != nil:
		if !o.aboutData(prompt) {
			return &Translation{Refusal: notAboutData(o)}, nil
		}
		return clarify("", "I could not tell which table of the active dataset this is about: name the table, or what to look for (sign-ins, processes, alerts, ...).", nil, nil), nil
	case tr.Query == nil:
		// The subject reading asks back. When it understood nothing (or its
		// table is not in the dataset) and the catalogue gives a clear
		// reading, answer and say what was assumed; a question about a
		// name, a threshold or an ordinal stands.
		if tr.weak && g != nil || tr.soft && g != nil && g.complete {
			return g, nil
		}
		// "What do you want to see for X?" is needless when one table of
		// the dataset holds such names.
		if tr.entityOf != "" && g != nil && g.complete && o.holders(tr.entityOf) == 1 {
			return g, nil
		}
		if tr.weak && why == "no table" && !o.aboutData(prompt) {
			return &Translation{Refusal: notAboutData(o)}, nil
		}
		return tr, nil
	case g == nil || !g.complete:
		return tr, nil
	}
	// Both read it: the subject reading knows the hunting concepts; the
	// grounded one wins when the prompt names a table outright that the
	// subject reading did not use.
	names := queryNames(tr.Query)
	if named := o.namedTable(prompt); named != "" && !names[named] {
		return g, nil
	}
	// On the same table, the reading that uses more of the prompt wins: a
	// stated "the action type is X" or "whose title contains Y" that the
	// subject reading passed over.
	if g.unused < tr.unused && names[g.table] && conditions(g.Query) > conditions(tr.Query) {
		return g, nil
	}
	// Without a dataset (a schema alone) the subject lexicon, written for
	// the advanced-hunting tables, is only a guess: when nothing in the
	// prompt points at its table and the catalogue points clearly at
	// another, the catalogue's reading stands.
	if o.Vocab == nil {
		best, mine := 0.0, 0.0
		for name, score := range g.scores {
			best = max(best, score)
			if names[name] {
				mine = max(mine, score)
			}
		}
		if best >= 4 && mine <= 0.3*best {
			return g, nil
		}
	}
	// An address range only the grounded reading applies.
	if g.hasRange && !names["ipv4_is_in_range"] {
		return g, nil
	}
	return tr, nil
}

// queryNames are the names a query's tree uses: tables, columns and
// functions.
func queryNames(q *kql.Query) map[string]bool {
	out := map[string]bool{}
	if q == nil {
		return out
	}
	kql.Inspect(q, func(n kql.Node) bool {
		if id, ok := n.(*kql.Ident); ok {
			out[id.Name] = true
		}
		return true
	})
	return out
}

// translateSubjects is the subject-based reading: the hunting concepts,
// subjects and follow-ups of a conversation.
func (o *Offline) translateSubjects(_ context.Context, req *Request) (*Translation, error) {
	prompt := strings.TrimSpace(req.Prompt)
	now := req.Now
	if now.IsZero() {
		now = time.Now().UTC()
	}
	c := req.Context
	if c == nil {
		c = &Context{}
	}
	u := understand(prompt, now, o.Vocab)
	if len(u.unknown) > 0 && u.subject == nil && len(u.conceptS) == 0 {
		// "incidnets from the past week": read it as "incidents".
		if fixed, notes := correctTypos(prompt, u.unknown); len(notes) > 0 {
			u = understand(fixed, now, o.Vocab)
			u.notes = append(u.notes, "read "+strings.Join(notes, ", "))
		}
	}
	if u.reset {
		c = &Context{}
	}
	if u.err != nil {
		return clarify("", u.err.Error()+": could you say it as \"last 7 days\", \"since 2025-06-01\" or \"between June 1 and June 3\"?", c.Plan, c.Focus), nil
	}
	plan, focus, tr := o.resolve(u, c)
	if tr != nil {
		return tr, nil
	}
	if plan != nil && plan.Subject != "" && plan.View == "" && plan.Base == "" {
		// Words that name stored values of the subject's table.
		if fs := o.Vocab.groundValues(subjectByID(plan.Subject), u.rest); len(fs) > 0 {
			for _, f := range fs {
				plan.setFilter(f)
			}
			u.unknown = u.rest.leftovers()
		}
	}
	if m := reComparison.FindStringSubmatch(u.rest.text); m != nil && plan != nil && plan.Base == "" && plan.View == "" && plan.Shape == ShapeCount && len(plan.By) > 0 {
		// "devices with at least 10 failed logons": a threshold on the
		// count per group.
		n, _ := strconv.ParseInt(m[2], 10, 64)
		plan.Having = &Threshold{Op: comparisonOps[strings.Join(strings.Fields(m[1]), " ")], N: n}
		u.rest.blank(strings.Index(u.rest.text, m[0]), strings.Index(u.rest.text, m[0])+len(m[0]))
		u.unknown = u.rest.leftovers()
	}
	if m := reComparison.FindString(u.rest.text); m != "" {
		// A threshold the translator cannot express: say so rather than
		// drop it.
		tr := clarify(o.explain(plan, u), fmt.Sprintf("I cannot apply %q: comparisons of counts or sizes are not something I translate yet. Ask without it (then \"count them by ...\"), or write that part in KQL.", strings.TrimSpace(m)), c.Plan, c.Focus)
		tr.soft = true
		return tr, nil
	}
	if names := o.notColumns(unknownNames(u.unknown)); len(names) > 0 {
		// A name nothing matched would be dropped from the query: ask
		// rather than run something broader than was meant.
		tr := clarify(o.explain(plan, u), fmt.Sprintf("I do not know %s: the dataset has no device, account or file of that name that I recognise. Is it a device (\"on host %s\"), a user (\"user %s\"), or text to search for (in quotes)?", strings.Join(quoteAll(names), ", "), names[0], names[0]), c.Plan, c.Focus)
		// Without the dataset's names (a schema alone) a name cannot be
		// checked: another reading may use it as a value.
		tr.weak = o.Vocab == nil || len(o.Vocab.Devices)+len(o.Vocab.Accounts) == 0
		return tr, nil
	}
	return o.finish(plan, focus, u)
}

var reComparison = lazyRegexp(`\b((?:more|less|fewer|greater|larger|smaller|bigger|higher|lower)\s+than|at\s+(?:least|most))\s+(\d+)`)

var comparisonOps = map[string]string{
	"more than": ">", "greater than": ">", "larger than": ">", "bigger than": ">", "higher than": ">",
	"less than": "<", "fewer than": "<", "smaller than": "<", "lower than": "<",
	"at least": ">=", "at most": "<=",
}

var reNameLike = lazyRegexp(`^[a-z][a-z0-9_.$-]*(?:\d[a-z0-9_.$-]*|[._][a-z0-9]+)$`)

// unknownNames are the words left over that look like names of things
// (host99, john.doe, svc_sql), not English.
func unknownNames(words []string) []string {
	var out []string
	for _, w := range words {
		if reNameLike.MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}

// finish builds, checks and explains the plan's query.
func (o *Offline) finish(plan *Plan, focus *Entity, u *understanding) (*Translation, error) {
	q, problem := o.build(plan)
	if problem != "" {
		tr := clarify(o.explain(plan, u), problem, plan, focus)
		tr.weak = strings.HasPrefix(problem, "The dataset has no") // its table is missing
		tr.soft = strings.Contains(problem, " to group by")
		return tr, nil
	}
	text := kql.Format(q)
	// The query must read back and check against the schema: a
	// translation that does not is a bug here, reported as an error.
	q2, err := kql.Parse(text)
	if err != nil {
		return nil, fmt.Errorf("internal error: the translated query does not parse: %v\n%s", err, text)
	}
	if _, err := kql.Check(q2, o.Schema); err != nil {
		if plan.Base != "" {
			// The follow-up names something the typed query lacks.
			return clarify(o.explain(plan, u), fmt.Sprintf("That does not fit the previous query (%v); ask a new question instead?", err), nil, focus), nil
		}
		return nil, fmt.Errorf("internal error: the translated query does not check: %v\n%s", err, text)
	}
	return &Translation{Query: q2, KQL: text, Explanation: o.explain(plan, u), Plan: plan, Focus: focus, unused: len(u.unknown)}, nil
}

// resolve merges what the prompt said with the conversation: it returns
// the plan to run, the focus, or a clarification.
func (o *Offline) resolve(u *understanding, c *Context) (*Plan, *Entity, *Translation) {
	prev := c.Plan.clone()
	focus := c.Focus

	// An explicit incident or alert, or a row of the previous result.
	var newFocus *Entity
	switch {
	case len(u.incidents) == 1:
		newFocus = &Entity{Kind: "incident", ID: u.incidents[0]}
	case len(u.alertIDs) > 0:
		newFocus = &Entity{Kind: "alert", ID: u.alertIDs[0]}
	case u.focusOrdinal != 0 && u.subject == nil && prev != nil && prev.View == "" && prev.Base == "" && len(prev.By) > 0 && u.focusKind != "incident" && u.focusKind != "alert":
		// "the first one" of a grouping: the rows behind that group.
		p, problem := drillGroup(prev, c.Result, u.focusOrdinal)
		if problem != "" {
			return nil, nil, clarify("", problem, c.Plan, focus)
		}
		return p, nil, nil
	case u.focusOrdinal != 0:
		e, problem := pickRow(c.Result, u.focusOrdinal, u.focusKind)
		if problem != "" {
			return nil, nil, clarify("", problem, c.Plan, focus)
		}
		newFocus = e
	case (u.focusThat || u.focusWanted) && c.Result != nil && len(c.Result.Rows) == 1 && u.subject == nil:
		if e, _ := pickRow(c.Result, 1, u.focusKind); e != nil {
			newFocus = e
		}
	case u.focusWanted && u.subject == nil && focus == nil && len(u.filters) == 0:
		if c.Result == nil {
			return nil, nil, clarify("", "More about what? Ask about incidents, alerts or events first, or name one: \"tell me more about incident 1041\".", c.Plan, focus)
		}
		return nil, nil, clarify("", fmt.Sprintf("Which one? The last result has %d rows: say \"the first one\", \"the second incident\", or give its number.", len(c.Result.Rows)), c.Plan, focus)
	}
	if len(u.incidents) > 1 {
		u.filters = append(u.filters, Filter{Dim: "incident", Values: u.incidents, Op: "eq"})
		if u.subject == nil {
			u.subject = subjectByID("incident")
		}
	}
	if newFocus != nil {
		focus = newFocus
	}

	// Drill-down views of an incident or alert.
	if focus != nil && (focus.Kind == "incident" || focus.Kind == "alert") {
		wantView := newFocus != nil && (u.subject == nil || u.subject.id == "alert" || u.subject.id == "evidence" || u.subject.id == "incident" || u.subject.id == "timeline")
		if newFocus != nil && u.subject != nil && u.subject.id == "timeline" {
			// "the timeline of incident 1041": its evidence, in order.
			u.view = "evidence"
		}
		if u.involved != "" || u.view != "" {
			wantView = u.subject == nil || u.subject.id == "alert" || u.subject.id == "evidence" || u.subject.id == "incident" || u.subject.id == "timeline"
		}
		if !wantView && prev != nil && prev.View != "" && u.subject == nil && len(u.by) > 0 {
			// "group by user" on a view: the involved values.
			u.involved = u.by[0]
			wantView = true
		}
		if !wantView && newFocus == nil && (u.focusWanted || u.focusThat) && u.subject == nil && len(u.filters) == 0 {
			// "tell me more about it": the next level of detail.
			wantView = true
		}
		if wantView {
			p := &Plan{Focus: focus}
			switch {
			case newFocus == nil && u.involved == "" && u.view == "" && prev != nil && prev.View == "alerts":
				p.View = "evidence"
			case u.involved != "":
				p.View, p.EvidenceDim = "involved", u.involved
			case u.view == "evidence" || (u.subject != nil && u.subject.id == "evidence"):
				p.View = "evidence"
			case focus.Kind == "incident":
				p.View = "alerts"
			default:
				p.View = "evidence"
			}
			if focus.Kind == "alert" && p.View == "alerts" {
				p.View = "evidence"
			}
			p.Filters = append(p.Filters, u.filters...)
			p.Time = u.time
			return p, focus, nil
		}
	}
	if newFocus != nil && (newFocus.Kind == "device" || newFocus.Kind == "user") && (prev != nil || c.KQL != "") {
		// Drill into one value of a grouping: the rows behind it.
		p := prev.clone()
		if p == nil || p.View != "" {
			p = &Plan{Base: c.KQL}
			if c.Result != nil {
				p.BaseColumns = c.Result.Columns
			}
		}
		p.View, p.Focus, p.EvidenceDim = "", nil, ""
		dim := dimDevice
		if newFocus.Kind == "user" {
			dim = dimUser
		}
		p.setFilter(Filter{Dim: dim, Values: []string{newFocus.ID}, Op: "eq"})
		p.Shape, p.By, p.N = ShapeList, nil, 0
		return p, focus, nil
	}

	// The subject: said, suggested by a concept, carried over, or inferred.
	var plan *Plan
	sub := u.subject
	continuing := false
	if sub == nil && len(u.conceptS) > 0 {
		if prev != nil && prev.View == "" && slices.Contains(u.conceptS, prev.Subject) {
			continuing = true
		} else {
			sub = subjectByID(u.conceptS[0])
		}
	}
	if sub == nil && !continuing && c.KQL != "" && u.modifies() && (prev == nil || prev.View != "" || prev.Base != "") {
		// A follow-up to a query typed as KQL (or to a drill-down view):
		// its pipeline, with more operators.
		if prev != nil && prev.Base != "" {
			plan = prev
		} else {
			plan = &Plan{Base: c.KQL}
			if c.Result != nil {
				plan.BaseColumns = c.Result.Columns
			}
		}
		continuing = true
	}
	if sub == nil && !continuing {
		if prev != nil && prev.View == "" && prev.Subject != "" {
			continuing = true
		} else if prev != nil && prev.View != "" && (len(u.by) > 0 || u.shape != "") {
			// "now count them" on a drill-down view: count its rows.
			return nil, nil, clarify("", "That works on a list of incidents, alerts or events; ask for one first (for example \"alerts on fs01\").", c.Plan, focus)
		} else {
			sub = inferSubject(u)
		}
	}
	if sub != nil && (sub.id == "device" || sub.id == "identity") {
		// "devices talking to evil.com": the inventory cannot say; the
		// events can, grouped by device (or user).
		for _, f := range u.filters {
			if !o.canFilter(sub, f.Dim) || (f.Dim == "concept" && f.Values[0] != sub.id) {
				ev := inferSubject(u)
				if len(u.conceptS) > 0 {
					ev = subjectByID(u.conceptS[0])
				}
				if ev != nil {
					d := dimDevice
					if sub.id == "identity" {
						d = dimUser
					}
					sub = ev
					u.by = appendUnique(u.by, d)
					if u.shape == "" {
						u.shape = ShapeCount
					}
				}
				break
			}
		}
	}
	if continuing && plan == nil {
		plan = prev
		plan.View, plan.Focus, plan.EvidenceDim = "", nil, ""
	} else if continuing {
		// plan is a follow-up over a base query.
	} else if sub == nil {
		return nil, nil, o.nothingUnderstood(u, c)
	} else {
		plan = &Plan{Subject: sub.id}
		// The answer to "what do you want to see for fs01?" (a plan with
		// no subject), or "what about alerts": the same window and
		// entities, another subject.
		if prev != nil && prev.View == "" && (prev.Subject == "" || u.followup) {
			plan.Time = prev.Time
			for _, f := range prev.Filters {
				if f.Dim != "concept" && f.Dim != "text" && o.canFilter(sub, f.Dim) {
					plan.Filters = append(plan.Filters, f)
				}
			}
		}
	}
	if u.time != nil {
		plan.Time = u.time
	}
	for _, f := range u.filters {
		plan.setFilter(f)
	}
	switch {
	case u.shape != "":
		plan.Shape = u.shape
		if u.shape == ShapeCount && len(u.by) == 0 {
			plan.By = nil
		}
		if !u.nSet && (u.shape == ShapeCount || u.shape == ShapeTrend) {
			plan.N = 0
		}
		if u.shape == ShapeTrend {
			plan.Bin = u.bin
		}
	case len(u.by) > 0:
		if plan.Shape != ShapeTop && plan.Shape != ShapeRare && plan.Shape != ShapeTrend {
			plan.Shape = ShapeCount
		}
	case continuing && u.nSet && (plan.Shape == "" || plan.Shape == ShapeList):
		plan.Shape = ShapeList
	case !continuing:
		plan.Shape = ShapeList
	}
	if len(u.by) > 0 {
		plan.By = u.by
	}
	if u.nSet {
		plan.N = u.n
	}
	if u.sortSet {
		plan.Sort, plan.Desc = u.sort, u.desc
	}
	if (plan.Shape == ShapeTop || plan.Shape == ShapeRare) && len(plan.By) == 0 {
		if plan.Shape == ShapeRare {
			return nil, nil, clarify(o.explain(plan, u), "Rare what? Say what to count, for example \"rare processes\" or \"least common remote IPs\".", plan, focus)
		}
		// "top 5" of a listing: its five newest rows.
		plan.Shape = ShapeList
	}
	return plan, nil, nil
}

// inferSubject picks the subject a prompt without one implies from its
// entities and fields.
func inferSubject(u *understanding) *subject {
	dims := map[string]bool{}
	for _, f := range u.filters {
		dims[f.Dim] = true
	}
	for _, d := range u.by {
		dims["by:"+d] = true
	}
	switch {
	case dims[dimSeverity] || dims[dimStatus] || dims[dimClass]:
		return subjectByID("incident")
	case dims[dimTechnique]:
		return subjectByID("alert")
	case dims[dimSender] || dims[dimRecipient] || dims[dimSubject]:
		return subjectByID("email")
	case dims[dimIP] || dims[dimDomain] || dims[dimURL]:
		return subjectByID("network")
	case dims[dimSHA256] || dims[dimSHA1] || dims[dimMD5] || dims[dimFile]:
		return subjectByID("file")
	case dims[dimProcess] || dims[dimCmdline] || dims["by:"+dimProcess] || dims["by:"+dimCmdline]:
		return subjectByID("process")
	}
	return nil
}

// nothingUnderstood asks back, saying what was understood.
func (o *Offline) nothingUnderstood(u *understanding, c *Context) *Translation {
	var got []string
	for _, f := range u.filters {
		got = append(got, describeFilter(f))
	}
	if u.time != nil {
		got = append(got, u.time.describe())
	}
	understood := ""
	if len(got) > 0 {
		understood = "Understood: " + strings.Join(got, "; ") + "."
	}
	q := "What should I look for? Name what you are after: incidents, alerts, process, network, file, logon or registry events, emails, sign-ins or cloud app events (for example \"high-severity incidents from the past week\")."
	for _, f := range u.filters {
		if f.Dim == dimDevice || f.Dim == dimUser {
			q = fmt.Sprintf("What do you want to see for %s: alerts, processes, network connections, file events, logons, or a timeline of all of them?", strings.Join(f.Values, ", "))
			// Keep the entity so the answer ("processes") can use it.
			p := &Plan{Filters: u.filters, Time: u.time}
			tr := clarify(understood, q, p, c.Focus)
			tr.entityOf = f.Dim
			return tr
		}
	}
	if len(u.unknown) > 0 {
		understood = strings.TrimSpace(understood + fmt.Sprintf(" Not understood: %s.", strings.Join(u.unknown, ", ")))
	}
	if u.reset {
		tr := clarify("Starting over: the conversation so far is forgotten.", q, nil, nil)
		tr.Reset = true
		return tr
	}
	tr := clarify(understood, q, c.Plan, c.Focus)
	tr.weak = true
	return tr
}

// drillGroup is the plan for the rows behind one row of a grouped result:
// the previous plan, filtered to that row's group values, as a listing.
func drillGroup(prev *Plan, t *Table, ordinal int) (*Plan, string) {
	sub := subjectByID(prev.Subject)
	if sub == nil || t == nil || len(t.Rows) == 0 {
		return nil, "There is no previous result to pick a row from: ask a question first."
	}
	i := ordinal - 1
	if ordinal < 0 {
		i = len(t.Rows) - 1
	}
	if i < 0 || i >= len(t.Rows) {
		return nil, fmt.Sprintf("The previous result has only %d rows.", len(t.Rows))
	}
	p := prev.clone()
	for _, d := range prev.By {
		col := sub.dims[d][0]
		for j, c := range t.Columns {
			if c.Name == col && j < len(t.Rows[i]) {
				v := valueText(t.Rows[i][j])
				if v == "" {
					return nil, fmt.Sprintf("That row has no %s to drill into.", dimName(d))
				}
				p.setFilter(Filter{Dim: d, Values: []string{v}, Op: "eq"})
			}
		}
	}
	p.Shape, p.By, p.N, p.Sort = ShapeList, nil, 0, ""
	return p, ""
}

// pickRow returns the entity a row of the previous result stands for.
func pickRow(t *Table, ordinal int, kind string) (*Entity, string) {
	if t == nil {
		return nil, "There is no previous result to pick a row from: ask a question first."
	}
	if len(t.Rows) == 0 {
		return nil, "The previous result has no rows."
	}
	i := ordinal - 1
	if ordinal < 0 {
		i = len(t.Rows) - 1
	}
	if i < 0 || i >= len(t.Rows) {
		return nil, fmt.Sprintf("The previous result has only %d rows.", len(t.Rows))
	}
	row := t.Rows[i]
	col := func(names ...string) (string, bool) {
		for _, n := range names {
			for j, c := range t.Columns {
				if c.Name == n && j < len(row) && row[j] != nil {
					s := valueText(row[j])
					if s != "" {
						return s, true
					}
				}
			}
		}
		return "", false
	}
	title, _ := col("Title", "AlertName")
	order := []string{"incident", "alert", "device", "user"}
	if kind != "" {
		order = append([]string{kind}, order...)
	}
	for _, k := range order {
		switch k {
		case "incident":
			if v, ok := col("IncidentNumber"); ok {
				return &Entity{Kind: "incident", ID: v, Label: title}, ""
			}
		case "alert":
			if v, ok := col("AlertId", "VendorOriginalId"); ok {
				return &Entity{Kind: "alert", ID: v, Label: title}, ""
			}
		case "device":
			if v, ok := col("DeviceName", "CompromisedEntity", "Computer", "HostName"); ok {
				return &Entity{Kind: "device", ID: v}, ""
			}
		case "user":
			if v, ok := col("AccountUpn", "AccountName", "InitiatingProcessAccountName", "AccountDisplayName", "RecipientEmailAddress", "UserPrincipalName", "Account", "TargetUserName", "UserName", "Caller"); ok {
				return &Entity{Kind: "user", ID: v}, ""
			}
		}
	}
	return nil, "I can drill into incidents, alerts, devices and users; that row has none of them. Ask a new question, or name what you want to see."
}

func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// notColumns drops the words that name a column of the schema ("sha256",
// "ipaddress"): they are not names of things in the dataset.
func (o *Offline) notColumns(words []string) []string {
	var out []string
	for _, w := range words {
		known := false
		for _, t := range o.catalog().Tables {
			if t.Column(w) != nil {
				known = true
				break
			}
		}
		if !known {
			out = append(out, w)
		}
	}
	return out
}

// conditions counts the where conditions of a query's top-level pipeline
// (each and-ed part apart).
func conditions(q *kql.Query) int {
	n := 0
	for _, st := range q.Stmts {
		es, ok := st.(*kql.ExprStmt)
		if !ok {
			continue
		}
		p, ok := es.X.(*kql.PipeExpr)
		if !ok {
			continue
		}
		for _, op := range p.Ops {
			if w, ok := op.(*kql.WhereOp); ok {
				n += countAnd(w.Pred)
			}
		}
	}
	return n
}

func countAnd(x kql.Expr) int {
	if b, ok := x.(*kql.BinaryExpr); ok && b.Op == "and" {
		return countAnd(b.X) + countAnd(b.Y)
	}
	return 1
}

// holders counts the tables of the catalogue with a filled column for
// names of the kind (dimDevice or dimUser).
func (o *Offline) holders(kind string) int {
	cols := deviceColumns
	if kind != dimDevice {
		cols = append(slices.Clone(accountColumns), upnColumns...)
	}
	n := 0
	for _, t := range o.catalog().Tables {
		if firstColumn(t, cols...) != nil {
			n++
		}
	}
	return n
}
