package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/internal/hunttest"
	"github.com/kqlhunt/kqlhunt/render"
)

type testOptions struct {
	*globalOptions
	update bool
	junit  string
}

func newTestCmd(g *globalOptions) *cobra.Command {
	o := &testOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run hunting queries against the dataset and compare with expectations",
		Long: `Run every NAME.kql in DIR (default: the current directory) against the active
dataset and compare its result with NAME.expected.csv (or NAME.expected.jsonl):
as a multiset of rows unless the query fixes the order. A mismatch prints a
diff. Use --now to pin ago() and now() so expectations stay valid.

--update writes the expectations from the results instead of comparing;
--junit FILE also writes a JUnit XML report for CI systems. Exit status 1
when any query fails or differs.`,
		Example: `  kqlhunt test --now 2025-06-07T18:00:00Z hunts/
  kqlhunt test --update hunts/`,
		Args: cobra.MaximumNArgs(1),
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) }),
	}
	cmd.Flags().BoolVar(&o.update, "update", false, "write NAME.expected.csv (or .jsonl) from the results")
	cmd.Flags().StringVar(&o.junit, "junit", "", "write a JUnit XML report to `FILE`")
	return cmd
}

func (o *testOptions) run(cmd *cobra.Command, args []string) error {
	if cmd.Flags().Changed("format") || cmd.Flags().Changed("output") {
		return usagef("test prints a report: --format and -o do not apply (see --junit)")
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	ctx := cmd.Context()
	eng, err := o.openEngine(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	query := func(ctx context.Context, src string) (*exec.Result, error) {
		ctx, cancel := o.withTimeout(ctx)
		defer cancel()
		res, err := eng.Query(ctx, src)
		if err != nil {
			return nil, withPositions(src, err)
		}
		return res, nil
	}
	// The report is for people and its diffs echo the data: control
	// characters are shown escaped.
	out := &render.SafeWriter{W: o.env.stdout}
	rep, err := hunttest.Run(ctx, dir, query, hunttest.Options{
		Update: o.update,
		JUnit:  o.junit,
		Out:    out,
	})
	out.Flush()
	if err != nil {
		return err
	}
	if !rep.OK() {
		return &reportedError{ExitError}
	}
	return nil
}
