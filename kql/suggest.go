package kql

import (
	"sort"
	"strconv"
	"strings"
)

// suggest returns the candidate closest to name, for "did you mean"
// hints, or "" when none is close enough. A candidate equal to name up to
// case wins outright (KQL names are case sensitive, so "devicename" for
// "DeviceName" is the likeliest slip); otherwise the smallest edit distance
// (compared case-insensitively) within a budget that grows with the length
// of the name. Ties go to the alphabetically first candidate, so hints are
// stable.
func suggest(name string, candidates []string) string {
	if name == "" {
		return ""
	}
	lname := strings.ToLower(name)
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if c != name && strings.ToLower(c) == lname {
			return c
		}
	}
	budget := 1
	switch n := len([]rune(name)); {
	case n >= 12:
		budget = 3
	case n >= 5:
		budget = 2
	}
	best, bestD := "", budget+1
	for _, c := range sorted {
		if c == name {
			continue
		}
		// A length difference beyond the budget cannot be within it.
		if d := len(c) - len(name); d > budget || -d > budget {
			continue
		}
		if d := osaDistance(lname, strings.ToLower(c), bestD); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// osaDistance is the Damerau–Levenshtein (optimal string alignment)
// distance between a and b, counted in runes: insertions, deletions,
// substitutions and transpositions of adjacent runes cost 1. It stops early
// and returns limit when the distance is at least limit.
func osaDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	n, m := len(ra), len(rb)
	if n == 0 {
		return min(m, limit)
	}
	if m == 0 {
		return min(n, limit)
	}
	prev2 := make([]int, m+1)
	prev := make([]int, m+1)
	cur := make([]int, m+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= n; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= m; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin >= limit {
			return limit
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[m], limit)
}

// didYouMean formats a hint for a suggestion, or "" when there is none.
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return "did you mean " + strconv.Quote(s) + "?"
}
