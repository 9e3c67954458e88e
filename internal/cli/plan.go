package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/chat"
	"github.com/kqlhunt/kqlhunt/render"
)

// showPlan prints the numbered plan proposed for approval.
func showPlan(w io.Writer, p *chat.Plan) {
	fmt.Fprint(w, render.SanitizeLines(p.Text()))
}

// runPlan runs an approved plan, showing each step's progress (step i of
// n, rows, time) on progress, then prints the findings on w.
func runPlan(ctx context.Context, w io.Writer, eng queryEngine, p *chat.Plan, progress io.Writer) error {
	w0 := w
	w = progress
	err := p.Run(ctx, eng, func(pr chat.Progress) {
		st := pr.Step
		switch {
		case !pr.Done:
			return
		case st.Skipped != "":
			fmt.Fprintf(w, "[step %d of %d] %s: skipped (%s)\n", pr.Index, pr.Total, st.Name, st.Skipped)
		case st.Err != nil:
			fmt.Fprintf(w, "[step %d of %d] %s: error: %s\n", pr.Index, pr.Total, st.Name, render.SanitizeLines(st.Err.Error()))
		default:
			fmt.Fprintf(w, "[step %d of %d] %s: %s, %s\n", pr.Index, pr.Total, st.Name, rowsText(len(st.Result.Rows)), st.Took.Round(time.Millisecond))
		}
	})
	if err != nil {
		return err
	}
	w = w0
	fmt.Fprintf(w, "\nFindings: %s of %s\n\n", p.Skill, render.Sanitize(p.Subject))
	fmt.Fprint(w, render.SanitizeLines(p.FindingsText()))
	return nil
}

func rowsText(n int) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// planMarkdown is a run plan as a report: the findings, then each step
// with its KQL and its table.
func planMarkdown(p *chat.Plan) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# %s: %s\n\n", capitalize(p.Skill), p.Subject)
	for _, s := range p.Findings {
		fmt.Fprintf(&b, "## %s\n\n", s.Title)
		for _, x := range s.Bullets {
			fmt.Fprintf(&b, "- %s\n", x)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Steps\n\n")
	for i, st := range p.Steps {
		fmt.Fprintf(&b, "### %d. %s\n\n", i+1, st.Name)
		switch {
		case st.Skipped != "":
			fmt.Fprintf(&b, "Skipped: %s.\n\n", st.Skipped)
			continue
		}
		fmt.Fprintf(&b, "```kql\n%s\n```\n\n", strings.TrimRight(st.KQL, "\n"))
		if st.Err != nil {
			fmt.Fprintf(&b, "Error: %s\n\n", st.Err)
			continue
		}
		if st.Result == nil {
			continue
		}
		if err := render.WriteFormat(&b, st.Result, render.Markdown, render.Options{}); err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "\n%s\n\n", render.Summary(st.Result))
	}
	return b.Bytes(), nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
