package translate

import (
	"regexp"
	"strings"
)

// scanner holds a prompt while phrases are taken out of it: text is the
// lower-cased prompt with what has been understood blanked to spaces, orig
// the prompt as typed (same length), for values whose case matters.
type scanner struct {
	text string
	orig string
}

func newScanner(prompt string) *scanner {
	// Typographic quotes and dashes become ASCII ones.
	prompt = strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'", "\u2013", "-", "\u2014", "-").Replace(prompt)
	lower := strings.ToLower(prompt)
	if len(lower) != len(prompt) {
		prompt = lower
	}
	return &scanner{text: lower, orig: prompt}
}

// find returns the first match of re's submatches in the remaining text
// (lower case), blanking the whole match; nil if none.
func (s *scanner) find(re *lazyRE) []string {
	loc := s.findIndex(re)
	if loc == nil {
		return nil
	}
	out := make([]string, len(loc)/2)
	for i := range out {
		if loc[2*i] >= 0 {
			out[i] = s.text[loc[2*i]:loc[2*i+1]]
		}
	}
	s.blank(loc[0], loc[1])
	return out
}

// findIndex returns the submatch indexes of re in the remaining text
// without blanking it; nil if none.
func (s *scanner) findIndex(re *lazyRE) []int {
	return re.FindStringSubmatchIndex(s.text)
}

// has reports whether re matches the remaining text, and blanks the match.
func (s *scanner) has(re *lazyRE) bool { return s.find(re) != nil }

// before returns the remaining text before byte offset i.
func (s *scanner) before(i int) string { return s.text[:i] }

func (s *scanner) blank(i, j int) {
	s.text = s.text[:i] + strings.Repeat(" ", j-i) + s.text[j:]
}

// phrase builds a case-insensitive whole-word pattern for the phrases.
// Longer phrases are tried first; spaces match any run of spaces or
// hyphens.
func phrase(words ...string) *lazyRE {
	ws := append([]string(nil), words...)
	sortLongestFirst(ws)
	alts := make([]string, len(ws))
	for i, w := range ws {
		q := regexp.QuoteMeta(w)
		q = strings.ReplaceAll(q, `\-`, `[- ]?`)
		q = strings.ReplaceAll(q, " ", `[\s-]+`)
		alts[i] = q
	}
	return lazyRegexp(`(?:^|[^\w.@-])(` + strings.Join(alts, "|") + `)(?:$|[^\w@-])`)
}

func sortLongestFirst(ws []string) {
	for i := 1; i < len(ws); i++ {
		for j := i; j > 0 && len(ws[j]) > len(ws[j-1]); j-- {
			ws[j], ws[j-1] = ws[j-1], ws[j]
		}
	}
}

// stopwords are the words that carry no meaning for the translator.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of for in on at to from with by and or me my our us we i you
		show list give get find display see look looking search hunt tell what which who whom whose where when how
		are is was were be been being do does did have has had any all some there their them they those these this that it its
		please can could would should will just also only now then than as into over about across per each every
		let lets let's want need like recent recently happened happen occurred seen observed detected logged
		events event records record entries entry data activity activities rows results result info information details
		most many much more less few number count total amount please thanks ok okay sure yes no
		during within between since before after until last past previous today yesterday week weeks day days hour hours month months
		involving involved related associated regarding containing contain contains including include includes mentioning
		new latest newest oldest top first second third`) {
		stopwords[w] = true
	}
}

var reWord = lazyRegexp(`[a-z0-9][a-z0-9_.'-]*`)

// leftovers are the content words nothing understood.
func (s *scanner) leftovers() []string {
	var out []string
	for _, w := range reWord.FindAllString(s.text, -1) {
		w = strings.Trim(w, ".'-")
		if w == "" || stopwords[w] || len(w) < 2 {
			continue
		}
		out = append(out, w)
	}
	return out
}
