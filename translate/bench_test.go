package translate

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func devPrompts(b *testing.B) []string {
	var out []string
	f, err := os.Open("testdata/prompts.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "prompt:"); ok {
			out = append(out, strings.TrimSpace(rest))
		}
	}
	return out
}

func sentinelPrompts(b *testing.B) []string {
	data, err := os.ReadFile("../../shared/nl/sentinel-dev.jsonl")
	if err != nil {
		b.Skip("shared/nl not beside the repository")
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r struct{ Context string }
		if json.Unmarshal([]byte(l), &r) == nil {
			out = append(out, r.Context)
		}
	}
	return out
}

// BenchmarkTranslate translates every development prompt in process and
// reports the median and 90th percentile time per prompt. The translator
// (and its catalogue) is built once, as a conversation does.
func BenchmarkTranslate(b *testing.B) {
	for _, set := range []struct {
		name    string
		prompts func(*testing.B) []string
		off     func(*testing.B) *Offline
	}{
		{"sample", devPrompts, func(*testing.B) *Offline { return NewOffline(nil, vocab) }},
		{"sentinel", sentinelPrompts, func(b *testing.B) *Offline { return NewOffline(sentinelSchema(b), nil) }},
	} {
		b.Run(set.name, func(b *testing.B) {
			prompts := set.prompts(b)
			o := set.off(b)
			var per []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, p := range prompts {
					t0 := time.Now()
					if _, err := o.Translate(context.Background(), &Request{Prompt: p, Now: now}); err != nil {
						b.Fatalf("%q: %v", p, err)
					}
					per = append(per, time.Since(t0))
				}
			}
			slices.Sort(per)
			b.ReportMetric(float64(per[len(per)/2].Microseconds()), "p50-µs/prompt")
			b.ReportMetric(float64(per[len(per)*9/10].Microseconds()), "p90-µs/prompt")
		})
	}
}
