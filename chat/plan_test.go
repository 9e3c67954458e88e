package chat

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

func col(name string, t kql.Type) kql.Column { return kql.Column{Name: name, Type: t} }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// section returns the bullets of the findings section titled title.
func section(p *Plan, title string) []string {
	for _, s := range p.Findings {
		if s.Title == title {
			return s.Bullets
		}
	}
	return nil
}

// Findings are computed from the rows given, nothing else: given rows →
// bullets.
func TestIncidentFindingsFromRows(t *testing.T) {
	p := IncidentPlan(7, guidedResponse, kql.AdvancedHunting())
	p.Steps[0].Result = &exec.Result{
		Columns: []kql.Column{col("IncidentNumber", kql.TInt), col("Title", kql.TString), col("Severity", kql.TString), col("Status", kql.TString), col("Classification", kql.TString), col("Note", kql.TString), col("Owner", kql.TString), col("FirstActivityTime", kql.TDatetime), col("LastActivityTime", kql.TDatetime), col("AlertCount", kql.TLong)},
		Rows:    [][]any{{int32(7), "Token theft", "High", "New", "", "", "", at("2025-01-01T10:00:00Z"), at("2025-01-01T12:30:00Z"), int64(3)}},
	}
	p.Steps[1].Result = &exec.Result{
		Columns: []kql.Column{col("Timestamp", kql.TDatetime), col("AlertId", kql.TString), col("Title", kql.TString), col("Category", kql.TString), col("Severity", kql.TString), col("DetectionSource", kql.TString), col("AttackTechniques", kql.TString)},
		Rows: [][]any{
			{at("2025-01-01T10:05:00Z"), "a1", "Stolen session cookie", "CredentialAccess", "High", "EDR", `["Steal Web Session Cookie (T1539)","OS Credential Dumping (T1003.001)"]`},
			{at("2025-01-01T11:05:00Z"), "a2", "Mass download", "Exfiltration", "Medium", "MCAS", `["Exfiltration Over Web Service (T1567)"]`},
		},
	}
	p.Steps[2].Result = &exec.Result{
		Columns: []kql.Column{col("EntityType", kql.TString), col("EvidenceRole", kql.TString), col("DeviceName", kql.TString), col("AccountUpn", kql.TString), col("AccountName", kql.TString), col("RemoteIP", kql.TString), col("RemoteUrl", kql.TString), col("FileName", kql.TString), col("SHA256", kql.TString)},
		Rows: [][]any{
			{"Machine", "Impacted", "pc-7", "", "", "", "", "", ""},
			{"User", "Impacted", "pc-7", "ann@x.test", "ann", "", "", "", ""},
			{"Ip", "Related", "", "", "", "203.0.113.9", "", "", ""},
		},
	}
	p.Findings = incidentFindings(p, 7, true)

	want := map[string][]string{
		"What happened": {
			"Incident 7: Token theft (severity High).",
			"2 alerts, categories: CredentialAccess, Exfiltration.",
			"2025-01-01 10:05Z  Stolen session cookie (CredentialAccess, High)",
			"2025-01-01 11:05Z  Mass download (Exfiltration, Medium)",
		},
		"Who and which devices": {"Accounts: ann@x.test.", "Devices: pc-7.", "IP addresses: 203.0.113.9."},
		"When": {
			"Alerts: 2025-01-01 10:05Z to 2025-01-01 11:05Z (1h0m0s).",
			"Activity: 2025-01-01 10:00Z to 2025-01-01 12:30Z (2h30m0s).",
		},
		"Techniques (MITRE ATT&CK)": {"Steal Web Session Cookie (T1539), OS Credential Dumping (T1003.001), Exfiltration Over Web Service (T1567)."},
		"Status":                    {"Status New."},
		"Still unknown": {
			"The incident is not assigned to anyone.",
			"The incident is not classified yet (true or false positive).",
			"The incident lists 3 alerts; 2 were found in AlertInfo.",
		},
	}
	for title, bullets := range want {
		if got := section(p, title); !slices.Equal(got, bullets) {
			t.Errorf("%s:\n got %q\nwant %q", title, got, bullets)
		}
	}
	next := section(p, "Recommended next steps (for the analyst; kqlhunt changes nothing)")
	if len(next) != 3 ||
		!strings.HasPrefix(next[0], "Reset the passwords of ann@x.test,") ||
		!strings.HasPrefix(next[1], "Block 203.0.113.9 at the proxy") ||
		!strings.HasPrefix(next[2], "Review the recent sign-ins of ann@x.test") {
		t.Errorf("next steps: %q", next)
	}
}

func TestIncidentFindingsMissingIncident(t *testing.T) {
	p := IncidentPlan(42, incidentSummary, kql.AdvancedHunting())
	p.Steps[0].Result = &exec.Result{Columns: []kql.Column{col("Title", kql.TString)}}
	p.Findings = incidentFindings(p, 42, false)
	if got := p.FindingsText(); got != "What happened\n  - There is no incident 42 in the dataset.\n" {
		t.Errorf("got %q", got)
	}
}

func TestRecommendRules(t *testing.T) {
	got := Recommend([]string{"ransomware"}, nil, nil, []string{"fs01"}, nil, nil)
	if len(got) != 1 || got[0] != "Isolate fs01 from the network, then check that backups and shadow copies are intact before restoring." {
		t.Errorf("ransomware: %q", got)
	}
	// A technique alone (sub-technique of T1566) and a mail entity give
	// the phishing step once.
	got = Recommend(nil, []string{"Spearphishing Attachment (T1566.001)"}, []string{"MailMessage"}, nil, nil, nil)
	if len(got) != 1 || !strings.HasPrefix(got[0], "Purge the phishing message") {
		t.Errorf("phishing: %q", got)
	}
	// T10030 is not a sub-technique of T1003.
	if got := Recommend(nil, []string{"T10030"}, nil, nil, nil, nil); len(got) != 0 {
		t.Errorf("T10030: %q", got)
	}
	if got := Recommend([]string{"CredentialAccess"}, nil, nil, nil, nil, nil); !strings.Contains(got[0], "the affected accounts") {
		t.Errorf("no accounts: %q", got)
	}
}

func TestMatchPlan(t *testing.T) {
	s := kql.AdvancedHunting()
	for _, c := range []struct{ prompt, skill, subject string }{
		{"Investigate incident 1041 and summarize the key findings", "incident summary", "incident 1041"},
		{"summarise incident #1024", "incident summary", "incident 1024"},
		{"recommended next steps for incident 1041", "guided response", "incident 1041"},
		{"write an incident report for incident 1037", "incident report", "incident 1037"},
		{"summary of device fs01", "device summary", "device fs01"},
		{"what did user megan.bowen@contoso.com do?", "identity summary", "user megan.bowen@contoso.com"},
		{"identity summary for svc-backup", "identity summary", "user svc-backup"},
		{"analyze file rclone.exe", "file analysis", "file rclone.exe"},
		{"analyse 3395856ce81f2b7382dee72602f798b642f14140", "file analysis", "file 3395856ce81f2b7382dee72602f798b642f14140"},
	} {
		p := MatchPlan(c.prompt, s, nil)
		if p == nil {
			t.Errorf("%q: no plan", c.prompt)
			continue
		}
		if p.Skill != c.skill || p.Subject != c.subject {
			t.Errorf("%q: %s of %s, want %s of %s", c.prompt, p.Skill, p.Subject, c.skill, c.subject)
		}
		if err := p.Check(s); err != nil {
			t.Errorf("%q: %v", c.prompt, err)
		}
	}
	for _, prompt := range []string{"high-severity incidents from the past week", "SecurityIncident | where IncidentNumber == 1041", "which users are involved?", "incident 1041", "what did megan.bowen do"} {
		if p := MatchPlan(prompt, s, nil); p != nil {
			t.Errorf("%q: unexpected plan %s", prompt, p.Skill)
		}
	}
	f, _ := NewFocus("incident", "1041")
	if p := MatchPlan("summarize this incident", s, f); p == nil || p.Subject != "incident 1041" {
		t.Errorf("focus: %+v", p)
	}
	if p := MatchPlan("write an incident report", s, f); p == nil || p.Skill != "incident report" || p.Subject != "incident 1041" {
		t.Errorf("focus report: %+v", p)
	}
	if p := MatchPlan("write an incident report", s, nil); p != nil {
		t.Errorf("report without an incident: %+v", p)
	}
}

// A table the dataset lacks skips the step with a note; the plan still
// runs the others and says what is unknown.
func TestPlanSkipsMissingTables(t *testing.T) {
	eng := openSample(t)
	s := eng.Schema()
	// A copy without DeviceFileCertificateInfo.
	cp := &kql.Schema{Tables: map[string]*kql.Table{}}
	for n, tb := range s.Tables {
		if n != "DeviceFileCertificateInfo" {
			cp.Tables[n] = tb
		}
	}
	p := FilePlan("rclone.exe", cp)
	if p.Steps[2].Skipped != "the dataset has no DeviceFileCertificateInfo table" {
		t.Fatalf("skipped: %q", p.Steps[2].Skipped)
	}
	var seen []string
	if err := p.Run(context.Background(), eng, func(pr Progress) {
		if pr.Done {
			seen = append(seen, pr.Step.Name)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Errorf("progress: %q", seen)
	}
	unknown := section(p, titleUnknown)
	if !slices.Contains(unknown, "Signer (DeviceFileCertificateInfo): skipped (the dataset has no DeviceFileCertificateInfo table).") {
		t.Errorf("unknown: %q", unknown)
	}
	if section(p, "Signer") != nil {
		t.Error("a skipped step has findings")
	}
}

// A step whose query does not check stops the plan before anything runs.
func TestPlanCheckFails(t *testing.T) {
	eng := openSample(t)
	p := &Plan{Skill: "test", Subject: "x", Steps: []*Step{{Name: "ok", KQL: "SecurityIncident | take 1"}, {Name: "bad", KQL: "SecurityIncident | where NoSuchColumn == 1"}}}
	err := p.Run(context.Background(), eng, nil)
	if err == nil || !strings.Contains(err.Error(), "step 2 (bad)") {
		t.Fatalf("err = %v", err)
	}
	if p.Steps[0].Result != nil {
		t.Error("step 1 ran before the plan checked")
	}
}

func TestQuoteInjection(t *testing.T) {
	s := kql.AdvancedHunting()
	p := DevicePlan(`x" or 1==1 //`, s)
	if err := p.Check(s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(p.Steps[0].KQL, `"x\" or 1==1 //"`) {
		t.Errorf("not quoted: %s", p.Steps[0].KQL)
	}
}
