package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kqlhunt/kqlhunt/render"
)

// globalOptions are the persistent flags every command shares.
type globalOptions struct {
	env *env

	data      string
	nowText   string
	format    string
	output    string
	timeout   time.Duration
	maxMemory string

	followSymlinks bool

	now time.Time // --now, or the clock's time when the command started
}

func newRoot(e *env) *cobra.Command {
	g := &globalOptions{env: e}
	root := &cobra.Command{
		Use:   "kqlhunt",
		Short: "Hunt through security data with KQL, on an embedded DuckDB",
		Long: `kqlhunt runs KQL (Kusto Query Language, as in Microsoft Defender XDR advanced
hunting and Microsoft Sentinel) on a local, embedded DuckDB over incident,
alert and event data: the built-in sample dataset, or your own with --data.

Plain-English questions: translate (print the KQL), ask (translate, run,
summarize) and chat (a conversation with follow-ups).

Exit status: 0 success, 1 a query or data error, 2 a usage error,
3 a prompt that needs a clarifying answer, 130 interrupted.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return g.validate() },
		// A bare "kqlhunt" prints help; unknown words are usage errors.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetFlagErrorFunc(flagError)

	pf := root.PersistentFlags()
	pf.StringVar(&g.data, "data", "", "dataset at `PATH`: a directory of TABLE.csv/.json/.jsonl/.parquet files or a .duckdb file (default: the embedded sample dataset)")
	pf.StringVar(&g.nowText, "now", "", "pin now() and ago() to `TIME` (RFC 3339, e.g. 2024-05-01T12:00:00Z)")
	pf.StringVar(&g.format, "format", "table", "output `FORMAT`: "+strings.Join(render.Formats, "|"))
	pf.StringVarP(&g.output, "output", "o", "", "write the output to `FILE` (atomically) instead of standard output")
	pf.DurationVar(&g.timeout, "timeout", 0, "stop a query that runs longer than `DURATION` (e.g. 30s; 0 means no limit)")
	pf.BoolVar(&g.followSymlinks, "follow-symlinks", false, "load --data files that are symbolic links to files outside the data directory (refused otherwise)")
	pf.StringVar(&g.maxMemory, "max-memory", "", "DuckDB memory limit, a `SIZE` such as 2GB or 512MiB")

	root.AddCommand(
		newFmtCmd(g),
		newCheckCmd(g),
		newQueryCmd(g),
		newSQLCmd(g),
		newRunCmd(g),
		newSchemaCmd(g),
		newTestCmd(g),
		newFixturesCmd(g),
		newTranslateCmd(g),
		newAskCmd(g),
		newChatCmd(g),
	)
	return root
}

// unknownCommand is the Args check of a command that only groups others:
// any word is an unknown command, with the closest one as a hint.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	u := &usageError{err: fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		u.hint = fmt.Sprintf("did you mean %q?", s[0])
	}
	return u
}

// flagError makes a flag parsing error a usage error, with the closest
// flag name as a hint for an unknown one.
func flagError(cmd *cobra.Command, err error) error {
	u := &usageError{err: err}
	name, ok := strings.CutPrefix(err.Error(), "unknown flag: --")
	if !ok {
		return u
	}
	best, bestD := "", 3
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if d := editDistance(name, f.Name); d < bestD {
			best, bestD = f.Name, d
		}
	})
	if best != "" {
		u.hint = fmt.Sprintf("did you mean --%s?", best)
	}
	return u
}

// sizeRE is a --max-memory size as DuckDB reads it: a number and a unit
// (DuckDB refuses a bare number).
var sizeRE = regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*([KMGT]I?B|B)$`)

// parseSize returns the bytes of a --max-memory size, ok when it is one
// DuckDB accepts: more than 0 and at most 1 PiB.
func parseSize(s string) (float64, bool) {
	m := sizeRE.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	unit := map[string]float64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[m[2]]
	b := n * unit
	return b, b >= 1 && b <= 1<<50
}

// validate checks the global flags once, before any command runs.
func (g *globalOptions) validate() error {
	if !slices.Contains(render.Formats, g.format) {
		return usagef("invalid --format %q (want one of %s)", g.format, strings.Join(render.Formats, ", "))
	}
	if g.nowText != "" {
		t, err := time.Parse(time.RFC3339Nano, g.nowText)
		if err != nil {
			return usagef("invalid --now %q: want an RFC 3339 time such as 2024-05-01T12:00:00Z", g.nowText)
		}
		g.now = t.UTC()
	} else {
		g.now = g.env.now().UTC()
	}
	// KQL's clock has 100 ns ticks.
	g.now = g.now.Truncate(100 * time.Nanosecond)
	if g.timeout < 0 {
		return usagef("invalid --timeout %s: must not be negative", g.timeout)
	}
	if _, ok := parseSize(g.maxMemory); g.maxMemory != "" && !ok {
		return usagef("invalid --max-memory %q: want a size from 1B to 1024TiB with its unit, such as 2GB or 512MiB", g.maxMemory)
	}
	return nil
}

// withTimeout applies --timeout to ctx.
func (g *globalOptions) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if g.timeout > 0 {
		return context.WithTimeout(ctx, g.timeout)
	}
	return context.WithCancel(ctx)
}

// output is where a command writes its result: standard output, or the -o
// file, which appears (by rename) only when Close is called after a
// successful write.
type output struct {
	io.Writer
	tty    bool
	commit func() error
	abort  func()
}

// openOutput opens the destination of the result in the given format:
// -o FILE (atomically) or standard output. xlsx is binary and goes to a
// terminal only by mistake, so it needs -o or a redirected stdout.
func (g *globalOptions) openOutput(format string) (*output, error) {
	if g.output != "" {
		f, err := newAtomicFile(g.output, 0o644)
		if err != nil {
			return nil, err
		}
		return &output{Writer: f, commit: f.Commit, abort: f.Abort}, nil
	}
	tty := g.env.isTerminal(g.env.stdout)
	if format == "xlsx" && tty {
		return nil, usagef("--format xlsx writes a binary workbook: use -o FILE or redirect standard output")
	}
	return &output{Writer: g.env.stdout, tty: tty, commit: func() error { return nil }, abort: func() {}}, nil
}

// readSource reads a query given as text, as -f FILE, or on standard input,
// and returns it with the name diagnostics should use for it.
func (g *globalOptions) readSource(args []string, file string) (name, src string, err error) {
	switch {
	case len(args) > 0 && file != "":
		return "", "", usagef("give the query as an argument or with -f, not both")
	case len(args) > 1:
		return "", "", usagef("the query must be one argument (quote it): got %d arguments", len(args))
	case len(args) == 1:
		return "<arg>", args[0], nil
	case file != "" && file != "-":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", err
		}
		return file, string(b), nil
	}
	if g.env.isTerminal(g.env.stdin) {
		fmt.Fprintln(g.env.stderr, "kqlhunt: reading the query from standard input; end it with Ctrl-D")
	}
	b, err := io.ReadAll(g.env.stdin)
	if err != nil {
		return "", "", fmt.Errorf("reading standard input: %w", err)
	}
	return "<stdin>", string(b), nil
}

// extension is the file name extension for a result in format.
func extension(format string) string {
	switch format {
	case "table":
		return ".txt"
	case "markdown":
		return ".md"
	}
	return "." + format
}

// displayName is how diagnostics name a file: as given on the command line.
func displayName(path string) string { return filepath.Clean(path) }
