package translate

// The lexicon: what a hunter can ask about (subjects), the dimensions they
// group and filter by, and the hunting concepts that stand for a known
// predicate. Everything here names tables and columns of the
// advanced-hunting schema; lexicon_test.go checks each against kql.Schema.

// subject is a kind of record a prompt can ask about, backed by one table.
type subject struct {
	id    string // stable key, e.g. "process"
	noun  string // plural English name, "process events"
	table string
	time  string   // the time column filters and trends use
	list  []string // columns a listing shows, in order
	words []string // phrases that name the subject (lower case)
	// dims maps a dimension (see dimWords) to the column that holds it.
	dims map[string][]string
	// text is the column a quoted string or a "containing" phrase is
	// matched against.
	text string
	// union, when set, are the tables the subject reads together (a
	// timeline); table is then empty.
	union []string
	// values are the low-cardinality columns whose values a prompt may
	// name ("blocked" emails, "ransomware" alerts, alerts from "Defender
	// for Identity"); the dataset's values come through the Vocabulary.
	values []string
}

// GroundedColumns returns, per table, the columns whose distinct values
// the translator matches against a prompt's words; the caller reads them
// from the dataset into Vocabulary.Values.
func GroundedColumns() map[string][]string {
	out := map[string][]string{}
	for _, s := range subjects {
		if len(s.values) > 0 {
			out[s.table] = s.values
		}
	}
	return out
}

// Dimensions: the kinds of things a prompt filters or groups by.
const (
	dimDevice    = "device"
	dimUser      = "user"
	dimIP        = "ip"
	dimDomain    = "domain"
	dimURL       = "url"
	dimSHA256    = "sha256"
	dimSHA1      = "sha1"
	dimMD5       = "md5"
	dimFile      = "file"
	dimProcess   = "process"
	dimParent    = "parent"
	dimCmdline   = "cmdline"
	dimSeverity  = "severity"
	dimStatus    = "status"
	dimClass     = "classification"
	dimTechnique = "technique"
	dimCategory  = "category"
	dimAction    = "action"
	dimCountry   = "country"
	dimApp       = "application"
	dimPort      = "port"
	dimSender    = "sender"
	dimRecipient = "recipient"
	dimLogonType = "logontype"
	dimTitle     = "title"
	dimEntity    = "entitytype"
	dimSubject   = "emailsubject"
	dimFolder    = "folder"
	dimThreat    = "threat"
	dimErrorCode = "errorcode"
)

// dimWords are the English words for each dimension, as used after "by",
// "per", "which", "top N" and "most common".
var dimWords = []struct {
	dim   string
	words []string
}{
	{dimParent, []string{"parent process", "parent processes", "parent", "parents", "initiating process", "initiating processes"}},
	{dimCmdline, []string{"command line", "command lines", "commandline", "commandlines", "command"}},
	{dimLogonType, []string{"logon type", "logon types"}},
	{dimEntity, []string{"entity type", "entity types", "evidence type"}},
	{dimSubject, []string{"email subject", "subject line", "subjects"}},
	{dimThreat, []string{"threat type", "threat types", "threat family"}},
	{dimAction, []string{"action type", "action types", "action", "actions", "event type", "event types"}},
	{dimDevice, []string{"device", "devices", "host", "hosts", "machine", "machines", "computer", "computers", "endpoint", "endpoints", "hostname", "hostnames"}},
	{dimUser, []string{"user", "users", "account", "accounts", "username", "usernames", "upn", "upns", "identity", "identities"}},
	{dimIP, []string{"ip", "ips", "ip address", "ip addresses", "address", "addresses", "remote ip", "remote ips", "source ip"}},
	{dimDomain, []string{"domain", "domains"}},
	{dimURL, []string{"url", "urls", "remote url"}},
	{dimSHA256, []string{"hash", "hashes", "sha256", "sha256s"}},
	{dimFile, []string{"file", "files", "file name", "file names", "filename", "filenames"}},
	{dimProcess, []string{"process", "processes", "binary", "binaries", "executable", "executables", "program", "programs"}},
	{dimSeverity, []string{"severity", "severities"}},
	{dimStatus, []string{"status", "statuses", "state"}},
	{dimClass, []string{"classification", "classifications"}},
	{dimTechnique, []string{"technique", "techniques", "mitre technique", "mitre techniques", "tactic", "tactics"}},
	{dimCategory, []string{"category", "categories"}},
	{dimCountry, []string{"country", "countries", "location", "locations"}},
	{dimApp, []string{"application", "applications", "app", "apps"}},
	{dimPort, []string{"port", "ports", "remote port"}},
	{dimSender, []string{"sender", "senders"}},
	{dimRecipient, []string{"recipient", "recipients"}},
	{dimTitle, []string{"title", "titles", "alert name", "name"}},
	{dimFolder, []string{"folder", "folders", "path", "paths"}},
	{dimErrorCode, []string{"error code", "error codes", "result code", "result codes"}},
}

var subjects = []*subject{
	{
		id: "timeline", noun: "device events", time: "Timestamp",
		union: []string{"DeviceProcessEvents", "DeviceNetworkEvents", "DeviceFileEvents", "DeviceLogonEvents", "DeviceRegistryEvents"},
		list:  []string{"Timestamp", "Table", "DeviceName", "ActionType", "FileName", "ProcessCommandLine", "RemoteIP", "RemoteUrl", "AccountName", "InitiatingProcessFileName"},
		words: []string{"timeline", "a timeline", "device timeline", "activity timeline", "all activity", "all events", "everything", "every event"},
		text:  "ProcessCommandLine",
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"InitiatingProcessAccountName", "AccountName", "InitiatingProcessAccountUpn"},
			dimIP: {"RemoteIP"}, dimDomain: {"RemoteUrl"}, dimURL: {"RemoteUrl"}, dimFile: {"FileName"},
			dimProcess: {"FileName", "InitiatingProcessFileName"}, dimCmdline: {"ProcessCommandLine"},
			dimSHA256: {"SHA256"}, dimAction: {"ActionType"}, dimParent: {"InitiatingProcessFileName"},
		},
	},
	{
		id: "incident", noun: "incidents", table: "SecurityIncident", time: "CreatedTime",
		list:   []string{"IncidentNumber", "CreatedTime", "Title", "Severity", "Status", "Classification"},
		words:  []string{"incident", "incidents", "case", "cases"},
		text:   "Title",
		values: []string{"ProviderName"},
		dims: map[string][]string{
			dimSeverity: {"Severity"}, dimStatus: {"Status"}, dimClass: {"Classification"},
			dimTitle: {"Title"}, dimApp: {"ProviderName"},
		},
	},
	{
		id: "alert", noun: "alerts", table: "AlertInfo", time: "Timestamp",
		list:   []string{"Timestamp", "AlertId", "Title", "Severity", "Category", "ServiceSource", "AttackTechniques"},
		words:  []string{"alert", "alerts", "detection", "detections"},
		text:   "Title",
		values: []string{"Category", "ServiceSource", "DetectionSource"},
		dims: map[string][]string{
			dimSeverity: {"Severity"}, dimCategory: {"Category"}, dimTitle: {"Title"},
			dimTechnique: {"AttackTechniques"}, dimApp: {"ServiceSource"},
		},
	},
	{
		id: "evidence", noun: "alert evidence", table: "AlertEvidence", time: "Timestamp",
		list:   []string{"Timestamp", "AlertId", "Title", "EntityType", "EvidenceRole", "DeviceName", "AccountUpn", "FileName", "SHA256", "RemoteIP", "RemoteUrl", "ProcessCommandLine"},
		words:  []string{"evidence", "alert evidence", "entities", "alert entities"},
		text:   "Title",
		values: []string{"EntityType", "EvidenceRole", "ServiceSource"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"AccountUpn", "AccountName"}, dimIP: {"RemoteIP", "LocalIP"},
			dimDomain: {"RemoteUrl"}, dimURL: {"RemoteUrl"}, dimSHA256: {"SHA256"}, dimSHA1: {"SHA1"},
			dimFile: {"FileName"}, dimProcess: {"FileName"}, dimCmdline: {"ProcessCommandLine"},
			dimEntity: {"EntityType"}, dimTitle: {"Title"}, dimSeverity: {"Severity"}, dimFolder: {"FolderPath"},
			dimTechnique: {"AttackTechniques"},
		},
	},
	{
		id: "process", noun: "process events", table: "DeviceProcessEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "AccountName", "FileName", "ProcessCommandLine", "InitiatingProcessFileName"},
		words:  []string{"process event", "process events", "process creation", "process creations", "process execution", "process executions", "processes", "process", "executions", "execution", "command lines", "commands", "launched", "ran", "run", "spawned", "executed"},
		text:   "ProcessCommandLine",
		values: []string{"ActionType"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"AccountName"}, dimFile: {"FileName"}, dimProcess: {"FileName"},
			dimParent: {"InitiatingProcessFileName"}, dimCmdline: {"ProcessCommandLine"}, dimSHA256: {"SHA256"},
			dimSHA1: {"SHA1"}, dimMD5: {"MD5"}, dimAction: {"ActionType"}, dimFolder: {"FolderPath"},
		},
	},
	{
		id: "network", noun: "network events", table: "DeviceNetworkEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "ActionType", "RemoteIP", "RemotePort", "RemoteUrl", "InitiatingProcessFileName", "InitiatingProcessAccountName"},
		words:  []string{"network event", "network events", "network connection", "network connections", "connections", "connection", "network activity", "network traffic", "traffic", "connected", "beacons", "beaconing", "outbound", "talking to", "talked to", "talk to", "communicating with", "communicated with", "contacted", "reached out to", "connecting to", "connect to", "connects to"},
		text:   "RemoteUrl",
		values: []string{"ActionType", "Protocol"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"InitiatingProcessAccountName"}, dimIP: {"RemoteIP"},
			dimDomain: {"RemoteUrl"}, dimURL: {"RemoteUrl"}, dimPort: {"RemotePort"},
			dimProcess: {"InitiatingProcessFileName"}, dimFile: {"InitiatingProcessFileName"}, dimParent: {"InitiatingProcessFileName"},
			dimAction: {"ActionType"}, dimCmdline: {"InitiatingProcessCommandLine"}, dimSHA256: {"InitiatingProcessSHA256"},
		},
	},
	{
		id: "file", noun: "file events", table: "DeviceFileEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "ActionType", "FileName", "FolderPath", "SHA256", "InitiatingProcessFileName"},
		words:  []string{"file event", "file events", "file creation", "file creations", "file activity", "files created", "file writes", "dropped files", "downloads", "downloaded files", "files"},
		text:   "FolderPath",
		values: []string{"ActionType"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"InitiatingProcessAccountName"}, dimFile: {"FileName"},
			dimProcess: {"InitiatingProcessFileName"}, dimParent: {"InitiatingProcessFileName"}, dimFolder: {"FolderPath"},
			dimSHA256: {"SHA256"}, dimSHA1: {"SHA1"}, dimMD5: {"MD5"}, dimAction: {"ActionType"},
			dimDomain: {"FileOriginUrl"}, dimURL: {"FileOriginUrl"}, dimIP: {"FileOriginIP"},
		},
	},
	{
		id: "logon", noun: "logon events", table: "DeviceLogonEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "ActionType", "LogonType", "AccountName", "RemoteIP", "RemoteDeviceName"},
		words:  []string{"logon event", "logon events", "logons", "logon", "log ons", "logins", "login", "logged on", "logged in"},
		text:   "AccountName",
		values: []string{"ActionType", "LogonType", "Protocol"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"AccountName"}, dimIP: {"RemoteIP"}, dimLogonType: {"LogonType"},
			dimAction: {"ActionType"}, dimProcess: {"InitiatingProcessFileName"},
		},
	},
	{
		id: "registry", noun: "registry events", table: "DeviceRegistryEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "ActionType", "RegistryKey", "RegistryValueName", "RegistryValueData", "InitiatingProcessFileName"},
		words:  []string{"registry event", "registry events", "registry changes", "registry modifications", "registry keys", "registry key", "registry"},
		text:   "RegistryKey",
		values: []string{"ActionType"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"InitiatingProcessAccountName"}, dimProcess: {"InitiatingProcessFileName"},
			dimFile: {"InitiatingProcessFileName"}, dimAction: {"ActionType"},
		},
	},
	{
		id: "image", noun: "image load events", table: "DeviceImageLoadEvents", time: "Timestamp",
		list:  []string{"Timestamp", "DeviceName", "FileName", "FolderPath", "InitiatingProcessFileName"},
		words: []string{"image load", "image loads", "dll loads", "dll load", "loaded dlls", "module loads"},
		text:  "FolderPath",
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimFile: {"FileName"}, dimProcess: {"InitiatingProcessFileName"},
			dimFolder: {"FolderPath"}, dimSHA256: {"SHA256"}, dimSHA1: {"SHA1"}, dimMD5: {"MD5"},
		},
	},
	{
		id: "devevent", noun: "device events", table: "DeviceEvents", time: "Timestamp",
		list:   []string{"Timestamp", "DeviceName", "ActionType", "FileName", "ProcessCommandLine", "InitiatingProcessFileName"},
		words:  []string{"device event", "device events", "defender events", "antivirus events", "av detections"},
		text:   "AdditionalFields",
		values: []string{"ActionType"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimUser: {"InitiatingProcessAccountName"}, dimFile: {"FileName"},
			dimProcess: {"InitiatingProcessFileName"}, dimAction: {"ActionType"}, dimIP: {"RemoteIP"},
			dimSHA256: {"SHA256"}, dimSHA1: {"SHA1"}, dimMD5: {"MD5"},
		},
	},
	{
		id: "device", noun: "devices", table: "DeviceInfo", time: "Timestamp",
		list:   []string{"DeviceName", "OSPlatform", "OSVersion", "DeviceType", "PublicIP", "Timestamp"},
		words:  []string{"device inventory", "devices", "machines", "hosts", "computers", "endpoints"},
		text:   "DeviceName",
		values: []string{"OSPlatform", "DeviceType", "DeviceCategory"},
		dims: map[string][]string{
			dimDevice: {"DeviceName"}, dimIP: {"PublicIP"},
		},
	},
	{
		id: "email", noun: "emails", table: "EmailEvents", time: "Timestamp",
		list:   []string{"Timestamp", "SenderFromAddress", "RecipientEmailAddress", "Subject", "DeliveryAction", "ThreatTypes", "SenderIPv4"},
		words:  []string{"email event", "email events", "emails", "email", "mails", "mail", "messages", "phishing emails", "phishing mails"},
		text:   "Subject",
		values: []string{"DeliveryAction", "DeliveryLocation", "EmailDirection", "ThreatTypes"},
		dims: map[string][]string{
			dimUser: {"RecipientEmailAddress"}, dimRecipient: {"RecipientEmailAddress"}, dimSender: {"SenderFromAddress"},
			dimIP: {"SenderIPv4"}, dimDomain: {"SenderFromDomain"}, dimSubject: {"Subject"}, dimThreat: {"ThreatTypes"},
			dimAction: {"DeliveryAction"},
		},
	},
	{
		id: "attachment", noun: "email attachments", table: "EmailAttachmentInfo", time: "Timestamp",
		list:   []string{"Timestamp", "SenderFromAddress", "RecipientEmailAddress", "FileName", "FileType", "SHA256", "ThreatTypes"},
		words:  []string{"attachments", "attachment", "email attachments", "email attachment"},
		text:   "FileName",
		values: []string{"FileType", "ThreatTypes"},
		dims: map[string][]string{
			dimUser: {"RecipientEmailAddress"}, dimRecipient: {"RecipientEmailAddress"}, dimSender: {"SenderFromAddress"},
			dimFile: {"FileName"}, dimSHA256: {"SHA256"}, dimThreat: {"ThreatTypes"},
		},
	},
	{
		id: "urlclick", noun: "URL clicks", table: "UrlClickEvents", time: "Timestamp",
		list:   []string{"Timestamp", "AccountUpn", "Url", "ActionType", "IPAddress", "Workload"},
		words:  []string{"url clicks", "url click", "clicks", "clicked links", "link clicks", "clicked", "click a link", "clicked a link", "click on a link", "clicked on a link", "click", "clicks on"},
		text:   "Url",
		values: []string{"ActionType", "Workload"},
		dims: map[string][]string{
			dimUser: {"AccountUpn"}, dimURL: {"Url"}, dimDomain: {"Url"}, dimIP: {"IPAddress"}, dimAction: {"ActionType"},
		},
	},
	{
		id: "signin", noun: "Entra ID sign-ins", table: "AADSignInEventsBeta", time: "Timestamp",
		list:   []string{"Timestamp", "AccountUpn", "Application", "IPAddress", "Country", "ErrorCode", "UserAgent"},
		words:  []string{"sign-in", "sign-ins", "signin", "signins", "sign in", "sign ins", "sign-on", "sign-ons", "aad sign-ins", "entra sign-ins", "authentication", "authentications"},
		text:   "Application",
		values: []string{"Application", "ClientAppUsed", "LogonType"},
		dims: map[string][]string{
			dimUser: {"AccountUpn"}, dimIP: {"IPAddress"}, dimCountry: {"Country"}, dimApp: {"Application"},
			dimDevice: {"DeviceName"}, dimErrorCode: {"ErrorCode"},
		},
	},
	{
		id: "idlogon", noun: "identity logon events", table: "IdentityLogonEvents", time: "Timestamp",
		list:   []string{"Timestamp", "AccountUpn", "ActionType", "LogonType", "Protocol", "DeviceName", "IPAddress", "DestinationDeviceName"},
		words:  []string{"identity logon", "identity logons", "domain logons", "kerberos logons", "ntlm logons", "active directory logons"},
		text:   "AccountUpn",
		values: []string{"ActionType", "LogonType", "Protocol"},
		dims: map[string][]string{
			dimUser: {"AccountUpn"}, dimDevice: {"DeviceName"}, dimIP: {"IPAddress"}, dimAction: {"ActionType"},
			dimLogonType: {"LogonType"},
		},
	},
	{
		id: "idquery", noun: "identity query events", table: "IdentityQueryEvents", time: "Timestamp",
		list:   []string{"Timestamp", "AccountName", "DeviceName", "ActionType", "QueryType", "QueryTarget", "Query"},
		words:  []string{"identity queries", "directory queries", "ldap queries", "samr queries", "dns queries", "identity query events"},
		text:   "QueryTarget",
		values: []string{"ActionType", "QueryType", "Protocol"},
		dims: map[string][]string{
			dimUser: {"AccountName"}, dimDevice: {"DeviceName"}, dimIP: {"IPAddress"}, dimAction: {"ActionType"},
		},
	},
	{
		id: "directory", noun: "directory events", table: "IdentityDirectoryEvents", time: "Timestamp",
		list:   []string{"Timestamp", "ActionType", "AccountName", "TargetAccountDisplayName", "DeviceName", "AdditionalFields"},
		words:  []string{"directory events", "directory changes", "group changes", "group membership changes", "account changes"},
		text:   "AdditionalFields",
		values: []string{"ActionType"},
		dims: map[string][]string{
			dimUser: {"AccountName"}, dimDevice: {"DeviceName"}, dimAction: {"ActionType"},
		},
	},
	{
		id: "cloud", noun: "cloud app events", table: "CloudAppEvents", time: "Timestamp",
		list:   []string{"Timestamp", "Application", "ActionType", "AccountDisplayName", "IPAddress", "CountryCode", "ObjectName"},
		words:  []string{"cloud app events", "cloud app event", "cloud events", "cloud activity", "cloud apps", "office 365 activity", "o365 activity", "mailbox activity", "saas activity"},
		text:   "ActionType",
		values: []string{"ActionType", "Application", "ObjectName"},
		dims: map[string][]string{
			dimUser: {"AccountDisplayName"}, dimIP: {"IPAddress"}, dimCountry: {"CountryCode"}, dimApp: {"Application"},
			dimAction: {"ActionType"},
		},
	},
	{
		id: "identity", noun: "identities", table: "IdentityInfo", time: "Timestamp",
		list:   []string{"AccountUpn", "AccountDisplayName", "Department", "JobTitle", "Country"},
		words:  []string{"identities", "identity info", "user accounts", "employees", "users"},
		text:   "AccountDisplayName",
		values: []string{"Department", "JobTitle"},
		dims: map[string][]string{
			dimUser: {"AccountUpn"}, dimCountry: {"Country"},
		},
	},
}

// weakSubjectWords name a subject only by implication ("ran" a process,
// "connected"): a subject named outright ("alerts") wins over them.
var weakSubjectWords = map[string]bool{
	"execution": true, "executions": true, "run": true, "ran": true, "launched": true, "spawned": true,
	"executed": true, "connected": true, "traffic": true, "outbound": true, "clicked": true, "click": true,
	"commands": true, "files": true, "downloads": true, "registry": true, "everything": true, "authentication": true,
	"authentications": true, "logged on": true, "logged in": true, "messages": true, "mail": true,
}

func subjectByID(id string) *subject {
	for _, s := range subjects {
		if s.id == id {
			return s
		}
	}
	return nil
}

// concept is a hunting idea with a known predicate: "encoded powershell",
// "lsass dumping", "mining pool connections". The predicate is KQL text
// over the subject's table (the hunts/ directory has the same logic).
type concept struct {
	words   []string
	subject string
	pred    string
	desc    string
}

var concepts = []concept{
	{[]string{"encoded powershell", "encoded command", "encoded commands", "encodedcommand", "base64 powershell", "obfuscated powershell"}, "process",
		`FileName in~ ("powershell.exe", "pwsh.exe") and ProcessCommandLine has_any ("-enc", "-encodedcommand", "-e")`, "PowerShell run with an encoded command"},
	{[]string{"lsass dump", "lsass dumps", "lsass dumping", "dumping lsass", "dumped lsass", "credential dumping", "credential dump", "minidump"}, "process",
		`(FileName =~ "rundll32.exe" and ProcessCommandLine has "MiniDump") or (FileName in~ ("procdump.exe", "procdump64.exe") and ProcessCommandLine has "lsass")`, "LSASS memory dumps (comsvcs.dll MiniDump or ProcDump)"},
	{[]string{"shadow copy deletion", "shadow copies deleted", "deleted shadow copies", "delete shadow copies", "backup deletion", "backups deleted", "inhibit recovery", "inhibit system recovery"}, "process",
		`(FileName =~ "vssadmin.exe" and ProcessCommandLine has "delete") or (FileName =~ "wmic.exe" and ProcessCommandLine has "shadowcopy") or (FileName =~ "wbadmin.exe" and ProcessCommandLine has "catalog") or (FileName =~ "bcdedit.exe" and ProcessCommandLine has "recoveryenabled")`, "deletion of shadow copies and backups"},
	{[]string{"lolbin download", "lolbin downloads", "lolbin", "lolbins", "living off the land", "certutil download", "certutil downloads", "bitsadmin download"}, "process",
		`(FileName =~ "certutil.exe" and ProcessCommandLine has "urlcache") or (FileName =~ "bitsadmin.exe" and ProcessCommandLine has "transfer")`, "downloads with certutil or bitsadmin"},
	{[]string{"office spawning", "office child processes", "word spawning", "macro execution", "spawned by word", "spawned by office"}, "process",
		`InitiatingProcessFileName in~ ("winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe") or InitiatingProcessParentFileName in~ ("winword.exe", "excel.exe", "powerpnt.exe", "outlook.exe")`, "processes started by Office applications"},
	{[]string{"mining pool", "mining pools", "crypto mining", "cryptomining", "cryptominer", "coin miner", "coinminer"}, "network",
		`RemotePort in (3333, 4444, 5555, 7777, 14444) or RemoteUrl has_any ("supportxmr", "minexmr", "nanopool")`, "connections to cryptocurrency mining pools"},
	{[]string{"inbox rule", "inbox rules", "mailbox rule", "mailbox rules"}, "cloud",
		`ActionType in ("New-InboxRule", "Set-InboxRule")`, "inbox rules created or changed"},
	{[]string{"mail forwarding", "email forwarding", "external forwarding", "forwarding rule", "forwarding rules", "forwarding"}, "cloud",
		`ActionType == "Set-Mailbox" and tostring(RawEventData.Parameters) has "ForwardingSmtpAddress"`, "mailbox forwarding set to an address"},
	{[]string{"oauth consent", "consent to application", "app consent", "oauth app", "oauth apps", "consented"}, "cloud",
		`ActionType == "Consent to application."`, "consent granted to an application"},
	{[]string{"mail access", "mailitemsaccessed", "mail items accessed"}, "cloud",
		`ActionType == "MailItemsAccessed"`, "mailbox items read"},
	{[]string{"phishing", "phish"}, "email", `ThreatTypes has "Phish"`, "mail classified as phishing"},
	{[]string{"malware emails", "malicious emails", "malware mail", "malicious mail", "malicious attachments", "malware attachments"}, "email", `ThreatTypes has "Malware"`, "mail classified as malware"},
	{[]string{"spam"}, "email", `ThreatTypes has "Spam"`, "mail classified as spam"},
	{[]string{"failed logons", "failed logon", "failed logins", "failed login", "logon failures", "failed to log on"}, "logon", `ActionType == "LogonFailed"`, "failed logons"},
	{[]string{"successful logons", "successful logon", "successful logins", "successful login"}, "logon", `ActionType == "LogonSuccess"`, "successful logons"},
	{[]string{"rdp logons", "rdp logon", "remote desktop logons", "rdp", "remote interactive"}, "logon", `LogonType == "RemoteInteractive"`, "remote desktop (RemoteInteractive) logons"},
	{[]string{"network logons", "network logon"}, "logon", `LogonType == "Network"`, "network logons"},
	{[]string{"failed sign-ins", "failed sign-in", "failed signins", "failed sign ins", "sign-in failures", "failed authentications"}, "signin", `ErrorCode != 0`, "failed sign-ins (ErrorCode other than 0)"},
	{[]string{"successful sign-ins", "successful sign-in", "successful signins", "successful sign ins"}, "signin", `ErrorCode == 0`, "successful sign-ins (ErrorCode 0)"},
	{[]string{"password spray", "password spraying", "spray"}, "signin", `ErrorCode == 50126`, "sign-ins that failed on a bad password (ErrorCode 50126), as a spray leaves them"},
	{[]string{"reconnaissance", "recon", "ldap recon", "samr recon", "enumeration"}, "idquery", `ActionType in ("SAMR query", "LDAP query")`, "SAMR and LDAP reconnaissance queries"},
	{[]string{"psexec"}, "process", `FileName in~ ("psexec.exe", "psexec64.exe", "psexesvc.exe") or InitiatingProcessFileName =~ "psexesvc.exe"`, "PsExec use"},
	{[]string{"scheduled task", "scheduled tasks", "schtasks"}, "process", `FileName =~ "schtasks.exe" and ProcessCommandLine has "/create"`, "scheduled tasks created with schtasks"},
	{[]string{"cron", "crontab", "cron job", "cron jobs"}, "process", `InitiatingProcessFileName == "cron" or FileName == "crontab"`, "processes run by cron or crontab edits"},
	{[]string{"rclone", "exfiltration", "exfil", "data exfiltration"}, "process", `FileName has "rclone" or ProcessCommandLine has "rclone"`, "rclone use (exfiltration to cloud storage)"},
	{[]string{"remote access software", "remote access tools", "anydesk", "teamviewer"}, "process", `FileName has_any ("anydesk", "teamviewer", "screenconnect")`, "remote access software"},
}

// knownProcesses are binaries a hunter names without an extension; each
// stands for its .exe (Windows) unless the vocabulary says otherwise.
var knownProcesses = []string{
	"powershell", "pwsh", "cmd", "rundll32", "regsvr32", "mshta", "certutil", "bitsadmin", "wmic",
	"vssadmin", "wbadmin", "bcdedit", "schtasks", "procdump", "procdump64", "mimikatz", "psexec",
	"psexesvc", "whoami", "nltest", "net", "net1", "cscript", "wscript", "msiexec", "winword",
	"excel", "outlook", "powerpnt", "explorer", "svchost", "lsass", "rclone", "anydesk", "adfind",
	"sharphound", "bloodhound", "curl", "wget", "bash", "sh", "python", "python3", "xmrig", "sc",
	"reg", "taskkill", "ntdsutil", "esentutl", "installutil", "regasm", "msbuild", "forfiles",
}
