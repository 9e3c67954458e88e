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
	"github.com/kqlhunt/kqlhunt/kql"
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
// that call the service). With all, it returns every query that names a
// table and needs nothing from outside, whatever its tables.
func sampleCorpus(t *testing.T, all bool) []corpusQuery {
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
			ok = ok && (all || in[tb])
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

// kustoRejects are corpus queries that Kusto itself rejects, reviewed one
// by one (class (a) of the failures): the engine must keep rejecting them.
var kustoRejects = map[string]string{
	// Kusto compares values of one type family only ("Cannot compare
	// values of types int and string"; a string column with a number).
	"alexverboon-mdatp/0001-addomaincontrollers.kql":                                "LocalPort == \"88\": int with string",
	"azure-monitor-ref/0016-identitylogonevents.kql":                                "RemotePort == \"389\": int with string",
	"cyb3rmik3/0033-recently-received-emails-with-attachments.kql":                  "int column compared with a string",
	"cyb3rmik3/0035-review-recent-urlclick-events.kql":                              "int column compared with a string",
	"m365-defender-hunting-queries/0256-detect-bluekeep-exploitation-attempts.kql":  "RemotePort == \"3389\": int with string",
	"reprise99/0060-device-detectanomalousrdpconnections.kql":                       "RemotePort compared with a string",
	"reprise99/0067-device-detectlocaltopublicrdp.kql":                              "RemotePort compared with a string",
	"reprise99/0072-device-detectrdprecon.kql":                                      "RemotePort compared with a string",
	"reprise99/0099-device-summarizerdpconnections.kql":                             "RemotePort compared with a string",
	"slimkql/0013-cve-2024-43451-zero-day-ntlm-hash-disclosure-spoofing-vulner.kql": "port compared with a string",
	"slimkql/0071-hunting-rogue-endpoints-via-smb-detection.kql":                    "port compared with a string",
	"slimkql/0084-mde-detecting-quick-assist-usage.kql":                             "port compared with a string",
	"slimkql/0093-ntlmv2-hash-leak-via-com-detection.kql":                           "port compared with a string",
	"bert-janp/0034-mdo-findrelatedmails.kql":                                       "EmailClusterId (long) == a string",
	"jkerai1/0033-potential-credential-dumping.kql":                                 "RegistryValueData (string) == 1",
	"jkerai1/0039-set-persistence-using-event-viewer-microsoft-redirection-pro.kql": "RegistryValueData (string) == a number",
	"m365-defender-hunting-queries/0210-crashing-applications.kql":                  "an extracted string == ProcessId (long)",
	// A bool compared with a string ("true", "0"): no implicit conversion,
	// by the same rule (not verified against Kusto itself).
	"azure-monitor-ref/0018-urlclickevents.kql":                              "IsClickedThrough != \"0\": bool with string",
	"reprise99/0042-dca-findazureadadminactions.kql":                         "IsAdminOperation == \"true\": bool with string",
	"reprise99/0047-dca-pivottableadminoperations.kql":                       "IsAdminOperation == \"true\": bool with string",
	"reprise99/0058-device-accountswithmostlocaladmin.kql":                   "IsLocalAdmin == \"true\": bool with string",
	"reprise99/0102-device-summaryofdevicelogons.kql":                        "IsLocalAdmin == \"true\": bool with string",
	"reprise99/0103-device-summaryofdevicelogons.kql":                        "IsLocalAdmin == \"true\": bool with string",
	"slimkql/0042-detect-human-operated-ransomware-attacks-that-use-rdp.kql": "a bool column == a string flag",
	// Invalid as published (kql/corpus_test.go invalidCorpus).
	"alexverboon-hunting/0094-mdi-identifyserviceaccountous.kql":                        "project-rename without new = old",
	"alexverboon-mdatp/0034-systemguard.kql":                                            "typographic quotes",
	"alexverboon-mdatp/0042-alert.kql":                                                  "a PowerShell command after the query",
	"bert-janp/0143-ttp-t1219-netsupportrat-fin7.kql":                                   "a missing or between two conditions",
	"jkerai1/0050-identify-mail-items-accessed-by-a-specific-ip-address-cisa.kql":       "a string closed by a typographic quote",
	"m365-defender-hunting-queries/0244-insider-threat-detection-queries.kql":           "datetime(\"8:00:00 AM\") is no datetime form",
	"m365-defender-hunting-queries/0379-episode-3-summarizing-pivoting-and-joining.kql": "a ----- line between two queries",
	"reprise99/0054-device-asraudit.kql":                                                "where isAudit = true",
	"reprise99/0055-device-asrlsassaudit.kql":                                           "where isAudit = true",
	// Names the query never defines (reviewed in issue 2's check report).
	"alexverboon-mdatp/0005-md365-passwordsprayattacks.kql":     "CloudAppEvents columns read from AlertInfo",
	"bert-janp/0068-detect-known-rat-rmm-process-patterns.kql":  "max_Timestamp read after max(TimeGenerated)",
	"bert-janp/0098-nltestdiscovery.kql":                        "NLTestParameters is never defined",
	"jkerai1/0038-safeboot-registry-modification-detection.kql": "Customer is a workspace-specific function",
	"bert-janp/0174-graphapiauditevents-userenrichment.kql":     "GraphAPIAuditEvents: the table is spelled otherwise",
}

// unknownName matches the errors for a column or table the query names
// and the dataset lacks.
var unknownName = regexp.MustCompile(`^unknown (?:name|column|table or tabular expression) "([^"]+)"`)

// schemaLacks reports whether a failure is class (b): the query names a
// column or table that schema.json does not have for the query's tables
// (retired or newer columns, Sentinel-only tables). Queries that unpack
// bags are left out: their columns come from the data, not the schema.
func schemaLacks(q corpusQuery, msg string, s *kql.Schema) bool {
	m := unknownName.FindStringSubmatch(msg)
	if m == nil || strings.Contains(q.Src, "bag_unpack") {
		return false
	}
	name := m[1]
	if _, ok := s.Table(name); ok {
		return false
	}
	for _, tn := range q.Tables {
		if t, ok := s.Table(tn); ok {
			if _, ok := t.Column(name); ok {
				return false
			}
		}
	}
	return true
}

// TestCorpusOnSample measures how many published hunts run on the sample
// dataset and how many find something (KQLHUNT_CORPUS=1 to run; it
// depends on the whole engine, so it is not part of the default run).
// The data's share of the target: at least 30% of the queries return a row.
//
// Failures fall in three classes: (a) Kusto rejects the query too
// (kustoRejects, reviewed), (b) schema.json lacks a column or table the
// query names (schemaLacks, mechanical), (c) the engine's gaps. The test
// also reports the rate among the queries outside (a) and (b), and fails
// if a query of (a) runs: that would be accepting what Kusto rejects.
func TestCorpusOnSample(t *testing.T) {
	if os.Getenv("KQLHUNT_CORPUS") == "" {
		t.Skip("set KQLHUNT_CORPUS=1 to measure the corpus on the sample dataset")
	}
	// KQLHUNT_CORPUS_ALL=1 measures every query that names a table, not
	// only those whose tables are all sample tables (the floors below are
	// for the sample's share).
	all := os.Getenv("KQLHUNT_CORPUS_ALL") != ""
	qs := sampleCorpus(t, all)
	e := sampleEngine(t)
	schema := kql.AdvancedHunting()
	ran, hit, classA, classB := 0, 0, 0, 0
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
			class := "c"
			switch {
			case kustoRejects[q.File] != "":
				class = "a"
				classA++
			case schemaLacks(q, msg, schema):
				class = "b"
				classB++
			}
			if os.Getenv("KQLHUNT_CORPUS_FAILURES") != "" {
				t.Logf("FAIL %s\t%s\t%s", q.File, class, msg)
			}
			if os.Getenv("KQLHUNT_CORPUS_NAMES") == "" {
				msg = regexp.MustCompile(`"[^"]*"`).ReplaceAllString(msg, `"…"`)
			}
			if len(msg) > 90 {
				msg = msg[:90]
			}
			causes[msg] = append(causes[msg], q.File)
			continue
		}
		if reason := kustoRejects[q.File]; reason != "" {
			t.Errorf("%s runs, but Kusto rejects it (%s)", q.File, reason)
		}
		ran++
		if len(r.Rows) > 0 {
			hit++
		} else {
			misses = append(misses, q.File)
		}
	}
	n := len(qs)
	rest := n - classA - classB
	t.Logf("corpus queries on sample tables: %d; ran without error %d (%.1f%%); returned rows %d (%.1f%%)",
		n, ran, 100*float64(ran)/float64(n), hit, 100*float64(hit)/float64(n))
	t.Logf("failures: %d Kusto rejects too (a), %d name what schema.json lacks (b), %d other (c); "+
		"without (a) and (b): %d of %d ran (%.1f%%)",
		classA, classB, n-ran-classA-classB, ran, rest, 100*float64(ran)/float64(rest))
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
	if all {
		return
	}
	if hit*100 < 34*n {
		t.Errorf("%s of the corpus queries found something on the sample; want at least 34%%", fmt.Sprintf("%.1f%%", 100*float64(hit)/float64(n)))
	}
	if ran*1000 < 935*n {
		t.Errorf("%s of the corpus queries ran without error; want at least 93.5%%", fmt.Sprintf("%.1f%%", 100*float64(ran)/float64(n)))
	}
	if ran*1000 < 990*rest {
		t.Errorf("%s of the corpus queries outside classes (a) and (b) ran without error; want at least 99.0%%", fmt.Sprintf("%.1f%%", 100*float64(ran)/float64(rest)))
	}
}
