package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// testEnv runs kqlhunt in-process over buffers.
func testEnv(stdin string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	return &env{
		stdin:      strings.NewReader(stdin),
		stdout:     &stdout,
		stderr:     &stderr,
		now:        func() time.Time { return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC) },
		isTerminal: func(any) bool { return false },
	}, &stdout, &stderr
}

func TestInterruptedExits130(t *testing.T) {
	e, _, stderr := testEnv("")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // as Ctrl-C does through signal.NotifyContext
	if code := run(ctx, []string{"query", "print 1"}, e); code != ExitInterrupted {
		t.Errorf("exit code %d, want %d (stderr %q)", code, ExitInterrupted, stderr)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr = %q", stderr)
	}
}

func TestXLSXRefusesTerminal(t *testing.T) {
	e, stdout, stderr := testEnv("")
	e.isTerminal = func(any) bool { return true }
	if code := run(context.Background(), []string{"query", "--format", "xlsx", "print 1"}, e); code != ExitUsage {
		t.Errorf("exit code %d, want %d", code, ExitUsage)
	}
	if stdout.Len() != 0 || !strings.Contains(stderr.String(), "-o FILE") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

// Commands read the clock through env: without --now, now() is the
// injected clock's time, and the sample dataset is shifted to end there.
func TestInjectedClock(t *testing.T) {
	e, stdout, stderr := testEnv("")
	code := run(context.Background(), []string{"query", "--format", "csv", "print now()"}, e)
	if code != ExitOK {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	if want := "print_0\n2024-05-01T12:00:00.0000000Z\n"; stdout.String() != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}

	// The story ends at the injected now (2024-05-01), whatever the wall
	// clock says.
	e, stdout, stderr = testEnv("DeviceProcessEvents | summarize m=max(Timestamp) | project y=getyear(m), after=m > now()")
	if code := run(context.Background(), []string{"query", "--format", "csv"}, e); code != ExitOK {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	if want := "y,after\n2024,false\n"; stdout.String() != want {
		t.Errorf("the sample's last event: %q, want %q", stdout, want)
	}
}
