package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
)

type fmtOptions struct {
	*globalOptions
	write bool // -w: rewrite files in place
	check bool // --check: list files that are not canonical, exit 1
}

func newFmtCmd(g *globalOptions) *cobra.Command {
	o := &fmtOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "fmt [FILE...]",
		Short: "Print KQL in canonical form",
		Long: `Parse each FILE (standard input when none) and print it in canonical form.

With -w, files that are not canonical are rewritten in place (atomically).
The canonical form keeps // comments beside the statement or operator they
were written next to.
With --check, the names of files that are not canonical are printed and the
exit status is 1. A file that does not parse gets its diagnostics on standard
error and exit status 1; the other files are still processed.`,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(args) }),
	}
	cmd.Flags().BoolVarP(&o.write, "write", "w", false, "rewrite files in place instead of printing")
	cmd.Flags().BoolVar(&o.check, "check", false, "print the names of files that are not canonical and exit 1 if any")
	return cmd
}

// canonical returns src in canonical form, ending in one newline.
func canonical(name, src string) (string, error) {
	q, err := parse(name, src)
	if err != nil {
		return "", err
	}
	return strings.TrimRight(kql.Format(q), "\n") + "\n", nil
}

// parse parses src; a panic in the parser becomes an error naming the
// input, never a crash.
func parse(name, src string) (q *kql.Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			q, err = nil, fmt.Errorf("internal error parsing %s: %v", name, r)
		}
	}()
	q, err = kql.Parse(src)
	if err != nil {
		return nil, &sourceError{file: name, src: src, err: err}
	}
	return q, nil
}

func (o *fmtOptions) run(files []string) error {
	stdout, stderr := o.env.stdout, o.env.stderr
	if len(files) == 0 {
		if o.write {
			return usagef("fmt -w needs file names (it cannot rewrite standard input)")
		}
		b, err := io.ReadAll(o.env.stdin)
		if err != nil {
			return err
		}
		out, err := canonical("<stdin>", string(b))
		if err != nil {
			return err
		}
		if o.check {
			if out != string(b) {
				fmt.Fprintln(stdout, "<stdin>")
				return &reportedError{ExitError}
			}
			return nil
		}
		_, err = fmt.Fprint(stdout, out)
		return err
	}

	failed := false
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(stderr, "kqlhunt: %v\n", err)
			failed = true
			continue
		}
		src := string(b)
		out, err := canonical(displayName(file), src)
		if err != nil {
			reportError(stderr, err)
			failed = true
			continue
		}
		changed := out != src
		if o.check && changed {
			fmt.Fprintln(stdout, file)
			failed = true
		}
		if o.write {
			if cs := kql.Comments(src); changed && len(kql.Comments(out)) < len(cs) {
				// A safety net: the canonical form keeps comments, so
				// losing one is a bug; never rewrite the file then.
				writeDiagnostics(stderr, displayName(file), src, &kql.Error{
					Span: cs[0],
					Msg:  "not rewritten: the canonical form would drop a comment",
					Hint: "this is a bug in kqlhunt fmt; please report it with the file",
				})
				failed = true
				continue
			}
			if changed {
				if err := writeFileAtomic(file, []byte(out), 0o644); err != nil {
					fmt.Fprintf(stderr, "kqlhunt: %v\n", err)
					failed = true
				}
			}
			continue
		}
		if !o.check {
			fmt.Fprint(stdout, out)
		}
	}
	if failed {
		return &reportedError{ExitError}
	}
	return nil
}

// reportError prints an error of one input: diagnostics with the source
// line when it has positions, one line otherwise.
func reportError(w io.Writer, err error) {
	if se, ok := err.(*sourceError); ok && writeDiagnostics(w, se.file, se.src, se.err) {
		return
	}
	fmt.Fprintf(w, "kqlhunt: %v\n", err)
}
