package translate

import (
	"regexp"
	"sync"
)

// lazyRE is a regular expression compiled on first use. The translator
// has about eighty patterns; compiling them at package initialisation cost
// every kqlhunt command 15-30 ms, including those that never translate.
type lazyRE struct {
	src  string
	once sync.Once
	re   *regexp.Regexp
}

// lazyRegexp returns src as a lazily compiled expression. src must be a
// valid pattern, as for regexp.MustCompile: an invalid one panics on its
// first use rather than at start-up. TestPatternsCompile compiles the
// package-level ones.
func lazyRegexp(src string) *lazyRE { return &lazyRE{src: src} }

func (l *lazyRE) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.src) })
	return l.re
}

func (l *lazyRE) String() string                 { return l.src }
func (l *lazyRE) MatchString(s string) bool      { return l.get().MatchString(s) }
func (l *lazyRE) FindString(s string) string     { return l.get().FindString(s) }
func (l *lazyRE) FindStringIndex(s string) []int { return l.get().FindStringIndex(s) }
func (l *lazyRE) FindStringSubmatch(s string) []string {
	return l.get().FindStringSubmatch(s)
}
func (l *lazyRE) FindStringSubmatchIndex(s string) []int {
	return l.get().FindStringSubmatchIndex(s)
}
func (l *lazyRE) FindAllString(s string, n int) []string {
	return l.get().FindAllString(s, n)
}
func (l *lazyRE) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return l.get().FindAllStringSubmatchIndex(s, n)
}
func (l *lazyRE) ReplaceAllString(s, repl string) string {
	return l.get().ReplaceAllString(s, repl)
}
func (l *lazyRE) Split(s string, n int) []string { return l.get().Split(s, n) }
