package chat

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/translate"
)

// The skills: requests that are answered by a plan rather than by one
// query. Each pattern captures the subject.
var (
	reIncident = regexp.MustCompile(`(?i)\b(?:investigate|summar(?:y|ize|ise)|analy[sz]e|triage|report|next steps|guided response|recommend\w*|respond|remediat\w*)\b.*\bincident\s*(?:#|number\s*)?(\d+)|\bincident\s*(?:#|number\s*)?(\d+)\b.*\b(?:summary|summar(?:ize|ise)|investigat\w*|report|next steps|guided response|recommend\w*)\b`)
	reGuided   = regexp.MustCompile(`(?i)\b(?:next steps|guided response|recommend\w*|what should (?:i|we) do|respond|remediat\w*|contain\w*)\b`)
	reReport   = regexp.MustCompile(`(?i)\breport\b`)
	reDevice   = regexp.MustCompile(`(?i)\b(?:summary|summar(?:ize|ise)|investigate|analy[sz]e|what happened on)\b\s+(?:of\s+|on\s+|for\s+)?(?:the\s+)?(?:device|host|machine)\s+([A-Za-z0-9][A-Za-z0-9._-]*)|\b(?:device|host|machine)\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s+summary\b`)
	reUser     = regexp.MustCompile(`(?i)\bwhat did (?:the\s+)?(?:user|account)\s+([A-Za-z0-9][A-Za-z0-9._@-]*[A-Za-z0-9])\s+do\b|\b(?:identity summary|summary|summar(?:ize|ise)|investigate|analy[sz]e)\b\s+(?:of\s+|for\s+)?(?:the\s+)?(?:user|account|identity)\s+([A-Za-z0-9][A-Za-z0-9._@-]*[A-Za-z0-9])|\bidentity summary\s+(?:of\s+|for\s+)?([A-Za-z0-9][A-Za-z0-9._@-]*[A-Za-z0-9])`)
	reFile     = regexp.MustCompile(`(?i)\b(?:analy[sz]e|analysis of|investigate|summar(?:y of|ize|ise))\s+(?:the\s+)?(?:file|hash)\s+([^\s'"]+)|\bfile analysis\s+(?:of\s+|for\s+)?([^\s'"]+)|\b(?:analy[sz]e|investigate)\s+([0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64})\b`)
)

func firstGroup(m []string) string {
	for _, g := range m[1:] {
		if g != "" {
			return g
		}
	}
	return ""
}

// MatchPlan recognises a multi-step request (investigate or summarise an
// incident, recommended next steps, an incident report, a device or
// identity summary, a file analysis) and returns its plan over the
// tables of s, not yet run. "this incident" and the like refer to focus.
// It returns nil for any other prompt.
func MatchPlan(prompt string, s *kql.Schema, focus *translate.Entity) *Plan {
	if LooksLikeKQL(prompt, s) {
		return nil
	}
	p := prompt
	if focus != nil && focus.ID != "" {
		p = ResolveFocus(p, focus)
		if focus.Kind == "incident" {
			p = reThisIncident.ReplaceAllLiteralString(p, "incident "+focus.ID)
		}
	}
	m := reIncident.FindStringSubmatch(p)
	if m == nil && focus != nil && focus.Kind == "incident" && reIncidentWords.MatchString(p) {
		// "write an incident report", "recommended next steps" with an
		// incident in focus.
		m = []string{"", focus.ID}
	}
	if m != nil {
		n, err := strconv.Atoi(firstGroup(m))
		if err != nil {
			return nil
		}
		mode := incidentSummary
		switch {
		case reReport.MatchString(p):
			mode = incidentReport
		case reGuided.MatchString(p):
			mode = guidedResponse
		}
		return IncidentPlan(n, mode, s)
	}
	if m := reFile.FindStringSubmatch(p); m != nil {
		return FilePlan(strings.TrimRight(firstGroup(m), ".,;?!"), s)
	}
	if m := reDevice.FindStringSubmatch(p); m != nil {
		return DevicePlan(strings.TrimRight(firstGroup(m), ".,;?!"), s)
	}
	if m := reUser.FindStringSubmatch(p); m != nil {
		return UserPlan(strings.TrimRight(firstGroup(m), ".,;?!"), s)
	}
	return nil
}

var reIncidentWords = regexp.MustCompile(`(?i)\b(?:incident report|next steps|guided response|recommend\w*|summar(?:y|ize|ise) (?:of )?(?:the |this )?incident|investigate (?:the |this )?incident)\b`)

var reThisIncident = regexp.MustCompile(`(?i)\b(?:this|that|the) incident\b`)

// builder adds steps, skipping those whose tables the schema lacks.
type builder struct {
	s *kql.Schema
	p *Plan
}

func (b *builder) add(name, q string, tables ...string) {
	st := &Step{Name: name}
	var missing []string
	for _, t := range tables {
		if _, ok := b.s.Table(t); !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		st.Skipped = "the dataset has no " + strings.Join(missing, ", ") + " table"
	} else {
		st.KQL = strings.TrimSpace(q) + "\n"
	}
	b.p.Steps = append(b.p.Steps, st)
}

type incidentMode int

const (
	incidentSummary incidentMode = iota
	guidedResponse
	incidentReport
)

// Step names of the incident plans (the findings look them up).
const (
	stIncident = "Retrieve the incident's latest record"
	stAlerts   = "Fetch its alerts (AlertIds → SecurityAlert → AlertInfo)"
	stEvidence = "Collect the evidence entities (AlertEvidence)"
)

// IncidentPlan investigates incident n: its latest record, its alerts,
// their evidence; the findings summarise it, and for guided response and
// the report add recommended next steps.
func IncidentPlan(n int, mode incidentMode, s *kql.Schema) *Plan {
	skill := map[incidentMode]string{incidentSummary: "incident summary", guidedResponse: "guided response", incidentReport: "incident report"}[mode]
	p := &Plan{Skill: skill, Subject: fmt.Sprintf("incident %d", n)}
	b := &builder{s, p}
	ids := fmt.Sprintf(`let sys = SecurityIncident
| where IncidentNumber == %d
| summarize arg_max(TimeGenerated, AlertIds)
| mv-expand AlertIds to typeof(string)
| project SystemAlertId = tostring(AlertIds);
let ids = SecurityAlert
| where SystemAlertId in (sys)
| distinct VendorOriginalId;
`, n)
	b.add(stIncident, fmt.Sprintf(`SecurityIncident
| where IncidentNumber == %d
| summarize arg_max(TimeGenerated, *) by IncidentNumber
| project IncidentNumber, Title, Severity, Status, Classification, Note = ClassificationComment, Owner = tostring(Owner.userPrincipalName), FirstActivityTime, LastActivityTime, AlertCount = array_length(AlertIds), Tactics = AdditionalData.tactics`, n), "SecurityIncident")
	b.add(stAlerts, ids+`AlertInfo
| where AlertId in (ids)
| project Timestamp, AlertId, Title, Category, Severity, DetectionSource, AttackTechniques
| order by Timestamp asc`, "SecurityIncident", "SecurityAlert", "AlertInfo")
	b.add(stEvidence, ids+`AlertEvidence
| where AlertId in (ids)
| summarize Alerts = dcount(AlertId), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by EntityType, EvidenceRole, DeviceName, AccountUpn, AccountName, RemoteIP, RemoteUrl, FileName, SHA256
| order by FirstSeen asc`, "SecurityIncident", "SecurityAlert", "AlertEvidence")
	p.findings = func(p *Plan) []Section { return incidentFindings(p, n, mode != incidentSummary) }
	return p
}

// incidentFindings writes the findings of an incident plan from its rows.
func incidentFindings(p *Plan, n int, nextSteps bool) []Section {
	inc, al, ev := rows{p.step(stIncident)}, rows{p.step(stAlerts)}, rows{p.step(stEvidence)}
	var out []Section
	var unknown []string
	if inc.r != nil && inc.n() == 0 {
		return []Section{{Title: "What happened", Bullets: []string{fmt.Sprintf("There is no incident %d in the dataset.", n)}}}
	}
	what := Section{Title: "What happened"}
	if inc.n() > 0 {
		what.Bullets = append(what.Bullets, fmt.Sprintf("Incident %d: %s (severity %s).", n, inc.str(0, "Title"), orUnknown(inc.str(0, "Severity"))))
	}
	cats := al.distinct("Category")
	if al.n() > 0 {
		what.Bullets = append(what.Bullets, fmt.Sprintf("%s, categories: %s.", plural(al.n(), "alert"), strings.Join(cats, ", ")))
		for i := 0; i < al.n() && i < 12; i++ {
			t, _ := al.time(i, "Timestamp")
			what.Bullets = append(what.Bullets, fmt.Sprintf("%s  %s (%s, %s)", t.UTC().Format("2006-01-02 15:04Z"), al.str(i, "Title"), al.str(i, "Category"), al.str(i, "Severity")))
		}
	} else if al.r != nil {
		unknown = append(unknown, "No alerts of the incident were found in AlertInfo.")
	}
	out = append(out, what)

	devices, accounts, ips, urls, files := entities(ev)
	who := Section{Title: "Who and which devices"}
	if len(accounts) > 0 {
		who.Bullets = append(who.Bullets, "Accounts: "+listOf(accounts, 8)+".")
	}
	if len(devices) > 0 {
		who.Bullets = append(who.Bullets, "Devices: "+listOf(devices, 8)+".")
	}
	if len(ips) > 0 {
		who.Bullets = append(who.Bullets, "IP addresses: "+listOf(ips, 8)+".")
	}
	if len(urls) > 0 {
		who.Bullets = append(who.Bullets, "URLs and domains: "+listOf(urls, 5)+".")
	}
	if len(files) > 0 {
		who.Bullets = append(who.Bullets, "Files: "+listOf(files, 8)+".")
	}
	if len(who.Bullets) > 0 {
		out = append(out, who)
	} else if ev.r != nil {
		unknown = append(unknown, "The alerts have no evidence entities.")
	}

	when := Section{Title: "When"}
	if f, l, ok := al.span("Timestamp"); ok {
		when.Bullets = append(when.Bullets, "Alerts: "+span(f, l)+".")
	}
	if f, ok := inc.time(0, "FirstActivityTime"); ok {
		l, _ := inc.time(0, "LastActivityTime")
		when.Bullets = append(when.Bullets, "Activity: "+span(f, l)+".")
	}
	if len(when.Bullets) > 0 {
		out = append(out, when)
	}

	techs := al.techniques("AttackTechniques")
	if len(techs) > 0 {
		out = append(out, Section{Title: "Techniques (MITRE ATT&CK)", Bullets: []string{listOf(techs, 12) + "."}})
	}

	if inc.n() > 0 {
		st := Section{Title: "Status"}
		line := "Status " + orUnknown(inc.str(0, "Status"))
		if o := inc.str(0, "Owner"); o != "" {
			line += ", assigned to " + o
		} else {
			unknown = append(unknown, "The incident is not assigned to anyone.")
		}
		if c := inc.str(0, "Classification"); c != "" {
			line += ", classified " + c
		} else {
			unknown = append(unknown, "The incident is not classified yet (true or false positive).")
		}
		st.Bullets = append(st.Bullets, line+".")
		if note := inc.str(0, "Note"); note != "" {
			st.Bullets = append(st.Bullets, "Latest note: "+note)
		}
		if want := inc.num(0, "AlertCount"); al.r != nil && want > int64(al.n()) {
			unknown = append(unknown, fmt.Sprintf("The incident lists %d alerts; %d were found in AlertInfo.", want, al.n()))
		}
		out = append(out, st)
	}
	if nextSteps {
		if recs := Recommend(cats, techs, kinds(ev), devices, accounts, append(ips, urls...)); len(recs) > 0 {
			out = append(out, Section{Title: "Recommended next steps (for the analyst; kqlhunt changes nothing)", Bullets: recs})
		}
	}
	if len(unknown) > 0 {
		out = append(out, Section{Title: titleUnknown, Bullets: unknown})
	}
	return out
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// entities reads the evidence rows by kind.
func entities(ev rows) (devices, accounts, ips, urls, files []string) {
	devices = ev.distinctWhere("DeviceName", "EntityType", "Machine")
	accounts = ev.distinct("AccountUpn")
	if len(accounts) == 0 {
		accounts = ev.distinct("AccountName")
	}
	ips = ev.distinct("RemoteIP")
	urls = ev.distinct("RemoteUrl")
	files = ev.distinctWhere("FileName", "EntityType", "File")
	return
}

func kinds(ev rows) []string { return ev.distinct("EntityType") }

// distinctWhere is distinct(name) over the rows whose column key is val
// (all rows when none is).
func (t rows) distinctWhere(name, key, val string) []string {
	if t.r == nil {
		return nil
	}
	var keep [][]any
	k := t.col(key)
	for _, row := range t.r.Rows {
		if k < 0 || valueText(row[k]) == val {
			keep = append(keep, row)
		}
	}
	cp := *t.r
	cp.Rows = keep
	return rows{&cp}.distinct(name)
}
