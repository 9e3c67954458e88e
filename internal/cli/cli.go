package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/kqlhunt/kqlhunt/render"
)

// Exit codes, as in the design's command-line contract.
const (
	ExitOK          = 0
	ExitError       = 1 // a query or data error
	ExitUsage       = 2
	ExitClarify     = 3 // the prompt needs a clarifying answer
	ExitInterrupted = 130
)

// Main runs kqlhunt with args (without the program name) and returns the
// exit code. Ctrl-C (or SIGTERM) cancels the running query through its
// context and exits with 130.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigc := make(chan os.Signal, 1)
	signal.Notify(sigc, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigc)
	trap := &interruptTrap{}
	go func() {
		for sig := range sigc {
			// A chat takes Ctrl-C for itself while it runs a query: it
			// cancels the query, not the chat.
			if sig == os.Interrupt && trap.deliver() {
				continue
			}
			cancel()
			// After the first Ctrl-C has cancelled the query, a second
			// one ends the program the default way, even if the query
			// is stuck.
			signal.Stop(sigc)
			return
		}
	}()
	return run(ctx, args, &env{
		stdin:      stdin,
		stdout:     stdout,
		stderr:     stderr,
		now:        time.Now,
		isTerminal: isTerminal,
		termSize:   termSize,
		getenv:     os.Getenv,
		interrupts: trap,
	})
}

// interruptTrap lets a command take Ctrl-C (SIGINT) for itself instead of
// ending the program.
type interruptTrap struct {
	mu sync.Mutex
	c  chan struct{}
}

// take routes SIGINT to the returned channel until release is called.
// A nil trap returns a nil channel (Ctrl-C then cancels the command's
// context, as usual).
func (t *interruptTrap) take() (<-chan struct{}, func()) {
	if t == nil {
		return nil, func() {}
	}
	c := make(chan struct{}, 1)
	t.mu.Lock()
	t.c = c
	t.mu.Unlock()
	return c, func() {
		t.mu.Lock()
		if t.c == c {
			t.c = nil
		}
		t.mu.Unlock()
	}
}

func (t *interruptTrap) deliver() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		return false
	}
	select {
	case t.c <- struct{}{}:
	default:
	}
	return true
}

// env is what every command gets injected: the streams, the clock, the
// terminal and the environment. Tests build one over buffers and a fixed
// clock.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	isTerminal     func(w any) bool
	termSize       func(w any) (cols, rows int) // 0, 0 when unknown
	getenv         func(string) string
	// interrupts is where a command can take Ctrl-C for itself (nil in
	// tests that run in-process).
	interrupts *interruptTrap
}

// termSize returns the size of the terminal w is, or 0, 0.
func termSize(w any) (cols, rows int) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, 0
	}
	cols, rows, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0, 0
	}
	return cols, rows
}

// isTerminal reports whether w is a terminal.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func run(ctx context.Context, args []string, e *env) int {
	if e.termSize == nil {
		e.termSize = func(any) (int, int) { return 0, 0 }
	}
	if e.getenv == nil {
		e.getenv = func(string) string { return "" }
	}
	// Everything on standard error passes through SafeWriter: errors echo
	// names and values from the data, which must not drive the terminal;
	// then, on a terminal, errors and hints are coloured.
	tty := e.isTerminal(e.stderr)
	safe := &render.SafeWriter{W: e.stderr}
	if tty && useColor(e.getenv) {
		safe.W = &colorWriter{w: e.stderr, atStart: true}
	}
	defer safe.Flush()
	e.isTerminal = keepTerminal(e.isTerminal, e.stderr, safe)
	e.termSize = keepTermSize(e.termSize, e.stderr, safe)
	e.stderr = safe
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if cmd == nil {
		cmd = root
	}
	return exitCode(ctx, e.stderr, cmd.CommandPath(), err)
}

// usageError is a mistake in how the command was called: exit 2. Hint,
// when set, is a suggestion shown on its own line.
type usageError struct {
	err  error
	hint string
}

func (u *usageError) Error() string { return u.err.Error() }
func (u *usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// reportedError is a failure whose details the command already printed
// (diagnostics, a run summary); only its exit code remains.
type reportedError struct{ code int }

func (r *reportedError) Error() string { return fmt.Sprintf("exit status %d", r.code) }

// runError marks an error returned by a command's RunE, as opposed to one
// cobra found while parsing the command line (which is a usage error).
type runError struct{ err error }

func (r *runError) Error() string { return r.err.Error() }
func (r *runError) Unwrap() error { return r.err }

// exitCode is the one place where errors become exit codes and where the
// last error line is printed. cmdPath names the command that ran, for the
// pointer to its help.
func exitCode(ctx context.Context, stderr io.Writer, cmdPath string, err error) int {
	if err == nil {
		return ExitOK
	}
	var (
		rep   *reportedError
		usage *usageError
		re    *runError
		src   *sourceError
	)
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.Canceled):
		fmt.Fprintln(stderr, "kqlhunt: interrupted")
		return ExitInterrupted
	case errors.As(err, &rep):
		return rep.code
	case errors.As(err, &usage) || !errors.As(err, &re):
		fmt.Fprintf(stderr, "kqlhunt: %v\n", err)
		if usage != nil && usage.hint != "" {
			fmt.Fprintf(stderr, "hint: %s\n", usage.hint)
		}
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmdPath)
		return ExitUsage
	case errors.Is(err, context.DeadlineExceeded):
		fmt.Fprintln(stderr, "kqlhunt: query timed out (--timeout)")
		return ExitError
	case errors.As(err, &src):
		if writeDiagnostics(stderr, src.file, src.src, src.err) {
			return ExitError
		}
		fmt.Fprintf(stderr, "kqlhunt: %s: %v\n", src.file, src.err)
		return ExitError
	}
	fmt.Fprintf(stderr, "kqlhunt: %v\n", err)
	return ExitError
}

// sourceError is an error about a query text, kept with the text so its
// positions can be shown.
type sourceError struct {
	file, src string
	err       error
}

func (s *sourceError) Error() string { return s.err.Error() }
func (s *sourceError) Unwrap() error { return s.err }

// runE wraps a command body so its errors are told apart from cobra's own
// command-line errors.
func runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := f(cmd, args); err != nil {
			var usage *usageError
			if errors.As(err, &usage) {
				return err
			}
			return &runError{err}
		}
		return nil
	}
}
