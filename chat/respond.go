package chat

import (
	"strings"
)

// A responseRule recommends a next step when an incident's alerts have a
// category, a MITRE technique (by ID prefix), or evidence of an entity
// kind. {devices}, {accounts} and {indicators} are filled from the
// evidence. The rules are recommendations for the analyst: kqlhunt
// itself never changes data.
type responseRule struct {
	Categories []string // AlertInfo.Category, case-insensitive
	Techniques []string // ATT&CK IDs; T1003 matches T1003.001
	Entities   []string // AlertEvidence.EntityType
	Advice     string
}

// responseRules is the guided-response table, in the order the steps are
// recommended (contain, then eradicate, then investigate).
var responseRules = []responseRule{
	{Categories: []string{"Ransomware", "Impact"}, Techniques: []string{"T1486", "T1490"},
		Advice: "Isolate {devices} from the network, then check that backups and shadow copies are intact before restoring."},
	{Categories: []string{"CredentialAccess"}, Techniques: []string{"T1003", "T1110", "T1558"},
		Advice: "Reset the passwords of {accounts}, revoke their sessions and refresh tokens, and review their MFA methods."},
	{Categories: []string{"LateralMovement"}, Techniques: []string{"T1021", "T1570"},
		Advice: "Review logons to and from {devices} in the incident window; restrict admin shares and remote service creation (PsExec)."},
	{Categories: []string{"InitialAccess"}, Techniques: []string{"T1566"}, Entities: []string{"MailMessage", "Mailbox"},
		Advice: "Purge the phishing message from every mailbox that received it, block the sender and its URLs, and find who else clicked."},
	{Categories: []string{"Exfiltration", "CommandAndControl"}, Techniques: []string{"T1567", "T1071", "T1041"},
		Advice: "Block {indicators} at the proxy and firewall, and establish what data left and whether it must be reported."},
	{Categories: []string{"Execution"}, Techniques: []string{"T1059", "T1204"},
		Advice: "Collect an investigation package from {devices} and review the command lines and scripts that ran."},
	{Categories: []string{"Persistence"}, Techniques: []string{"T1053", "T1543", "T1547", "T1098"},
		Advice: "Remove the persistence (scheduled tasks, services, run keys, added credentials) from {devices} and {accounts}."},
	{Categories: []string{"Malware"}, Techniques: []string{"T1496"},
		Advice: "Run a full antivirus scan on {devices} and block the files' hashes."},
	{Categories: []string{"Discovery"}, Techniques: []string{"T1087", "T1069"},
		Advice: "Find what {accounts} enumerated and watch the directory for follow-on access."},
	{Categories: []string{"SuspiciousActivity", "DefenseEvasion"}, Entities: []string{"CloudApplication", "OAuthApplication"},
		Advice: "Review the consents and permissions granted to cloud applications by {accounts}, and revoke any that are not expected."},
	{Categories: []string{"CredentialAccess", "InitialAccess"}, Entities: []string{"User"},
		Advice: "Review the recent sign-ins of {accounts} (locations, IPs, apps) for other suspicious access."},
}

// Recommend applies responseRules to an incident's alert categories, its
// techniques ("Name (T1234.001)" or bare IDs) and evidence kinds. The
// entity lists fill the placeholders (empty: "the affected ...").
func Recommend(categories, techniques, entityKinds, devices, accounts, indicators []string) []string {
	var ids []string
	for _, t := range techniques {
		if i := strings.LastIndex(t, "(T"); i >= 0 {
			t = strings.TrimSuffix(t[i+1:], ")")
		}
		ids = append(ids, strings.ToUpper(strings.TrimSpace(t)))
	}
	fill := strings.NewReplacer(
		"{devices}", names(devices, "the affected devices"),
		"{accounts}", names(accounts, "the affected accounts"),
		"{indicators}", names(indicators, "the attacker's IPs and domains"),
	)
	var out []string
	seen := map[string]bool{}
	for _, r := range responseRules {
		if !r.matches(categories, ids, entityKinds) {
			continue
		}
		a := fill.Replace(r.Advice)
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func (r responseRule) matches(categories, techniqueIDs, kinds []string) bool {
	for _, c := range categories {
		for _, x := range r.Categories {
			if strings.EqualFold(c, x) {
				return true
			}
		}
	}
	for _, t := range techniqueIDs {
		for _, x := range r.Techniques {
			if t == x || strings.HasPrefix(t, x+".") {
				return true
			}
		}
	}
	for _, k := range kinds {
		for _, x := range r.Entities {
			if strings.EqualFold(k, x) {
				return true
			}
		}
	}
	return false
}

func names(list []string, none string) string {
	if len(list) == 0 {
		return none
	}
	return listOf(list, 4)
}
