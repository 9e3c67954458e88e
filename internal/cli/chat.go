package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kqlhunt/kqlhunt/chat"
	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/render"
	"github.com/kqlhunt/kqlhunt/translate"
)

// focusFlags are --incident, --alert, --device and --user.
type focusFlags struct{ incident, alert, device, user string }

func (f *focusFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.incident, "incident", "", "focus on incident `N`: \"this incident\" refers to it")
	fl.StringVar(&f.alert, "alert", "", "focus on the alert with `ID`: \"the alert\" refers to it")
	fl.StringVar(&f.device, "device", "", "focus on device `NAME`: \"that device\" refers to it")
	fl.StringVar(&f.user, "user", "", "focus on user `UPN`: \"this user\" refers to it")
}

// entity is the focus the flags give, or nil; more than one is a usage
// error.
func (f *focusFlags) entity() (*translate.Entity, error) {
	var got []*translate.Entity
	for _, k := range []struct{ kind, id string }{{"incident", f.incident}, {"alert", f.alert}, {"device", f.device}, {"user", f.user}} {
		if k.id == "" {
			continue
		}
		e, err := chat.NewFocus(k.kind, k.id)
		if err != nil {
			return nil, usagef("--%s: %v", k.kind, err)
		}
		got = append(got, e)
	}
	if len(got) > 1 {
		return nil, usagef("give one focus: --incident, --alert, --device or --user")
	}
	if len(got) == 0 {
		return nil, nil
	}
	return got[0], nil
}

type chatOptions struct {
	*globalOptions
	script string
	resume int
	save   bool
	yes    bool
	focus  focusFlags
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
that is ambiguous is answered with a question (answer it in words, or by the
number of an option).

The prompt is a line editor: Up and Down walk the history of past sessions,
Ctrl-R searches it, Tab completes commands, tables and columns. A line that
ends with | or inside open brackets continues on the next line, and a pasted
multi-line query is one turn. Ctrl-C stops the running query and keeps the
conversation; at an empty prompt, Ctrl-C twice (or Ctrl-D) leaves.
--timeout and --max-memory apply to every query of the chat.

Commands (type /help in the chat):
  /help /kql /retry /export [FILE] /copy [FILE] /good /bad [COMMENT]
  /focus incident N|alert ID|device NAME|user UPN|off
  /history /resume N /new /delete N /clear /exit
  /yes /no /report FILE.md

A multi-step request (investigate or summarise incident N, recommended next
steps for incident N, an incident report, a summary of device NAME, what did
user U do, analyse file NAME or HASH) proposes a numbered plan first: Enter,
y or /yes runs it (each step shows its rows and time, then written findings),
n or /no does not; --yes approves every plan. /report FILE.md writes the last
plan's findings, tables and KQL as Markdown.

Conversations are saved as you go (the last 10; turns with the prompt, the
KQL, a summary of the result and the focus), as files of mode 0600 in
kqlhunt/conversations of the user's state directory ($XDG_STATE_HOME, else
the cache directory); --resume [N] continues one (1 is the most recent).
Prompts are kept in kqlhunt/chat_history there; KQLHUNT_HISTORY=FILE moves
the prompts to FILE (and the conversations and feedback beside it);
KQLHUNT_HISTORY=off keeps none of them. Feedback (/good, /bad) is appended
to kqlhunt/feedback.jsonl.

--script FILE replays a transcript, one prompt per line (blank lines and
lines starting with # are skipped; a line starting with | continues the
query above it), echoing each prompt; with --now the output is
reproducible. The commands above work in a script too, and a line
  #expect rows>0 | rows=N | rows<N | kql~REGEX | error | clarify | ok
states what the turn above it must return; a line /yes or /no after a
plan's prompt answers it. Exit status for a script: 1 if any turn failed or
an expectation was not met, 3 if the last turn asked a clarifying question
or proposed a plan left unanswered, else 0. A script's conversation is
saved only with --save.`,
		Example: `  kqlhunt chat
  kqlhunt chat --incident 1041
  kqlhunt chat --resume
  kqlhunt chat --now 2025-06-07T18:00:00Z --script hunt.txt`,
		Args: func(cmd *cobra.Command, args []string) error {
			// --resume N (as well as --resume=N): N is the argument.
			if len(args) == 1 && cmd.Flags().Changed("resume") && o.resume == 1 {
				n, err := strconv.Atoi(args[0])
				if err != nil {
					return usagef("--resume %q: want the number of a conversation (1 is the most recent)", args[0])
				}
				o.resume = n
				return nil
			}
			return cobra.NoArgs(cmd, args)
		},
		RunE: runE(func(cmd *cobra.Command, args []string) error { return o.run(cmd.Context(), cmd) }),
	}
	cmd.Flags().StringVar(&o.script, "script", "", "replay the prompts of `FILE` (one per line; - for standard input)")
	cmd.Flags().IntVar(&o.resume, "resume", 0, "continue saved conversation `N` (1, the most recent, when N is left out)")
	cmd.Flags().Lookup("resume").NoOptDefVal = "1"
	cmd.Flags().BoolVarP(&o.yes, "yes", "y", false, "approve every multi-step plan without asking")
	cmd.Flags().BoolVar(&o.save, "save", false, "save a scripted conversation too (interactive ones always are)")
	o.focus.register(cmd)
	return cmd
}

// errPromptInterrupt is Ctrl-C at the prompt.
var errPromptInterrupt = errors.New("interrupt")

// lineReader reads the turns of a chat: a turn may span several lines.
type lineReader interface {
	read(ctx context.Context, prompt string) (string, error)
	close()
}

// repl is one running chat.
type repl struct {
	o           *chatOptions
	out         *output
	eng         queryEngine
	s           *chat.Session
	interactive bool
	intr        <-chan struct{} // Ctrl-C while a query runs (nil: it ends the chat)

	hist     *chat.History
	store    *chat.Store
	save     bool
	conv     *chat.Conversation
	feedback string // feedback.jsonl; "" when there is no state directory

	last      *chat.Turn        // the last turn that ran a query
	lastTurn  *chat.Turn        // the last turn of any kind (for #expect, /good)
	lastInput string            // its input (for /retry)
	lastSaved bool              // whether it is the conversation's last saved turn
	before    translate.Context // the context before it
	options   []string          // numbered options of a pending question
	failed    bool              // a turn failed
	// failedBefore is failed before the last turn (#expect error).
	failedBefore bool
	pending      bool       // the last turn asked a question
	plan         *chat.Plan // a plan proposed and not yet answered
	lastPlan     *chat.Plan // the last plan that ran (for /report)
	aborts       int        // Ctrl-C at an empty prompt in a row
}

func (o *chatOptions) run(ctx context.Context, cmd *cobra.Command) error {
	if o.fmt.Binary {
		return usagef("chat prints to the terminal: --format %s is not available (use /export FILE in the chat, or ask -o FILE)", o.fmt.Name)
	}
	focus, err := o.focus.entity()
	if err != nil {
		return err
	}
	if cmd.Flags().Changed("resume") && o.resume < 1 {
		return usagef("--resume %d: conversations are numbered from 1 (the most recent)", o.resume)
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
	r := &repl{
		o: o, out: out, eng: eng, interactive: interactive,
		s:    &chat.Session{Engine: eng, Backend: backend, Now: o.now},
		save: interactive || o.save,
	}
	r.openState()
	r.conv = chat.NewConversation(o.env.now())
	if focus != nil {
		r.s.SetFocus(focus)
	}

	var rd lineReader
	if f, ok := o.env.stdin.(*os.File); ok && interactive && isTerminal(f) && isTerminal(o.env.stdout) && o.env.getenv("TERM") != "dumb" {
		rd = newEditor(r, r.hist)
		// Ctrl-C while a query runs cancels the query, not the chat.
		var release func()
		r.intr, release = o.env.interrupts.take()
		defer release()
	} else {
		rd = newLineReader(in, !interactive, out)
	}
	defer rd.close()

	if interactive {
		fmt.Fprintln(out, "kqlhunt chat: ask in plain English or type KQL. /help lists the commands; Ctrl-D leaves.")
	}
	if o.resume > 0 {
		if err := r.resume(ctx, o.resume); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !interactive {
				return err
			}
			// At the terminal, the chat goes on without that context.
			fmt.Fprintf(out, "error: %s\n\n", render.SanitizeLines(err.Error()))
		}
		if focus != nil {
			r.s.SetFocus(focus)
		}
	}
	for {
		line, err := rd.read(ctx, r.promptText())
		switch {
		case errors.Is(err, errPromptInterrupt):
			if strings.TrimSpace(line) != "" {
				r.abortsReset()
				continue
			}
			if r.abort() {
				return r.exit()
			}
			fmt.Fprintln(out, "(Ctrl-C again, or Ctrl-D, leaves the chat)")
			continue
		case errors.Is(err, io.EOF):
			if interactive {
				fmt.Fprintln(out)
			}
			return r.exit()
		case err != nil:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		r.abortsReset()
		line = strings.TrimSpace(chat.CleanInput(line))
		if line == "" {
			if r.plan != nil && interactive {
				// Enter approves the proposed plan.
				r.answerPlan(ctx, true)
			}
			continue
		}
		if strings.HasPrefix(line, "#") {
			if rest, ok := strings.CutPrefix(line, "#expect"); ok {
				r.expect(strings.TrimSpace(rest))
			}
			continue
		}
		if !interactive {
			fmt.Fprintf(out, "> %s\n", strings.ReplaceAll(line, "\n", "\n  "))
		}

		quit, err := r.command(ctx, line)
		if err != nil {
			return err
		}
		if quit {
			return r.exit()
		}
	}
}

// abort counts a Ctrl-C at an empty prompt: the second in a row leaves.
func (r *repl) abort() bool  { r.aborts++; return r.aborts >= 2 }
func (r *repl) abortsReset() { r.aborts = 0 }

// openState opens the prompt history, the conversation store and the
// feedback file in the user's state directory, unless KQLHUNT_HISTORY=off.
// KQLHUNT_HISTORY=FILE moves them all to FILE's directory.
func (r *repl) openState() {
	env := os.Getenv("KQLHUNT_HISTORY")
	if env == "off" {
		return
	}
	if r.interactive {
		r.hist = r.o.openHistory()
	}
	dir := filepath.Dir(env)
	if env == "" {
		var err error
		if dir, err = chat.StateDir(); err != nil {
			return
		}
	}
	r.store = &chat.Store{Dir: filepath.Join(dir, "conversations")}
	r.feedback = filepath.Join(dir, "feedback.jsonl")
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

func (r *repl) promptText() string {
	if r.plan != nil {
		return "run the plan? [Y/n] "
	}
	if f := r.s.Focus(); f != nil {
		return "kqlhunt [" + render.Sanitize(chat.FocusLabel(f)) + "]> "
	}
	return "kqlhunt> "
}

func (r *repl) exit() error {
	if err := r.out.commit(); err != nil {
		return err
	}
	if r.interactive || r.o.script == "" {
		return nil
	}
	switch {
	case r.failed:
		return &reportedError{code: ExitError}
	case r.pending || r.plan != nil:
		return clarifyError()
	}
	return nil
}

// commands are the slash commands; plain words of the same name get a
// hint instead of going to the translator (where "copy" would re-run the
// last query).
var chatCommands = []string{"/help", "/yes", "/no", "/report", "/kql", "/retry", "/export", "/copy", "/good", "/bad", "/focus", "/history", "/resume", "/new", "/delete", "/clear", "/exit", "/quit"}

const chatHelp = `Ask in plain English, for example:
  high-severity incidents from the past week
  tell me more about the first one
  show the devices involved
  which users are involved in this incident?   (with a focus)
  now count them by device
Or type KQL (it runs as typed): DeviceProcessEvents | take 5
A line ending with | or inside open brackets continues on the next line.

Commands:
  /kql               the last query
  /retry             answer the last turn again
  /yes, /no          approve or reject a proposed plan (Enter approves too)
  /report FILE.md    write the last plan's findings, tables and KQL as Markdown
  /export [FILE]     write the last table (FILE.xlsx by default; .csv .json .md by extension)
  /copy [FILE]       the last response to the clipboard (OSC 52), or to FILE
  /good, /bad [WHY]  rate the last answer (also 👍 👎); kept in a local feedback file
  /focus KIND ID     focus on incident N, alert ID, device NAME or user UPN; /focus off
  /history           the saved conversations
  /resume N          continue conversation N of /history, with its context
  /new               start a new conversation
  /delete N          delete conversation N; /clear deletes them all
  /help, /exit       this help; leave (also Ctrl-D, or Ctrl-C twice)
Ctrl-C stops a running query; the conversation stays as it was.`

// command runs one input line: a command, or a turn.
func (r *repl) command(ctx context.Context, line string) (quit bool, err error) {
	out := r.out
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	lw := strings.ToLower(word)
	switch {
	case line == "👍":
		lw = "/good"
	case line == "👎" || strings.HasPrefix(line, "👎 "):
		lw, arg = "/bad", strings.TrimSpace(strings.TrimPrefix(line, "👎"))
	}
	// The words of the first chat: exit, help, history, reset.
	if arg == "" {
		switch lw {
		case "exit", "quit", ":q", "bye":
			return true, nil
		case "help", "?", ":help":
			lw = "/help"
		case "history", ":history":
			lw = "/history"
		case "reset", ":reset", "clear":
			r.s.Reset()
			r.pending, r.options = false, nil
			fmt.Fprintln(out, "(context cleared)")
			return false, nil
		}
		if !strings.HasPrefix(lw, "/") && containsStr(chatCommands, "/"+lw) {
			fmt.Fprintf(out, "(%q is a command: type /%s; plain words are questions about the data)\n\n", line, lw)
			return false, nil
		}
	}
	if r.plan != nil {
		switch lw {
		case "/yes", "y", "yes":
			r.answerPlan(ctx, true)
			return false, ctx.Err()
		case "/no", "n", "no":
			r.answerPlan(ctx, false)
			return false, nil
		}
		if !strings.HasPrefix(lw, "/") {
			fmt.Fprintln(out, "(the plan was not run)")
			r.plan = nil
		}
	}
	if !strings.HasPrefix(lw, "/") {
		if r.hist != nil {
			r.hist.Add(line)
			if err := r.hist.Save(); err != nil {
				fmt.Fprintf(r.o.env.stderr, "kqlhunt: not keeping the chat history: %v\n", err)
				r.hist = nil
			}
		}
		r.turn(ctx, line)
		return false, ctx.Err()
	}
	switch lw {
	case "/exit", "/quit", "/q":
		return true, nil
	case "/help", "/?":
		fmt.Fprintln(out, chatHelp)
	case "/kql":
		if r.last == nil {
			fmt.Fprintln(out, "(no query yet)")
		} else {
			fmt.Fprintln(out, strings.TrimRight(r.last.KQL, "\n"))
		}
	case "/retry":
		if r.lastInput == "" {
			fmt.Fprintln(out, "(nothing to retry yet)")
			break
		}
		r.s.SetContext(r.before)
		if n := len(r.conv.Turns); n > 0 && r.lastSaved {
			r.conv.Turns = r.conv.Turns[:n-1]
		}
		fmt.Fprintf(out, "(again: %s)\n", render.Sanitize(r.lastInput))
		r.turn(ctx, r.lastInput)
		return false, ctx.Err()
	case "/yes", "/no":
		r.errorf("%s: no plan is waiting for an answer", lw)
	case "/report":
		r.report(arg)
	case "/export":
		r.export(arg)
	case "/copy":
		r.copy(arg)
	case "/good", "/bad":
		r.rate(strings.TrimPrefix(lw, "/"), arg)
	case "/focus":
		r.setFocus(arg)
	case "/history":
		r.history()
	case "/resume":
		n, err := strconv.Atoi(arg)
		if arg == "" {
			n, err = 1, nil
		}
		if err != nil {
			r.errorf("/resume N: N is a number from /history, got %q", arg)
			break
		}
		if err := r.resume(ctx, n); err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			r.errorf("%v", err)
		}
	case "/new":
		r.conv = chat.NewConversation(r.o.env.now())
		r.s.SetFocus(nil)
		r.s.Reset()
		r.last, r.lastTurn, r.lastInput, r.options, r.pending = nil, nil, "", nil, false
		fmt.Fprintln(out, "(a new conversation)")
	case "/delete":
		r.deleteConv(arg)
	case "/clear":
		if r.store == nil {
			r.errorf("conversations are not saved (KQLHUNT_HISTORY=off or no state directory)")
			break
		}
		if err := r.store.Clear(); err != nil {
			r.errorf("%v", err)
			break
		}
		r.conv = chat.NewConversation(r.o.env.now())
		fmt.Fprintln(out, "(all saved conversations deleted)")
	default:
		hint := ""
		if c := closest(lw, chatCommands); c != "" {
			hint = fmt.Sprintf(": did you mean %s?", c)
		}
		r.errorf("unknown command %s%s (/help lists them)", render.Sanitize(word), hint)
	}
	fmt.Fprintln(out)
	return false, nil
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// errorf reports a failed command; in a script it fails the run.
func (r *repl) errorf(format string, args ...any) {
	fmt.Fprintf(r.out, "error: %s\n", render.SanitizeLines(fmt.Sprintf(format, args...)))
	r.failed = true
}

// ask runs one turn under --timeout; Ctrl-C (through r.intr) cancels it.
func (r *repl) ask(ctx context.Context, run func(context.Context) error) (cancelled bool, err error) {
	qctx, cancel := r.o.withTimeout(ctx)
	defer cancel()
	if r.intr != nil {
		// A Ctrl-C pressed at the prompt is not for this query.
		select {
		case <-r.intr:
		default:
		}
		done := make(chan struct{})
		defer close(done)
		hit := make(chan struct{}, 1)
		go func() {
			select {
			case <-r.intr:
				hit <- struct{}{}
				cancel()
			case <-done:
			}
		}()
		err = run(qctx)
		select {
		case <-hit:
			return true, err
		default:
		}
		return false, err
	}
	return false, run(qctx)
}

// queryStopped says why a query stopped early, or "" when it did not.
func (r *repl) queryStopped(ctx context.Context, cancelled bool, err error) string {
	switch {
	case err == nil || ctx.Err() != nil:
		return ""
	case cancelled:
		return "(query cancelled; the conversation is as it was before it)"
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("error: the query ran longer than --timeout %s and was stopped", r.o.timeout)
	}
	return ""
}

// turn answers one input.
func (r *repl) turn(ctx context.Context, input string) {
	if rep, ok := chat.MatchScript(input); ok {
		// A pasted script or command line: decoded and analysed, not run.
		fmt.Fprintln(r.out, render.SanitizeLines(rep.String()))
		return
	}
	if p := chat.MatchPlan(input, r.eng.Schema(), r.s.Focus()); p != nil {
		r.lastInput, r.lastTurn = input, &chat.Turn{Input: input}
		showPlan(r.out, p)
		r.plan = p
		if r.o.yes {
			r.answerPlan(ctx, true)
			return
		}
		fmt.Fprintln(r.out, "Run this plan? Enter or y runs it, n does not.")
		fmt.Fprintln(r.out)
		return
	}
	if len(r.options) > 0 {
		if picked := chat.PickOption(input, r.options); picked != input {
			fmt.Fprintf(r.out, "(%s: %s)\n", input, render.Sanitize(picked))
			input = picked
		}
		r.options = nil
	}
	before := r.s.Context()
	r.failedBefore = r.failed
	var t *chat.Turn
	cancelled, err := r.ask(ctx, func(qctx context.Context) error {
		var err error
		t, err = r.s.Ask(qctx, input)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		r.s.SetContext(before)
		if msg := r.queryStopped(ctx, cancelled, err); msg != "" {
			fmt.Fprintf(r.out, "%s\n\n", msg)
		} else {
			fmt.Fprintf(r.out, "error: %s\n\n", render.SanitizeLines(err.Error()))
		}
		r.failed = r.failed || !cancelled
		r.lastTurn = &chat.Turn{Input: input, Err: err}
		// /retry runs it again; it was not saved.
		r.before, r.lastInput, r.lastSaved = before, input, false
		return
	}
	r.before, r.lastInput, r.lastTurn, r.lastSaved = before, input, t, true
	r.pending = t.Clarification != ""
	if t.KQL != "" && t.Err == nil {
		r.last = t
	}
	if err := r.showTurn(r.out, t); err != nil {
		r.errorf("%v", err)
	}
	if t.Err != nil {
		r.failed = true
	}
	r.record(t)
}

// record adds the turn to the conversation and saves it.
func (r *repl) record(t *chat.Turn) {
	st := chat.SavedTurn{
		Time:          r.o.env.now().UTC(),
		Prompt:        t.Input,
		KQL:           t.KQL,
		Clarification: t.Clarification,
		Refusal:       t.Refusal,
		Focus:         r.s.Focus(),
	}
	if t.Err != nil {
		st.Error = t.Err.Error()
	}
	if t.Result != nil {
		st.Rows = len(t.Result.Rows)
		st.Summary = render.Summary(t.Result)
	}
	r.conv.Turns = append(r.conv.Turns, st)
	r.conv.Updated = st.Time
	r.conv.Focus = r.s.Focus()
	r.saveConv()
}

func (r *repl) saveConv() {
	if !r.save || r.store == nil || len(r.conv.Turns) == 0 {
		return
	}
	if err := r.store.Save(r.conv); err != nil {
		fmt.Fprintf(r.o.env.stderr, "kqlhunt: not saving the conversation: %v\n", err)
		r.save = false
	}
}

// showTurn prints one answer: the query, its result and summary, its
// error, or the clarifying question (with numbered options).
func (r *repl) showTurn(w io.Writer, t *chat.Turn) error {
	if t.Refusal != "" {
		fmt.Fprintf(w, "! %s\n\n", t.Refusal)
		return nil
	}
	if t.Clarification != "" {
		if t.Explanation != "" {
			fmt.Fprintln(w, render.SanitizeLines(t.Explanation))
		}
		fmt.Fprintf(w, "? %s\n", render.SanitizeLines(t.Clarification))
		r.options = chat.Options(t.Clarification)
		for i, o := range r.options {
			fmt.Fprintf(w, "  %d. %s\n", i+1, render.Sanitize(o))
		}
		if len(r.options) > 0 {
			fmt.Fprintln(w, "(answer with a number, or in your own words)")
		}
		fmt.Fprintln(w)
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
	if err := render.WriteFormat(w, t.Result, r.o.fmt, r.o.renderOptions(r.out)); err != nil {
		return err
	}
	if r.o.fmt.Human {
		fmt.Fprintln(w)
		fmt.Fprintln(w, render.Summary(t.Result))
	}
	fmt.Fprintln(w)
	return nil
}

// response is the last answer as plain text: the query, the whole table
// and the summary.
func (r *repl) response() (string, bool) {
	t := r.last
	if t == nil {
		return "", false
	}
	var b bytes.Buffer
	if !t.IsKQL && t.Explanation != "" {
		b.WriteString(kqlWithComment(t.Explanation, t.KQL))
	} else {
		b.WriteString(strings.TrimRight(t.KQL, "\n") + "\n")
	}
	b.WriteString("\n")
	if err := render.WriteFormat(&b, t.Result, render.Table, render.Options{}); err != nil {
		return "", false
	}
	b.WriteString("\n" + render.Summary(t.Result) + "\n")
	return b.String(), true
}

func (r *repl) export(path string) {
	if r.last == nil || r.last.Result == nil {
		r.errorf("no table to export yet")
		return
	}
	if path == "" {
		path = "kqlhunt-" + r.o.env.now().Format("20060102-150405") + ".xlsx"
	}
	f, ok := render.FormatForPath(path)
	if !ok {
		r.errorf("/export %s: name the format by the extension: .xlsx, .csv, .tsv, .json, .jsonl or .md", render.Sanitize(path))
		return
	}
	af, err := newAtomicFile(path, 0o644)
	if err != nil {
		r.errorf("/export: %v", err)
		return
	}
	if err := render.WriteFormat(af, r.last.Result, f, render.Options{}); err != nil {
		af.Abort()
		r.errorf("/export: %v", err)
		return
	}
	if err := af.Commit(); err != nil {
		r.errorf("/export: %v", err)
		return
	}
	fmt.Fprintf(r.out, "(wrote %d rows to %s, %s)\n", len(r.last.Result.Rows), render.Sanitize(path), f.Name)
}

func (r *repl) copy(path string) {
	text, ok := r.response()
	if !ok {
		r.errorf("no response to copy yet")
		return
	}
	if path != "" {
		if err := writeFileAtomic(path, []byte(text), 0o644); err != nil {
			r.errorf("/copy: %v", err)
			return
		}
		fmt.Fprintf(r.out, "(wrote the last response to %s)\n", render.Sanitize(path))
		return
	}
	if !r.out.tty {
		r.errorf("/copy puts the response on the clipboard of a terminal: standard output is not one (use /copy FILE)")
		return
	}
	// OSC 52: the terminal sets its clipboard, also over ssh.
	fmt.Fprintf(r.out, "\x1b]52;c;%s\x07", base64.StdEncoding.EncodeToString([]byte(text)))
	fmt.Fprintf(r.out, "(copied the last response, %d lines, to the clipboard)\n", strings.Count(text, "\n"))
}

func (r *repl) rate(rating, comment string) {
	t := r.lastTurn
	if t == nil {
		r.errorf("no answer to rate yet")
		return
	}
	if r.feedback == "" {
		r.errorf("feedback is not kept (KQLHUNT_HISTORY=off or no state directory)")
		return
	}
	f := chat.Feedback{Time: r.o.env.now().UTC(), Prompt: t.Input, KQL: t.KQL, Rating: rating, Comment: comment}
	if err := chat.AppendFeedback(r.feedback, f); err != nil {
		r.errorf("/%s: %v", rating, err)
		return
	}
	fmt.Fprintf(r.out, "(thank you: feedback kept in %s)\n", r.feedback)
}

func (r *repl) setFocus(arg string) {
	switch strings.ToLower(arg) {
	case "":
		if f := r.s.Focus(); f != nil {
			fmt.Fprintf(r.out, "(focus: %s)\n", render.Sanitize(chat.FocusLabel(f)))
		} else {
			fmt.Fprintln(r.out, "(no focus: /focus incident N, alert ID, device NAME or user UPN)")
		}
		return
	case "off", "none", "clear":
		r.s.SetFocus(nil)
		fmt.Fprintln(r.out, "(no focus)")
		return
	}
	e, err := chat.ParseFocus(arg)
	if err != nil {
		r.errorf("/focus: %v", err)
		return
	}
	r.s.SetFocus(e)
	fmt.Fprintf(r.out, "(focus: %s)\n", render.Sanitize(chat.FocusLabel(e)))
}

func (r *repl) history() {
	if r.store == nil {
		r.errorf("conversations are not saved (KQLHUNT_HISTORY=off or no state directory)")
		return
	}
	list, err := r.store.List()
	if err != nil {
		fmt.Fprintf(r.o.env.stderr, "kqlhunt: %v\n", err)
	}
	if len(list) == 0 {
		fmt.Fprintln(r.out, "(no saved conversations)")
		return
	}
	for i, c := range list {
		mark := " "
		if c.ID == r.conv.ID {
			mark = "*"
		}
		focus := ""
		if c.Focus != nil {
			focus = "  [" + chat.FocusLabel(c.Focus) + "]"
		}
		turns := "turns"
		if len(c.Turns) == 1 {
			turns = "turn"
		}
		fmt.Fprintf(r.out, "%s%2d. %s  %d %s  %s%s\n", mark, i+1, c.Updated.Local().Format("2006-01-02 15:04"), len(c.Turns), turns, render.Sanitize(trimTo(c.Title(), 60)), render.Sanitize(focus))
	}
}

func trimTo(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// resume continues saved conversation n: its focus, and the result of its
// last query (run again) as the context of the next follow-up.
func (r *repl) resume(ctx context.Context, n int) error {
	if r.store == nil {
		return errors.New("conversations are not saved (KQLHUNT_HISTORY=off or no state directory)")
	}
	c, err := r.store.Get(n)
	if err != nil {
		return err
	}
	r.s.SetFocus(c.Focus)
	r.s.Reset()
	r.conv = c
	r.last, r.lastTurn, r.lastInput, r.options, r.pending = nil, nil, "", nil, false
	fmt.Fprintf(r.out, "(resumed %q: %d turns)\n", trimTo(c.Title(), 60), len(c.Turns))
	for _, t := range c.Turns[max(0, len(c.Turns)-5):] {
		fmt.Fprintf(r.out, "  > %s\n", render.Sanitize(trimTo(t.Prompt, 70)))
	}
	q := c.LastQuery()
	if q == "" {
		return nil
	}
	var res *exec.Result
	cancelled, err := r.ask(ctx, func(qctx context.Context) error {
		var err error
		res, err = r.s.Rebuild(qctx, q)
		return err
	})
	if err != nil {
		if msg := r.queryStopped(ctx, cancelled, err); msg != "" {
			return errors.New("rebuilding the context: " + strings.TrimPrefix(msg, "error: "))
		}
		return fmt.Errorf("rebuilding the context (the last query failed): %w", err)
	}
	prompt := ""
	for _, t := range c.Turns {
		if t.KQL == q {
			prompt = t.Prompt
		}
	}
	// /kql, /export, /copy and /good work on it; /retry has nothing to
	// answer again until the next turn.
	r.last = &chat.Turn{Input: prompt, KQL: q, IsKQL: true, Result: res}
	r.lastTurn = r.last
	fmt.Fprintf(r.out, "(follow-ups refer to the result of the last query: %d rows)\n", len(res.Rows))
	return nil
}

func (r *repl) deleteConv(arg string) {
	if r.store == nil {
		r.errorf("conversations are not saved (KQLHUNT_HISTORY=off or no state directory)")
		return
	}
	n, err := strconv.Atoi(arg)
	if err != nil {
		r.errorf("/delete N: N is a number from /history, got %q", arg)
		return
	}
	c, err := r.store.Get(n)
	if err != nil {
		r.errorf("%v", err)
		return
	}
	if err := r.store.Delete(c.ID); err != nil {
		r.errorf("%v", err)
		return
	}
	if c.ID == r.conv.ID {
		r.conv = chat.NewConversation(r.o.env.now())
	}
	fmt.Fprintf(r.out, "(deleted conversation %d: %s)\n", n, render.Sanitize(trimTo(c.Title(), 60)))
}

var reExpect = regexp.MustCompile(`^(rows|kql|error|clarify|ok|refuse)\s*(>=|<=|>|<|=|~)?\s*(.*)$`)

// expect checks the last turn against a #expect line of a script.
func (r *repl) expect(spec string) {
	m := reExpect.FindStringSubmatch(spec)
	if m == nil {
		r.errorf("#expect %s: want rows>N, rows=N, rows<N, kql~REGEX, error, clarify, refuse or ok", spec)
		return
	}
	t := r.lastTurn
	if t == nil {
		r.errorf("#expect %s: no turn before it", spec)
		return
	}
	what, op, arg := m[1], m[2], strings.TrimSpace(m[3])
	fail := func(format string, args ...any) {
		fmt.Fprintf(r.out, "expectation failed: #expect %s: %s\n\n", spec, fmt.Sprintf(format, args...))
		r.failed = true
	}
	ok := t.Err == nil && t.Clarification == "" && t.Refusal == "" && t.Result != nil
	switch what {
	case "error":
		if t.Err == nil {
			fail("the turn did not fail")
		} else {
			// An expected error does not fail the script.
			r.failed = r.failedBefore
		}
	case "clarify":
		if t.Clarification == "" {
			fail("the turn asked no question")
		}
	case "refuse":
		if t.Refusal == "" {
			fail("the turn was not refused")
		}
	case "ok":
		if !ok {
			fail("the turn did not return a result")
		}
	case "kql":
		if op != "~" {
			r.errorf("#expect %s: want kql~REGEX", spec)
			return
		}
		re, err := regexp.Compile(arg)
		if err != nil {
			r.errorf("#expect %s: %v", spec, err)
			return
		}
		if !re.MatchString(t.KQL) {
			fail("the KQL does not match: %s", strings.ReplaceAll(strings.TrimSpace(t.KQL), "\n", " "))
		}
	case "rows":
		n, err := strconv.Atoi(arg)
		if err != nil || op == "" || op == "~" {
			r.errorf("#expect %s: want rows>N, rows>=N, rows=N, rows<=N or rows<N", spec)
			return
		}
		if !ok {
			fail("the turn returned no table")
			return
		}
		got := len(t.Result.Rows)
		if !map[string]bool{">": got > n, ">=": got >= n, "=": got == n, "<=": got <= n, "<": got < n}[op] {
			fail("%d rows", got)
		}
	}
}

// answerPlan runs the proposed plan (ok) or drops it.
func (r *repl) answerPlan(ctx context.Context, ok bool) {
	p := r.plan
	r.plan = nil
	if !ok {
		fmt.Fprintln(r.out, "(the plan was not run)")
		fmt.Fprintln(r.out)
		return
	}
	cancelled, err := r.ask(ctx, func(qctx context.Context) error { return runPlan(qctx, r.out, r.eng, p, r.out) })
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		if msg := r.queryStopped(ctx, cancelled, err); msg != "" {
			fmt.Fprintf(r.out, "%s\n\n", strings.Replace(msg, "query", "plan", 1))
		} else {
			r.errorf("%v", err)
		}
		r.failed = r.failed || !cancelled
		return
	}
	fmt.Fprintln(r.out)
	r.lastPlan = p
	r.record(&chat.Turn{Input: r.lastInput, Explanation: p.Skill + " of " + p.Subject})
}

// report writes the last plan's findings, tables and KQL as Markdown.
func (r *repl) report(path string) {
	if r.lastPlan == nil {
		r.errorf("no plan has run yet: /report writes the findings of the last one")
		return
	}
	if path == "" {
		path = "kqlhunt-report-" + r.o.env.now().Format("20060102-150405") + ".md"
	}
	b, err := planMarkdown(r.lastPlan)
	if err != nil {
		r.errorf("/report: %v", err)
		return
	}
	if err := writeFileAtomic(path, b, 0o644); err != nil {
		r.errorf("/report: %v", err)
		return
	}
	fmt.Fprintf(r.out, "(wrote the report of %s to %s)\n", render.Sanitize(r.lastPlan.Subject), render.Sanitize(path))
}
