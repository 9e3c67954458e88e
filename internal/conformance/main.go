package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "results.jsonl", "where to write the result lines")
	casesPath := flag.String("cases", "", "cases.jsonl (default: shared/conformance above the working directory)")
	flag.Parse()
	if err := run(*out, *casesPath); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
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
