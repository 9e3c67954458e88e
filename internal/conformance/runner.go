package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/render"
)

// testCase is the part of a conformance case the runner needs.
type testCase struct {
	ID    string `json:"id"`
	KQL   string `json:"kql"`
	Suite string `json:"suite"`
}

type resultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// result is one line of results.jsonl.
type result struct {
	ID      string         `json:"id"`
	Columns []resultColumn `json:"columns,omitempty"`
	Rows    [][]any        `json:"rows,omitempty"`
	Error   *string        `json:"error"`
}

// findShared walks up from dir to the directory holding
// shared/conformance/cases.jsonl.
func findShared(dir string) (string, error) {
	for {
		p := filepath.Join(dir, "shared", "conformance", "cases.jsonl")
		if _, err := os.Stat(p); err == nil {
			return filepath.Join(dir, "shared", "conformance"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared/conformance/cases.jsonl not found above the working directory")
		}
		dir = parent
	}
}

func loadCases(path string) ([]testCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []testCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var c testCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		cases = append(cases, c)
	}
	return cases, sc.Err()
}

// fixedNow pins now() for the suite; no scored case depends on it.
var fixedNow = time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC)

// runCase runs one case on a locked-down engine.
func runCase(ctx context.Context, eng *exec.Engine, c testCase) result {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	res, err := eng.Query(ctx, c.KQL)
	if err != nil {
		msg := err.Error()
		return result{ID: c.ID, Error: &msg}
	}
	out := result{ID: c.ID, Rows: [][]any{}}
	for _, col := range res.Columns {
		out.Columns = append(out.Columns, resultColumn{Name: col.Name, Type: string(col.Type)})
	}
	for _, row := range res.Rows {
		jr := make([]any, len(row))
		for i, v := range row {
			jr[i] = render.JSONValue(res.Columns[i].Type, v)
		}
		out.Rows = append(out.Rows, jr)
	}
	return out
}

// runAll runs every case and writes the result lines to w.
func runAll(ctx context.Context, cases []testCase, w io.Writer) error {
	eng, err := exec.Open(ctx, exec.Options{Now: fixedNow, Threads: 1, MaxMemory: "1GB"})
	if err != nil {
		return err
	}
	defer eng.Close()
	if err := eng.Lockdown(ctx); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, c := range cases {
		r := runCase(ctx, eng, c)
		b, err := json.Marshal(r)
		if err != nil {
			msg := "cannot encode result: " + err.Error()
			b, _ = json.Marshal(result{ID: c.ID, Error: &msg})
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
