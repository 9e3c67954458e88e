package translate

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kqlhunt/kqlhunt/kql"
)

// now is a Saturday, as in hunts/ (2025-06-07T18:00:00Z).
var now = time.Date(2025, 6, 7, 18, 0, 0, 0, time.UTC)

// vocab is a small dataset vocabulary, as chat.LoadVocabulary reads it.
var vocab = &Vocabulary{
	Devices:  []string{"fs01.corp.contoso.com", "ws-fin-014.corp.contoso.com", "lnx-web-02", "dc01.corp.contoso.com"},
	Accounts: []string{"svc-backup", "megan.bowen", "www-data", "system"},
	UPNs:     []string{"megan.bowen@contoso.com"},
	Files:    []string{"powershell.exe", "cmd.exe", "xmrig", "certutil.exe", "vssadmin.exe"},
}

func translateOne(t *testing.T, prompt string, c *Context) *Translation {
	t.Helper()
	tr, err := NewOffline(nil, vocab).Translate(context.Background(), &Request{Prompt: prompt, Now: now, Context: c})
	if err != nil {
		t.Fatalf("%q: %v", prompt, err)
	}
	return tr
}

// Each want is the query a hunter would write for the prompt (in
// kql.Format's canonical layout).
func TestTranslate(t *testing.T) {
	for _, c := range []struct{ prompt, want string }{
		{"show me high-severity incidents from the past week", `SecurityIncident
| summarize arg_max(LastModifiedTime, *) by IncidentNumber
| where CreatedTime > ago(7d)
| where Severity == "High"
| project IncidentNumber, CreatedTime, Title, Severity, Status, Classification
| sort by CreatedTime desc`},
		{"open incidents", `SecurityIncident
| summarize arg_max(LastModifiedTime, *) by IncidentNumber
| where Status != "Closed"
| project IncidentNumber, CreatedTime, Title, Severity, Status, Classification
| sort by CreatedTime desc`},
		{"medium or higher severity alerts in the last 24 hours", `AlertInfo
| where Timestamp > ago(1d)
| where Severity in ("High", "Medium")
| project Timestamp, AlertId, Title, Severity, Category, ServiceSource, AttackTechniques
| sort by Timestamp desc`},
		{"how many incidents are there", `SecurityIncident
| summarize arg_max(LastModifiedTime, *) by IncidentNumber
| count`},
		{"count alerts by severity", `AlertInfo
| summarize Count = count() by Severity
| sort by Count desc, Severity asc`},
		{"which devices ran powershell", `DeviceProcessEvents
| where FileName =~ "powershell.exe"
| summarize Count = count() by DeviceName
| sort by Count desc, DeviceName asc`},
		{"top 5 processes on fs01 in the last 3 days", `DeviceProcessEvents
| where Timestamp > ago(3d)
| where DeviceName =~ "fs01.corp.contoso.com"
| summarize Count = count() by FileName
| top 5 by Count desc, FileName asc`},
		{"connections to 45.137.21.9", `DeviceNetworkEvents
| where RemoteIP == "45.137.21.9"
| project Timestamp, DeviceName, ActionType, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName, InitiatingProcessAccountName
| top 100 by Timestamp desc`},
		{"failed logons per day by device", `DeviceLogonEvents
| where ActionType == "LogonFailed"
| summarize Count = count() by Timestamp = bin(Timestamp, 1d), DeviceName
| sort by Timestamp asc, DeviceName asc`},
		{"process events on fs01 yesterday", `DeviceProcessEvents
| where Timestamp >= startofday(ago(1d)) and Timestamp < startofday(now())
| where DeviceName =~ "fs01.corp.contoso.com"
| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{"incidents created since Monday", `SecurityIncident
| summarize arg_max(LastModifiedTime, *) by IncidentNumber
| where CreatedTime >= datetime(2025-06-02)
| project IncidentNumber, CreatedTime, Title, Severity, Status, Classification
| sort by CreatedTime desc`},
		{"alerts between June 3 and June 4", `AlertInfo
| where Timestamp >= datetime(2025-06-03) and Timestamp < datetime(2025-06-05)
| project Timestamp, AlertId, Title, Severity, Category, ServiceSource, AttackTechniques
| sort by Timestamp desc`},
		{"file events with hash 2bbc6f56a288ab5ea03fe741ecaa7229d88d6a0c604c472252eccceb151f110f", `DeviceFileEvents
| where SHA256 =~ "2bbc6f56a288ab5ea03fe741ecaa7229d88d6a0c604c472252eccceb151f110f"
| project Timestamp, DeviceName, ActionType, FileName, FolderPath, SHA256, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{`process events where the command line contains "-enc"`, `DeviceProcessEvents
| where ProcessCommandLine contains "-enc"
| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{"process events on ws-fin-014 not by system", `DeviceProcessEvents
| where DeviceName =~ "ws-fin-014.corp.contoso.com"
| where AccountName !~ "system"
| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{"emails from accounts@contosso-billing.com", `EmailEvents
| where SenderFromAddress =~ "accounts@contosso-billing.com"
| project Timestamp, SenderFromAddress, RecipientEmailAddress, Subject, DeliveryAction, ThreatTypes, SenderIPv4
| top 100 by Timestamp desc`},
		{"alerts involving megan.bowen@contoso.com", `let evidence = AlertEvidence
| where AccountUpn =~ "megan.bowen@contoso.com"
| distinct AlertId;
AlertInfo
| where AlertId in (evidence)
| project Timestamp, AlertId, Title, Severity, Category, ServiceSource, AttackTechniques
| sort by Timestamp desc`},
		{"incidents with technique T1003", `let alerts = SecurityAlert
| where Techniques has "T1003"
| distinct SystemAlertId;
let incidents = SecurityIncident
| mv-expand SystemAlertId = AlertIds to typeof(string)
| where SystemAlertId in (alerts)
| distinct IncidentNumber;
SecurityIncident
| summarize arg_max(LastModifiedTime, *) by IncidentNumber
| where IncidentNumber in (incidents)
| project IncidentNumber, CreatedTime, Title, Severity, Status, Classification
| sort by CreatedTime desc`},
		{"rare parent processes of cmd", `DeviceProcessEvents
| where FileName =~ "cmd.exe"
| summarize Count = count() by InitiatingProcessFileName
| top 10 by Count asc, InitiatingProcessFileName asc`},
		{"sign-ins per hour over time for megan.bowen@contoso.com", `AADSignInEventsBeta
| where AccountUpn =~ "megan.bowen@contoso.com"
| summarize Count = count() by Timestamp = bin(Timestamp, 1h)
| sort by Timestamp asc`},
		{"alerts from yesterday", `AlertInfo
| where Timestamp >= startofday(ago(1d)) and Timestamp < startofday(now())
| project Timestamp, AlertId, Title, Severity, Category, ServiceSource, AttackTechniques
| sort by Timestamp desc`},
		{"what are the most common alert titles", `AlertInfo
| summarize Count = count() by Title
| top 10 by Count desc, Title asc`},
		{`process events with "mimikatz" in the command line`, `DeviceProcessEvents
| where ProcessCommandLine has "mimikatz"
| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{"any sign-ins from Nigeria?", `AADSignInEventsBeta
| where Country =~ "NG"
| project Timestamp, AccountUpn, Application, IPAddress, Country, ErrorCode, UserAgent
| top 100 by Timestamp desc`},
		{"processes spawned by cmd", `DeviceProcessEvents
| where InitiatingProcessFileName =~ "cmd.exe"
| project Timestamp, DeviceName, AccountName, FileName, ProcessCommandLine, InitiatingProcessFileName
| top 100 by Timestamp desc`},
		{"network connections on port 4444 or 3333", `DeviceNetworkEvents
| where RemotePort in (4444, 3333)
| project Timestamp, DeviceName, ActionType, RemoteIP, RemotePort, RemoteUrl, InitiatingProcessFileName, InitiatingProcessAccountName
| top 100 by Timestamp desc`},
		{"timeline of fs01 on June 4", `union withsource=Table DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents, DeviceLogonEvents, DeviceRegistryEvents
| where Timestamp >= datetime(2025-06-04) and Timestamp < datetime(2025-06-05)
| where DeviceName =~ "fs01.corp.contoso.com"
| project Timestamp, Table, DeviceName, ActionType, FileName, ProcessCommandLine, RemoteIP, RemoteUrl, AccountName, InitiatingProcessFileName
| sort by Timestamp asc`},
		{"timeline of fs01", `union withsource=Table DeviceProcessEvents, DeviceNetworkEvents, DeviceFileEvents, DeviceLogonEvents, DeviceRegistryEvents
| where DeviceName =~ "fs01.corp.contoso.com"
| project Timestamp, Table, DeviceName, ActionType, FileName, ProcessCommandLine, RemoteIP, RemoteUrl, AccountName, InitiatingProcessFileName
| top 100 by Timestamp desc
| sort by Timestamp asc`},
	} {
		tr := translateOne(t, c.prompt, nil)
		if tr.Clarification != "" {
			t.Errorf("%q: clarification %q", c.prompt, tr.Clarification)
			continue
		}
		if d := cmp.Diff(c.want, strings.TrimSpace(tr.KQL)); d != "" {
			t.Errorf("%q (-want +got):\n%s", c.prompt, d)
		}
	}
}

// Prompts that must not run anything: the answer is a question.
func TestClarify(t *testing.T) {
	for _, c := range []struct{ prompt, want string }{
		{"what did megan.bowen do", "What do you want to see for megan.bowen"},
		{"what happened on fs01", "What do you want to see for fs01.corp.contoso.com"},
		{"tell me more about the first one", "no previous result"},
		{"rare logons", "Rare what?"},
		{"high severity process events", "Process events have no severity"},
		{"logons between June 5 and June 3", "ends before it starts"},
		{"alerts for host99", `I do not know "host99"`},
		{"incidents with more than 3 alerts", `I cannot apply "more than 3"`},
		{"failed logons with at least 10", `I cannot apply "at least 10"`},
		{"sign-ins of john.doe", `I do not know "john.doe"`},
	} {
		tr := translateOne(t, c.prompt, nil)
		if tr.Clarification == "" {
			t.Errorf("%q: ran %s, want a clarifying question", c.prompt, tr.KQL)
			continue
		}
		if !strings.Contains(tr.Clarification, c.want) {
			t.Errorf("%q: clarification %q, want it to mention %q", c.prompt, tr.Clarification, c.want)
		}
		if tr.Query != nil {
			t.Errorf("%q: a clarification carries a query", c.prompt)
		}
	}
}

// Follow-ups change the previous plan, or drill into a row of the
// previous result.
func TestFollowUps(t *testing.T) {
	incidents := &Table{
		Columns: []kql.Column{{Name: "IncidentNumber", Type: kql.TInt}, {Name: "Title", Type: kql.TString}},
		Rows:    [][]any{{int64(1054), "Purple team"}, {int64(1041), "Ransomware"}},
	}
	first := translateOne(t, "high severity incidents", nil)
	ctx := &Context{Plan: first.Plan, Result: incidents}

	second := translateOne(t, "tell me more about the second one", ctx)
	if !strings.Contains(second.KQL, "where IncidentNumber == 1041") || !strings.Contains(second.KQL, "\nSecurityAlert\n") {
		t.Errorf("the second incident's alerts:\n%s", second.KQL)
	}
	if second.Focus == nil || second.Focus.Kind != "incident" || second.Focus.ID != "1041" {
		t.Errorf("focus = %+v, want incident 1041", second.Focus)
	}
	more := translateOne(t, "tell me more about it", &Context{Plan: second.Plan, Focus: second.Focus})
	if !strings.Contains(more.KQL, "| project Timestamp, AlertId, Title, EntityType, EvidenceRole") || !strings.Contains(more.KQL, "IncidentNumber == 1041") {
		t.Errorf("more about the incident in focus: its evidence:\n%s%s", more.KQL, more.Clarification)
	}
	devices := translateOne(t, "show the devices involved", &Context{Plan: second.Plan, Focus: second.Focus})
	if !strings.Contains(devices.KQL, "where isnotempty(DeviceName)") || !strings.Contains(devices.KQL, "by DeviceName") || !strings.Contains(devices.KQL, "IncidentNumber == 1041") {
		t.Errorf("devices of incident 1041:\n%s", devices.KQL)
	}

	proc := translateOne(t, "process events on fs01", nil)
	for _, c := range []struct{ prompt, want string }{
		{"what about the last 30 days", "| where Timestamp > ago(30d)\n| where DeviceName =~ \"fs01.corp.contoso.com\""},
		{"only on ws-fin-014", "| where DeviceName =~ \"ws-fin-014.corp.contoso.com\"\n| project"},
		{"now count them", "| where DeviceName =~ \"fs01.corp.contoso.com\"\n| count"},
		{"group by user", "| summarize Count = count() by AccountName\n| sort by Count desc, AccountName asc"},
		{"sort by time", "| top 100 by Timestamp asc"},
		{"top 5", "| top 5 by Timestamp desc"},
		{"excluding cmd", "| where FileName !~ \"cmd.exe\""},
	} {
		tr := translateOne(t, c.prompt, &Context{Plan: proc.Plan})
		if !strings.Contains(tr.KQL, c.want) {
			t.Errorf("after %q, %q:\n%s\nwant it to contain\n%s", "process events on fs01", c.prompt, tr.KQL, c.want)
		}
		if !strings.HasPrefix(tr.KQL, "DeviceProcessEvents\n") {
			t.Errorf("%q changed the subject:\n%s", c.prompt, tr.KQL)
		}
	}
	// A new subject with "what about" keeps the window and the device.
	alerts := translateOne(t, "what about alerts", &Context{Plan: translateOne(t, "process events on fs01 in the last 2 days", nil).Plan})
	if !strings.Contains(alerts.KQL, "AlertInfo\n| where Timestamp > ago(2d)") || !strings.Contains(alerts.KQL, `DeviceName =~ "fs01.corp.contoso.com"`) {
		t.Errorf("what about alerts:\n%s", alerts.KQL)
	}
}

func TestExplanation(t *testing.T) {
	tr := translateOne(t, "show me high-severity incidents from the past week", nil)
	for _, want := range []string{"incidents", "last week", `"High"`} {
		if !strings.Contains(tr.Explanation, want) {
			t.Errorf("explanation %q lacks %q", tr.Explanation, want)
		}
	}
	tr = translateOne(t, "process events on fs01 with zorblax", nil)
	if !strings.Contains(tr.Explanation, `Not used from the prompt: "zorblax"`) {
		t.Errorf("explanation %q does not say what was not used", tr.Explanation)
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2025-06-03", time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)},
		{"2025-06-03t10:30:00z", time.Date(2025, 6, 3, 10, 30, 0, 0, time.UTC)},
		{"june 3", time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)},
		{"3rd of june", time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)},
		{"december 24", time.Date(2024, 12, 24, 0, 0, 0, 0, time.UTC)}, // the last one before now
		{"monday", time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)},
		{"saturday", time.Date(2025, 6, 7, 0, 0, 0, 0, time.UTC)}, // today is a Saturday
		{"yesterday", time.Date(2025, 6, 6, 0, 0, 0, 0, time.UTC)},
	} {
		got, _, ok := parseDate(c.in, now)
		if !ok || !got.Equal(c.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v", c.in, got, ok, c.want)
		}
	}
	if _, _, ok := parseDate("june 31", now); ok {
		t.Error("june 31 is not a date")
	}
}

func TestTimeWindows(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"in the past week", "Timestamp > ago(7d)"},
		{"last 24 hours", "Timestamp > ago(1d)"},
		{"over the last 3 days", "Timestamp > ago(3d)"},
		{"in the last hour", "Timestamp > ago(1h)"},
		{"past 90 minutes", "Timestamp > ago(90m)"},
		{"today", "Timestamp >= startofday(now())"},
		{"in march", "Timestamp >= datetime(2025-03-01) and Timestamp < datetime(2025-04-01)"},
		{"in august", "Timestamp >= datetime(2024-08-01) and Timestamp < datetime(2024-09-01)"},
		{"on june 4", "Timestamp >= datetime(2025-06-04) and Timestamp < datetime(2025-06-05)"},
		{"before 2025-06-01", "Timestamp < datetime(2025-06-01)"},
		{"this week", "Timestamp >= datetime(2025-06-01)"},
	} {
		tr, err := extractTime(newScanner(c.in), now)
		if err != nil || tr == nil {
			t.Errorf("%q: %v, %v", c.in, tr, err)
			continue
		}
		if got := kql.Format(tr.predicate("Timestamp")); got != c.want {
			t.Errorf("%q: %s, want %s", c.in, got, c.want)
		}
	}
}

// The lexicon names only tables and columns of the schema, and every
// hunting concept checks against its subject's table.
func TestLexiconMatchesSchema(t *testing.T) {
	s := kql.AdvancedHunting()
	for _, sub := range subjects {
		tbl, ok := s.Table(sub.table)
		if sub.union != nil {
			tbl, _, _ = NewOffline(s, nil).source(sub)
			ok = len(sub.union) == len(tbl.Columns) || len(tbl.Columns) > 1
			for _, u := range sub.union {
				if _, found := s.Table(u); !found {
					t.Errorf("subject %s: no table %s", sub.id, u)
				}
			}
		}
		if !ok {
			t.Errorf("subject %s: no table %s", sub.id, sub.table)
			continue
		}
		var all []string
		all = append(all, sub.time, sub.text)
		all = append(all, sub.list...)
		for _, cs := range sub.dims {
			all = append(all, cs...)
		}
		for _, c := range all {
			if _, ok := tbl.Column(c); !ok {
				t.Errorf("subject %s: %s has no column %s", sub.id, sub.table, c)
			}
		}
	}
	for _, c := range concepts {
		sub := subjectByID(c.subject)
		if sub == nil {
			t.Errorf("concept %q: no subject %s", c.words[0], c.subject)
			continue
		}
		q, err := kql.Parse(sub.table + " | where " + c.pred)
		if err != nil {
			t.Errorf("concept %q: %v", c.words[0], err)
			continue
		}
		if _, err := kql.Check(q, s); err != nil {
			t.Errorf("concept %q: %v", c.words[0], err)
		}
	}
}

// A follow-up to a query typed as KQL appends to its pipeline, over the
// columns of its result.
func TestFollowUpOnTypedKQL(t *testing.T) {
	typed := `DeviceProcessEvents | where FileName =~ "certutil.exe" | project Timestamp, DeviceName, AccountName`
	res := &Table{
		Columns: []kql.Column{{Name: "Timestamp", Type: kql.TDatetime}, {Name: "DeviceName", Type: kql.TString}, {Name: "AccountName", Type: kql.TString}},
		Rows:    [][]any{{nil, "ws-leg-014.corp.contoso.com", "joni.sherman"}},
	}
	c := &Context{KQL: typed, Result: res}
	prefix := "DeviceProcessEvents\n| where FileName =~ \"certutil.exe\"\n| project Timestamp, DeviceName, AccountName\n"
	for _, f := range []struct{ prompt, want string }{
		{"now count them by device", prefix + "| summarize Count = count() by DeviceName\n| sort by Count desc, DeviceName asc"},
		{"only on fs01 in the last day", prefix + "| where Timestamp > ago(1d)\n| where DeviceName =~ \"fs01.corp.contoso.com\""},
		{"the first one", prefix + "| where DeviceName =~ \"ws-leg-014.corp.contoso.com\""},
		{"top 5", prefix + "| take 5"},
	} {
		tr := translateOne(t, f.prompt, c)
		if tr.KQL != f.want {
			t.Errorf("%q:\n%s\nwant\n%s", f.prompt, tr.KQL, f.want)
		}
	}
	// What the result lacks is asked about, not guessed.
	tr := translateOne(t, "group by remote ip", c)
	if !strings.Contains(tr.Clarification, "no IP address column") {
		t.Errorf("group by a missing column: %q / %s", tr.Clarification, tr.KQL)
	}
}

// Words that name values of the dataset's categorical columns filter on
// them.
func TestGroundValues(t *testing.T) {
	v := &Vocabulary{Values: map[string]map[string][]string{
		"AlertInfo":         {"ServiceSource": {"Microsoft Defender for Endpoint", "Microsoft Defender for Identity"}, "Category": {"Ransomware", "Execution"}},
		"EmailEvents":       {"DeliveryAction": {"Blocked", "Delivered", "Junked"}},
		"DeviceLogonEvents": {"ActionType": {"LogonFailed", "LogonSuccess"}},
	}}
	o := NewOffline(nil, v)
	for _, c := range []struct{ prompt, want string }{
		{"alerts from Defender for Identity", `| where ServiceSource == "Microsoft Defender for Identity"`},
		{"ransomware alerts", `| where Category == "Ransomware"`},
		{"emails that were blocked or junked", `| where DeliveryAction in ("Blocked", "Junked")`},
		{"logons that failed", `| where ActionType == "LogonFailed"`},
	} {
		tr, err := o.Translate(context.Background(), &Request{Prompt: c.prompt, Now: now})
		if err != nil || tr.Clarification != "" {
			t.Errorf("%q: %v %s", c.prompt, err, tr.Clarification)
			continue
		}
		if !strings.Contains(tr.KQL, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.prompt, tr.KQL, c.want)
		}
		if strings.Contains(tr.Explanation, "Not used") {
			t.Errorf("%q: %s", c.prompt, tr.Explanation)
		}
	}
}

func TestTypos(t *testing.T) {
	tr := translateOne(t, "high severity incidnets from the past week", nil)
	if !strings.HasPrefix(tr.KQL, "SecurityIncident\n") || !strings.Contains(tr.Explanation, "read incidnets → incidents") {
		t.Errorf("incidnets: %s\n%s", tr.Explanation, tr.KQL)
	}
	tr = translateOne(t, "proceses on fs01", nil)
	if !strings.HasPrefix(tr.KQL, "DeviceProcessEvents\n") {
		t.Errorf("proceses: %s\n%s", tr.Explanation, tr.KQL)
	}
	if d := kql.EditDistance("kitten", "sitting"); d != 3 {
		t.Errorf("kql.EditDistance(kitten, sitting) = %d, want 3", d)
	}
}

func TestDrillIntoGroupAndSortBySeverity(t *testing.T) {
	grouped := translateOne(t, "count failed sign-ins by ip", nil)
	res := &Table{
		Columns: []kql.Column{{Name: "IPAddress", Type: kql.TString}, {Name: "Count", Type: kql.TLong}},
		Rows:    [][]any{{"193.36.225.12", int64(19)}, {"193.36.225.47", int64(17)}},
	}
	tr := translateOne(t, "tell me more about the second one", &Context{Plan: grouped.Plan, Result: res})
	want := "AADSignInEventsBeta\n| where ErrorCode != 0\n| where IPAddress == \"193.36.225.47\"\n| project"
	if !strings.HasPrefix(tr.KQL, want) {
		t.Errorf("drill into the second group:\n%s\nwant it to start\n%s", tr.KQL, want)
	}
	tr = translateOne(t, "sort by severity", &Context{Plan: translateOne(t, "alerts", nil).Plan})
	if !strings.Contains(tr.KQL, `| sort by case(Severity == "High", 3, Severity == "Medium", 2, Severity == "Low", 1, 0) desc`) {
		t.Errorf("sort by severity ranks it, highest first:\n%s", tr.KQL)
	}
	tr = translateOne(t, "start over", &Context{Plan: grouped.Plan, Result: res})
	if !tr.Reset || tr.Plan != nil || tr.Clarification == "" {
		t.Errorf("start over: reset %v, plan %v, clarification %q", tr.Reset, tr.Plan, tr.Clarification)
	}
}

func TestThreshold(t *testing.T) {
	tr := translateOne(t, "devices with at least 10 failed logons", nil)
	want := `DeviceLogonEvents
| where ActionType == "LogonFailed"
| summarize Count = count() by DeviceName
| where Count >= 10
| sort by Count desc, DeviceName asc`
	if tr.KQL != want {
		t.Errorf("got\n%s\nwant\n%s\n%s", tr.KQL, want, tr.Clarification)
	}
	tr = translateOne(t, "ip addresses with more than 5 failed sign-ins", nil)
	if !strings.Contains(tr.KQL, "| summarize Count = count() by IPAddress\n| where Count > 5\n") {
		t.Errorf("got\n%s%s", tr.KQL, tr.Clarification)
	}
}
