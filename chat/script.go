package chat

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// ScriptReport is the analysis of a script or command line a hunter
// pasted ("decode this script: powershell -enc ..."): the decoded text
// and what each line does that a hunter should know. It is worked out
// from the text alone; nothing runs.
type ScriptReport struct {
	Input   string
	Decoded []string // the layers decoded, outermost first
	Lines   []string // the lines of the innermost text
	Finds   []ScriptFind
}

// ScriptFind is one behaviour seen on a line.
type ScriptFind struct {
	Line     int // 1-based, in Lines
	Behavior string
	Evidence string
}

var (
	reScriptAsk = regexp.MustCompile(`(?i)\b(?:decode|deobfuscate|analy[sz]e|explain|what does)\b.*\b(?:script|command(?:\s*line)?|powershell|payload|this)\b`)
	// -EncodedCommand and its accepted abbreviations (-e, -en, -enc, -ec ...).
	reEncoded = regexp.MustCompile(`(?i)(?:^|\s)[-/]e(?:c|n|nc|nco|ncod|ncode|ncoded|ncodedc|ncodedco|ncodedcom|ncodedcomm|ncodedcomma|ncodedcomman|ncodedcommand)?\s+([A-Za-z0-9+/]{16,}={0,2})`)
	reB64Call = regexp.MustCompile(`(?i)FromBase64String\(\s*['"]([A-Za-z0-9+/]{16,}={0,2})['"]`)
)

// scriptRules are the behaviours a line is checked for, with the
// patterns that show them.
var scriptRules = []struct {
	behavior string
	re       *regexp.Regexp
}{
	{"download cradle (fetches code or a file from the network)", regexp.MustCompile(`(?i)Net\.WebClient|DownloadString|DownloadFile|DownloadData|Invoke-WebRequest|\biwr\b|Invoke-RestMethod|\birm\b|Start-BitsTransfer|bitsadmin\s+/transfer|certutil(?:\.exe)?\s+.*-urlcache|\bcurl(?:\.exe)?\s+\S*https?://|\bwget\s+\S*https?://|Msxml2\.XMLHTTP|WinHttpRequest`)},
	{"runs code from a string (Invoke-Expression)", regexp.MustCompile(`(?i)\bIEX\b|Invoke-Expression|\|\s*iex\b|\.Invoke\(\)|ScriptBlock\]::Create`)},
	{"AMSI bypass (disables the antimalware scan interface)", regexp.MustCompile(`(?i)AmsiUtils|amsiInitFailed|AmsiScanBuffer|amsi\.dll`)},
	{"hidden window", regexp.MustCompile(`(?i)-w(?:indowstyle)?\s+h(?:idden)?\b|-WindowStyle\s+Hidden|CreateNoWindow`)},
	{"execution policy bypass or no profile", regexp.MustCompile(`(?i)-ex(?:ecutionpolicy)?\s+bypass|-ep\s+bypass|-nop(?:rofile)?\b|-noni(?:nteractive)?\b`)},
	{"persistence (scheduled task, service, Run key, WMI subscription)", regexp.MustCompile(`(?i)schtasks(?:\.exe)?\s+/create|New-ScheduledTask|Register-ScheduledTask|New-Service|sc(?:\.exe)?\s+create|CurrentVersion\\Run|__EventFilter|CommandLineEventConsumer|Startup\\`)},
	{"credential access (LSASS, Mimikatz, SAM)", regexp.MustCompile(`(?i)mimikatz|sekurlsa|lsadump|lsass|comsvcs(?:\.dll)?[, ]+MiniDump|procdump.*lsass|reg(?:\.exe)?\s+save\s+hklm\\sam|Get-Credential|Invoke-Mimikatz`)},
	{"defence evasion (Defender settings, logs, shadow copies)", regexp.MustCompile(`(?i)Set-MpPreference|Add-MpPreference|DisableRealtimeMonitoring|wevtutil\s+cl|Clear-EventLog|vssadmin\s+delete|wbadmin\s+delete|bcdedit.*recoveryenabled`)},
	{"obfuscation (encoded or assembled strings)", regexp.MustCompile(`(?i)FromBase64String|\[char\]\s*\d+|-join\s*\(|\[string\]::join|-bxor|-replace\s*'.'|GzipStream|DeflateStream|\$env:comspec\[|[a-z]` + "`" + `[a-z]`)},
	{"reflective loading (.NET assembly or shellcode in memory)", regexp.MustCompile(`(?i)Reflection\.Assembly\]::Load|VirtualAlloc|CreateThread|Marshal\]::Copy|Add-Type.*DllImport`)},
	{"network listener or reverse shell", regexp.MustCompile(`(?i)Net\.Sockets\.TCPClient|TcpListener|New-Object\s+System\.Net\.Sockets|nc(?:\.exe)?\s+-e\b|/dev/tcp/`)},
}

// MatchScript reports whether the prompt asks about a script or command
// line and, if so, analyses it. A prompt with an -EncodedCommand payload
// is analysed whatever its words.
func MatchScript(prompt string) (*ScriptReport, bool) {
	body := prompt
	if i := strings.IndexAny(prompt, ":\n"); i >= 0 && reScriptAsk.MatchString(prompt[:i+1]) {
		body = strings.TrimSpace(prompt[i+1:])
	}
	if !reEncoded.MatchString(body) && !reB64Call.MatchString(body) && !(reScriptAsk.MatchString(prompt) && looksLikeScript(body)) {
		return nil, false
	}
	r := &ScriptReport{Input: body}
	text := body
	// Peel encoded layers, at most a few deep.
	for depth := 0; depth < 4; depth++ {
		m := reEncoded.FindStringSubmatch(text)
		if m == nil {
			m = reB64Call.FindStringSubmatch(text)
		}
		if m == nil {
			break
		}
		dec, ok := decodeB64(m[1])
		if !ok {
			break
		}
		r.Decoded = append(r.Decoded, dec)
		text = dec
	}
	r.Lines = splitStatements(text)
	for i, line := range r.Lines {
		for _, rule := range scriptRules {
			if m := rule.re.FindString(line); m != "" {
				r.Finds = append(r.Finds, ScriptFind{Line: i + 1, Behavior: rule.behavior, Evidence: strings.TrimSpace(m)})
			}
		}
	}
	// What the outer command line does too (hidden window, bypass).
	if len(r.Decoded) > 0 {
		for _, rule := range scriptRules {
			if m := rule.re.FindString(body); m != "" && !strings.Contains(rule.behavior, "obfuscation") {
				r.Finds = append(r.Finds, ScriptFind{Line: 0, Behavior: rule.behavior, Evidence: strings.TrimSpace(m)})
			}
		}
	}
	return r, true
}

// looksLikeScript reports whether text reads as code rather than English.
func looksLikeScript(text string) bool {
	return strings.ContainsAny(text, "$|;(){}[]") || strings.Contains(strings.ToLower(text), "powershell") || strings.Contains(text, ".exe")
}

// decodeB64 decodes base64 text as PowerShell's -EncodedCommand does
// (UTF-16LE), or as UTF-8 when it is not UTF-16.
func decodeB64(s string) (string, bool) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return "", false
		}
	}
	if len(b) >= 2 && len(b)%2 == 0 {
		zeros := 0
		for i := 1; i < len(b); i += 2 {
			if b[i] == 0 {
				zeros++
			}
		}
		if zeros*10 >= len(b)/2*8 { // mostly ASCII in UTF-16LE
			u := make([]uint16, len(b)/2)
			for i := range u {
				u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
			}
			return string(utf16.Decode(u)), true
		}
	}
	for _, c := range b {
		if c < 0x09 || c > 0x7e && c < 0xa0 {
			return "", false // binary, not text
		}
	}
	return string(b), true
}

// splitStatements splits a script into lines, and a one-line script into
// its statements at semicolons outside quotes.
func splitStatements(text string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		var cur strings.Builder
		quote := rune(0)
		for _, r := range line {
			switch {
			case quote != 0 && r == quote:
				quote = 0
			case quote == 0 && (r == '\'' || r == '"'):
				quote = r
			case quote == 0 && r == ';':
				if s := strings.TrimSpace(cur.String()); s != "" {
					out = append(out, s)
				}
				cur.Reset()
				continue
			}
			cur.WriteRune(r)
		}
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Markdown writes the report for people: the decoded layers, the lines,
// and the findings with the line each is on.
func (r *ScriptReport) String() string {
	var b strings.Builder
	b.WriteString("Script analysis (nothing was run)\n\n")
	for i, d := range r.Decoded {
		fmt.Fprintf(&b, "Decoded layer %d (base64, UTF-16LE as -EncodedCommand takes it):\n", i+1)
		for _, l := range strings.Split(strings.TrimSpace(d), "\n") {
			b.WriteString("    " + l + "\n")
		}
		b.WriteString("\n")
	}
	if len(r.Finds) == 0 {
		b.WriteString("Findings: none of the behaviours kqlhunt checks for (download cradles, Invoke-Expression, AMSI bypass, hidden windows, policy bypass, persistence, credential access, defence evasion, obfuscation, reflective loading, reverse shells).\n")
		return b.String()
	}
	b.WriteString("Findings:\n")
	for _, f := range r.Finds {
		where := "the command line"
		if f.Line > 0 {
			where = fmt.Sprintf("line %d", f.Line)
		}
		fmt.Fprintf(&b, "- %s: %s (%q)\n", where, f.Behavior, f.Evidence)
	}
	return b.String()
}
