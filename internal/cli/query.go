package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

type queryOptions struct {
	*globalOptions
	file string // -f FILE
}

func newQueryCmd(g *globalOptions) *cobra.Command {
	o := &queryOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "query [KQL]",
		Short: "Run one KQL query and print its result",
		Long: `Run one KQL query on the active dataset and print the result in --format
(default: an aligned table). The query is the argument, the file given with
-f, or standard input when neither is given.

Exit status 1 when the query has an error (shown as FILE:LINE:COL: message
with the source line and a caret; FILE is <arg> or <stdin> for inline text).`,
		Example: `  kqlhunt query 'SecurityIncident | where Severity == "High" | take 5'
  kqlhunt query -f hunt.kql --format csv -o hunt.csv
  echo 'print x = 1 + 2' | kqlhunt query --format json`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) }),
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "read the query from `FILE` (- for standard input)")
	return cmd
}

func (o *queryOptions) run(ctx context.Context, args []string) error {
	name, src, err := o.readSource(args, o.file)
	if err != nil {
		return err
	}
	if err := emptyQuery(name, src); err != nil {
		return err
	}
	out, err := o.openOutput(o.fmt)
	if err != nil {
		return err
	}
	defer out.abort()
	eng, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := o.query(ctx, eng, name, src)
	if err != nil {
		return err
	}
	if err := render.WriteFormat(out, res, o.fmt, o.renderOptions(out)); err != nil {
		return err
	}
	return out.commit()
}

// query runs one query text under --timeout; a positioned error keeps its
// text so the caller can show where.
func (g *globalOptions) query(ctx context.Context, eng *exec.Engine, name, src string) (*exec.Result, error) {
	ctx, cancel := g.withTimeout(ctx)
	defer cancel()
	res, err := eng.Query(ctx, src)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(kqlErrors(err)) > 0 {
			return nil, &sourceError{file: name, src: src, err: withCheckHints(err, src, eng.Schema())}
		}
		return nil, err
	}
	return res, nil
}

// withCheckHints gives the compiler's errors in err that have no hint the
// hint the checker has for the same place: the checker knows the names
// in scope, so an unknown table gets "did you mean" in query as in check.
func withCheckHints(err error, src string, schema *kql.Schema) (out error) {
	errs := kqlErrors(err)
	missing := false
	for _, e := range errs {
		missing = missing || e.Hint == ""
	}
	if !missing || schema == nil {
		return err
	}
	defer func() {
		if recover() != nil {
			out = err
		}
	}()
	q, perr := kql.Parse(src)
	if perr != nil {
		return err
	}
	_, cerr := kql.Check(q, schema)
	hints := map[kql.Span]string{}
	for _, ce := range kqlErrors(cerr) {
		if ce.Hint != "" {
			hints[ce.Span] = ce.Hint
		}
	}
	if len(hints) == 0 {
		return err
	}
	list := make(kql.ErrorList, len(errs))
	for i, e := range errs {
		c := *e
		if c.Hint == "" {
			c.Hint = hints[c.Span]
		}
		list[i] = &c
	}
	return list
}

type sqlOptions struct {
	*globalOptions
	file string
}

func newSQLCmd(g *globalOptions) *cobra.Command {
	o := &sqlOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "sql [KQL]",
		Short: "Print the DuckDB SQL a KQL query compiles to",
		Long: `Compile one KQL query (the argument, -f FILE, or standard input) and print
the DuckDB SQL it runs as. Nothing is run. The query is compiled against the
advanced-hunting schema, with the tables of --data when given.

With --format json: {"sql": "...", "columns": [{"name","type"}], "ordered": bool}.`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) }),
	}
	cmd.Flags().StringVarP(&o.file, "file", "f", "", "read the query from `FILE` (- for standard input)")
	return cmd
}

func (o *sqlOptions) run(cmd *cobra.Command, args []string) error {
	jsonOut := o.fmt == render.JSON
	if cmd.Flags().Changed("format") && !jsonOut {
		return usagef("sql prints SQL text: --format must be json when given")
	}
	name, src, err := o.readSource(args, o.file)
	if err != nil {
		return err
	}
	if err := emptyQuery(name, src); err != nil {
		return err
	}
	schema, err := o.checkSchema(cmd.Context())
	if err != nil {
		return err
	}
	q, err := parse(name, src)
	if err != nil {
		return err
	}
	prog, err := exec.Compile(q, exec.CompileOptions{Schema: schema, Now: o.now})
	if err != nil {
		if len(kqlErrors(err)) > 0 {
			return &sourceError{file: name, src: src, err: err}
		}
		return err
	}
	out, err := o.openOutput(render.Table)
	if err != nil {
		return err
	}
	defer out.abort()
	if jsonOut {
		cols := make([]map[string]string, len(prog.Columns))
		for i, c := range prog.Columns {
			cols[i] = map[string]string{"name": c.Name, "type": string(c.Type)}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(struct {
			SQL     string              `json:"sql"`
			Columns []map[string]string `json:"columns"`
			Ordered bool                `json:"ordered"`
		}{prog.SQL, cols, prog.Ordered})
	} else {
		_, err = fmt.Fprintln(out, strings.TrimRight(prog.SQL, "\n"))
	}
	if err != nil {
		return err
	}
	return out.commit()
}

// emptyQuery is the error for a query of no text: a file named with -f that
// holds none is a query error (exit 1, naming the file); an empty argument
// or standard input is a usage error (no query was given).
func emptyQuery(name, src string) error {
	if strings.TrimSpace(src) != "" {
		return nil
	}
	if name != "<arg>" && name != "<stdin>" {
		return fmt.Errorf("%s: the file holds no query", name)
	}
	return usagef("no query: give it as an argument, with -f FILE, or on standard input")
}
