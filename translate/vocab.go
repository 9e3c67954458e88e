package translate

import (
	"slices"
	"strings"
)

// Vocabulary is what the active dataset calls things: the device, account
// and file names in it. The translator grounds the words of a prompt in
// it ("fs01" is the device fs01.corp.contoso.com, "svc-backup" an account,
// "xmrig" a process). The caller (chat) fills it from the dataset; an
// empty Vocabulary still works, on patterns alone.
type Vocabulary struct {
	Devices  []string // DeviceName values
	Accounts []string // account names (AccountName)
	UPNs     []string // user principal names
	Files    []string // process and file names (FileName)

	devIndex  map[string][]string // lower-case full or short name → device names
	acctIndex map[string]string
	fileIndex map[string][]string // lower-case name without extension → file names
}

func (v *Vocabulary) index() {
	if v == nil || v.devIndex != nil {
		return
	}
	v.devIndex = map[string][]string{}
	for _, d := range v.Devices {
		l := strings.ToLower(d)
		v.devIndex[l] = appendUnique(v.devIndex[l], d)
		if short, _, ok := strings.Cut(l, "."); ok {
			v.devIndex[short] = appendUnique(v.devIndex[short], d)
		}
	}
	v.acctIndex = map[string]string{}
	for _, a := range v.Accounts {
		v.acctIndex[strings.ToLower(a)] = a
	}
	for _, u := range v.UPNs {
		v.acctIndex[strings.ToLower(u)] = u
	}
	v.fileIndex = map[string][]string{}
	for _, f := range v.Files {
		l := strings.ToLower(f)
		base := strings.TrimSuffix(l, ".exe")
		v.fileIndex[base] = appendUnique(v.fileIndex[base], f)
		if base != l {
			v.fileIndex[l] = appendUnique(v.fileIndex[l], f)
		}
	}
}

func appendUnique(xs []string, x string) []string {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// device returns the device names a word stands for.
func (v *Vocabulary) device(word string) []string {
	if v == nil {
		return nil
	}
	v.index()
	return v.devIndex[strings.ToLower(word)]
}

// account returns the account name a word is, if any.
func (v *Vocabulary) account(word string) (string, bool) {
	if v == nil {
		return "", false
	}
	v.index()
	a, ok := v.acctIndex[strings.ToLower(word)]
	return a, ok
}

// files returns the file names a process word stands for ("powershell" →
// powershell.exe).
func (v *Vocabulary) files(word string) []string {
	if v == nil {
		return nil
	}
	v.index()
	return v.fileIndex[strings.ToLower(word)]
}

// deviceWords are the lower-case names (full and short) of every device,
// longest first, for matching in a prompt.
func (v *Vocabulary) deviceWords() []string {
	if v == nil {
		return nil
	}
	v.index()
	var out []string
	for w := range v.devIndex {
		out = append(out, w)
	}
	slices.Sort(out)
	sortLongestFirst(out)
	return out
}

func (v *Vocabulary) accountWords() []string {
	if v == nil {
		return nil
	}
	v.index()
	var out []string
	for w := range v.acctIndex {
		// Short or common words are not names in a sentence.
		if len(w) < 5 || stopwords[w] || !strings.ContainsAny(w, "._-@0123456789") {
			continue
		}
		out = append(out, w)
	}
	slices.Sort(out)
	sortLongestFirst(out)
	return out
}
