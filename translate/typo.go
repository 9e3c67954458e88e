package translate

import (
	"regexp"
	"slices"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// knownWords are the single words the translator knows, for correcting
// typos in a prompt ("incidnets", "proccesses", "allerts").
var knownWords = func() []string {
	var out []string
	add := func(ws []string) {
		for _, w := range ws {
			if !strings.ContainsAny(w, " -") && len(w) >= 5 {
				out = appendUnique(out, w)
			}
		}
	}
	for _, s := range subjects {
		add(s.words)
	}
	for _, c := range concepts {
		add(c.words)
	}
	for _, d := range dimWords {
		add(d.words)
	}
	add(knownProcesses)
	slices.Sort(out)
	return out
}()

// correctTypos replaces each unknown word that is one edit (two for long
// words) from exactly one known word; it returns the corrected prompt and
// the corrections made, as "typo → word".
func correctTypos(prompt string, unknown []string) (string, []string) {
	var notes []string
	for _, w := range unknown {
		if len(w) < 5 || !isLetters(w) || slices.Contains(knownWords, w) {
			continue
		}
		limit := 1
		if len(w) >= 8 {
			limit = 2
		}
		best, n := "", 0
		for _, k := range knownWords {
			if d := kql.EditDistance(w, k); d >= 1 && d <= limit {
				if best == "" || d < kql.EditDistance(w, best) {
					best, n = k, 1
				} else if d == kql.EditDistance(w, best) && k != best {
					// "process" and "processes": the same word.
					switch {
					case strings.HasPrefix(k, best):
						best = k
					case strings.HasPrefix(best, k):
					default:
						n++
					}
				}
			}
		}
		if best == "" || n != 1 {
			continue
		}
		re := lazyRegexp(`(?i)\b` + regexp.QuoteMeta(w) + `\b`)
		prompt = re.ReplaceAllString(prompt, best)
		notes = append(notes, w+" → "+best)
	}
	return prompt, notes
}

func isLetters(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
