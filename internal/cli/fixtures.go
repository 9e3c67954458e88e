package cli

import (
	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/fixtures"
)

func newFixturesCmd(g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fixtures",
		Short: "Work with datasets (generate a large one for benchmarks)",
		Args:  unknownCommand,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newFixturesGenerateCmd(g))
	return cmd
}

type generateOptions struct {
	*globalOptions
	rows int
	out  string
}

func newFixturesGenerateCmd(g *globalOptions) *cobra.Command {
	o := &generateOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "generate --rows N --out DIR",
		Short: "Write a deterministic large dataset (Parquet) for benchmarks",
		Long: `Write a deterministic dataset with the sample's story at scale: about N rows
of events as one TABLE.parquet file per table in DIR, loadable with
--data DIR. The same N always writes the same data.`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error {
			if o.rows <= 0 {
				return usagef("--rows must be a positive number of rows")
			}
			if o.out == "" {
				return usagef("--out DIR is required")
			}
			return fixtures.Generate(o.out, o.rows)
		}),
	}
	cmd.Flags().IntVar(&o.rows, "rows", 0, "number of event rows to generate")
	cmd.Flags().StringVar(&o.out, "out", "", "directory to write the dataset to")
	return cmd
}
