package translate

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/kql"
)

// A request to change data, or to act on a device or account, is refused
// in words; a question that merely mentions such a verb is not.
func TestRefusal(t *testing.T) {
	o := NewOffline(nil, vocab)
	for _, c := range []struct {
		prompt string
		refuse bool
	}{
		{"delete all alerts older than 30 days", true},
		{"please isolate fs01", true},
		{"can you disable the account svc-backup", true},
		{"drop the table DeviceProcessEvents", true},
		{".drop table DeviceEvents", true},
		{"reset the password of megan.bowen", true},
		{"close incident 1041", true},
		{"what is the weather in Paris tomorrow", true},
		{"write me a poem about spring", true},
		{"list the events related to bucket deletion", false},
		{"remove duplicates", false},
		{"change the time range to the last week", false},
		{"which devices ran powershell with an encoded command", false},
	} {
		tr, err := o.Translate(context.Background(), &Request{Prompt: c.prompt, Now: now})
		if err != nil {
			t.Fatalf("%q: %v", c.prompt, err)
		}
		if got := tr.Refusal != ""; got != c.refuse {
			t.Errorf("%q: refused=%v (%q), want %v", c.prompt, got, tr.Refusal, c.refuse)
		}
		if tr.Refusal != "" && (tr.Query != nil || tr.Clarification != "") {
			t.Errorf("%q: a refusal with a query or question", c.prompt)
		}
	}
}

func sentinelSchema(tb testing.TB) *kql.Schema {
	tb.Helper()
	b, err := os.ReadFile("../../shared/nl/sentinel-schema.json")
	if err != nil {
		tb.Skip("shared/nl not beside the repository:", err)
	}
	s, err := kql.ParseSchemaFile(b)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// The grounded translator over a schema the subject lexicon knows nothing
// of: the table, filters and shape come from the catalogue. The expected
// queries follow the prompts' meaning and the Sentinel tables' documented
// columns (the column a prompt names, the value it quotes, the count it
// asks for), not this program's output.
func TestGroundedSentinel(t *testing.T) {
	o := NewOffline(sentinelSchema(t), nil)
	now := time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		prompt, table string
		has           []string
	}{
		{"Count VM Connections where the direction is outbound by destination ports", "VMConnection", []string{`Direction =~ "outbound"`, "by DestinationPort"}},
		{"What are Syslogs from the last 7 days where the host is \"web01\"?", "Syslog", []string{"TimeGenerated > ago(7d)", `HostName =~ "web01"`}},
		{"What are all Threat Intelligence Indicators that have a threat severity of 3 or above?", "ThreatIntelligenceIndicator", []string{"ThreatSeverity >= 3"}},
		{"show the 20 latest heartbeat records", "Heartbeat", []string{"top 20 by TimeGenerated desc"}},
		{"get the most recent heartbeat record for each computer", "Heartbeat", []string{"arg_max(TimeGenerated, *) by Computer"}},
		{"List all disabled accounts from the IdentityInfo table", "IdentityInfo", []string{"IsAccountEnabled == false"}},
		{"What are VM Computers with physical memory greater than 8190?", "VMComputer", []string{"PhysicalMemoryMB > 8190"}},
		{"count risky users per risk level", "AADRiskyUsers", []string{"summarize count() by RiskLevel"}},
		{"failed non interactive sign ins from 10.1.2.3", "AADNonInteractiveUserSignInLogs", []string{`ResultType != "0"`, `"10.1.2.3"`}},
		{"storage blob operations from the account \"contosodata\"", "StorageBlobLogs", []string{`AccountName =~ "contosodata"`}},
		{"non interactive sign-ins from Norway in the last day", "AADNonInteractiveUserSignInLogs", []string{`Location == "NO"`}},
		{"risk events that are not in Germany", "AADUserRiskEvents", []string{`tostring(Location.countryOrRegion) != "DE"`}},
	} {
		tr, err := o.Translate(context.Background(), &Request{Prompt: c.prompt, Now: now})
		if err != nil {
			t.Fatalf("%q: %v", c.prompt, err)
		}
		if tr.Query == nil {
			t.Errorf("%q: no query (%q %q)", c.prompt, tr.Clarification, tr.Refusal)
			continue
		}
		if !strings.HasPrefix(tr.KQL, c.table+"\n") {
			t.Errorf("%q: table: got\n%s\nwant %s", c.prompt, tr.KQL, c.table)
		}
		for _, h := range c.has {
			if !strings.Contains(tr.KQL, h) {
				t.Errorf("%q: want %q in\n%s", c.prompt, h, tr.KQL)
			}
		}
	}
}

// Tables the schema does not have are never used.
func TestGroundedOnlyActiveTables(t *testing.T) {
	s := &kql.Schema{Tables: map[string]*kql.Table{}}
	full := kql.AdvancedHunting()
	for _, n := range []string{"DeviceLogonEvents", "EmailEvents"} {
		s.Tables[n], _ = full.Table(n)
	}
	o := NewOffline(s, nil)
	for _, p := range []string{"failed logons in the last day", "emails from attacker@evil.example", "processes that ran powershell", "high severity incidents"} {
		tr, err := o.Translate(context.Background(), &Request{Prompt: p, Now: now})
		if err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		if tr.Query == nil {
			continue
		}
		if _, err := kql.Check(tr.Query, s); err != nil {
			t.Errorf("%q: %v\n%s", p, err, tr.KQL)
		}
	}
}

func TestSplitIdent(t *testing.T) {
	for in, want := range map[string]string{
		"AADNonInteractiveUserSignInLogs": "aad non interactiv user signin log",
		"IPAddress":                       "ip",
		"scStatus":                        "sc status",
		"SourceIPAddress":                 "sourc ip",
	} {
		if got := strings.Join(nameWords(in), " "); got != want {
			t.Errorf("nameWords(%q) = %q, want %q", in, got, want)
		}
	}
}

// Absolute dates and clock times in the common forms.
func TestAbsoluteTimes(t *testing.T) {
	now := time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct{ text, start, end string }{
		{"from midnight to 10am on 2024-03-09", "2024-03-09T00:00:00Z", "2024-03-09T10:00:00Z"},
		{"on March 12 between 9:00 and 9:30", "2024-03-12T09:00:00Z", "2024-03-12T09:30:00Z"},
		{"between 2022-10-05 18:42 and 2022-10-06 1:59", "2022-10-05T18:42:00Z", "2022-10-06T01:59:00Z"},
		{"from 2024/03/08 to 2024/03/09", "2024-03-08T00:00:00Z", "2024-03-10T00:00:00Z"},
		{"on 10/04/2022", "2022-10-04T00:00:00Z", "2022-10-05T00:00:00Z"},
		{"on 25/04/2022", "2022-04-25T00:00:00Z", "2022-04-26T00:00:00Z"},
		{"between oct 5 2022 and oct 7 2022", "2022-10-05T00:00:00Z", "2022-10-08T00:00:00Z"},
	} {
		tr, err := extractTime(newScanner("alerts "+c.text), now)
		if err != nil || tr == nil {
			t.Errorf("%q: %v %v", c.text, tr, err)
			continue
		}
		if got := tr.Start.Format(time.RFC3339); got != c.start {
			t.Errorf("%q: start %s, want %s", c.text, got, c.start)
		}
		if got := tr.End.Format(time.RFC3339); got != c.end {
			t.Errorf("%q: end %s, want %s", c.text, got, c.end)
		}
	}
}

// A prompt longer than MaxPrompt is an error that says so, not a slow
// answer.
func TestLongPrompt(t *testing.T) {
	o := NewOffline(nil, vocab)
	_, err := o.Translate(context.Background(), &Request{Prompt: strings.Repeat("failed logons on fs01 ", 200), Now: now})
	if err == nil || !strings.Contains(err.Error(), "at most 2000") {
		t.Errorf("err = %v", err)
	}
}
