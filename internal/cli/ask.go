package cli

import (
	"bufio"
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
	"github.com/kqlhunt/kqlhunt/exec"
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
func (g *globalOptions) translator(ctx context.Context) (*exec.Engine, translate.Backend, error) {
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

// translateOrKQL translates a prompt, or takes it as it is when it is
// already KQL (it starts with a table of the dataset, or with let, print,
// ... and checks).
func translateOrKQL(ctx context.Context, backend translate.Backend, schema *kql.Schema, prompt string, now time.Time) (*translate.Translation, error) {
	if chat.LooksLikeKQL(prompt, schema) {
		q, err := kql.Parse(prompt)
		if err != nil {
			return nil, &sourceError{file: "<arg>", src: prompt, err: err}
		}
		return &translate.Translation{Query: q, KQL: kql.Format(q), Explanation: "The prompt is KQL: it runs as typed."}, nil
	}
	return backend.Translate(ctx, &translate.Request{Prompt: prompt, Now: now})
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
	tr, err := translateOrKQL(ctx, backend, schema, prompt, o.now)
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

type askOptions struct{ *globalOptions }

func newAskCmd(g *globalOptions) *cobra.Command {
	o := &askOptions{g}
	return &cobra.Command{
		Use:   "ask PROMPT",
		Short: "Translate a plain-English question, run it, and summarize the result",
		Long: `Translate a plain-English question into KQL, run it on the active dataset
and print the query (headed by what it does), the result and a short summary
(rows, time span, the most frequent values).

With --format table or markdown everything goes to standard output; with
csv, tsv, json, jsonl or xlsx only the result does (or to -o FILE), and the
query and summary go to standard error.

Exit status 1 on a query error, 3 when the prompt needs a clarifying answer
(the question is printed on standard error).`,
		Example: `  kqlhunt ask 'show me high-severity incidents from the past week'
  kqlhunt ask 'which devices ran powershell with an encoded command'
  kqlhunt ask 'failed logons per day by device' --format csv`,
		Args: cobra.ArbitraryArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), args) }),
	}
}

func (o *askOptions) run(ctx context.Context, args []string) error {
	prompt, err := promptArg(args)
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
	tr, err := translateOrKQL(ctx, backend, eng.Schema(), prompt, o.now)
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

type chatOptions struct {
	*globalOptions
	script string
}

func newChatCmd(g *globalOptions) *cobra.Command {
	o := &chatOptions{globalOptions: g}
	cmd := &cobra.Command{
		Use:   "chat",
		Short: "A hunting conversation: plain English or KQL, with follow-ups",
		Long: `Start a conversation on the active dataset. Each line is a question in plain
English ("high-severity incidents this week", "tell me more about the first
one", "only on fs01", "now count them by device") or a KQL query, which runs
as typed. Each answer shows the KQL, the result and a summary; a question
that is ambiguous is answered with a question.

Commands: help, history, reset (forget the context), exit (or Ctrl-D).
Interactive prompts are kept in a history file in the user's state directory
($XDG_STATE_HOME or the cache directory, kqlhunt/chat_history; written
atomically, mode 0600); KQLHUNT_HISTORY=FILE moves it, KQLHUNT_HISTORY=off
turns it off. Ctrl-C ends the chat.

--script FILE replays a transcript, one prompt per line (blank lines and
lines starting with # are skipped), echoing each prompt; with --now the
output is reproducible. Exit status for a script: 1 if any turn failed, 3 if
the last turn asked a clarifying question, else 0.`,
		Example: `  kqlhunt chat
  kqlhunt chat --now 2025-06-07T18:00:00Z --script hunt.txt`,
		Args: cobra.NoArgs,
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context()) }),
	}
	cmd.Flags().StringVar(&o.script, "script", "", "replay the prompts of `FILE` (one per line; - for standard input)")
	return cmd
}

func (o *chatOptions) run(ctx context.Context) error {
	if o.fmt.Binary {
		return usagef("chat prints to the terminal: --format %s is not available (use ask -o FILE)", o.fmt.Name)
	}
	var in io.Reader = o.env.stdin
	interactive := o.script == "" && o.env.isTerminal(o.env.stdin)
	if o.script != "" && o.script != "-" {
		f, err := os.Open(o.script)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
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
	s := &chat.Session{Engine: eng, Backend: backend, Now: o.now}
	var hist *chat.History
	if interactive {
		fmt.Fprintln(out, "kqlhunt chat: ask in plain English or type KQL. help, history, reset, exit.")
		hist = o.openHistory()
	}
	failed, pending := false, false
	stop := make(chan struct{})
	defer close(stop)
	lines, readErr := readLines(in, stop)
	for {
		if interactive {
			fmt.Fprint(out, "kqlhunt> ")
		}
		var line string
		var ok bool
		// Ctrl-C while waiting for a line ends the chat at once.
		select {
		case line, ok = <-lines:
		case <-ctx.Done():
			return ctx.Err()
		}
		if !ok {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !interactive {
			fmt.Fprintf(out, "> %s\n", line)
		}
		switch strings.ToLower(line) {
		case "exit", "quit", ":q", "bye":
			return o.chatExit(out, failed, pending)
		case "help", "?", ":help":
			fmt.Fprintln(out, chatHelp)
			continue
		case "history", ":history":
			if hist != nil {
				for _, e := range hist.Entries[max(0, len(hist.Entries)-20):] {
					fmt.Fprintln(out, "  "+e)
				}
			}
			continue
		case "reset", ":reset", "clear":
			s.Reset()
			pending = false
			fmt.Fprintln(out, "(context cleared)")
			continue
		}
		if hist != nil {
			hist.Add(line)
			if err := hist.Save(); err != nil {
				fmt.Fprintf(o.env.stderr, "kqlhunt: not keeping the chat history: %v\n", err)
				hist = nil
			}
		}
		t, err := s.Ask(ctx, line)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fmt.Fprintf(out, "error: %v\n\n", err)
			failed = true
			continue
		}
		pending = t.Clarification != ""
		if err := o.showTurn(out, t); err != nil {
			return err
		}
		if t.Err != nil {
			failed = true
		}
	}
	if err := <-readErr; err != nil {
		return err
	}
	return o.chatExit(out, failed, pending)
}

// readLines sends the lines of r on the first channel, closing it at the
// end of the input; the second then carries the read error (or nil).
// Closing stop ends it early (after the line it is reading).
func readLines(r io.Reader, stop <-chan struct{}) (<-chan string, <-chan error) {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1024*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-stop:
				return
			}
		}
		errc <- sc.Err()
	}()
	return lines, errc
}

// openHistory loads the chat history from the user's state directory;
// without one (or with KQLHUNT_HISTORY=off) the chat keeps none.
func (o *chatOptions) openHistory() *chat.History {
	path := os.Getenv("KQLHUNT_HISTORY")
	if path == "off" {
		return nil
	}
	if path == "" {
		var err error
		if path, err = chat.DefaultHistoryPath(); err != nil {
			return nil
		}
	}
	h, err := chat.LoadHistory(path)
	if err != nil {
		fmt.Fprintf(o.env.stderr, "kqlhunt: not keeping the chat history: %v\n", err)
		return nil
	}
	return h
}

const chatHelp = `Ask in plain English, for example:
  high-severity incidents from the past week
  tell me more about the first one
  show the devices involved
  process events on fs01 yesterday
  which devices ran powershell with an encoded command
  now count them by device
Or type KQL (it runs as typed): DeviceProcessEvents | take 5
Commands: help, history (the last prompts), reset (forget the context), exit.`

func (o *chatOptions) chatExit(out *output, failed, pending bool) error {
	if err := out.commit(); err != nil {
		return err
	}
	if o.script == "" {
		return nil
	}
	switch {
	case failed:
		return &reportedError{code: ExitError}
	case pending:
		return clarifyError()
	}
	return nil
}

// showTurn prints one answer: the query, its result and summary, its
// error, or the clarifying question.
func (o *chatOptions) showTurn(w *output, t *chat.Turn) error {
	if t.Refusal != "" {
		fmt.Fprintf(w, "! %s\n\n", t.Refusal)
		return nil
	}
	if t.Clarification != "" {
		if t.Explanation != "" {
			fmt.Fprintln(w, render.SanitizeLines(t.Explanation))
		}
		fmt.Fprintf(w, "? %s\n\n", render.SanitizeLines(t.Clarification))
		return nil
	}
	if !t.IsKQL {
		fmt.Fprintln(w, kqlWithComment(t.Explanation, t.KQL))
	}
	if t.Err != nil {
		name := "<translated>"
		if t.IsKQL {
			name = "<input>"
		}
		if !writeDiagnostics(w, name, t.KQL, t.Err) {
			fmt.Fprintf(w, "error: %s\n", render.SanitizeLines(t.Err.Error()))
		}
		fmt.Fprintln(w)
		return nil
	}
	if err := render.WriteFormat(w, t.Result, o.fmt, o.renderOptions(w)); err != nil {
		return err
	}
	if o.fmt.Human {
		fmt.Fprintln(w)
		fmt.Fprintln(w, render.Summary(t.Result))
	}
	fmt.Fprintln(w)
	return nil
}
