package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

type checkOptions struct {
	*globalOptions
}

func newCheckCmd(g *globalOptions) *cobra.Command {
	o := &checkOptions{globalOptions: g}
	return &cobra.Command{
		Use:   "check [FILE...]",
		Short: "Parse and check KQL against the schema",
		Long: `Parse each FILE (standard input when none) and check it against the schema:
the advanced-hunting schema, with the tables of the --data dataset when one
is given. Unknown tables, columns and functions are reported as
FILE:LINE:COL: message, the source line, a caret and a hint where one fits.

With --format json, the diagnostics are printed on standard output as a JSON
array of objects {file, line, col, end_line, end_col, message, hint}
(end_col is exclusive). Exit status 1 when any file has an error.`,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) }),
	}
}

type checkInput struct{ name, src string }

func (o *checkOptions) run(cmd *cobra.Command, files []string) error {
	jsonOut := o.fmt == render.JSON
	if cmd.Flags().Changed("format") && !jsonOut {
		return usagef("check prints diagnostics: --format must be json when given")
	}
	schema, err := o.checkSchema(cmd.Context())
	if err != nil {
		return err
	}
	var inputs []checkInput
	var all []diagnostic
	failed := false
	if len(files) == 0 {
		b, err := io.ReadAll(o.env.stdin)
		if err != nil {
			return err
		}
		inputs = append(inputs, checkInput{"<stdin>", string(b)})
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(o.env.stderr, "kqlhunt: %v\n", err)
			failed = true
			continue
		}
		inputs = append(inputs, checkInput{displayName(f), string(b)})
	}
	for _, in := range inputs {
		err := checkOne(in.name, in.src, schema)
		if err == nil {
			continue
		}
		failed = true
		var se *sourceError
		if jsonOut && errors.As(err, &se) {
			if ds := diagnostics(se.file, se.src, se.err); len(ds) > 0 {
				all = append(all, ds...)
				continue
			}
		}
		if jsonOut {
			// An error without a position (an internal error): still one
			// object, at the start of the file.
			all = append(all, diagnostic{File: in.name, Line: 1, Col: 1, EndLine: 1, EndCol: 1, Message: err.Error()})
			continue
		}
		reportError(o.env.stderr, err)
	}
	if jsonOut {
		if all == nil {
			all = []diagnostic{}
		}
		out, err := o.openOutput(render.JSON)
		if err != nil {
			return err
		}
		defer out.abort()
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(all); err != nil {
			return err
		}
		if err := out.commit(); err != nil {
			return err
		}
	}
	if failed {
		return &reportedError{ExitError}
	}
	return nil
}

// checkOne parses and checks one query text.
func checkOne(name, src string, schema *kql.Schema) (err error) {
	q, err := parse(name, src)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error checking %s: %v", name, r)
		}
	}()
	if _, err := kql.Check(q, schema); err != nil {
		return &sourceError{file: name, src: src, err: err}
	}
	return nil
}
