package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kqlhunt/kqlhunt/exec"
)

func main() {
	out := flag.String("out", "results.jsonl", "where to write the result lines")
	casesPath := flag.String("cases", "", "cases.jsonl (default: shared/conformance above the working directory)")
	one := flag.String("kql", "", "run one query and print its SQL and result line (debugging)")
	flag.Parse()
	if *one != "" {
		if err := runOne(*one); err != nil {
			fmt.Fprintln(os.Stderr, "conformance:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*out, *casesPath); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
}

func runOne(src string) error {
	ctx := context.Background()
	eng, err := exec.Open(ctx, exec.Options{Now: fixedNow, Threads: 1})
	if err != nil {
		return err
	}
	defer eng.Close()
	if p, err := eng.Compile(src); err == nil {
		fmt.Println(p.SQL)
	}
	b, _ := json.Marshal(runCase(ctx, eng, testCase{ID: "one", KQL: src}))
	fmt.Println(string(b))
	return nil
}

func run(out, casesPath string) error {
	if casesPath == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		dir, err := findShared(wd)
		if err != nil {
			return err
		}
		casesPath = filepath.Join(dir, "cases.jsonl")
	}
	cases, err := loadCases(casesPath)
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := runAll(context.Background(), cases, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
