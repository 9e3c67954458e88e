package translate

import (
	_ "embed"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/kqlhunt/kqlhunt/kql"
)

// The semantic data catalogue: what each table and column of the Defender
// and Sentinel schemas means (descriptions, entity kinds, formats and
// enumerated values), from the NL2KQL project's catalogues (MIT; see
// catalog/LICENSE-NL2KQL and catalog/gen.py, which regenerates the file).
//
//go:embed catalog/catalog.json
var catalogJSON []byte

type catColumnJSON struct {
	Name   string   `json:"n"`
	Type   string   `json:"t"`
	Desc   string   `json:"d"`
	Entity string   `json:"e"`
	Format string   `json:"f"`
	Values []string `json:"v"`
}

type catTableJSON struct {
	Desc    string          `json:"d"`
	Columns []catColumnJSON `json:"c"`
}

var (
	semanticOnce sync.Once
	semantic     map[string]catTableJSON
)

func semanticCatalogue() map[string]catTableJSON {
	semanticOnce.Do(func() {
		if err := json.Unmarshal(catalogJSON, &semantic); err != nil {
			panic("translate: embedded catalog.json: " + err.Error())
		}
	})
	return semantic
}

// Catalog is what the translator knows of the active schema and data:
// every table the active dataset (or --schema) has, with its columns'
// types, descriptions, entity kinds and known values (enumerated in the
// semantic catalogue, or seen in the data). Only tables of the schema it
// was built from are ever used.
type Catalog struct {
	Tables []*CatTable
	idf    map[string]float64 // weight of a table-name word: rarer words say more

	colIDF map[string]float64 // weight of a column name: rarer columns say more

	vocabOnce sync.Once
	words     map[string]bool
}

// vocabulary is every word of the catalogue's table and column names
// and of its hunting terms.
func (c *Catalog) vocabulary() map[string]bool {
	c.vocabOnce.Do(func() {
		c.words = map[string]bool{}
		add := func(ws []string) {
			for _, w := range ws {
				if len(w) >= 3 && !stopwords[w] && !groundStop[w] {
					c.words[w] = true
				}
			}
		}
		for _, t := range c.Tables {
			add(t.words)
			for _, col := range t.Columns {
				add(col.words)
			}
		}
		add(normWords(huntingTerms))
	})
	return c.words
}

// huntingTerms are words of security questions that name no table or
// column of their own.
const huntingTerms = "alert incident attack threat malware ransomware phishing suspicious malicious compromise breach lateral movement persistence exfiltration credential password spray brute force login signin logon beacon command control c2 ioc indicator hunt investigate anomaly anomalous risky risk vulnerability exploit cve powershell script process file network connection registry email mail attachment url domain host device machine computer server endpoint user account identity admin privilege role mfa token session firewall traffic port dns ip address hash sha256 md5 event log activity audit duplicate column row result range sort order group filter"

// CatTable is one table of a Catalog.
type CatTable struct {
	Name    string
	Desc    string
	Columns []*CatColumn
	words   []string // the name's words, normalised ("aad non interactive user signin log")
	descW   map[string]bool
	time    string // the time column: TimeGenerated, Timestamp, or the first datetime
	known   bool   // the dataset says which columns are empty
}

// CatColumn is one column of a CatTable.
type CatColumn struct {
	Name   string
	Type   kql.Type
	Desc   string
	Entity string   // entity kind: user, device, ip, file, url, ...
	Format string   // enum, uuid, IP, ...
	Values []string // enumerated or observed values
	Empty  bool     // the dataset's rows leave it empty
	words  []string // the name's words, normalised
	vwords [][]string
}

// NewCatalog builds the catalogue of schema, enriched with the semantic
// catalogue and with the values vocab has seen in the data.
func NewCatalog(schema *kql.Schema, vocab *Vocabulary) *Catalog {
	sem := semanticCatalogue()
	c := &Catalog{}
	// Column names and values repeat across tables: split each once.
	memo := map[string][]string{}
	words := func(id string, f func(string) []string) []string {
		if w, ok := memo[id]; ok {
			return w
		}
		w := f(id)
		memo[id] = w
		return w
	}
	for _, name := range schema.TableNames() {
		t, _ := schema.Table(name)
		st := sem[name]
		ct := &CatTable{Name: name, Desc: t.Description}
		if ct.Desc == "" {
			ct.Desc = st.Desc
		}
		byName := map[string]catColumnJSON{}
		for _, sc := range st.Columns {
			byName[sc.Name] = sc
		}
		all := append(slices.Clone(t.Columns), t.SentinelColumns...)
		for _, col := range all {
			if t.SentinelTypes != nil {
				if st, ok := t.SentinelTypes[col.Name]; ok {
					col.Type = st
				}
			}
			sc := byName[col.Name]
			cc := &CatColumn{Name: col.Name, Type: col.Type, Desc: sc.Desc, Entity: strings.ToLower(sc.Entity), Format: sc.Format}
			if strings.Contains(strings.ToLower(sc.Format), "enum") || len(sc.Values) > 0 && len(sc.Values) <= 60 {
				cc.Values = slices.Clone(sc.Values)
			}
			if vocab != nil {
				for _, v := range vocab.Values[name][col.Name] {
					if !slices.Contains(cc.Values, v) {
						cc.Values = append(cc.Values, v)
					}
				}
			}
			if vocab != nil && slices.Contains(vocab.Empty[name], col.Name) {
				cc.Empty = true
				ct.known = true
			}
			cc.words = words(col.Name, nameWords)
			for _, v := range cc.Values {
				cc.vwords = append(cc.vwords, words("\x00"+v, func(s string) []string { return valueWords(s[1:]) }))
			}
			ct.Columns = append(ct.Columns, cc)
		}
		ct.words = nameWords(name)
		ct.descW = map[string]bool{}
		for _, w := range contentWords(ct.Desc) {
			ct.descW[w] = true
		}
		// The table's own time column: Timestamp in advanced hunting,
		// TimeGenerated in Sentinel; a flavour's extra column comes last.
		ct.time = pickTimeColumn(ct.Columns[:len(t.Columns)])
		if ct.time == "" {
			ct.time = pickTimeColumn(ct.Columns)
		}
		c.Tables = append(c.Tables, ct)
	}
	// Inverse document frequency of name words over the tables.
	df := map[string]int{}
	for _, t := range c.Tables {
		seen := map[string]bool{}
		for _, w := range t.words {
			if !seen[w] {
				df[w]++
				seen[w] = true
			}
		}
	}
	c.idf = map[string]float64{}
	n := float64(len(c.Tables))
	for w, k := range df {
		c.idf[w] = math.Log(1 + n/float64(k))
	}
	cdf := map[string]int{}
	for _, t := range c.Tables {
		for _, col := range t.Columns {
			cdf[col.Name]++
		}
	}
	c.colIDF = map[string]float64{}
	for name, k := range cdf {
		c.colIDF[name] = math.Log(1 + n/float64(k))
	}
	return c
}

func pickTimeColumn(cols []*CatColumn) string {
	for _, pref := range []string{"TimeGenerated", "Timestamp"} {
		for _, c := range cols {
			if c.Name == pref && c.Type == kql.TDatetime {
				return c.Name
			}
		}
	}
	for _, c := range cols {
		if c.Type == kql.TDatetime {
			return c.Name
		}
	}
	return ""
}

// Table returns the table named name (case-insensitively).
func (c *Catalog) Table(name string) *CatTable {
	for _, t := range c.Tables {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	return nil
}

// Column returns the column named name (case-insensitively).
func (t *CatTable) Column(name string) *CatColumn {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// splitIdent splits an identifier into words at case changes, digits and
// punctuation: "AADNonInteractiveUserSignInLogs" → "AAD Non Interactive
// User Sign In Logs", "scStatus" → "sc Status", "W3CIISLog" → "W3C IIS Log".
func splitIdent(s string) string {
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			b.WriteRune(' ')
			continue
		}
		if i > 0 {
			p := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			switch {
			case unicode.IsUpper(r) && unicode.IsLower(p):
				b.WriteRune(' ')
			case unicode.IsUpper(r) && unicode.IsUpper(p) && unicode.IsLower(next):
				b.WriteRune(' ')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// nameWords are the normalised words of an identifier.
func nameWords(id string) []string { return normWords(splitIdent(id)) }

// compounds are spellings of one idea written as one word or two: they
// are folded into one word in prompts and names alike.
var compounds = lazyRegexp(`\b(?:sign|log)[ -]?(?:in|on)s?\b|\blogins?\b|\blogons?\b|\bsignins?\b|\be-?mails?\b|\bip[ -]?(?:address(?:es)?|addr)\b|\bips\b`)

// normText lower-cases s and folds compounds.
func normText(s string) string {
	s = strings.ToLower(s)
	if !strings.Contains(s, "sign") && !strings.Contains(s, "log") && !strings.Contains(s, "mail") && !strings.Contains(s, "ip") {
		return s // nothing to fold: skip the pattern
	}
	return compounds.get().ReplaceAllStringFunc(s, func(m string) string {
		switch {
		case strings.HasPrefix(m, "e"):
			return "email"
		case strings.HasPrefix(m, "ip"):
			return "ip"
		}
		return "signin"
	})
}

// normWords are the stems of the words of s, compounds folded.
func normWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(normText(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		out = append(out, stem(w))
	}
	return out
}

// contentWords are normWords without stop words.
func contentWords(s string) []string {
	var out []string
	for _, w := range normWords(s) {
		if !stopwords[w] && !groundStop[w] && len(w) > 1 {
			out = append(out, w)
		}
	}
	return out
}

// groundStop are words that carry no meaning for grounding.
var groundStop = map[string]bool{
	"show": true, "list": true, "give": true, "get": true, "find": true, "display": true, "me": true,
	"all": true, "any": true, "what": true, "which": true, "who": true, "are": true, "is": true,
	"the": true, "of": true, "in": true, "on": true, "for": true, "with": true, "from": true, "to": true,
	"and": true, "or": true, "by": true, "that": true, "where": true, "can": true, "you": true,
	"please": true, "there": true, "their": true, "those": true, "these": true, "this": true,
	"has": true, "have": true, "had": true, "was": true, "were": true, "be": true, "been": true,
	"do": true, "doe": true, "did": true, "at": true, "an": true, "a": true, "it": true, "its": true,
	"as": true, "into": true, "my": true, "our": true, "we": true, "i": true, "want": true, "know": true,
	"table": true, "provide": true, "retrieve": true, "tell": true, "about": true, "also": true,
	"some": true, "each": true, "every": true, "per": true, "us": true, "than": true, "then": true,
	"how": true, "many": true, "much": true, "count": true, "number": true, "not": true, "no": true,
	"but": true, "only": true, "just": true, "still": true, "one": true, "use": true, "data": true,
}

// stem folds a lower-case word to a crude stem: plurals, -ed, -ing and
// British spellings, so that "processes", "processed" and "process" meet.
func stem(w string) string {
	if len(w) <= 3 || strings.ContainsAny(w, "0123456789") {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "ing") && len(w) > 5:
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && len(w) > 4:
		w = w[:len(w)-2]
	}
	w = strings.TrimSuffix(w, "e")
	w = strings.Replace(w, "iour", "ior", 1) // behaviour
	return w
}

// valueWords are the words of a stored value, stop words kept ("atRisk"
// is "at risk", not "risk").
func valueWords(v string) []string {
	var out []string
	for _, w := range normWords(splitIdent(v)) {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// metadataColumns are the columns Log Analytics adds to every table: their
// values say nothing about what a prompt is after unless it names them.
var metadataColumns = map[string]bool{"Type": true, "SourceSystem": true, "TenantId": true, "MG": true, "ManagementGroupName": true}
