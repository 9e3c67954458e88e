package kql

import "testing"

func TestAdvancedHuntingSchema(t *testing.T) {
	s := AdvancedHunting()
	// schema.json documents 64 tables; the Log Analytics ones add 37
	// (IdentityInfo and SecurityIncident are in both).
	if got := len(s.Tables); got != 64+37 {
		t.Fatalf("tables = %d, want 101", got)
	}
	dpe, ok := s.Table("DeviceProcessEvents")
	if !ok {
		t.Fatal("DeviceProcessEvents missing")
	}
	if c := dpe.Columns[0]; c.Name != "Timestamp" || c.Type != TDatetime {
		t.Errorf("first column = %+v, want Timestamp:datetime", c)
	}
	if c, ok := dpe.Column("TimeGenerated"); !ok || c.Type != TDatetime {
		t.Errorf("Sentinel column TimeGenerated = %+v, %v", c, ok)
	}
	if got := s.Renamed["ProcessCreationEvents"]; len(got) != 1 || got[0] != "DeviceProcessEvents" {
		t.Errorf("renamed ProcessCreationEvents = %v", got)
	}
	la := map[string]bool{}
	for _, n := range LogAnalyticsTables() {
		la[n] = true
	}
	n := 0
	for name, tb := range s.Tables {
		if !la[name] || name == "IdentityInfo" || name == "SecurityIncident" {
			n += len(tb.Columns)
		}
	}
	if n != 1554 {
		t.Errorf("columns = %d, want 1554", n)
	}
}

// The Log Analytics (Sentinel) tables hunters query most are in the
// schema with their documented column types.
func TestLogAnalyticsTables(t *testing.T) {
	s := AdvancedHunting()
	for _, name := range []string{"SecurityEvent", "SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs",
		"AzureActivity", "OfficeActivity", "CommonSecurityLog", "Syslog", "ThreatIntelligenceIndicator", "Heartbeat",
		"W3CIISLog", "IdentityInfo", "BehaviorAnalytics", "Anomalies", "AADUserRiskEvents", "AWSCloudTrail",
		"DnsEvents", "Usage", "Operation", "Event", "VMConnection", "StorageBlobLogs"} {
		tb, ok := s.Table(name)
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if c, ok := tb.Column("TimeGenerated"); !ok || c.Type != TDatetime {
			t.Errorf("%s.TimeGenerated = %+v, %v", name, c, ok)
		}
	}
	for _, tc := range []struct {
		table, col string
		typ        Type
	}{
		{"SecurityEvent", "EventID", TInt}, {"SecurityEvent", "LogonType", TInt}, {"SecurityEvent", "Account", TString},
		{"SecurityEvent", "IpAddress", TString}, {"SigninLogs", "Status", TDynamic}, {"SigninLogs", "LocationDetails", TDynamic},
		{"SigninLogs", "ResultType", TString}, {"SigninLogs", "IsInteractive", TBool}, {"AuditLogs", "TargetResources", TDynamic},
		{"AuditLogs", "InitiatedBy", TDynamic}, {"CommonSecurityLog", "DestinationPort", TInt}, {"CommonSecurityLog", "SentBytes", TLong},
		{"ThreatIntelligenceIndicator", "ExpirationDateTime", TDatetime}, {"ThreatIntelligenceIndicator", "Active", TBool},
		{"Heartbeat", "ComputerIP", TString}, {"Syslog", "ProcessID", TInt}, {"BehaviorAnalytics", "InvestigationPriority", TInt},
		{"AADNonInteractiveUserSignInLogs", "DurationMs", TLong},
		// Sentinel's UEBA columns of IdentityInfo, next to Defender's.
		{"IdentityInfo", "AccountUPN", TString}, {"IdentityInfo", "GroupMembership", TDynamic}, {"IdentityInfo", "Timestamp", TDatetime},
	} {
		tb, _ := s.Table(tc.table)
		if c, ok := tb.Column(tc.col); !ok || c.Type != tc.typ {
			t.Errorf("%s.%s = %+v (%v), want %s", tc.table, tc.col, c, ok, tc.typ)
		}
	}
	// No table repeats a column.
	for name, tb := range s.Tables {
		seen := map[string]bool{}
		for _, c := range append(append([]Column(nil), tb.Columns...), tb.SentinelColumns...) {
			if seen[c.Name] {
				t.Errorf("%s: column %s twice", name, c.Name)
			}
			seen[c.Name] = true
		}
	}
}
