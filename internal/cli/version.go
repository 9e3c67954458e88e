package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/duckdb/duckdb-go/v2/mapping"
	"github.com/spf13/cobra"
)

func init() {
	// --version prints versionText; the template calls it only then, so
	// no other command asks DuckDB for its version.
	cobra.AddTemplateFunc("kqlhuntVersion", versionText)
}

// versionText is what --version prints: kqlhunt's module version (a
// release tag for `go install ...@v1.2.3`, (devel) for a local build), the
// commit it was built from (with +dirty for uncommitted changes), the
// DuckDB library it embeds and the Go toolchain.
//
//	kqlhunt v1.2.3 (commit 6e88be6a1b2c, 2026-12-08T03:39:19Z)
//	DuckDB v1.5.6
//	go1.26.8 linux/amd64
func versionText() string {
	version, commit, when := "(unknown)", "", ""
	dirty := false
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = bi.Main.Version
		if version == "" {
			version = "(devel)"
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "kqlhunt %s", version)
	if commit != "" {
		if len(commit) > 12 {
			commit = commit[:12]
		}
		if dirty {
			commit += "+dirty"
		}
		fmt.Fprintf(&b, " (commit %s", commit)
		if when != "" {
			fmt.Fprintf(&b, ", %s", when)
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, "\nDuckDB %s\n%s %s/%s", mapping.LibraryVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
