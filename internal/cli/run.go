package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

type runOptions struct {
	*globalOptions
	outDir string
}

func newRunCmd(g *globalOptions) *cobra.Command {
	o := &runOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "run FILE...",
		Short: "Run each file as one query, in order, with a summary",
		Long: `Run each FILE as one KQL query, in order, on one engine. Results go to
standard output one after another (a table or Markdown result is preceded
by the file's name), or with --out-dir DIR to one file per query named after
it (hunt.kql -> DIR/hunt.csv for --format csv).

A summary of every file (rows, duration, error with its position) is printed
on standard error. A failing query does not stop the others; the exit status
is 1 if any failed.`,
		Args: cobra.MinimumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) }),
	}
	cmd.Flags().StringVar(&o.outDir, "out-dir", "", "write one result file per query into `DIR` (created if missing)")
	return cmd
}

// runSummary is the outcome of one file.
type runSummary struct {
	file     string
	rows     int
	duration time.Duration
	err      string // "" on success; "LINE:COL: message" for positioned errors
}

func (o *runOptions) run(ctx context.Context, files []string) error {
	if o.outDir != "" && o.output != "" {
		return usagef("give either --out-dir or -o, not both")
	}
	if o.outDir == "" && o.fmt.Binary && len(files) > 1 {
		return usagef("--format %s holds one result per workbook: use --out-dir DIR for several files", o.fmt.Name)
	}
	if o.outDir != "" {
		seen := map[string]string{}
		for _, f := range files {
			name := o.outName(f)
			if prev, ok := seen[name]; ok {
				return usagef("%s and %s would both write %s in --out-dir", prev, f, name)
			}
			seen[name] = f
		}
		if err := os.MkdirAll(o.outDir, 0o755); err != nil {
			return err
		}
	}
	var out *output
	if o.outDir == "" {
		var err error
		if out, err = o.openOutput(o.fmt); err != nil {
			return err
		}
		defer out.abort()
	}
	eng, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()

	var sums []runSummary
	failed := false
	for i, file := range files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s := o.runFile(ctx, eng, file, out, i)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if s.err != "" {
			failed = true
		}
		sums = append(sums, s)
	}
	if out != nil {
		if err := out.commit(); err != nil {
			return err
		}
	}
	writeRunSummary(o.env.stderr, sums, o.env.isTerminal(o.env.stderr))
	if failed {
		return &reportedError{ExitError}
	}
	return nil
}

// runFile runs one file and writes its result; any failure is reported on
// stderr and recorded in the summary, never returned.
func (o *runOptions) runFile(ctx context.Context, eng *exec.Engine, file string, out *output, i int) runSummary {
	s := runSummary{file: file}
	fail := func(err error) runSummary {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
			// Interrupted: the caller stops and reports that once.
			s.err = err.Error()
			return s
		}
		reportError(o.env.stderr, err)
		s.err = summaryError(err)
		return s
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return fail(err)
	}
	src := string(b)
	start := time.Now()
	res, err := o.query(ctx, eng, displayName(file), src)
	s.duration = time.Since(start)
	if err != nil {
		return fail(err)
	}
	s.rows = len(res.Rows)

	if o.outDir != "" {
		path := filepath.Join(o.outDir, o.outName(file))
		var buf bytes.Buffer
		if err := render.WriteFormat(&buf, res, o.fmt, render.Options{}); err != nil {
			return fail(err)
		}
		if err := writeFileAtomic(path, buf.Bytes(), 0o644); err != nil {
			return fail(err)
		}
		return s
	}
	if err := o.writeResult(out, file, res, i); err != nil {
		return fail(err)
	}
	return s
}

// outName is the name of a query file's result in --out-dir: the file's
// base name with the format's extension.
func (o *runOptions) outName(file string) string {
	return strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)) + o.fmt.Ext
}

// writeResult writes one of several results to the shared output. People
// read tables and Markdown, so those get the file's name as a title;
// machine formats are written as they are, one document after another.
func (o *runOptions) writeResult(w *output, file string, res *exec.Result, i int) error {
	switch o.fmt {
	case render.Table:
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "==> %s <==\n", render.Sanitize(file))
	case render.Markdown:
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "### %s\n\n", render.Sanitize(file))
	}
	return render.WriteFormat(w, res, o.fmt, o.renderOptions(w))
}

// summaryError is the one-line form of an error for the summary table:
// LINE:COL: message for a positioned error.
func summaryError(err error) string {
	var se *sourceError
	if errors.As(err, &se) {
		if ds := diagnostics(se.file, se.src, se.err); len(ds) > 0 {
			msg := fmt.Sprintf("%d:%d: %s", ds[0].Line, ds[0].Col, ds[0].Message)
			if len(ds) > 1 {
				msg += fmt.Sprintf(" (and %d more)", len(ds)-1)
			}
			return msg
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out (--timeout)"
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

// writeRunSummary prints one row per file: file, rows, duration, error.
func writeRunSummary(w io.Writer, sums []runSummary, tty bool) {
	res := &exec.Result{Columns: []kql.Column{
		{Name: "file", Type: kql.TString},
		{Name: "rows", Type: kql.TLong},
		{Name: "duration", Type: kql.TString},
		{Name: "error", Type: kql.TString},
	}}
	ok := 0
	for _, s := range sums {
		var rows any
		dur := ""
		if s.err == "" {
			ok++
			rows = int64(s.rows)
			dur = s.duration.Round(time.Millisecond).String()
			if s.duration < time.Millisecond {
				dur = s.duration.Round(time.Microsecond).String()
			}
		}
		res.Rows = append(res.Rows, []any{s.file, rows, dur, s.err})
	}
	if err := render.WriteFormat(w, res, render.Table, render.Options{TTY: tty}); err != nil {
		fmt.Fprintf(w, "kqlhunt: %v\n", err)
	}
	fmt.Fprintf(w, "%d of %d queries succeeded\n", ok, len(sums))
}
