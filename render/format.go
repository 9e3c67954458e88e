package render

import (
	"path/filepath"
	"strings"
)

// Format is one output format and what the commands need to know about it:
// its name (the --format value), the extension of a file holding it, and
// whether people read it (Human: tables and Markdown get titles, summaries
// and terminal fitting; the machine formats never change with the
// terminal) or it is binary (it must not go to a terminal).
type Format struct {
	Name   string
	Ext    string // with the dot: ".csv"
	Human  bool
	Binary bool
}

func (f Format) String() string { return f.Name }

// The output formats, in the order help lists them.
var (
	Table    = Format{Name: "table", Ext: ".txt", Human: true}
	CSV      = Format{Name: "csv", Ext: ".csv"}
	TSV      = Format{Name: "tsv", Ext: ".tsv"}
	JSON     = Format{Name: "json", Ext: ".json"}
	JSONL    = Format{Name: "jsonl", Ext: ".jsonl"}
	Markdown = Format{Name: "markdown", Ext: ".md", Human: true}
	XLSX     = Format{Name: "xlsx", Ext: ".xlsx", Binary: true}
)

// Formats lists every output format.
var Formats = []Format{Table, CSV, TSV, JSON, JSONL, Markdown, XLSX}

// FormatNames returns the names of Formats.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// LookupFormat returns the format with the given name.
func LookupFormat(name string) (Format, bool) {
	for _, f := range Formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// extAliases are other extensions a file of a format is commonly given.
var extAliases = map[string]Format{".markdown": Markdown, ".ndjson": JSONL}

// FormatForPath returns the format a file name's extension names (case
// insensitive): x.xlsx is xlsx, x.md Markdown, x.txt a table.
func FormatForPath(path string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == "" {
		return Format{}, false
	}
	for _, f := range Formats {
		if f.Ext == ext {
			return f, true
		}
	}
	f, ok := extAliases[ext]
	return f, ok
}
