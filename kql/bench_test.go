package kql

import (
	"sort"
	"testing"
	"time"
)

// BenchmarkParse parses the whole corpus once per iteration.
func BenchmarkParse(b *testing.B) {
	qs := loadCorpus(b)
	var bytes int64
	for _, q := range qs {
		bytes += int64(len(q.src))
	}
	b.SetBytes(bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			_, _ = Parse(q.src)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(qs))/1e3, "µs/query")
}

// BenchmarkParsePerQuery times each corpus query separately and reports the
// median and 90th percentile of the per-query parse time and allocations.
func BenchmarkParsePerQuery(b *testing.B) {
	qs := loadCorpus(b)
	sums := make([]time.Duration, len(qs))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, q := range qs {
			start := time.Now()
			_, _ = Parse(q.src)
			sums[j] += time.Since(start)
		}
	}
	b.StopTimer()
	per := make([]float64, len(qs))
	for j := range sums {
		per[j] = float64(sums[j].Nanoseconds()) / float64(b.N) / 1e3
	}
	allocs := make([]float64, len(qs))
	for j, q := range qs {
		allocs[j] = testing.AllocsPerRun(3, func() { _, _ = Parse(q.src) })
	}
	b.ReportMetric(percentile(per, 50), "p50-µs/query")
	b.ReportMetric(percentile(per, 90), "p90-µs/query")
	b.ReportMetric(percentile(allocs, 50), "p50-allocs/query")
	b.ReportMetric(percentile(allocs, 90), "p90-allocs/query")
}

// percentile returns the p-th percentile (nearest rank) of xs.
func percentile(xs []float64, p float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	k := int(p/100*float64(len(s))+0.5) - 1
	k = max(0, min(k, len(s)-1))
	return s[k]
}
