package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/reeflective/readline"
	"github.com/reeflective/readline/inputrc"

	"github.com/kqlhunt/kqlhunt/chat"
	"github.com/kqlhunt/kqlhunt/kql"
)

// lineChan reads the lines of a non-terminal input (a script, a pipe): a
// turn is a line, and the lines after it while a bracket is open or the
// text ends with |; in a script (lookahead) also the lines that start
// with |, as KQL is usually written.
type lineChan struct {
	lines     <-chan string
	errc      <-chan error
	stop      chan struct{}
	lookahead bool
	out       io.Writer // prompts, for a terminal without line editing
	peeked    *string
	eof       bool
}

func newLineReader(in io.Reader, lookahead bool, out io.Writer) *lineChan {
	stop := make(chan struct{})
	lines, errc := readLines(in, stop)
	return &lineChan{lines: lines, errc: errc, stop: stop, lookahead: lookahead, out: out}
}

func (l *lineChan) close() { close(l.stop) }

// next returns the next line; ok is false at the end of the input.
func (l *lineChan) next(ctx context.Context) (string, bool, error) {
	if l.peeked != nil {
		s := *l.peeked
		l.peeked = nil
		return s, true, nil
	}
	if l.eof {
		return "", false, nil
	}
	select {
	case s, ok := <-l.lines:
		if !ok {
			l.eof = true
			if err := <-l.errc; err != nil {
				return "", false, err
			}
		}
		// Escape sequences (an arrow key on a terminal without line
		// editing) are no text, and open no bracket.
		return chat.CleanInput(s), ok, nil
	case <-ctx.Done():
		// Ctrl-C while the chat waits for a line ends it at once.
		return "", false, ctx.Err()
	}
}

func (l *lineChan) read(ctx context.Context, prompt string) (string, error) {
	if !l.lookahead {
		fmt.Fprint(l.out, prompt)
	}
	first, ok, err := l.next(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", io.EOF
	}
	text := first
	t := strings.TrimSpace(first)
	if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "/") {
		return text, nil
	}
	for {
		more := chat.NeedsMore(text)
		if !more && !l.lookahead {
			return text, nil
		}
		if more && !l.lookahead {
			fmt.Fprint(l.out, continuationPrompt)
		}
		line, ok, err := l.next(ctx)
		if err != nil {
			return "", err
		}
		if !ok {
			return text, nil
		}
		if !more && !strings.HasPrefix(strings.TrimSpace(line), "|") {
			l.peeked = &line
			return text, nil
		}
		text += "\n" + line
	}
}

const continuationPrompt = "     ...> "

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

// editor is the prompt on a terminal: github.com/reeflective/readline,
// with the history file, completion of commands, tables and columns, and
// multi-line input.
type editor struct {
	rl *readline.Shell
}

func newEditor(r *repl, hist *chat.History) *editor {
	rl := readline.NewShell()
	cfg := rl.Config
	// A paste arrives as one piece, line breaks included: one turn.
	cfg.Set("enable-bracketed-paste", true)
	// Do not ask the terminal where the cursor is: some (and test
	// harnesses) never answer.
	cfg.Set("cursor-position-probe", false)
	cfg.Set("history-autosuggest", false)
	ignoreFunctionKeys(cfg.Binds)
	rl.AcceptMultiline = func(line []rune) bool { return !chat.NeedsMore(string(line)) }
	rl.Prompt.Secondary(func() string { return continuationPrompt })
	rl.History.Delete()
	rl.History.Add("history", &historySource{h: hist})
	rl.Completer = completer(r)
	return &editor{rl: rl}
}

// ignoreFunctionKeys binds the escape sequences of keys that mean nothing
// at the prompt (F1-F12, Insert, keys with modifiers, and any ESC [ N ~)
// to nothing in every keymap that knows the arrow keys, so that none of
// their bytes are inserted as text.
func ignoreFunctionKeys(binds map[string]map[string]inputrc.Bind) {
	var seqs []string
	for n := 1; n <= 99; n++ {
		seqs = append(seqs, fmt.Sprintf("\x1b[%d~", n))
		for m := 2; m <= 8; m++ {
			seqs = append(seqs, fmt.Sprintf("\x1b[%d;%d~", n, m))
		}
	}
	for _, c := range "ABCDEFHPQRS" {
		seqs = append(seqs, "\x1bO"+string(c))
		for m := 2; m <= 8; m++ {
			seqs = append(seqs, fmt.Sprintf("\x1b[1;%d%c", m, c))
		}
	}
	// Keymaps hold ESC [ and ESC O as one meta character (with
	// convert-meta), or as they are.
	meta := strings.NewReplacer("\x1b[", "\u00db", "\x1bO", "\u00cf")
	for _, km := range binds {
		_, raw := km["\x1b[A"]
		_, conv := km["\u00dbA"]
		for _, s := range seqs {
			if conv {
				s = meta.Replace(s)
			} else if !raw {
				continue
			}
			if _, ok := km[s]; !ok {
				km[s] = inputrc.Bind{Action: "kqlhunt-ignore"}
			}
		}
	}
}

func (e *editor) read(ctx context.Context, prompt string) (string, error) {
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	e.rl.Prompt.Primary(func() string { return prompt })
	// SIGTERM (the context ends) while the editor waits for a key: it is
	// given a Ctrl-C, so that it returns and restores the terminal.
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			e.rl.Keys.Feed(false, 3)
			e.rl.Keys.RequestRefresh()
		case <-done:
		}
	}()
	line, err := e.rl.Readline()
	close(done)
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if errors.Is(err, readline.ErrInterrupt) {
		return line, errPromptInterrupt
	}
	return line, err
}

func (e *editor) close() {}

// historySource is the prompt history as the editor's history: Up and
// Down walk the prompts of past sessions. The chat adds to it (and saves
// it) when a turn runs, so the editor's own writes are ignored.
type historySource struct{ h *chat.History }

func (s *historySource) Write(string) (int, error) { return s.Len(), nil }

func (s *historySource) GetLine(i int) (string, error) {
	if s.h == nil || i < 0 || i >= len(s.h.Entries) {
		return "", fmt.Errorf("no history line %d", i)
	}
	return s.h.Entries[i], nil
}

func (s *historySource) Len() int {
	if s.h == nil {
		return 0
	}
	return len(s.h.Entries)
}

func (s *historySource) Dump() any {
	if s.h == nil {
		return nil
	}
	return s.h.Entries
}

// completer completes the word before the cursor: a command at the start
// of the line, else a table or column name of the dataset.
func completer(r *repl) func(line []rune, pos int) readline.Completions {
	names := schemaNames(r.eng.Schema())
	return func(line []rune, pos int) readline.Completions {
		return readline.CompleteValues(completions(names, string(line[:min(max(pos, 0), len(line))]))...)
	}
}

// schemaNames are the tables, then the columns, of a schema, sorted.
func schemaNames(schema *kql.Schema) []string {
	var tables, cols []string
	seen := map[string]bool{}
	for name := range schema.Tables {
		tables = append(tables, name)
		seen[name] = true
	}
	sort.Strings(tables)
	for _, name := range tables {
		for _, c := range schema.Tables[name].Columns {
			if !seen[c.Name] {
				seen[c.Name] = true
				cols = append(cols, c.Name)
			}
		}
	}
	sort.Strings(cols)
	return append(tables, cols...)
}

// completions are the candidates for the last word of before (the text
// up to the cursor).
func completions(names []string, before string) []string {
	start := strings.LastIndexAny(before, " \t\n|(,=!<>") + 1
	word := before[start:]
	switch {
	case start == 0 && strings.HasPrefix(word, "/"):
		return matching(chatCommands, word)
	case word != "":
		return matching(names, word)
	}
	return nil
}

func matching(list []string, prefix string) []string {
	var out []string
	for _, s := range list {
		if strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix)) {
			out = append(out, s)
		}
	}
	return out
}
