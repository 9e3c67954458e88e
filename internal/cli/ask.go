package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/chat"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/render"
	"github.com/kqlhunt/kqlhunt/translate"
)

// refusalError is a prompt kqlhunt will not answer (a request to change
// data, or not about the data): said in words, exit 1, no query.
func refusalError(tr *translate.Translation) error { return errors.New(tr.Refusal) }

// clarifyError is a prompt that needs a clarifying answer: exit 3.
func clarifyError() error { return &reportedError{code: ExitClarify} }

// translator opens the engine (for the dataset's schema and vocabulary)
// and the backend: the offline translator, or a language model when
// KQLHUNT_LLM_URL is set.
func (g *globalOptions) translator(ctx context.Context) (queryEngine, translate.Backend, error) {
	if g.isRemote() {
		return g.remoteTranslator(ctx)
	}
	if g.schema != "" && g.data == "" {
		return nil, nil, usagef("--schema describes tables without data: translate and check use it; give --data to run queries")
	}
	eng, err := g.openEngine(ctx)
	if err != nil {
		return nil, nil, err
	}
	vocab, err := chat.LoadVocabularyCached(ctx, eng, g.data != "", vocabCacheDir(), g.dataIdentity())
	if err != nil {
		eng.Close()
		return nil, nil, err
	}
	offline := translate.NewOffline(eng.Schema(), vocab)
	llm, err := translate.HTTPBackendFromEnv(os.Getenv, eng.Schema())
	if err != nil {
		eng.Close()
		return nil, nil, usagef("%v", err)
	}
	if llm != nil {
		llm.Fallback = offline
		return eng, llm, nil
	}
	return eng, offline, nil
}

// remoteTranslator is the translator for a remote --engine: the service's
// schema (or --schema), no dataset vocabulary (kqlhunt does not read a
// remote workspace to learn its names), the model when configured.
func (g *globalOptions) remoteTranslator(ctx context.Context) (queryEngine, translate.Backend, error) {
	e, err := g.openRemote(ctx)
	if err != nil {
		return nil, nil, err
	}
	schema := e.LoadSchema(ctx)
	if schema == nil {
		// The service's schema could not be read (said on standard
		// error): translate against the advanced-hunting and Sentinel
		// tables, which the service checks in the end.
		schema = kql.AdvancedHunting()
	}
	offline := translate.NewOffline(schema, nil)
	llm, err := translate.HTTPBackendFromEnv(os.Getenv, schema)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	if llm != nil {
		llm.Fallback = offline
		return e, llm, nil
	}
	return e, offline, nil
}

// translateOrKQL translates a prompt, or takes it as it is when it is
// already KQL (it starts with a table of the dataset, or with let, print,
// ... and checks).
func translateOrKQL(ctx context.Context, backend translate.Backend, schema *kql.Schema, prompt string, now time.Time, focus *translate.Entity) (*translate.Translation, error) {
	if chat.LooksLikeKQL(prompt, schema) {
		q, err := kql.Parse(prompt)
		if err != nil {
			return nil, &sourceError{file: "<arg>", src: prompt, err: err}
		}
		return &translate.Translation{Query: q, KQL: kql.Format(q), Explanation: "The prompt is KQL: it runs as typed."}, nil
	}
	req := &translate.Request{Prompt: chat.ResolveFocus(prompt, focus), Now: now}
	if focus != nil {
		req.Context = &translate.Context{Focus: focus}
	}
	return backend.Translate(ctx, req)
}

func promptArg(args []string) (string, error) {
	p := strings.TrimSpace(strings.Join(args, " "))
	if p == "" {
		return "", usagef("no prompt: give the question as an argument, e.g. 'high-severity incidents from the past week'")
	}
	return p, nil
}

type translateOptions struct{ *globalOptions }

func newTranslateCmd(g *globalOptions) *cobra.Command {
	o := &translateOptions{g}
	return &cobra.Command{
		Use:   "translate PROMPT",
		Short: "Print the KQL for a plain-English question",
		Long: `Translate a plain-English question into KQL and print it, headed by a
comment that says what it does. Nothing is run. Names in the prompt (devices,
accounts, processes) are matched against the active dataset.

With --format json: {"kql", "explanation", "clarification"}.

Exit status 3 when the prompt needs a clarifying answer (the question is
printed on standard error, or in "clarification" with --format json).`,
		Example: `  kqlhunt translate 'high-severity incidents from the past week'
  kqlhunt translate 'top 10 processes on fs01 in the last 3 days' | kqlhunt query`,
		Args: cobra.ArbitraryArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd, args) }),
	}
}

func (o *translateOptions) run(cmd *cobra.Command, args []string) error {
	jsonOut := o.fmt == render.JSON
	if cmd.Flags().Changed("format") && !jsonOut {
		return usagef("translate prints KQL: --format must be json when given")
	}
	prompt, err := promptArg(args)
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	var (
		schema  *kql.Schema
		backend translate.Backend
	)
	if o.schema != "" && o.data == "" {
		// Tables without data: translate against the schema alone.
		if schema, err = o.schemaFile(); err != nil {
			return err
		}
		llm, err := translate.HTTPBackendFromEnv(os.Getenv, schema)
		if err != nil {
			return usagef("%v", err)
		}
		offline := translate.NewOffline(schema, nil)
		backend = offline
		if llm != nil {
			llm.Fallback = offline
			backend = llm
		}
	} else {
		eng, b, err := o.translator(ctx)
		if err != nil {
			return err
		}
		defer eng.Close()
		schema, backend = eng.Schema(), b
	}
	tr, err := translateOrKQL(ctx, backend, schema, prompt, o.now, nil)
	if err != nil {
		return err
	}
	out, err := o.openOutput(render.Table)
	if err != nil {
		return err
	}
	defer out.abort()
	if jsonOut {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct {
			KQL           string `json:"kql"`
			Explanation   string `json:"explanation"`
			Clarification string `json:"clarification"`
			Refusal       string `json:"refusal,omitempty"`
		}{tr.KQL, tr.Explanation, tr.Clarification, tr.Refusal}); err != nil {
			return err
		}
	} else if tr.Clarification == "" && tr.Refusal == "" {
		if _, err := fmt.Fprint(out, kqlWithComment(tr.Explanation, tr.KQL)); err != nil {
			return err
		}
	}
	if err := out.commit(); err != nil {
		return err
	}
	if tr.Refusal != "" {
		return refusalError(tr)
	}
	if tr.Clarification != "" {
		if !jsonOut {
			writeClarification(o.env.stderr, tr)
		}
		return clarifyError()
	}
	return nil
}

// kqlWithComment is the query headed by its explanation as // comments, so
// the text still runs as KQL.
func kqlWithComment(explanation, q string) string {
	var b strings.Builder
	// The explanation names values of the dataset (device and account
	// names): their control characters are shown escaped.
	for _, line := range wrap(render.SanitizeLines(explanation), 78) {
		b.WriteString("// " + line + "\n")
	}
	b.WriteString(strings.TrimRight(q, "\n") + "\n")
	return b.String()
}

func writeClarification(w io.Writer, tr *translate.Translation) {
	if tr.Explanation != "" {
		fmt.Fprintf(w, "kqlhunt: %s\n", tr.Explanation)
	}
	fmt.Fprintf(w, "kqlhunt: %s\n", tr.Clarification)
}

// wrap breaks text into lines of at most width bytes at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

type askOptions struct {
	*globalOptions
	focus focusFlags
	yes   bool
}

func newAskCmd(g *globalOptions) *cobra.Command {
	o := &askOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "ask PROMPT",
		Short: "Translate a plain-English question, run it, and summarize the result",
		Long: `Translate a plain-English question into KQL, run it on the active dataset
and print the query (headed by what it does), the result and a short summary
(rows, time span, the most frequent values).

With --format table or markdown everything goes to standard output; with
csv, tsv, json, jsonl or xlsx only the result does (or to -o FILE), and the
query and summary go to standard error.

--incident N, --alert ID, --device NAME or --user UPN puts that entity in
focus, as a page does in Defender: "this incident", "that device", "these
users" refer to it.

A multi-step request (investigate or summarise incident N, recommended next
steps for incident N, an incident report, a summary of device NAME, what did
user U do, analyse file NAME or HASH) is a plan: its numbered steps are
printed, and it runs only with --yes; then each step shows its rows and time
and the answer ends with written findings (with --format markdown, a report:
the findings, each step's KQL and table; the plan and progress go to
standard error).

Exit status 1 on a query error, 3 when the prompt needs a clarifying answer
(the question is printed on standard error) or a plan needs approval.`,
		Example: `  kqlhunt ask 'show me high-severity incidents from the past week'
  kqlhunt ask 'which devices ran powershell with an encoded command'
  kqlhunt ask --incident 1041 'which users are involved in this incident?'
  kqlhunt ask 'failed logons per day by device' --format csv`,
		Args: cobra.ArbitraryArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) }),
	}
	o.focus.register(cmd)
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "approve a multi-step plan (investigate, summarise, analyse) and run it")
	return cmd
}

func (o *askOptions) run(ctx context.Context, args []string) error {
	prompt, err := promptArg(args)
	if err != nil {
		return err
	}
	focus, err := o.focus.entity()
	if err != nil {
		return err
	}
	out, err := o.openOutput(o.fmt)
	if err != nil {
		return err
	}
	defer out.abort()
	eng, backend, err := o.translator(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	if r, ok := chat.MatchScript(prompt); ok {
		// A pasted script or command line: decoded and analysed, not run.
		if _, err := fmt.Fprint(out, render.SanitizeLines(r.String())); err != nil {
			return err
		}
		return out.commit()
	}
	if p := chat.MatchPlan(prompt, eng.Schema(), focus); p != nil {
		return o.plan(ctx, eng, p, out)
	}
	tr, err := translateOrKQL(ctx, backend, eng.Schema(), prompt, o.now, focus)
	if err != nil {
		return err
	}
	if tr.Refusal != "" {
		return refusalError(tr)
	}
	if tr.Clarification != "" {
		writeClarification(o.env.stderr, tr)
		return clarifyError()
	}
	res, err := o.query(ctx, eng, "<translated>", tr.KQL)
	if err != nil {
		return err
	}
	// Tables and Markdown are for people: the query, the result and the
	// summary together. Other formats keep standard output (or -o) for
	// the data alone.
	side := io.Writer(out)
	if !o.fmt.Human || (o.output != "" && o.output != "-") {
		side = o.env.stderr
	}
	if o.fmt == render.Markdown && side == io.Writer(out) {
		fmt.Fprintf(side, "%s\n\n```kql\n%s\n```\n\n", tr.Explanation, strings.TrimRight(tr.KQL, "\n"))
	} else {
		fmt.Fprintln(side, kqlWithComment(tr.Explanation, tr.KQL))
	}
	if err := render.WriteFormat(out, res, o.fmt, o.renderOptions(out)); err != nil {
		return err
	}
	if side == io.Writer(out) {
		fmt.Fprintln(side)
	}
	fmt.Fprintln(side, render.Summary(res))
	return out.commit()
}

// plan prints p and, with --yes, runs it; without, it exits 3.
func (o *askOptions) plan(ctx context.Context, eng queryEngine, p *chat.Plan, out *output) error {
	if o.fmt != render.Table && o.fmt != render.Markdown {
		return usagef("a plan writes findings: --format %s is not available for it (use chat and /report FILE.md)", o.fmt.Name)
	}
	if o.fmt == render.Markdown {
		showPlan(o.env.stderr, p)
	} else {
		showPlan(out, p)
	}
	if !o.yes {
		if err := out.commit(); err != nil {
			return err
		}
		fmt.Fprintln(o.env.stderr, "kqlhunt: the plan was not run: approve it with --yes")
		return clarifyError()
	}
	if o.fmt == render.Markdown {
		// The report is the output; the progress goes to standard error.
		if err := runPlan(ctx, io.Discard, eng, p, o.env.stderr); err != nil {
			return err
		}
		b, err := planMarkdown(p)
		if err != nil {
			return err
		}
		if _, err := out.Write(b); err != nil {
			return err
		}
		return out.commit()
	}
	fmt.Fprintln(out)
	if err := runPlan(ctx, out, eng, p, out); err != nil {
		return err
	}
	return out.commit()
}
