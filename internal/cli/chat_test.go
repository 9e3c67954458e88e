package cli

import (
	"context"
	"encoding/base64"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// An interactive chat prompts for each line and keeps the prompts in its
// history file.
func TestChatInteractiveHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist", "chat_history")
	t.Setenv("KQLHUNT_HISTORY", path)
	e, stdout, stderr := testEnv("how many incidents are there\nhistory\nexit\n")
	e.isTerminal = func(any) bool { return true }
	if code := run(context.Background(), []string{"chat", "--now", "2025-06-07T18:00:00Z"}, e); code != ExitOK {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	out := stdout.String()
	if strings.Count(out, "kqlhunt> ") != 3 {
		t.Errorf("want 3 prompts, got:\n%s", out)
	}
	if !strings.Contains(out, "Count: 9.") || !strings.Contains(out, "* 1. ") || !strings.Contains(out, "  1 turn  how many incidents are there\n") {
		t.Errorf("answer or history missing:\n%s", out)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "how many incidents are there\n" {
		t.Errorf("history file %q, %v", b, err)
	}
	// The conversation is saved beside the history file.
	if files, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "conversations", "*.json")); len(files) != 1 {
		t.Errorf("saved conversations: %q", files)
	}
}

// Ctrl-C while the chat waits for a line ends it with 130, without
// waiting for the line.
func TestChatInterruptedWhileWaiting(t *testing.T) {
	t.Setenv("KQLHUNT_HISTORY", "off")
	e, _, stderr := testEnv("")
	pr, pw := io.Pipe()
	defer pw.Close()
	e.stdin = pr
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, []string{"chat"}, e) }()
	// The chat is up when it waits for the first line: the write blocks
	// until the reader takes it.
	if _, err := pw.Write([]byte("help\n")); err != nil {
		t.Fatal(err)
	}
	cancel()
	if code := <-done; code != ExitInterrupted {
		t.Errorf("exit code %d, want %d (stderr %q)", code, ExitInterrupted, stderr)
	}
}

// On a terminal without line editing, an arrow key arrives as ESC [ A:
// it is dropped, not taken as a prompt that re-runs the last query, and
// it never reaches the history. /copy puts the last response on the
// terminal's clipboard with OSC 52.
func TestChatEscapesAndCopy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "chat_history")
	t.Setenv("KQLHUNT_HISTORY", path)
	e, stdout, stderr := testEnv("open incidents\n\x1b[A\n\x1b[A\x1b[B\n/copy\nexit\n")
	e.isTerminal = func(any) bool { return true }
	if code := run(context.Background(), []string{"chat", "--now", "2025-06-07T18:00:00Z"}, e); code != ExitOK {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	out := stdout.String()
	if n := strings.Count(out, "4 rows."); n != 1 {
		t.Errorf("the query ran %d times, want once:\n%s", n, out)
	}
	i := strings.Index(out, "\x1b]52;c;")
	if i < 0 {
		t.Fatalf("no OSC 52 sequence:\n%q", out)
	}
	end := strings.IndexByte(out[i:], '\a')
	if end < 0 {
		t.Fatalf("OSC 52 sequence not terminated")
	}
	text, err := base64.StdEncoding.DecodeString(out[i+len("\x1b]52;c;") : i+end])
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "| where Status != \"Closed\"\n") || !strings.Contains(string(text), " 1053 | 2025-06-07T09:09:12") || !strings.Contains(string(text), "4 rows.") {
		t.Errorf("clipboard text:\n%s", text)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "open incidents\n" {
		t.Errorf("history file %q, %v", b, err)
	}
}
