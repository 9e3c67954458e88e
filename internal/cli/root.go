package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

// globalOptions are the persistent flags every command shares.
type globalOptions struct {
	env *env

	data      string
	schema    string
	nowText   string
	format    string // --format as given; commands read fmt
	output    string
	timeout   time.Duration
	maxMemory string
	wide      bool // --wide: tables as wide as they are
	all       bool // --all: every row on a terminal too
	expanded  bool // -x: one field per line

	fmt render.Format // --format, or the one -o's extension names

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
		Version:           "-", // --version prints versionText
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error { return g.validate() },
		// A bare "kqlhunt" prints help; unknown words are usage errors.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	root.SetVersionTemplate("{{kqlhuntVersion}}\n")
	root.SetFlagErrorFunc(flagError)

	pf := root.PersistentFlags()
	pf.StringVar(&g.data, "data", "", "dataset at `PATH`: a directory of TABLE.csv/.json/.jsonl/.parquet files or a .duckdb file (default: the embedded sample dataset)")
	pf.StringVar(&g.schema, "schema", "", "the tables `FILE` describes (kqlhunt's schema.json, the NL2KQL schema format, or Kusto's .show database schema as json) for translate, check and fmt when there is no data, e.g. a Sentinel workspace")
	pf.StringVar(&g.nowText, "now", "", "pin now() and ago() to `TIME` (RFC 3339, e.g. 2024-05-01T12:00:00Z)")
	pf.StringVar(&g.format, "format", "", "output `FORMAT`: "+strings.Join(render.FormatNames(), "|")+" (default: the one -o's extension names, else table)")
	pf.StringVarP(&g.output, "output", "o", "", "write the output to `FILE` (atomically) instead of standard output; - is standard output")
	pf.DurationVar(&g.timeout, "timeout", 0, "stop a query that runs longer than `DURATION` (e.g. 30s; 0 means no limit)")
	pf.BoolVar(&g.followSymlinks, "follow-symlinks", false, "load --data files that are symbolic links to files outside the data directory (refused otherwise)")
	pf.StringVar(&g.maxMemory, "max-memory", "", "DuckDB memory limit, a `SIZE` such as 2GB or 512MiB")
	pf.BoolVar(&g.wide, "wide", false, "on a terminal, show tables at their full width (no truncated cells or left-out columns)")
	pf.BoolVar(&g.all, "all", false, "on a terminal, show every row of a table (not only a screenful)")
	pf.BoolVarP(&g.expanded, "expanded", "x", false, "show a table one field per line, a record at a time")

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
	registerCompletions(root, g)
	return root
}

// unknownCommand is the Args check of a command that only groups others:
// any word is an unknown command, with the closest one as a hint.
func unknownCommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	u := &usageError{err: fmt.Errorf("unknown command %q for %q", args[0], cmd.CommandPath())}
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() || c.Name() == "help" {
			names = append(names, c.Name())
			names = append(names, c.Aliases...)
		}
	}
	// A command the word begins (gen for generate), else the closest.
	s := ""
	if len(args[0]) >= 2 {
		for _, n := range names {
			if strings.HasPrefix(strings.ToLower(n), strings.ToLower(args[0])) {
				s = n
				break
			}
		}
	}
	if s == "" {
		s = closest(args[0], names)
	}
	if s != "" {
		u.hint = fmt.Sprintf("did you mean %q?", s)
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
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	if best := closest(name, names); best != "" {
		u.hint = fmt.Sprintf("did you mean --%s?", best)
	}
	return u
}

// closest returns the candidate nearest to name by kql.EditDistance
// (compared without case) when it is at most 2 edits away, or a third of
// the name's length for long names; ties go to the first candidate.
func closest(name string, candidates []string) string {
	lname := strings.ToLower(name)
	limit := max(2, len(name)/3)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := kql.EditDistance(lname, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
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
	f, ok := render.LookupFormat(g.format)
	switch {
	case g.format == "":
		// -o hunt.xlsx writes a workbook, -o hunt.csv CSV; else a table.
		f, ok = render.FormatForPath(g.output)
		if !ok || g.output == "-" {
			f = render.Table
		}
	case !ok:
		return usagef("invalid --format %q (want one of %s)", g.format, strings.Join(render.FormatNames(), ", "))
	}
	g.fmt = f
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
// -o FILE (atomically) or standard output (also for -o -). A binary
// format goes to a terminal only by mistake, so it needs -o or a
// redirected stdout.
func (g *globalOptions) openOutput(format render.Format) (*output, error) {
	if g.output != "" && g.output != "-" {
		f, err := newAtomicFile(g.output, 0o644)
		if err != nil {
			return nil, err
		}
		return &output{Writer: f, commit: f.Commit, abort: f.Abort}, nil
	}
	tty := g.env.isTerminal(g.env.stdout)
	if format.Binary && tty {
		return nil, usagef("--format %s writes a binary workbook: use -o FILE or redirect standard output", format.Name)
	}
	return &output{Writer: g.env.stdout, tty: tty, commit: func() error { return nil }, abort: func() {}}, nil
}

// renderOptions are how a result is shown on out: fitted to the terminal
// (width, a screenful of rows) when out is one, unless --wide or --all;
// complete and the same everywhere otherwise.
func (g *globalOptions) renderOptions(out *output) render.Options {
	o := render.Options{TTY: out.tty, Expanded: g.expanded}
	if !out.tty {
		return o
	}
	cols, rows := g.env.termSize(g.env.stdout)
	if !g.wide {
		o.Width = cols
	}
	if !g.all {
		o.Height = rows
	}
	return o
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

// displayName is how diagnostics name a file: as given on the command line.
func displayName(path string) string { return filepath.Clean(path) }
