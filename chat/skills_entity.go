package chat

import (
	"fmt"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// deviceFilter matches a device by its name or its short name (fs01 for
// fs01.corp.contoso.com).
func deviceFilter(col, name string) string {
	return fmt.Sprintf("(%s =~ %s or %s startswith %s)", col, quote(name), col, quote(strings.ToLower(name)+"."))
}

// DevicePlan summarises a device: its alerts, logons, processes and
// network highlights.
func DevicePlan(name string, s *kql.Schema) *Plan {
	p := &Plan{Skill: "device summary", Subject: "device " + name}
	b := &builder{s, p}
	b.add("Alerts with the device as evidence", `AlertEvidence
| where `+deviceFilter("DeviceName", name)+`
| join kind=inner (AlertInfo | project AlertId, Category, AttackTechniques) on AlertId
| summarize FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by AlertId, Title, Category, Severity = tostring(Severity), AttackTechniques
| order by FirstSeen asc`, "AlertEvidence", "AlertInfo")
	b.add("Logons to the device", `DeviceLogonEvents
| where `+deviceFilter("DeviceName", name)+`
| summarize Logons = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by AccountName, ActionType, LogonType, RemoteIP
| order by Logons desc`, "DeviceLogonEvents")
	b.add("Processes that ran", `DeviceProcessEvents
| where `+deviceFilter("DeviceName", name)+`
| summarize Runs = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by FileName, AccountName
| order by Runs asc`, "DeviceProcessEvents")
	b.add("Network connections", `DeviceNetworkEvents
| where `+deviceFilter("DeviceName", name)+` and RemoteIPType != "Private"
| summarize Connections = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by RemoteIP, RemoteUrl, RemotePort, InitiatingProcessFileName
| order by Connections desc`, "DeviceNetworkEvents")
	p.findings = func(p *Plan) []Section {
		al, lo, pr, nw := rows{p.step(p.Steps[0].Name)}, rows{p.step(p.Steps[1].Name)}, rows{p.step(p.Steps[2].Name)}, rows{p.step(p.Steps[3].Name)}
		var out []Section
		if al.n() > 0 {
			sec := Section{Title: "Alerts"}
			sec.Bullets = append(sec.Bullets, fmt.Sprintf("%s, categories: %s.", plural(len(al.distinct("AlertId")), "alert"), strings.Join(al.distinct("Category"), ", ")))
			sec.Bullets = append(sec.Bullets, al.distinct("Title")...)
			if f, l, ok := al.span("FirstSeen"); ok {
				sec.Bullets = append(sec.Bullets, "When: "+span(f, l)+".")
			}
			if techs := al.techniques("AttackTechniques"); len(techs) > 0 {
				sec.Bullets = append(sec.Bullets, "Techniques: "+listOf(techs, 10)+".")
			}
			out = append(out, sec)
		}
		if lo.n() > 0 {
			sec := Section{Title: "Logons"}
			sec.Bullets = append(sec.Bullets, "Accounts: "+listOf(lo.distinct("AccountName"), 8)+".")
			if ips := lo.distinct("RemoteIP"); len(ips) > 0 {
				sec.Bullets = append(sec.Bullets, "From: "+listOf(ips, 8)+".")
			}
			failed := 0
			for i := 0; i < lo.n(); i++ {
				if lo.str(i, "ActionType") == "LogonFailed" {
					failed += int(lo.num(i, "Logons"))
				}
			}
			if failed > 0 {
				sec.Bullets = append(sec.Bullets, fmt.Sprintf("%s.", plural(failed, "failed logon")))
			}
			out = append(out, sec)
		}
		if pr.n() > 0 {
			out = append(out, Section{Title: "Processes", Bullets: []string{
				fmt.Sprintf("%d distinct process names; the rarest: %s.", len(pr.distinct("FileName")), listOf(rareFirst(pr, "FileName"), 8)),
			}})
		}
		if nw.n() > 0 {
			dest := nw.distinct("RemoteUrl")
			dest = append(dest, nw.distinct("RemoteIP")...)
			out = append(out, Section{Title: "Network", Bullets: []string{"Public destinations: " + listOf(dest, 8) + "."}})
		}
		if len(out) == 0 {
			out = append(out, Section{Title: "What happened", Bullets: []string{fmt.Sprintf("No alerts, logons, processes or connections of a device named %s in the dataset.", name)}})
		}
		return out
	}
	return p
}

// rareFirst is the values of a column in row order (the query sorts the
// rarest first).
func rareFirst(t rows, name string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < t.n(); i++ {
		v := t.str(i, name)
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// UserPlan summarises an identity: sign-ins, logons to devices, and the
// alerts that name the account.
func UserPlan(user string, s *kql.Schema) *Plan {
	p := &Plan{Skill: "identity summary", Subject: "user " + user}
	b := &builder{s, p}
	short := user
	if i := strings.IndexByte(user, '@'); i > 0 {
		short = user[:i]
	}
	upn := fmt.Sprintf("(UserPrincipalName =~ %s or UserPrincipalName startswith %s)", quote(user), quote(strings.ToLower(short)+"@"))
	b.add("Sign-ins (SigninLogs)", `SigninLogs
| where `+upn+`
| summarize SignIns = count(), Failed = countif(ResultType != "0"), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by UserPrincipalName, IPAddress, Location, AppDisplayName
| order by FirstSeen asc`, "SigninLogs")
	b.add("Logons to devices", `DeviceLogonEvents
| where AccountName =~ `+quote(short)+`
| summarize Logons = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by DeviceName, ActionType, LogonType
| order by FirstSeen asc`, "DeviceLogonEvents")
	b.add("Alerts that name the account", `AlertEvidence
| where AccountUpn =~ `+quote(user)+` or AccountName =~ `+quote(short)+`
| summarize FirstSeen = min(Timestamp) by AlertId, Title, Categories
| order by FirstSeen asc`, "AlertEvidence")
	p.findings = func(p *Plan) []Section {
		si, lo, al := rows{p.step(p.Steps[0].Name)}, rows{p.step(p.Steps[1].Name)}, rows{p.step(p.Steps[2].Name)}
		var out []Section
		if si.n() > 0 {
			var n, failed int64
			for i := 0; i < si.n(); i++ {
				n += si.num(i, "SignIns")
				failed += si.num(i, "Failed")
			}
			sec := Section{Title: "Sign-ins", Bullets: []string{fmt.Sprintf("%s, %d failed.", plural(int(n), "sign-in"), failed)}}
			sec.Bullets = append(sec.Bullets, "From: "+listOf(si.distinct("IPAddress"), 8)+" ("+listOf(si.distinct("Location"), 6)+").")
			sec.Bullets = append(sec.Bullets, "Apps: "+listOf(si.distinct("AppDisplayName"), 6)+".")
			if f, l, ok := si.span("FirstSeen"); ok {
				_, l2, _ := si.span("LastSeen")
				if l2.After(l) {
					l = l2
				}
				sec.Bullets = append(sec.Bullets, "When: "+span(f, l)+".")
			}
			out = append(out, sec)
		}
		if lo.n() > 0 {
			out = append(out, Section{Title: "Devices", Bullets: []string{"Logged on to: " + listOf(lo.distinct("DeviceName"), 8) + "."}})
		}
		if al.n() > 0 {
			sec := Section{Title: "Alerts", Bullets: []string{fmt.Sprintf("%s name the account: %s.", plural(len(al.distinct("AlertId")), "alert"), listOf(al.distinct("Title"), 6))}}
			out = append(out, sec)
		}
		if len(out) == 0 {
			out = append(out, Section{Title: "What happened", Bullets: []string{fmt.Sprintf("No sign-ins, logons or alerts of %s in the dataset.", user)}})
		}
		return out
	}
	return p
}

// FilePlan analyses a file by hash (MD5, SHA1, SHA256) or by name: where
// and when it was seen, on which devices, by which processes, its signer
// and its prevalence.
func FilePlan(file string, s *kql.Schema) *Plan {
	p := &Plan{Skill: "file analysis", Subject: "file " + file}
	b := &builder{s, p}
	var filter string
	switch len(file) {
	case 32:
		filter = "MD5 =~ " + quote(file)
	case 40:
		filter = "SHA1 =~ " + quote(file)
	case 64:
		filter = "SHA256 =~ " + quote(file)
	default:
		filter = "FileName =~ " + quote(file)
	}
	if !isHex(file) {
		filter = "FileName =~ " + quote(file)
	}
	b.add("Where and when the file was seen", `DeviceFileEvents
| where `+filter+`
| summarize Events = count(), FirstSeen = min(Timestamp), LastSeen = max(Timestamp) by DeviceName, FolderPath, SHA1, InitiatingProcessFileName, ActionType
| order by FirstSeen asc`, "DeviceFileEvents")
	b.add("Processes that ran it", `DeviceProcessEvents
| where `+filter+`
| summarize Runs = count(), FirstSeen = min(Timestamp) by DeviceName, AccountName, InitiatingProcessFileName, ProcessCommandLine
| order by FirstSeen asc`, "DeviceProcessEvents")
	b.add("Signer (DeviceFileCertificateInfo)", `let sha = DeviceFileEvents | where `+filter+` | distinct SHA1;
DeviceFileCertificateInfo
| where SHA1 in (sha)
| summarize Devices = dcount(DeviceName) by SHA1, IsSigned, Signer, Issuer, IsTrusted`, "DeviceFileEvents", "DeviceFileCertificateInfo")
	p.findings = func(p *Plan) []Section {
		fe, pe, ce := rows{p.step(p.Steps[0].Name)}, rows{p.step(p.Steps[1].Name)}, rows{p.step(p.Steps[2].Name)}
		var out []Section
		devices := append(fe.distinct("DeviceName"), pe.distinct("DeviceName")...)
		devices = dedupe(devices)
		if len(devices) == 0 {
			return []Section{{Title: "What happened", Bullets: []string{fmt.Sprintf("The file %s was not seen in the dataset.", file)}}}
		}
		sec := Section{Title: "Where and when"}
		sec.Bullets = append(sec.Bullets, fmt.Sprintf("Prevalence: seen on %s: %s.", plural(len(devices), "device"), listOf(devices, 8)))
		if paths := fe.distinct("FolderPath"); len(paths) > 0 {
			sec.Bullets = append(sec.Bullets, "Paths: "+listOf(paths, 5)+".")
		}
		if f, l, ok := fe.span("FirstSeen"); ok {
			_, l2, _ := fe.span("LastSeen")
			if l2.After(l) {
				l = l2
			}
			sec.Bullets = append(sec.Bullets, "File events: "+span(f, l)+".")
		}
		out = append(out, sec)
		procs := append(fe.distinct("InitiatingProcessFileName"), pe.distinct("InitiatingProcessFileName")...)
		if procs = dedupe(procs); len(procs) > 0 {
			pr := Section{Title: "Processes", Bullets: []string{"Written or started by: " + listOf(procs, 6) + "."}}
			for _, c := range pe.distinct("ProcessCommandLine") {
				pr.Bullets = append(pr.Bullets, "Command line: "+c)
			}
			out = append(out, pr)
		}
		if ce.r != nil {
			if ce.n() == 0 {
				out = append(out, Section{Title: titleUnknown, Bullets: []string{"DeviceFileCertificateInfo has no certificate for the file: its signer is unknown."}})
			} else {
				var signers []string
				for i := 0; i < ce.n(); i++ {
					if ce.str(i, "IsSigned") == "true" {
						signers = append(signers, fmt.Sprintf("%s (issuer %s, trusted %s)", ce.str(i, "Signer"), ce.str(i, "Issuer"), ce.str(i, "IsTrusted")))
					}
				}
				if len(signers) == 0 {
					signers = []string{"not signed"}
				}
				out = append(out, Section{Title: "Signer", Bullets: signers})
			}
		}
		return out
	}
	return p
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return s != ""
}

// dedupe keeps the first of each value.
func dedupe(list []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range list {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}
