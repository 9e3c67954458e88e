package cli

import (
	"context"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
)

// registerCompletions adds what `kqlhunt completion bash|zsh|fish|powershell`
// completes beyond commands and flags: --format values, table names (the
// argument of schema, the start of a query), column names after a table
// in a query, .kql files for the commands that read them.
func registerCompletions(root *cobra.Command, g *globalOptions) {
	root.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return render.FormatNames(), cobra.ShellCompDirectiveNoFileComp
	})
	root.RegisterFlagCompletionFunc("now", cobra.NoFileCompletions)
	root.RegisterFlagCompletionFunc("timeout", cobra.NoFileCompletions)
	root.RegisterFlagCompletionFunc("max-memory", cobra.NoFileCompletions)
	for _, c := range root.Commands() {
		switch c.Name() {
		case "schema":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return g.completeTables(cmd.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp
			}
		case "query", "sql":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return g.completeQuery(cmd.Context(), toComplete), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
			}
		case "run", "check", "fmt":
			c.ValidArgsFunction = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
				return []string{"kql"}, cobra.ShellCompDirectiveFilterFileExt
			}
		}
	}
}

// completionSchema is the schema completions name tables and columns
// from: the advanced-hunting schema, with the --data dataset's tables.
func (g *globalOptions) completionSchema(ctx context.Context) *kql.Schema {
	if ctx == nil {
		ctx = context.Background()
	}
	s, err := g.checkSchema(ctx)
	if err != nil {
		return kql.AdvancedHunting()
	}
	return s
}

// completeTables returns the table names that start with prefix (without
// regard to case).
func (g *globalOptions) completeTables(ctx context.Context, prefix string) []string {
	names := g.completionSchema(ctx).TableNames()
	sort.Strings(names)
	var out []string
	for _, n := range names {
		if strings.HasPrefix(strings.ToLower(n), strings.ToLower(prefix)) {
			out = append(out, n)
		}
	}
	return out
}

// completeQuery completes a query being typed as one argument: its first
// word with table names, a later word with the columns of the table the
// query starts with (the whole argument is offered, its last word
// completed, as shells replace the whole word).
func (g *globalOptions) completeQuery(ctx context.Context, text string) []string {
	i := strings.IndexFunc(text, func(r rune) bool { return !isIdentRune(r) })
	if i < 0 {
		return g.completeTables(ctx, text)
	}
	table := text[:i]
	t, ok := g.completionSchema(ctx).Table(table)
	if !ok {
		return nil
	}
	j := strings.LastIndexFunc(text, func(r rune) bool { return !isIdentRune(r) }) + 1
	head, word := text[:j], strings.ToLower(text[j:])
	var out []string
	for _, c := range t.Columns {
		if strings.HasPrefix(strings.ToLower(c.Name), word) {
			out = append(out, head+c.Name)
		}
	}
	return out
}

func isIdentRune(r rune) bool {
	return r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
