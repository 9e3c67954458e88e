//go:build linux || darwin

package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// ptyChat is `kqlhunt chat` on a pseudo-terminal, typed at as a person
// would.
type ptyChat struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	mark int // where the next wait starts looking
	done chan error
}

func startPTYChat(t *testing.T, env []string, args ...string) *ptyChat {
	t.Helper()
	bin, err := exec.LookPath("kqlhunt")
	if err != nil {
		t.Skip("kqlhunt is not on PATH (run through go test)")
	}
	cmd := exec.Command(bin, append([]string{"chat", "--now", "2025-06-07T18:00:00Z"}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KQLHUNT_HISTORY=") && !strings.HasPrefix(kv, "XDG_STATE_HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"NO_COLOR=1", "TERM=xterm"}, env...)...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 160, Rows: 50})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	p := &ptyChat{t: t, f: f, cmd: cmd, done: make(chan error, 1)}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			p.mu.Lock()
			p.out.Write(buf[:n])
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
	})
	return p
}

func (p *ptyChat) send(s string) {
	p.t.Helper()
	if _, err := io.WriteString(p.f, s); err != nil {
		p.t.Fatalf("typing %q: %v", s, err)
	}
}

// waitExit waits for the chat to end, and fails the test (the process is
// killed at cleanup) when it does not within limit.
func (p *ptyChat) waitExit(limit time.Duration) error {
	p.t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(limit):
		p.t.Fatalf("the chat did not end within %s", limit)
		return nil
	}
}

// wait waits for text to appear after the mark, moves the mark past it
// and returns how long it took.
func (p *ptyChat) wait(text string, limit time.Duration) time.Duration {
	p.t.Helper()
	start := time.Now()
	for {
		p.mu.Lock()
		got := p.out.String()
		p.mu.Unlock()
		if i := strings.Index(got[p.mark:], text); i >= 0 {
			p.mark += i + len(text)
			return time.Since(start)
		}
		if time.Since(start) > limit {
			p.t.Fatalf("no %q within %s; the terminal shows:\n%s", text, limit, got[p.mark:])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The interactive chat through a pseudo-terminal: Up recalls a prompt of
// an earlier session, which is edited and run; a pasted multi-line query
// and a line ending in | are one turn each; Tab completes a command;
// Ctrl-C stops a long query, the prompt is back within a second, and the
// next follow-up refers to the result before it; Ctrl-D leaves.
func TestChatREPLOnPTY(t *testing.T) {
	state := t.TempDir()
	hist := filepath.Join(state, "kqlhunt", "chat_history")
	if err := os.MkdirAll(filepath.Dir(hist), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hist, []byte("open incidents from fs01\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := startPTYChat(t, []string{"XDG_STATE_HOME=" + state})
	p.wait("kqlhunt> ", 30*time.Second)

	// Up, then delete " from fs01" and run.
	p.send("\x1b[A")
	p.wait("open incidents from fs01", 5*time.Second)
	p.send(strings.Repeat("\x7f", len(" from fs01")) + "\r")
	p.wait("still open", 20*time.Second)
	p.wait("4 rows.", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// A pasted query of three lines is one turn.
	p.send("\x1b[200~DeviceProcessEvents\r| where DeviceName startswith \"fs01\"\r| count\x1b[201~")
	p.send("\r")
	p.wait("Count: ", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)
	// A line that ends with | continues.
	p.send("SecurityIncident |\r")
	time.Sleep(200 * time.Millisecond)
	p.send("count\r")
	p.wait("Count: ", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// Tab completes a command.
	p.send("/he\t")
	time.Sleep(300 * time.Millisecond)
	p.send("\r")
	p.wait("Ctrl-C stops a running query", 5*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// Tab completes a table name.
	p.send("SecurityInc\t")
	time.Sleep(300 * time.Millisecond)
	p.send(" | count\r")
	p.wait("Count: 19.", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// Ctrl-R finds the pasted query in the history.
	p.send("\x12startswith")
	time.Sleep(300 * time.Millisecond)
	p.send("\r")
	time.Sleep(300 * time.Millisecond)
	p.send("\r")
	p.wait("Count: ", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// Keys without a meaning here (F5, an unknown sequence) never become
	// text.
	p.send("\x1b[15~\x1b[99~print x = 7\r")
	p.wait("x: 7.", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)

	// Back to the incidents, then a query that would run for minutes.
	p.send("open incidents\r")
	p.wait("4 rows.", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)
	p.send("range i from 1 to 1000000000000 step 1 | summarize count()\r")
	time.Sleep(1500 * time.Millisecond)
	p.send("\x03")
	p.wait("query cancelled", time.Second)
	if d := p.wait("kqlhunt> ", time.Second); d > time.Second {
		t.Errorf("the prompt came back after %s", d)
	}
	// The follow-up refers to the incidents, not to the cancelled query.
	p.send("tell me more about the first one\r")
	p.wait("Lists the alerts of incident 1053", 20*time.Second)
	// The prompt shows the incident in focus.
	p.wait("kqlhunt [incident 1053]> ", 5*time.Second)

	// Ctrl-D leaves, with status 0.
	p.send("\x04")
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("chat ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Ctrl-D did not end the chat")
	}

	// The history has the prompts as typed: no escape codes, the pasted
	// query as one entry.
	b, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	want := "open incidents from fs01\nopen incidents\nDeviceProcessEvents | where DeviceName startswith \"fs01\" | count\nSecurityIncident | count\nDeviceProcessEvents | where DeviceName startswith \"fs01\" | count\nprint x = 7\nopen incidents\nrange i from 1 to 1000000000000 step 1 | summarize count()\ntell me more about the first one\n"
	if string(b) != want {
		t.Errorf("history file:\n%s\nwant:\n%s", b, want)
	}
	// The conversation was saved.
	files, _ := filepath.Glob(filepath.Join(state, "kqlhunt", "conversations", "*.json"))
	if len(files) != 1 {
		t.Errorf("saved conversations: %q, want 1", files)
	}
}

// Ctrl-C twice at an empty prompt leaves; once does not.
func TestChatREPLCtrlCTwice(t *testing.T) {
	p := startPTYChat(t, []string{"KQLHUNT_HISTORY=off"})
	p.wait("kqlhunt> ", 30*time.Second)
	p.send("\x03")
	p.wait("Ctrl-C again", 5*time.Second)
	p.send("print x = 41 + 1\r")
	p.wait("42", 20*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)
	p.send("\x03")
	p.wait("Ctrl-C again", 5*time.Second)
	p.send("\x03")
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("chat ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a second Ctrl-C did not end the chat")
	}
}

// --timeout stops each query of a chat, and the chat goes on.
func TestChatREPLTimeout(t *testing.T) {
	p := startPTYChat(t, []string{"KQLHUNT_HISTORY=off"}, "--timeout", "1s")
	p.wait("kqlhunt> ", 30*time.Second)
	start := time.Now()
	p.send("range i from 1 to 1000000000000 step 1 | summarize count()\r")
	p.wait("longer than --timeout 1s", 10*time.Second)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stopped after %s", d)
	}
	p.send("print x = 41 + 1\r")
	p.wait("42", 20*time.Second)
	p.wait("kqlhunt> ", 10*time.Second)
	p.send("\x04")
	p.waitExit(10 * time.Second)
}

// SIGTERM ends a chat that waits at the prompt, with 130, the terminal
// restored.
func TestChatREPLTerminate(t *testing.T) {
	p := startPTYChat(t, []string{"KQLHUNT_HISTORY=off"})
	p.wait("kqlhunt> ", 30*time.Second)
	time.Sleep(200 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
			t.Errorf("chat ended with %v, want status %d", err, ExitInterrupted)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not end the chat")
	}
	p.wait("[?2004l", time.Second) // bracketed paste is off again
}

// At a terminal a plan is proposed; Enter runs it, n does not, and the
// chat goes on.
func TestChatREPLPlanApproval(t *testing.T) {
	p := startPTYChat(t, []string{"KQLHUNT_HISTORY=off"})
	p.wait("kqlhunt> ", 30*time.Second)
	p.send("investigate incident 1024\r")
	p.wait("Plan: incident summary of incident 1024 (3 steps)", 20*time.Second)
	p.wait("run the plan? [Y/n] ", 5*time.Second)
	p.send("\r")
	p.wait("[step 3 of 3]", 20*time.Second)
	p.wait("Findings: incident summary of incident 1024", 20*time.Second)
	p.wait("Devices: lnx-web-02.", 5*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)
	p.send("recommended next steps for incident 1041\r")
	p.wait("run the plan? [Y/n] ", 20*time.Second)
	p.send("n\r")
	p.wait("(the plan was not run)", 5*time.Second)
	p.wait("kqlhunt> ", 5*time.Second)
	p.send("print x = 41 + 1\r")
	p.wait("42", 20*time.Second)
	p.wait("kqlhunt> ", 10*time.Second)
	p.send("\x04")
	p.waitExit(10 * time.Second)
	p.mu.Lock()
	defer p.mu.Unlock()
	if strings.Contains(p.out.String(), "Findings: guided response") {
		t.Error("the rejected plan ran")
	}
}
