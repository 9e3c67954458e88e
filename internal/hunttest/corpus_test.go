package hunttest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/fixtures"
)

const corpusDir = "../../../shared/corpus/queries"

// corpusQuery is a published hunting query whose tables are all in the
// sample dataset.
type corpusQuery struct {
	File   string
	Tables []string
	Src    string
}

// needsOutside matches queries that need something outside the dataset:
// externaldata and invoke, the functions that call the service
// (FileProfile, DeviceFromIP, ...), geo_info_from_ip_address, which
// needs a GeoIP database the engine does not ship, and arg("").T, a
// cross-service query of Azure Resource Graph.
var needsOutside = regexp.MustCompile(`(?i)\bexternaldata\b|\binvoke\s|\bFileProfile\b|\bDeviceFromIP\b|\bAssignedIPAddresses\b|\bSeenBy\b|\bgeo_info_from_ip_address\b|\barg\(""\)\.`)

// sampleCorpus returns the corpus queries that reference only sample
// tables and need nothing from outside (externaldata, invoke, functions
// that call the service).
func sampleCorpus(t *testing.T) []corpusQuery {
	f, err := os.Open(filepath.Join(corpusDir, "index.jsonl"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	in := map[string]bool{}
	for _, n := range fixtures.SampleTables {
		in[n] = true
	}
	var out []corpusQuery
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e struct {
			File   string   `json:"file"`
			Tables []string `json:"tables"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || len(e.Tables) == 0 {
			continue
		}
		ok := true
		for _, tb := range e.Tables {
			ok = ok && in[tb]
		}
		if !ok {
			continue
		}
		src, err := os.ReadFile(filepath.Join(corpusDir, e.File))
		if err != nil || needsOutside.Match(src) {
			continue
		}
		out = append(out, corpusQuery{File: e.File, Tables: e.Tables, Src: string(src)})
	}
	return out
}

// TestCorpusOnSample measures how many published hunts run on the sample
// dataset and how many find something (KQLHUNT_CORPUS=1 to run; it
// depends on the whole engine, so it is not part of the default run).
// The data's share of the target: at least 30% of the queries return a row.
func TestCorpusOnSample(t *testing.T) {
	if os.Getenv("KQLHUNT_CORPUS") == "" {
		t.Skip("set KQLHUNT_CORPUS=1 to measure the corpus on the sample dataset")
	}
	qs := sampleCorpus(t)
	e := sampleEngine(t)
	ran, hit := 0, 0
	causes := map[string][]string{}
	var misses []string
	// KQLHUNT_CORPUS_ALIAS=1 estimates the effect of reading TimeGenerated
	// as Timestamp on Defender tables (the Sentinel flavour of a query).
	alias := os.Getenv("KQLHUNT_CORPUS_ALIAS") != ""
	tg := regexp.MustCompile(`\bTimeGenerated\b`)
	for _, q := range qs {
		src := q.Src
		if alias && !strings.Contains(src, "SecurityIncident") && !strings.Contains(src, "SecurityAlert") {
			src = tg.ReplaceAllString(src, "Timestamp")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		start := time.Now()
		r, err := e.Query(ctx, src)
		cancel()
		if d := time.Since(start); os.Getenv("KQLHUNT_CORPUS_SLOW") != "" && d > 2*time.Second {
			fmt.Fprintf(os.Stderr, "slow: %s %v\n", q.File, d)
		}
		if err != nil {
			msg := err.Error()
			if i := strings.IndexByte(msg, '\n'); i >= 0 {
				msg = msg[:i]
			}
			msg = regexp.MustCompile(`^\d+:\d+: |offset \d+: `).ReplaceAllString(msg, "")
			if os.Getenv("KQLHUNT_CORPUS_NAMES") == "" {
				msg = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(msg, `"…"`)
			}
			if len(msg) > 90 {
				msg = msg[:90]
			}
			causes[msg] = append(causes[msg], q.File)
			continue
		}
		ran++
		if len(r.Rows) > 0 {
			hit++
		} else {
			misses = append(misses, q.File)
		}
	}
	n := len(qs)
	t.Logf("corpus queries on sample tables: %d; ran without error %d (%.1f%%); returned rows %d (%.1f%%)",
		n, ran, 100*float64(ran)/float64(n), hit, 100*float64(hit)/float64(n))
	type kv struct {
		k string
		v []string
	}
	var cs []kv
	for k, v := range causes {
		cs = append(cs, kv{k, v})
	}
	sort.Slice(cs, func(i, j int) bool { return len(cs[i].v) > len(cs[j].v) })
	for _, c := range cs {
		t.Logf("%4d  %s  (e.g. %s)", len(c.v), c.k, c.v[0])
	}
	if os.Getenv("KQLHUNT_CORPUS_MISSES") != "" {
		t.Logf("no rows:\n%s", strings.Join(misses, "\n"))
	}
	// Floors: what the engine and the sample reach today (issue 4 asks
	// for 95% running and 30% finding something).
	if hit*100 < 34*n {
		t.Errorf("%s of the corpus queries found something on the sample; want at least 34%%", fmt.Sprintf("%.1f%%", 100*float64(hit)/float64(n)))
	}
	if ran*100 < 83*n {
		t.Errorf("%s of the corpus queries ran without error; want at least 83%%", fmt.Sprintf("%.1f%%", 100*float64(ran)/float64(n)))
	}
}
