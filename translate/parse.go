package translate

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// understanding is what one prompt says, before it is merged with the
// conversation: every field is optional.
type understanding struct {
	rest     *scanner // what is left of the prompt, for value grounding
	subject  *subject
	filters  []Filter
	time     *TimeRange
	shape    Shape
	by       []string
	n        int
	nSet     bool
	bin      time.Duration
	sort     string
	desc     bool
	sortSet  bool
	conceptS []string // subjects the concepts suggest

	focusOrdinal int    // 1-based row of the previous result; -1 the last
	focusKind    string // what the ordinal names: "incident", "alert", "" (one, it)
	focusWanted  bool   // "tell me more", "details", "drill into"
	focusThat    bool   // "that incident", "it"
	incidents    []string
	alertIDs     []string
	view         string // "alerts" or "evidence" of the focus
	involved     string // an evidence dimension: "the devices involved"

	followup bool
	reset    bool
	notes    []string
	unknown  []string
	err      error
}

var (
	reQuoted    = lazyRegexp(`"([^"]+)"|(?:^|[\s(=:])'([^']+)'(?:$|[\s,.?!);])|` + "`([^`]+)`")
	reURL       = lazyRegexp(`\bhttps?://[^\s"'<>]+`)
	reEmail     = lazyRegexp(`\b[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}\b`)
	reSHA256    = lazyRegexp(`\b[a-f0-9]{64}\b`)
	reSHA1      = lazyRegexp(`\b[a-f0-9]{40}\b`)
	reMD5       = lazyRegexp(`\b[a-f0-9]{32}\b`)
	reAlertID   = lazyRegexp(`\b[a-z]{2}\d{18}_-?\d+\b`)
	reIPv4      = lazyRegexp(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	reTechnique = lazyRegexp(`\b(t\d{4}(?:\.\d{3})?)\b`)
	reIncident  = lazyRegexp(`\b(?:incidents?|cases?)\s*(?:#|number|no\.?|id)?\s*(\d{3,})((?:\s*(?:,|and|or|&)\s*#?\d{3,})*)\b`)
	reHashNum   = lazyRegexp(`(?:^|\s)#(\d{3,})\b`)
	reFileName  = lazyRegexp(`\b[a-z0-9_$~][a-z0-9_$~.-]*\.(?:exe|dll|ps1|psm1|bat|cmd|vbs|vbe|js|jse|hta|docm|docx|doc|xlsm|xlsx|xls|pptm|zip|rar|7z|iso|img|lnk|msi|scr|sys|sh|py|elf|bin|tmp|dat|txt|pdf|one|jar)\b`)
	reDomain    = lazyRegexp(`\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|ru|cn|xyz|info|biz|top|co|uk|de|fr|nl|online|site|club|me|us|tk|cc|su|app|dev|cloud|live|shop|ly|gl|ws)\b`)
	reHostHint  = lazyRegexp(`\b(?:device|host|machine|computer|endpoint|server|workstation|on|from)\s+([a-z][a-z0-9]*(?:-[a-z0-9]+)*\d[a-z0-9-]*)\b`)
	reUserHint  = lazyRegexp(`\b(?:user|account|username|by)\s+([a-z][a-z0-9]*(?:[._-][a-z0-9]+)+)\b`)
	reUserWord  = lazyRegexp(`\b(?:user|account|username|by)\s+([a-z0-9][a-z0-9_$-]*)\b`)
	reNeg       = lazyRegexp(`(?:\bnot|\bexcept|\bexcluding|\bexclude|\bwithout|\bother than|\bignore|\bignoring|\bbut not|\bno)\s+(?:on|from|for|by|the|to|any|device|host|user|account|process|ip)?\s*$`)
	reFollow    = lazyRegexp(`^\s*(?:and|also|now|then|only|just|what about|how about|same|instead|but|ok|okay|so|next|filter|narrow|restrict|limit|exclude|excluding|without|except|group|sort|order|count them|top)\b`)
	reAnaphor   = lazyRegexp(`\b(?:them|those|these|that|it|same|instead|the results?|this)\b`)
	reDigits    = lazyRegexp(`\d{3,}`)
	reDigits1   = lazyRegexp(`\d+`)
	reReset     = lazyRegexp(`^\s*(?:start over|reset|new question|forget (?:it|that))\b`)
)

var (
	reSeverityA = lazyRegexp(`\b(?:severity|sev)\s*(?:is|=|==|of|:)?\s*(critical|high|medium|low|informational|info)((?:\s*(?:,|and|or|/)\s*(?:critical|high|medium|low|informational|info))*)\b`)
	reSeverityB = lazyRegexp(`\b(critical|high|medium|low|informational|info)((?:\s*(?:,|and|or|/)\s*(?:critical|high|medium|low|informational|info))*)(?:[- ]?(?:severity|sev|priority|risk)|(\s+(?:or|and)\s+(?:above|higher|worse)))\b`)
	reSeverityC = lazyRegexp(`\b(critical|high|medium|low|informational)(?:\s+(?:or|and)\s+(?:above|higher))?\s+(?:incidents?|alerts?|detections?|cases?)\b`)
	reStatus    = lazyRegexp(`\b(?:status\s*(?:is|=|of|:)?\s*)?(open|unresolved|active|in progress|closed|resolved)\b`)
	reStatusNew = lazyRegexp(`\bstatus\s*(?:is|=|of|:)?\s*new\b`)
	reNewNoun   = lazyRegexp(`\b(new)\s+(?:incidents?|cases?)\b`)
	reClass     = lazyRegexp(`\b(true|false|benign)[- ]positives?\b`)

	reCount    = lazyRegexp(`\b(?:how many|count(?: them| of| the)?|number of|total(?: number of)?|tally)\b`)
	reTop      = lazyRegexp(`\btop[- ](\d+|ten|five|three|twenty)\b`)
	reTopBare  = lazyRegexp(`\b(?:top|most (?:common|frequent|active|prevalent|seen|popular|targeted|used)|busiest|noisiest|frequent)\b`)
	reRare     = lazyRegexp(`\b(?:rare|rarest|rarely|least (?:common|frequent|seen|prevalent)|uncommon|unusual|infrequent|one-off)\b`)
	reTrend    = lazyRegexp(`\b(?:over time|per (day|hour|week|minute)|(daily|hourly|weekly)|by (day|hour|week)|each (day|hour|week)|every (day|hour)|trend(?:ing)?|histogram|time series|timechart)\b`)
	reTimeline = lazyRegexp(`\b(?:chronolog(?:ical|ically)|oldest first|in order|earliest first)\b`)
	reNewest   = lazyRegexp(`\b(?:newest first|latest first|most recent first|reverse chronological)\b`)
	reSortBy   = lazyRegexp(`\b(?:sort(?:ed)?|order(?:ed)?)\s+(?:them\s+|it\s+)?by\s+(time|date|timestamp|count|frequency|[a-z ]+?)(\s+desc(?:ending)?|\s+asc(?:ending)?)?\s*$`)
	reSortBy2  = lazyRegexp(`\b(?:sort(?:ed)?|order(?:ed)?)\s+(?:them\s+|it\s+)?by\s+(time|date|timestamp|count|frequency)(\s+desc(?:ending)?|\s+asc(?:ending)?)?\b`)
	reLimitN   = lazyRegexp(`\b(?:latest|newest|most recent|last|first|recent|show(?: me)?|list|give me|get|only|just)\s+(\d+|ten|five|three|twenty)\b|\b(\d+)\s+(?:most recent|latest|newest)\b`)

	reOrdinal   = lazyRegexp(`\b(?:the\s+)?(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|1st|2nd|3rd|4th|5th|last|top)\s+(one|incident|alert|row|result|item|entry|line|device|user|event)\b`)
	reRowNum    = lazyRegexp(`\b(?:row|result|item|line|entry|number|no\.?)\s+(\d{1,3})\b`)
	reThat      = lazyRegexp(`\b(?:that|this|the same)\s+(incident|alert|one)\b|\b(?:about|into|on|with)\s+(it|this|that)\b`)
	reMore      = lazyRegexp(`\b(?:tell me (?:more|everything)|more (?:about|on|details|info)|details?(?: (?:of|on|about|for))?|drill (?:into|down)(?: on| into)?|dig into|expand(?: on)?|what happened (?:in|with)|investigate|deep dive|break ?down|explain)\b`)
	reItsAlerts = lazyRegexp(`\b(?:its|their|related|associated|underlying|those|these)\s+alerts\b|\balerts\s+(?:in|of|for|behind)\s+(?:it|that|this|them)\b`)
	reEvidence  = lazyRegexp(`\b(?:its|their|the|related|associated)?\s*(?:evidence|entities|artifacts|artefacts|iocs|indicators)\b`)
	reInvolved  = lazyRegexp(`\b(DIMS)\s+(?:involved|affected|impacted|implicated|related|in (?:it|that|this|them|the incident|the alert|these|those)|behind (?:it|that|this))\b|\b(?:which|what|the)\s+(DIMS)\s+(?:were|are|was|is)\s+(?:involved|affected|impacted|hit)\b|\b(?:involved|affected|impacted)\s+(DIMS)\b`)
)

// countries maps the country names a hunter types to the ISO codes the
// sign-in and cloud tables hold.
var countries = map[string]string{
	"nigeria": "NG", "russia": "RU", "china": "CN", "north korea": "KP", "iran": "IR", "netherlands": "NL",
	"the netherlands": "NL", "united states": "US", "the united states": "US", "usa": "US", "the us": "US",
	"canada": "CA", "united kingdom": "GB", "the united kingdom": "GB", "the uk": "GB", "britain": "GB",
	"germany": "DE", "france": "FR", "brazil": "BR", "india": "IN", "ukraine": "UA", "romania": "RO",
	"vietnam": "VN", "turkey": "TR", "singapore": "SG", "japan": "JP", "australia": "AU", "spain": "ES",
	"italy": "IT", "poland": "PL", "mexico": "MX", "south africa": "ZA", "belarus": "BY", "kazakhstan": "KZ",
	"sweden": "SE", "norway": "NO", "denmark": "DK", "finland": "FI", "iceland": "IS", "ireland": "IE",
	"belgium": "BE", "luxembourg": "LU", "switzerland": "CH", "austria": "AT", "portugal": "PT", "greece": "GR",
	"czechia": "CZ", "czech republic": "CZ", "slovakia": "SK", "hungary": "HU", "bulgaria": "BG", "serbia": "RS",
	"croatia": "HR", "slovenia": "SI", "lithuania": "LT", "latvia": "LV", "estonia": "EE", "moldova": "MD",
	"georgia": "GE", "armenia": "AM", "azerbaijan": "AZ", "israel": "IL", "saudi arabia": "SA",
	"united arab emirates": "AE", "the united arab emirates": "AE", "uae": "AE", "qatar": "QA", "egypt": "EG",
	"morocco": "MA", "algeria": "DZ", "tunisia": "TN", "kenya": "KE", "ghana": "GH", "ethiopia": "ET",
	"pakistan": "PK", "bangladesh": "BD", "sri lanka": "LK", "nepal": "NP", "thailand": "TH", "malaysia": "MY",
	"indonesia": "ID", "philippines": "PH", "the philippines": "PH", "south korea": "KR", "korea": "KR",
	"taiwan": "TW", "hong kong": "HK", "new zealand": "NZ", "argentina": "AR", "chile": "CL", "colombia": "CO",
	"peru": "PE", "venezuela": "VE", "ecuador": "EC", "uruguay": "UY", "cuba": "CU", "syria": "SY", "iraq": "IQ",
	"afghanistan": "AF", "uzbekistan": "UZ", "mongolia": "MN", "cambodia": "KH", "myanmar": "MM", "laos": "LA",
	"the u.s.": "US", "u.s.": "US", "u.s.a.": "US", "america": "US",
}

var reCountry = func() *lazyRE {
	var names []string
	for n := range countries {
		names = append(names, n)
	}
	slices.Sort(names)
	return phrase(names...)
}()

var ordinals = map[string]int{
	"first": 1, "1st": 1, "top": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
	"fifth": 5, "5th": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1,
}

// dimPattern is the regexp alternation of every dimension word, longest
// first; dimOf maps a word back to its dimension.
var (
	dimPattern string
	dimOf      = map[string]string{}
)

func init() {
	var all []string
	for _, d := range dimWords {
		for _, w := range d.words {
			if _, dup := dimOf[w]; !dup {
				dimOf[w] = d.dim
				all = append(all, w)
			}
		}
	}
	sortLongestFirst(all)
	q := make([]string, len(all))
	for i, w := range all {
		q[i] = strings.ReplaceAll(regexp.QuoteMeta(w), " ", `\s+`)
	}
	dimPattern = strings.Join(q, "|")
	reDim = lazyRegexp(dimPattern)
	reInvolved = lazyRegexp(strings.ReplaceAll(reInvolved.String(), "DIMS", dimPattern))
	reGroupBy = lazyRegexp(`\b(?:by|per|for each|for every|grouped by|group(?: them| it)? by|broken down by|split by|aggregated by|across)\s+(?:the\s+)?(` + dimPattern + `)((?:\s*(?:,|and|&)\s*(?:` + dimPattern + `))*)\b`)
	// Only dimensions that name no subject: "processes with ..." lists
	// process events.
	var lead []string
	for _, d := range dimWords {
		switch d.dim {
		case dimDevice, dimUser, dimIP, dimDomain, dimCountry, dimApp, dimSender, dimRecipient, dimPort:
			for _, w := range d.words {
				lead = append(lead, strings.ReplaceAll(regexp.QuoteMeta(w), " ", `\s+`))
			}
		}
	}
	sortLongestFirst(lead)
	reLeadDim = lazyRegexp(`^\s*(?:(?:show|list|find|give|get)\s+(?:me\s+)?)?(?:the\s+|all\s+|any\s+)?(` + strings.Join(lead, "|") + `)\s+(?:with|that|having|who|which|where)\b`)
	reWhich = lazyRegexp(`\b(?:which|what|distinct|unique|list (?:of |the )?)\s+(` + dimPattern + `)\b`)
	reTopDim = lazyRegexp(`^\s*(?:of\s+|the\s+)?(` + dimPattern + `)\b`)
	reTopDim2 = lazyRegexp(`^\s*(?:of\s+|the\s+)?[a-z-]+\s+(` + dimPattern + `)\b`)
}

// Context patterns: what the words before an entity say about it.
var (
	reCtxContains  = lazyRegexp(`(?:contain|contains|containing|including|includes|substring)\s*$`)
	reCtxPrefix    = lazyRegexp(`(?:start|starts|starting|begin|begins|beginning) with\s*$`)
	reCtxCmdline   = lazyRegexp(`command[- ]?lines?\s+(?:\w+\s+){0,2}$`)
	reCtxFolder    = lazyRegexp(`(?:folder|path|directory)\s+(?:\w+\s+){0,2}$`)
	reCtxSubject   = lazyRegexp(`(?:subject|subject line)\s+(?:\w+\s+){0,2}$`)
	reCtxTitle     = lazyRegexp(`(?:title|named|called|name)\s+(?:\w+\s+){0,2}$`)
	reCtxSender    = lazyRegexp(`\b(?:from|sent by|sender|senders?)\s*$`)
	reCtxRecipient = lazyRegexp(`\b(?:to|recipient|recipients|received by|sent to)\s*$`)
	reCtxProcess   = lazyRegexp(`\b(?:process|processes|ran|run|running|runs|spawned|spawn|executed|launched|binary|by)\s*$`)
	reLetters      = lazyRegexp(`[a-z]+`)
	reErrorCode    = lazyRegexp(`\b(?:error|result|status)(?:\s+code)?\s*(?:is|=|==|of)?\s*(\d{2,6})\b`)
	reCtxAfter     = lazyRegexp(`^\s*(?:in|within|inside)\s+(?:the\s+|its\s+)?(command[- ]?lines?|folder|path|directory|subject(?: line)?|title|name)\b`)
	reCtxParent    = lazyRegexp(`\b(?:parent(?: process)?(?: name)?(?: is| was| of| =| ==)?|spawned by|started by|launched by|created by|child(?:ren)?(?: processes)? of|run by|executed by)\s*$`)
	rePort         = lazyRegexp(`\b(?:remote\s+)?ports?\s+(\d{1,5})((?:\s*(?:,|and|or)\s*\d{1,5})*)\b`)
)

var (
	reLeadDim *lazyRE
	reDim     *lazyRE
	reGroupBy *lazyRE
	reWhich   *lazyRE
	reTopDim  *lazyRE
	reTopDim2 *lazyRE
)

func normDim(w string) string {
	return dimOf[strings.Join(strings.Fields(w), " ")]
}

var severityNames = map[string]string{"critical": "High", "high": "High", "medium": "Medium", "low": "Low", "informational": "Informational", "info": "Informational"}
var severityOrder = []string{"Informational", "Low", "Medium", "High"}

// understand reads one prompt.
func understand(prompt string, now time.Time, vocab *Vocabulary) *understanding {
	s := newScanner(prompt)
	u := &understanding{}
	u.reset = s.has(reReset)
	u.followup = reFollow.MatchString(s.text)

	u.quoted(s)
	u.entities(s, vocab)
	tr, err := extractTime(s, now)
	if err != nil {
		u.err = err
	}
	u.time = tr
	u.focus(s)
	u.shapeWords(s)
	u.incidentFields(s)
	u.conceptsAndSubject(s)
	u.names(s, vocab)
	if reAnaphor.MatchString(s.text) {
		u.followup = true
	}
	u.rest = s
	u.unknown = s.leftovers()
	u.dropCovered()
	return u
}

// dropCovered removes a process filter a hunting concept already covers:
// "powershell with an encoded command" needs no second FileName filter.
func (u *understanding) dropCovered() {
	var concepts []string
	for _, f := range u.filters {
		if f.Dim == "concept" && !f.Negate {
			concepts = append(concepts, strings.ToLower(f.Concept))
		}
	}
	if len(concepts) == 0 {
		return
	}
	out := u.filters[:0]
	for _, f := range u.filters {
		covered := false
		if f.Dim == dimProcess && !f.Negate {
			for _, c := range concepts {
				for _, v := range f.Values {
					covered = covered || strings.Contains(c, `"`+strings.ToLower(v)+`"`)
				}
			}
		}
		if !covered {
			out = append(out, f)
		}
	}
	u.filters = out
}

// modifies reports whether the prompt changes a query: a filter, a
// window, a shape, a grouping, a number or an order.
func (u *understanding) modifies() bool {
	return len(u.filters) > 0 || u.time != nil || u.shape != "" || len(u.by) > 0 || u.nSet || u.sortSet
}

// negated reports whether the text before offset i negates what follows.
func negated(s *scanner, i int) bool { return reNeg.MatchString(s.before(i)) }

func (u *understanding) add(f Filter) { u.filters = append(u.filters, f) }

// quoted takes quoted strings: text to match.
func (u *understanding) quoted(s *scanner) {
	for {
		loc := s.findIndex(reQuoted)
		if loc == nil {
			return
		}
		var val string
		for g := 1; g <= 3; g++ {
			if loc[2*g] >= 0 {
				val = s.orig[loc[2*g]:loc[2*g+1]]
			}
		}
		before := s.before(loc[0])
		neg := negated(s, loc[0])
		s.blank(loc[0], loc[1])
		// `"x" in the command line`: the place comes after the value.
		if m := reCtxAfter.FindStringSubmatchIndex(s.text[loc[1]:]); m != nil {
			before += " " + s.text[loc[1]+m[2]:loc[1]+m[3]] + " "
			s.blank(loc[1]+m[0], loc[1]+m[1])
		}
		f := Filter{Dim: "text", Values: []string{val}, Op: "has", Negate: neg}
		switch {
		case reCtxContains.MatchString(before):
			f.Op = "contains"
		case reCtxPrefix.MatchString(before):
			f.Op = "prefix"
		}
		switch {
		case reCtxCmdline.MatchString(before):
			f.Dim = dimCmdline
		case reCtxFolder.MatchString(before):
			f.Dim = dimFolder
		case reCtxSubject.MatchString(before):
			f.Dim = dimSubject
		case reCtxTitle.MatchString(before):
			f.Dim = dimTitle
		}
		u.add(f)
	}
}

// entities takes the patterned entities: URLs, addresses, hashes, IDs.
func (u *understanding) entities(s *scanner, vocab *Vocabulary) {
	for loc := s.findIndex(reURL); loc != nil; loc = s.findIndex(reURL) {
		u.add(Filter{Dim: dimURL, Values: []string{strings.TrimRight(s.orig[loc[0]:loc[1]], ".,;)")}, Op: "has", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[1])
	}
	for loc := s.findIndex(reEmail); loc != nil; loc = s.findIndex(reEmail) {
		v := s.text[loc[0]:loc[1]]
		if a, ok := vocab.account(v); ok {
			v = a
		}
		before := s.before(loc[0])
		dim := dimUser
		switch {
		case reCtxSender.MatchString(before):
			dim = dimSender
		case reCtxRecipient.MatchString(before):
			dim = dimRecipient
		}
		u.add(Filter{Dim: dim, Values: []string{v}, Op: "eq", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[1])
	}
	for _, h := range []struct {
		re  *lazyRE
		dim string
	}{{reSHA256, dimSHA256}, {reSHA1, dimSHA1}, {reMD5, dimMD5}} {
		for loc := s.findIndex(h.re); loc != nil; loc = s.findIndex(h.re) {
			u.add(Filter{Dim: h.dim, Values: []string{s.text[loc[0]:loc[1]]}, Op: "eq", Negate: negated(s, loc[0])})
			s.blank(loc[0], loc[1])
		}
	}
	for loc := s.findIndex(reAlertID); loc != nil; loc = s.findIndex(reAlertID) {
		u.alertIDs = append(u.alertIDs, s.text[loc[0]:loc[1]])
		s.blank(loc[0], loc[1])
	}
	for loc := s.findIndex(reIPv4); loc != nil; loc = s.findIndex(reIPv4) {
		v := s.text[loc[0]:loc[1]]
		if _, err := netip.ParseAddr(v); err != nil {
			u.notes = append(u.notes, fmt.Sprintf("%q is not an IP address", v))
		} else {
			u.add(Filter{Dim: dimIP, Values: []string{v}, Op: "eq", Negate: negated(s, loc[0])})
		}
		s.blank(loc[0], loc[1])
	}
	for loc := s.findIndex(reTechnique); loc != nil; loc = s.findIndex(reTechnique) {
		u.add(Filter{Dim: dimTechnique, Values: []string{strings.ToUpper(s.text[loc[2]:loc[3]])}, Op: "has", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[1])
	}
	for m := s.find(reIncident); m != nil; m = s.find(reIncident) {
		u.incidents = append(u.incidents, m[1])
		u.incidents = append(u.incidents, reDigits.FindAllString(m[2], -1)...)
	}
	for m := s.find(reHashNum); m != nil; m = s.find(reHashNum) {
		u.incidents = append(u.incidents, m[1])
	}
	// Device names the dataset knows come before domains: an FQDN host
	// name looks like a domain.
	if words := vocab.deviceWords(); len(words) > 0 {
		re := phrase(words...)
		for loc := s.findIndex(re); loc != nil; loc = s.findIndex(re) {
			w := s.text[loc[2]:loc[3]]
			u.add(Filter{Dim: dimDevice, Values: vocab.device(w), Op: "eq", Negate: negated(s, loc[2])})
			s.blank(loc[2], loc[3])
		}
	}
	for loc := s.findIndex(reFileName); loc != nil; loc = s.findIndex(reFileName) {
		v := s.text[loc[0]:loc[1]]
		f := Filter{Dim: dimFile, Values: []string{v}, Op: "eq", Negate: negated(s, loc[0])}
		if fs := vocab.files(v); len(fs) > 0 {
			f.Values = fs
		}
		if m := reCtxParent.FindStringIndex(s.before(loc[0])); m != nil {
			f.Dim = dimParent
			s.blank(m[0], m[1])
		}
		u.add(f)
		s.blank(loc[0], loc[1])
	}
	for m := s.find(reErrorCode); m != nil; m = s.find(reErrorCode) {
		u.add(Filter{Dim: dimErrorCode, Values: []string{m[1]}, Op: "eq"})
	}
	for m := s.find(rePort); m != nil; m = s.find(rePort) {
		ports := append([]string{m[1]}, reDigits1.FindAllString(m[2], -1)...)
		u.add(Filter{Dim: dimPort, Values: ports, Op: "eq"})
	}
	for loc := s.findIndex(reCountry); loc != nil; loc = s.findIndex(reCountry) {
		u.add(Filter{Dim: dimCountry, Values: []string{countries[strings.Join(strings.Fields(s.text[loc[2]:loc[3]]), " ")]}, Op: "eq", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[1])
	}
	for loc := s.findIndex(reDomain); loc != nil; loc = s.findIndex(reDomain) {
		u.add(Filter{Dim: dimDomain, Values: []string{s.text[loc[0]:loc[1]]}, Op: "has", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[1])
	}
}

// names takes device, account and process names the dataset knows or the
// sentence marks ("on host X", "user Y").
func (u *understanding) names(s *scanner, vocab *Vocabulary) {
	if words := vocab.accountWords(); len(words) > 0 {
		re := phrase(words...)
		for loc := s.findIndex(re); loc != nil; loc = s.findIndex(re) {
			w := s.text[loc[2]:loc[3]]
			a, _ := vocab.account(w)
			u.add(Filter{Dim: dimUser, Values: []string{a}, Op: "eq", Negate: negated(s, loc[2])})
			s.blank(loc[2], loc[3])
		}
	}
	for loc := s.findIndex(reHostHint); loc != nil; loc = s.findIndex(reHostHint) {
		w := s.text[loc[2]:loc[3]]
		f := Filter{Dim: dimDevice, Values: []string{w}, Op: "prefix", Negate: negated(s, loc[0])}
		if ds := vocab.device(w); len(ds) > 0 {
			f.Values, f.Op = ds, "eq"
		}
		u.add(f)
		s.blank(loc[2], loc[3])
	}
	// "by system", "user admin": a one-word account the dataset knows.
	for _, loc := range reUserWord.FindAllStringSubmatchIndex(s.text, -1) {
		a, ok := vocab.account(s.text[loc[2]:loc[3]])
		if !ok {
			continue
		}
		u.add(Filter{Dim: dimUser, Values: []string{a}, Op: "eq", Negate: negated(s, loc[0])})
		s.blank(loc[0], loc[3])
	}
	for loc := s.findIndex(reUserHint); loc != nil; loc = s.findIndex(reUserHint) {
		w := s.text[loc[2]:loc[3]]
		if a, ok := vocab.account(w); ok {
			w = a
		}
		u.add(Filter{Dim: dimUser, Values: []string{w}, Op: "eq", Negate: negated(s, loc[0])})
		s.blank(loc[2], loc[3])
	}
	procs := slices.Clone(knownProcesses)
	re := phrase(procs...)
	for loc := s.findIndex(re); loc != nil; loc = s.findIndex(re) {
		w := s.text[loc[2]:loc[3]]
		if ambiguousProcess[w] && !reCtxProcess.MatchString(s.before(loc[2])) {
			// An English word: leave it.
			s.blank(loc[2], loc[3])
			u.unknown = append(u.unknown, w)
			continue
		}
		f := Filter{Dim: dimProcess, Values: processFiles(w, vocab), Op: "eq", Negate: negated(s, loc[2])}
		if m := reCtxParent.FindStringIndex(s.before(loc[2])); m != nil {
			f.Dim = dimParent
			s.blank(m[0], m[1])
		}
		u.add(f)
		s.blank(loc[2], loc[3])
	}
}

var ambiguousProcess = map[string]bool{"net": true, "sh": true, "sc": true, "reg": true, "excel": true, "outlook": true, "explorer": true, "python": true}

var unixProcesses = map[string]bool{"bash": true, "sh": true, "curl": true, "wget": true, "python": true, "python3": true, "xmrig": true}

// processFiles is the file names a process word stands for.
func processFiles(w string, vocab *Vocabulary) []string {
	if fs := vocab.files(w); len(fs) > 0 {
		return fs
	}
	if unixProcesses[w] {
		return []string{w}
	}
	return []string{w + ".exe"}
}

// focus takes references to a row of the previous result or to an
// incident or alert in focus.
func (u *understanding) focus(s *scanner) {
	if m := s.find(reOrdinal); m != nil {
		u.focusOrdinal = ordinals[m[1]]
		switch m[2] {
		case "incident", "alert", "device", "user":
			u.focusKind = m[2]
		}
	} else if m := s.find(reRowNum); m != nil {
		u.focusOrdinal, _ = strconv.Atoi(m[1])
	}
	if m := s.find(reThat); m != nil {
		u.focusThat = true
		if m[1] == "incident" || m[1] == "alert" {
			u.focusKind = m[1]
		}
	}
	if s.has(reMore) {
		u.focusWanted = true
	}
	if m := s.find(reInvolved); m != nil {
		for _, g := range m[1:] {
			if g != "" {
				u.involved = normDim(g)
			}
		}
	}
	if s.has(reItsAlerts) {
		u.view = "alerts"
	} else if s.has(reEvidence) {
		u.view = "evidence"
	}
}

// shapeWords takes what the answer should look like.
func (u *understanding) shapeWords(s *scanner) {
	for m := s.find(reTrend); m != nil; m = s.find(reTrend) {
		if u.shape != ShapeTrend {
			u.bin = 24 * time.Hour
		}
		u.shape = ShapeTrend
		for _, g := range m[1:] {
			switch g {
			case "hour", "hourly":
				u.bin = time.Hour
			case "week", "weekly":
				u.bin = 7 * 24 * time.Hour
			case "minute":
				u.bin = time.Minute
			}
		}
	}
	if s.has(reTimeline) {
		u.sort, u.desc, u.sortSet = "time", false, true
	}
	if s.has(reNewest) {
		u.sort, u.desc, u.sortSet = "time", true, true
	}
	if m := s.find(reSortBy2); m != nil {
		u.setSort(m[1], m[2])
	} else if m := s.find(reSortBy); m != nil {
		u.setSort(m[1], m[2])
	}
	if loc := s.findIndex(reTop); loc != nil {
		n, _ := parseCount(s.text[loc[2]:loc[3]])
		u.n, u.nSet = n, true
		u.shape = ShapeTop
		s.blank(loc[0], loc[1])
		u.topDim(s, loc[1])
	} else if loc := s.findIndex(reTopBare); loc != nil {
		u.shape = ShapeTop
		s.blank(loc[0], loc[1])
		u.topDim(s, loc[1])
	}
	if loc := s.findIndex(reRare); loc != nil {
		u.shape = ShapeRare
		s.blank(loc[0], loc[1])
		u.topDim(s, loc[1])
	}
	if s.has(reCount) && u.shape == "" {
		u.shape = ShapeCount
	}
	if loc := s.findIndex(reLeadDim); loc != nil {
		// "users with failed sign-ins", "ip addresses with more than 5
		// ...": one row per user, per address.
		u.by = appendUnique(u.by, normDim(s.text[loc[2]:loc[3]]))
		if u.shape == "" {
			u.shape = ShapeCount
		}
		s.blank(loc[2], loc[3])
	}
	for m := s.find(reGroupBy); m != nil; m = s.find(reGroupBy) {
		u.by = appendUnique(u.by, normDim(m[1]))
		for _, w := range reDim.FindAllString(m[2], -1) {
			u.by = appendUnique(u.by, normDim(w))
		}
	}
	if m := s.find(reLimitN); m != nil {
		g := m[1]
		if g == "" {
			g = m[2]
		}
		if n, ok := parseCount(g); ok {
			u.n, u.nSet = n, true
		}
	}
}

// topDim takes the dimension right after "top N" or "rare": "top 5
// processes". A word that also names a subject stays for the subject.
func (u *understanding) topDim(s *scanner, at int) {
	rest := s.text[at:]
	m := reTopDim.FindStringSubmatchIndex(rest)
	if m == nil {
		// "most common alert titles": one word between.
		m = reTopDim2.FindStringSubmatchIndex(rest)
	}
	if m == nil {
		return
	}
	w := rest[m[2]:m[3]]
	u.by = appendUnique(u.by, normDim(w))
	for _, re := range subjectRE {
		if re.MatchString(" " + w + " ") {
			return
		}
	}
	s.blank(at+m[2], at+m[3])
}

func (u *understanding) setSort(what, dir string) {
	u.sortSet = true
	dir = strings.TrimSpace(dir)
	switch what {
	case "time", "date", "timestamp":
		u.sort = "time"
		u.desc = strings.HasPrefix(dir, "desc")
	case "count", "frequency":
		u.sort = "count"
		u.desc = !strings.HasPrefix(dir, "asc")
	default:
		if d := normDim(strings.TrimSpace(what)); d != "" {
			u.sort = d
			u.desc = strings.HasPrefix(dir, "desc") || (d == dimSeverity && dir == "")
		} else {
			u.sortSet = false
			u.notes = append(u.notes, fmt.Sprintf("could not sort by %q", strings.TrimSpace(what)))
		}
	}
}

// incidentFields takes severity, status and classification.
func (u *understanding) incidentFields(s *scanner) {
	sev := func(first, rest, above string) {
		var vals []string
		for _, w := range append([]string{first}, reLetters.FindAllString(rest, -1)...) {
			if v, ok := severityNames[w]; ok {
				vals = appendUnique(vals, v)
			}
		}
		if strings.TrimSpace(above) != "" && len(vals) == 1 {
			i := slices.Index(severityOrder, vals[0])
			vals = slices.Clone(severityOrder[i:])
			slices.Reverse(vals)
		}
		u.add(Filter{Dim: dimSeverity, Values: vals, Op: "eq"})
	}
	if m := s.find(reSeverityA); m != nil {
		sev(m[1], m[2], "")
	} else if m := s.find(reSeverityB); m != nil {
		sev(m[1], m[2], m[3])
	} else if loc := s.findIndex(reSeverityC); loc != nil {
		w := s.text[loc[2]:loc[3]]
		above := strings.Contains(s.text[loc[0]:loc[1]], "above") || strings.Contains(s.text[loc[0]:loc[1]], "higher")
		a := ""
		if above {
			a = "above"
		}
		sev(w, "", a)
		// Keep the noun for the subject.
		end := loc[3]
		if m := lazyRegexp(`^\s+(?:or|and)\s+(?:above|higher)`).FindStringIndex(s.text[end:]); m != nil {
			end += m[1]
		}
		s.blank(loc[2], end)
	}
	if m := s.find(reStatusNew); m != nil {
		u.add(Filter{Dim: dimStatus, Values: []string{"New"}, Op: "eq"})
	} else if loc := s.findIndex(reNewNoun); loc != nil {
		// "new incidents": status New; the noun stays for the subject.
		u.add(Filter{Dim: dimStatus, Values: []string{"New"}, Op: "eq"})
		s.blank(loc[2], loc[3])
	} else if loc := s.findIndex(reStatus); loc != nil {
		w := s.text[loc[2]:loc[3]]
		neg := negated(s, loc[0])
		s.blank(loc[0], loc[1])
		switch w {
		case "open", "unresolved":
			u.add(Filter{Dim: dimStatus, Values: []string{"Closed"}, Op: "eq", Negate: !neg})
		case "active", "in progress":
			u.add(Filter{Dim: dimStatus, Values: []string{"Active"}, Op: "eq", Negate: neg})
		case "closed", "resolved":
			u.add(Filter{Dim: dimStatus, Values: []string{"Closed"}, Op: "eq", Negate: neg})
		}
	}
	if m := s.find(reClass); m != nil {
		v := map[string]string{"true": "TruePositive", "false": "FalsePositive", "benign": "BenignPositive"}[m[1]]
		u.add(Filter{Dim: dimClass, Values: []string{v}, Op: "eq"})
	}
}

var (
	conceptRE []*lazyRE
	subjectRE []*lazyRE
)

func init() {
	for _, c := range concepts {
		conceptRE = append(conceptRE, phrase(c.words...))
	}
	for _, sub := range subjects {
		subjectRE = append(subjectRE, phrase(sub.words...))
	}
}

// conceptsAndSubject takes hunting concepts, then the subject.
func (u *understanding) conceptsAndSubject(s *scanner) {
	for i, c := range concepts {
		loc := s.findIndex(conceptRE[i])
		if loc == nil {
			continue
		}
		neg := negated(s, loc[2])
		s.blank(loc[2], loc[3])
		u.add(Filter{Dim: "concept", Concept: c.pred, Desc: c.desc, Negate: neg, Values: []string{c.subject}})
		u.conceptS = append(u.conceptS, c.subject)
	}
	// "which devices" and "by user" name dimensions, not subjects, when
	// the prompt names an event subject too; find those first.
	type hit struct {
		sub        *subject
		start, end int
	}
	var hits []hit
	for i, sub := range subjects {
		if loc := s.findIndex(subjectRE[i]); loc != nil {
			hits = append(hits, hit{sub, loc[2], loc[3]})
		}
	}
	inventory := func(h hit) bool { return h.sub.id == "device" || h.sub.id == "identity" }
	weak := func(h hit) bool { return weakSubjectWords[strings.Join(strings.Fields(s.text[h.start:h.end]), " ")] }
	var best *hit
	for i := range hits {
		h := &hits[i]
		switch {
		case best == nil:
			best = h
		case weak(*best) && !weak(*h) && !inventory(*h):
			best = h
		case weak(*h) && !weak(*best) && !inventory(*best):
		case inventory(*best) && !inventory(*h):
			best = h
		case inventory(*h) && !inventory(*best):
		case h.end-h.start > best.end-best.start:
			best = h
		case h.end-h.start == best.end-best.start && h.start < best.start:
			best = h
		}
	}
	if best != nil {
		// A "which devices" beside an event subject groups by device.
		for _, h := range hits {
			if inventory(h) && !inventory(*best) {
				if d := normDim(s.text[h.start:h.end]); d != "" {
					u.by = appendUnique(u.by, d)
					if u.shape == "" {
						u.shape = ShapeCount
					}
				}
				s.blank(h.start, h.end)
			}
		}
		u.subject = best.sub
		s.blank(best.start, best.end)
		// Other subject words ("alerts" in "incidents with alerts") stay
		// in the text: a second subject is reported, not guessed.
		for _, h := range hits {
			if h.sub != best.sub && !inventory(h) && !weak(h) {
				if loc := s.findIndex(subjectRE[slices.Index(subjects, h.sub)]); loc != nil {
					u.notes = append(u.notes, fmt.Sprintf("asked about %s too; this query answers for %s only", h.sub.noun, best.sub.noun))
					s.blank(loc[2], loc[3])
				}
			}
		}
	}
	// "which devices", "what users": group by that dimension.
	for loc := s.findIndex(reWhich); loc != nil; loc = s.findIndex(reWhich) {
		d := normDim(s.text[loc[2]:loc[3]])
		u.by = appendUnique(u.by, d)
		if u.shape == "" {
			u.shape = ShapeCount
		}
		s.blank(loc[0], loc[1])
	}
}
