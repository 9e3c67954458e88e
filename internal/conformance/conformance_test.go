package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestConformanceFloor runs the whole suite and fails when fewer cases
// pass than floor.txt records. Scoring uses the suite's own compare.py, so
// the rules cannot drift; without python3 the test is skipped.
func TestConformanceFloor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole conformance suite")
	}
	wd, _ := os.Getwd()
	dir, err := findShared(wd)
	if err != nil {
		t.Skip(err)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: cannot score with compare.py")
	}
	raw, err := os.ReadFile("floor.txt")
	if err != nil {
		t.Fatal(err)
	}
	floor, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("floor.txt: %v", err)
	}
	cases, err := loadCases(filepath.Join(dir, "cases.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	resPath := filepath.Join(tmp, "results.jsonl")
	f, err := os.Create(resPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := runAll(context.Background(), cases, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	report := filepath.Join(tmp, "report.jsonl")
	cmd := exec.Command(py, filepath.Join(dir, "compare.py"), filepath.Join(dir, "cases.jsonl"), resPath, "--json-out", report)
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("compare.py: %v\n%s", err, out)
	}
	rf, err := os.Open(report)
	if err != nil {
		t.Fatalf("compare.py wrote no report: %v\n%s", err, out)
	}
	defer rf.Close()
	pass, total := 0, 0
	sc := bufio.NewScanner(rf)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var st struct {
			Status string `json:"status"`
		}
		if err := json.Unmarshal(sc.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		total++
		if st.Status == "pass" {
			pass++
		}
	}
	t.Logf("conformance: %d of %d cases pass (floor %d)\n%s", pass, total, floor, out)
	if total != len(cases) {
		t.Fatalf("compare.py scored %d cases, the suite has %d", total, len(cases))
	}
	if pass < floor {
		t.Fatalf("%d cases pass, below the floor of %d recorded in floor.txt", pass, floor)
	}
}

func TestFindShared(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(filepath.Join(dir, "shared", "conformance"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findShared(deep); err == nil && got == filepath.Join(dir, "shared", "conformance") {
		t.Fatal("found shared/ without cases.jsonl")
	}
	if err := os.WriteFile(filepath.Join(dir, "shared", "conformance", "cases.jsonl"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := findShared(deep)
	if err != nil || got != filepath.Join(dir, "shared", "conformance") {
		t.Fatalf("findShared = %q, %v", got, err)
	}
}
