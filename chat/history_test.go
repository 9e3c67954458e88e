package chat

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "kqlhunt", "chat_history")
	h, err := LoadHistory(path)
	if err != nil || len(h.Entries) != 0 {
		t.Fatalf("a missing file: %v, %v", h, err)
	}
	h.Add("open incidents")
	h.Add("open incidents") // a repeat is kept once
	h.Add("tell me more\nabout the first one")
	h.Add("   ")
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v, %v", fi, err)
	}
	back, err := LoadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"open incidents", "tell me more about the first one"}; !slices.Equal(back.Entries, want) {
		t.Errorf("entries %q, want %q", back.Entries, want)
	}
	for i := range maxHistory + 5 {
		back.Add(string(rune('a'+i%26)) + "x")
	}
	if len(back.Entries) != maxHistory {
		t.Errorf("%d entries, want at most %d", len(back.Entries), maxHistory)
	}
	// No temporary files are left beside it.
	files, _ := os.ReadDir(filepath.Dir(path))
	if len(files) != 1 {
		t.Errorf("directory holds %d files, want 1", len(files))
	}
}

// Two chats keep one history: each save adds its prompts after the ones
// the other saved meanwhile.
func TestHistoryTwoChats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat_history")
	a, _ := LoadHistory(path)
	b, _ := LoadHistory(path)
	a.Add("from a 1")
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	b.Add("from b 1")
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	a.Add("from a 2")
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	back, _ := LoadHistory(path)
	if want := []string{"from a 1", "from b 1", "from a 2"}; !slices.Equal(back.Entries, want) {
		t.Errorf("entries %q, want %q", back.Entries, want)
	}
	if !slices.Equal(a.Entries, back.Entries) {
		t.Errorf("a sees %q after its save", a.Entries)
	}
}
