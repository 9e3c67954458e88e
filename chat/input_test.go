package chat

import (
	"slices"
	"testing"

	"github.com/kqlhunt/kqlhunt/translate"
)

func TestNeedsMore(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"SecurityIncident |", true},
		{"SecurityIncident | where x in (1, 2", true},
		{"print x = dynamic([1, 2", true},
		{"print s = \"a (b\"", false},
		{"print s = 'unclosed", true},
		{"SecurityIncident // a comment (", false},
		{"SecurityIncident\n| where x in (1,\n2)", false},
		{"open incidents", false},
		{"what is (this)?", false},
		{"", false},
	} {
		if got := NeedsMore(c.in); got != c.want {
			t.Errorf("NeedsMore(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCleanInput(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b[Aopen incidents":       "open incidents",
		"open\x1b[D\x1b[C incidents": "open incidents",
		"a\x1bOAb":                   "ab",
		"x\x07y\r\nz":                "xy\n\nz",
		"\x1b]52;c;aGk=\x07ok":       "ok",
		"plain text":                 "plain text",
	} {
		if got := CleanInput(in); got != want {
			t.Errorf("CleanInput(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOptions(t *testing.T) {
	q := "What do you want to see for fs01.corp.contoso.com: alerts, processes, network connections, file events, logons, or a timeline of all of them?"
	want := []string{"alerts", "processes", "network connections", "file events", "logons", "a timeline of all of them"}
	if got := Options(q); !slices.Equal(got, want) {
		t.Errorf("Options = %q, want %q", got, want)
	}
	q = `I do not know zork. Is it a device ("on host zork"), a user ("user zork"), or text to search for (in quotes)?`
	if got := Options(q); !slices.Equal(got, []string{"on host zork", "user zork"}) {
		t.Errorf("quoted Options = %q", got)
	}
	if got := Options("What should I look for?"); got != nil {
		t.Errorf("no options: %q", got)
	}
	for in, want := range map[string]string{"2": "processes", " 1. ": "alerts", "option 3": "network connections", "7": "7", "processes only": "processes only", "0": "0"} {
		if got := PickOption(in, want6()); got != want {
			t.Errorf("PickOption(%q) = %q, want %q", in, got, want)
		}
	}
}

func want6() []string {
	return []string{"alerts", "processes", "network connections", "file events", "logons", "a timeline of all of them"}
}

func TestParseFocus(t *testing.T) {
	for in, want := range map[string]string{
		"incident 1041":             "incident 1041",
		"incident #1041":            "incident 1041",
		"device fs01":               "device fs01",
		"host fs01":                 "device fs01",
		"user alice@contoso.com":    "user alice@contoso.com",
		"account alice@contoso.com": "user alice@contoso.com",
		"alert da637":               "alert da637",
	} {
		e, err := ParseFocus(in)
		if err != nil || FocusLabel(e) != want {
			t.Errorf("ParseFocus(%q) = %v, %v; want %s", in, e, err, want)
		}
	}
	for _, bad := range []string{"", "incident", "incident abc", "planet mars", "device \"x\""} {
		if _, err := ParseFocus(bad); err == nil {
			t.Errorf("ParseFocus(%q) did not fail", bad)
		}
	}
}

func TestResolveFocus(t *testing.T) {
	dev := &translate.Entity{Kind: "device", ID: "fs01.corp.contoso.com"}
	user := &translate.Entity{Kind: "user", ID: "megan.bowen@contoso.com"}
	inc := &translate.Entity{Kind: "incident", ID: "1041"}
	for _, c := range []struct {
		in   string
		f    *translate.Entity
		want string
	}{
		{"what happened on that device", dev, "what happened on fs01.corp.contoso.com"},
		{"processes on This Host", dev, "processes on fs01.corp.contoso.com"},
		{"sign-ins of this user", user, "sign-ins of megan.bowen@contoso.com"},
		{"alerts of these users", user, "alerts of megan.bowen@contoso.com"},
		{"which users are involved in this incident", inc, "which users are involved in this incident"},
		{"what happened on that device", nil, "what happened on that device"},
		{"sign-ins of this user", dev, "sign-ins of this user"},
	} {
		if got := ResolveFocus(c.in, c.f); got != c.want {
			t.Errorf("ResolveFocus(%q, %v) = %q, want %q", c.in, c.f, got, c.want)
		}
	}
}
