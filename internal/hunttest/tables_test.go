package hunttest

import (
	"context"
	"testing"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/fixtures"
	"github.com/kqlhunt/kqlhunt/kql"
)

// lazySampleEngine opens the sample the way the command line does: tables
// created when a query first reads them, after the lockdown.
func lazySampleEngine(t *testing.T) *exec.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := exec.Open(ctx, exec.Options{Now: huntsNow})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, load, err := fixtures.LoadLazy(ctx, e.DB(), "", fixtures.LoadOptions{Now: huntsNow})
	if err != nil {
		t.Fatal(err)
	}
	e.SetSchema(s)
	e.SetTableLoader(load)
	if err := e.Lockdown(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEverySchemaTableOnSample: every table of the embedded schema, the
// Defender and the Sentinel ones, answers `T | take 0` on the sample with
// the schema's columns, and the tables the sample fills have rows.
func TestEverySchemaTableOnSample(t *testing.T) {
	e := lazySampleEngine(t)
	ah := kql.AdvancedHunting()
	if got, want := len(e.Schema().Tables), len(ah.Tables); got != want {
		t.Errorf("the sample has %d tables, the schema %d", got, want)
	}
	filled := map[string]bool{}
	for _, n := range fixtures.SampleTables {
		filled[n] = true
	}
	ctx := context.Background()
	for _, name := range ah.TableNames() {
		r, err := e.Query(ctx, "['"+name+"'] | take 0")
		if err != nil {
			t.Errorf("%s | take 0: %v", name, err)
			continue
		}
		want, _ := ah.Table(name)
		if len(r.Columns) != len(want.Columns) || len(r.Rows) != 0 {
			t.Errorf("%s | take 0: %d columns, %d rows; want %d columns, no rows", name, len(r.Columns), len(r.Rows), len(want.Columns))
			continue
		}
		for i, c := range want.Columns {
			if r.Columns[i] != c {
				t.Errorf("%s column %d: %+v, want %+v", name, i, r.Columns[i], c)
			}
		}
		r, err = e.Query(ctx, name+" | count")
		if err != nil {
			t.Errorf("%s | count: %v", name, err)
			continue
		}
		n, _ := r.Rows[0][0].(int64)
		if filled[name] != (n > 0) {
			t.Errorf("%s: %d rows; the sample fills it: %v", name, n, filled[name])
		}
	}
}

// TestSentinelStory: Sentinel hunts, written against the Log Analytics
// tables, find the sample's incidents with the same users, devices, IPs
// and times as the Defender tables.
func TestSentinelStory(t *testing.T) {
	expectRows(t, []rowsCase{
		{"password spray: failures from the two spray IPs, one success",
			`SigninLogs
			| where IPAddress in ("193.36.225.12", "193.36.225.47")
			| summarize Failures = countif(ResultType == "50126" or ResultType == "50053"), Successes = countif(ResultType == "0"),
				Success = take_anyif(UserPrincipalName, ResultType == "0"), Country = take_any(tostring(LocationDetails.countryOrRegion))`,
			[][]any{{int64(36), int64(1), "lynne.robbins@contoso.com", "NL"}}}, // as in AADSignInEventsBeta
		{"sign-ins: every AADSignInEventsBeta row is in one of the two Sentinel tables",
			`union (SigninLogs | count), (AADNonInteractiveUserSignInLogs | count) | summarize Sentinel = sum(Count)
			| extend Defender = toscalar(AADSignInEventsBeta | count) | project Same = Sentinel == Defender`,
			[][]any{{true}}},
		{"BEC: diego.siciliani's sign-in from Lagos and his hiding inbox rule",
			`SigninLogs | where UserPrincipalName == "diego.siciliani@contoso.com" and LocationDetails.city == "Lagos"
			| project IPAddress | distinct IPAddress
			| join kind=inner (OfficeActivity | where Operation == "New-InboxRule" | extend Rule = parse_json(Parameters)
				| mv-expand Rule | where Rule.Name == "MoveToFolder" | project ClientIP, UserId, Folder = tostring(Rule.Value)) on $left.IPAddress == $right.ClientIP
			| project UserId, IPAddress, Folder`,
			[][]any{{"diego.siciliani@contoso.com", "102.89.46.201", "RSS Subscriptions"}}},
		{"ransomware: the encoded PowerShell in 4688 on megan.bowen's workstation (and the purple team's)",
			`SecurityEvent | where EventID == 4688 and CommandLine has "-enc" and ParentProcessName endswith @"\cmd.exe"
			| project Computer, Account, Process | order by Computer asc`,
			[][]any{{"ws-fin-014.corp.contoso.com", `CONTOSO\megan.bowen`, "powershell.exe"},
				{"ws-sec-lab01.corp.contoso.com", `CONTOSO\adm-lee.gu`, "powershell.exe"}}},
		{"ransomware: svc-backup's network logons, PSEXESVC installed and the Security log cleared on fs01",
			`SecurityEvent | where Computer startswith "fs01"
			| where (EventID == 4624 and LogonType == 3 and TargetUserName == "svc-backup") or EventID in (4697, 1102)
			| summarize Events = count() by EventID, ServiceName | order by EventID asc`,
			[][]any{{int64(1102), "", int64(1)}, {int64(4624), "", int64(1)}, {int64(4697), "PSEXESVC", int64(1)}}},
		{"threat intelligence: the firewall saw the C2, the miner pool and the LOLBin host",
			`let ioc = ThreatIntelligenceIndicator | where Active and ExpirationDateTime > now() and isnotempty(NetworkIP)
				| summarize arg_max(TimeGenerated, *) by IndicatorId | project NetworkIP, ThreatType;
			CommonSecurityLog | where DeviceAction == "allow"
			| join kind=inner ioc on $left.DestinationIP == $right.NetworkIP
			| summarize by SourceHostName, DestinationIP, ThreatType | order by SourceHostName asc, DestinationIP asc`,
			[][]any{{"fs01", "45.137.21.9", "C2"}, {"lnx-web-02", "141.94.96.144", "CryptoMining"}, {"lnx-web-02", "91.215.85.17", "Malware"},
				{"ws-fin-014", "45.137.21.9", "C2"}, {"ws-leg-014", "198.244.135.60", "Malware"}}},
		{"threat intelligence: the sign-ins from watch-listed addresses",
			`ThreatIntelligenceIndicator | where ThreatType == "WatchList" | project NetworkIP
			| join kind=inner (SigninLogs) on $left.NetworkIP == $right.IPAddress
			| summarize Users = dcount(UserPrincipalName) by NetworkIP | order by NetworkIP asc`,
			[][]any{{"102.89.46.201", int64(1)}, {"193.36.225.12", int64(19)}, {"193.36.225.47", int64(18)}}},
		{"OAuth consent: johanna.lorenz consented, then svc-backup's and diego's passwords were reset",
			`AuditLogs | where OperationName in ("Consent to application", "Reset user password")
			| extend Who = tostring(InitiatedBy.user.userPrincipalName), Target = tostring(TargetResources[0].userPrincipalName)
			| project OperationName, Who, Target, App = tostring(TargetResources[0].displayName) | order by OperationName asc, Target asc`,
			[][]any{{"Consent to application", "johanna.lorenz@contoso.com", "", "PDF Viewer Sync"},
				{"Reset user password", "adm-lee.gu@contoso.com", "diego.siciliani@contoso.com", ""},
				{"Reset user password", "adm-lee.gu@contoso.com", "svc-backup@contoso.com", ""}}},
		{"cryptominer: cron re-runs the loader on lnx-web-02 (Syslog)",
			`Syslog | where Facility == "cron" and SyslogMessage has "91.215.85.17" | summarize by Computer, ProcessName`,
			[][]any{{"lnx-web-02", "CRON"}}},
		{"heartbeats: fs01 goes silent when isolated",
			`Heartbeat | summarize Last = max(TimeGenerated) by Computer | where Computer startswith "fs01" or Computer startswith "dc01"
			| extend Silent = Last < ago(1d) | project Computer, Silent | order by Computer asc`,
			[][]any{{"dc01.corp.contoso.com", false}, {"fs01.corp.contoso.com", true}}},
	})
}

// rowsCase is a query and every row it must return, in order.
type rowsCase struct {
	name, query string
	want        [][]any
}

// expectRows runs the cases on the sample as the command line opens it.
func expectRows(t *testing.T, cases []rowsCase) {
	t.Helper()
	e := lazySampleEngine(t)
	ctx := context.Background()
	for _, tc := range cases {
		r, err := e.Query(ctx, tc.query)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(r.Rows) != len(tc.want) {
			t.Errorf("%s: %d rows %v, want %v", tc.name, len(r.Rows), r.Rows, tc.want)
			continue
		}
		for i, row := range r.Rows {
			for j, v := range row {
				if j < len(tc.want[i]) && v != tc.want[i][j] {
					t.Errorf("%s: row %d = %v, want %v", tc.name, i, row, tc.want[i])
					break
				}
			}
		}
	}
}

// TestDefenderInventoryStory: the inventories and detections the sample
// gained agree with its events and incidents.
func TestDefenderInventoryStory(t *testing.T) {
	expectRows(t, []rowsCase{
		{"AnyDesk is installed where it ran (incident 1045)",
			`DeviceTvmSoftwareInventory | where SoftwareName == "anydesk"
			| join kind=inner (DeviceProcessEvents | where FileName =~ "anydesk.exe" | distinct DeviceId) on DeviceId
			| project DeviceName, SoftwareVersion`,
			[][]any{{"app01.corp.contoso.com", "8.0.10.0"}}},
		{"zero-hour auto purge of the delivered phishing mails",
			`EmailPostDeliveryEvents | join kind=inner (EmailEvents) on NetworkMessageId, RecipientEmailAddress
			| summarize count() by ActionType, Subject | order by ActionType asc`,
			[][]any{{"Malware ZAP", "Overdue invoice INV-20931 - payment required", int64(4)},
				{"Phish ZAP", "Shared document: Q2 Budget Review", int64(12)}}},
		{"the consented OAuth app, disabled when its incident closed",
			`OAuthAppInfo | where OAuthAppId == "4a8b2e3c-7d1f-4e9a-b6c5-0f2d3e4a5b6c"
			| summarize arg_max(Timestamp, AppStatus, PrivilegeLevel, AppOrigin), Enabled = countif(AppStatus == "Enabled") | project-away Timestamp`,
			[][]any{{"Disabled", "High", "External", int64(2)}}},
		{"certificates of the signed tools that ran: PsExec and AnyDesk",
			`DeviceFileCertificateInfo
			| where Signer == "philandro Software GmbH" or SHA1 in ((DeviceProcessEvents | where FileName == "PsExec.exe" | project SHA1))
			| project DeviceName, Signer, IsTrusted | order by DeviceName asc`,
			[][]any{{"app01.corp.contoso.com", "philandro Software GmbH", true}, {"ws-fin-014.corp.contoso.com", "Microsoft Corporation", true}}},
		{"behaviors: impossible travel (BEC) and failed sign-ins (spray) with their IPs",
			`BehaviorInfo | where ActionType in ("ImpossibleTravelActivity", "MultipleFailedLoginAttempts")
			| join kind=inner (BehaviorEntities | where EntityType == "Ip") on BehaviorId
			| project ActionType, AccountUpn, RemoteIP | order by ActionType asc, RemoteIP asc`,
			[][]any{{"ImpossibleTravelActivity", "diego.siciliani@contoso.com", "102.89.46.201"},
				{"ImpossibleTravelActivity", "diego.siciliani@contoso.com", "131.107.160.13"},
				{"MultipleFailedLoginAttempts", "lynne.robbins@contoso.com", "193.36.225.12"},
				{"MultipleFailedLoginAttempts", "lynne.robbins@contoso.com", "193.36.225.47"}}},
		{"network adapters: the beaconing devices' addresses",
			`DeviceNetworkInfo | mv-expand ip = parse_json(IPAddresses) | extend IP = tostring(ip.IPAddress)
			| join kind=inner (DeviceNetworkEvents | where RemoteIP == "45.137.21.9" | distinct DeviceName, LocalIP) on $left.IP == $right.LocalIP
			| distinct DeviceName, IP | order by DeviceName asc`,
			[][]any{{"fs01.corp.contoso.com", "10.10.1.20"}, {"ws-fin-014.corp.contoso.com", "10.20.10.21"}}},
		{"vulnerabilities with a public exploit, and the internet-facing web server's",
			`DeviceTvmSoftwareVulnerabilities | join kind=inner DeviceTvmSoftwareVulnerabilitiesKB on CveId | where IsExploitAvailable
			| summarize Devices = dcount(DeviceId), OnWeb = countif(DeviceName == "lnx-web-02") by CveId | order by CveId asc`,
			[][]any{{"CVE-2021-23017", int64(1), int64(1)}, {"CVE-2021-34527", int64(1), int64(0)},
				{"CVE-2023-22809", int64(2), int64(1)}, {"CVE-2024-6387", int64(2), int64(1)}}},
	})
}

// TestSearchSkipsEmptyTables: search and union over all tables or a
// wildcard pass by the tables the sample leaves empty (a workspace has no
// table nothing wrote to), unless the wildcard matches only those.
func TestSearchSkipsEmptyTables(t *testing.T) {
	expectRows(t, []rowsCase{
		{"search * has the columns of the filled tables only",
			`search * | getschema | where ColumnName in ("RemoteIP", "EventID", "EdgeId", "ExtensionId") | project ColumnName | order by ColumnName asc`,
			[][]any{{"EventID"}, {"RemoteIP"}}},
		{"a wildcard union: the filled tables",
			`union withsource=T DeviceTvm* | distinct T | order by T asc`,
			[][]any{{"DeviceTvmSoftwareInventory"}, {"DeviceTvmSoftwareVulnerabilities"}, {"DeviceTvmSoftwareVulnerabilitiesKB"}}},
		{"a wildcard that matches only empty tables",
			`union DeviceTvmBrowser* | count`, [][]any{{int64(0)}}},
	})
}
