package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

type schemaOptions struct {
	*globalOptions
}

func newSchemaCmd(g *globalOptions) *cobra.Command {
	o := &schemaOptions{globalOptions: g}
	return &cobra.Command{
		Use:   "schema [TABLE]",
		Short: "List the tables and typed columns of the active dataset",
		Long: `Without TABLE: one row per table of the active dataset (the embedded sample,
or --data) with its number of columns and rows. With TABLE: its columns in
order, as KQL's getschema names them (ColumnName, ColumnOrdinal, ColumnType).
The output follows --format.`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) }),
	}
}

func (o *schemaOptions) run(ctx context.Context, args []string) error {
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
	s := eng.Schema()

	var res *exec.Result
	if len(args) == 1 {
		t, ok := s.Table(args[0])
		if !ok {
			return unknownTable(args[0], s)
		}
		res = &exec.Result{Ordered: true, Columns: []kql.Column{
			{Name: "ColumnName", Type: kql.TString},
			{Name: "ColumnOrdinal", Type: kql.TLong},
			{Name: "ColumnType", Type: kql.TString},
		}}
		for i, c := range t.Columns {
			res.Rows = append(res.Rows, []any{c.Name, int64(i), string(c.Type)})
		}
	} else {
		res = &exec.Result{Ordered: true, Columns: []kql.Column{
			{Name: "TableName", Type: kql.TString},
			{Name: "Columns", Type: kql.TLong},
			{Name: "Rows", Type: kql.TLong},
		}}
		for _, name := range s.TableNames() {
			t, _ := s.Table(name)
			n, err := o.countRows(ctx, eng, name)
			if err != nil {
				return err
			}
			res.Rows = append(res.Rows, []any{name, int64(len(t.Columns)), n})
		}
	}
	if err := render.WriteFormat(out, res, o.fmt, o.renderOptions(out)); err != nil {
		return err
	}
	return out.commit()
}

// countRows counts a table's rows with KQL's own count operator.
func (o *schemaOptions) countRows(ctx context.Context, eng *exec.Engine, table string) (any, error) {
	src := "['" + strings.ReplaceAll(strings.ReplaceAll(table, `\`, `\\`), "'", `\'`) + "'] | count"
	res, err := o.query(ctx, eng, "<schema>", src)
	if err != nil {
		return nil, fmt.Errorf("counting the rows of %s: %w", table, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != 1 {
		return nil, fmt.Errorf("counting the rows of %s: unexpected result shape", table)
	}
	return res.Rows[0][0], nil
}

// unknownTable is the error for a table the dataset does not have, with
// the closest name as a hint.
func unknownTable(name string, s *kql.Schema) error {
	names := s.TableNames()
	sort.Strings(names)
	if best := closest(name, names); best != "" {
		return fmt.Errorf("unknown table %q in the active dataset\nhint: did you mean %q?", name, best)
	}
	return fmt.Errorf("unknown table %q in the active dataset (it has %d tables; run 'kqlhunt schema' to list them)", name, len(names))
}
