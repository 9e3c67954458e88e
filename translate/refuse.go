package translate

import (
	"regexp"
	"strings"
)

// A request to change data, or to act on a device or account, is refused
// in words: kqlhunt only reads. The verb must open the request (after
// politeness), so that "events related to bucket deletion" is a question.
var reChange = lazyRegexp(`^(?:(?:please|kindly|now|then|ok|okay|go ahead and|can you|could you|would you|will you|i (?:want|need|would like) (?:you )?to|help me|let's|lets)[,\s]+)*` +
	`(delete|drop|remove|purge|erase|wipe|truncate|update|modify|alter|edit|insert|ingest|overwrite|isolate|quarantine|contain|disable|deactivate|block|unblock|revoke|kill|terminate|restart|reboot|shut ?down|reset|close|resolve|reassign|assign|suppress|dismiss|lock|unlock|suspend|uninstall|change|rename|set)\b\s*(.*)$`)

// Objects that make such a verb a way of shaping the answer, not a change
// to the data: "remove duplicates", "change the time range to a week".
var reShapeObject = lazyRegexp(`^(?:the |that |this |those |these )?(?:duplicates?|dupes?|columns?|fields?|filters?|conditions?|time|window|range|period|limit|sort|order|format|view|grouping|last (?:filter|step)|noise|benign)\b`)

// refusal says why prompt is refused, or "" when it is a question.
func refusal(prompt string) string {
	p := strings.ToLower(strings.TrimSpace(prompt))
	if strings.HasPrefix(p, ".") && len(p) > 1 && p[1] >= 'a' && p[1] <= 'z' {
		return "kqlhunt only reads data: management commands (" + strings.Fields(p)[0] + ") are not run."
	}
	m := reChange.FindStringSubmatch(p)
	if m == nil || reShapeObject.MatchString(m[2]) {
		return ""
	}
	return "kqlhunt only reads data: it cannot " + m[1] + " anything, in the dataset or on a device or account. " +
		"To see what you would act on, ask for it instead (for example \"show " + showObject(m[2]) + "\")."
}

var reLeadDet = regexp.MustCompile(`^(?:all |the |any |every )+`)

func showObject(rest string) string {
	rest = strings.TrimSpace(reLeadDet.ReplaceAllString(rest, ""))
	if rest == "" {
		return "the rows in question"
	}
	if len(rest) > 60 {
		rest = rest[:60]
	}
	return rest
}

func notAboutData(o *Offline) string {
	names := []string{}
	for i, t := range o.catalog().Tables {
		if i == 6 {
			break
		}
		names = append(names, t.Name)
	}
	return "That does not look like a question about the data: kqlhunt answers questions about the tables of the active dataset (" + strings.Join(names, ", ") + ", ...). Ask about incidents, alerts, sign-ins, processes, network or file events, or write KQL."
}

// aboutData reports whether the prompt says anything the catalogue or the
// dataset knows: a table or column word, a known value, an entity, quoted
// text, or a hunting term.
func (o *Offline) aboutData(prompt string) bool {
	c := o.catalog()
	words := c.vocabulary()
	for _, t := range tokenize(prompt) {
		if t.quoted || shapeOf(t.orig) != "" || gNumberRE.MatchString(t.low) && len(t.low) >= 3 {
			return true
		}
		for _, w := range strings.Fields(t.norm) {
			if words[w] {
				return true
			}
		}
		if _, ok := o.Vocab.account(t.low); ok || len(o.Vocab.device(t.low)) > 0 {
			return true
		}
	}
	return false
}

// namedTable is the table the prompt names outright ("Syslog", "the
// IdentityInfo table"), or "".
func (o *Offline) namedTable(prompt string) string {
	for _, t := range tokenize(prompt) {
		if t.punct || t.quoted {
			continue
		}
		for _, ct := range o.catalog().Tables {
			l := strings.ToLower(ct.Name)
			if (t.low == l || strings.TrimSuffix(t.low, "s") == l) && (len(ct.words) > 1 || t.orig == ct.Name || t.orig == ct.Name+"s") {
				return ct.Name
			}
		}
	}
	return ""
}
