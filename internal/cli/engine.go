package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/fixtures"
	"github.com/kqlhunt/kqlhunt/kql"
)

// openEngine starts DuckDB, loads the active dataset (--data, or the
// embedded sample shifted to --now), gives the engine the dataset's schema
// and locks it down before any user query can run. The caller closes it.
func (g *globalOptions) openEngine(ctx context.Context) (*exec.Engine, error) {
	eng, err := exec.Open(ctx, exec.Options{MaxMemory: g.maxMemory, Now: g.now})
	if err != nil {
		return nil, fmt.Errorf("starting the engine: %w", err)
	}
	// The sample's tables are created when a query first reads them; a
	// user's dataset is read after the engine is locked down.
	s, load, err := fixtures.LoadLazy(ctx, eng.DB(), g.data, fixtures.LoadOptions{
		Now:            g.now,
		FollowSymlinks: g.followSymlinks,
		Lockdown:       eng.LockdownAllowing,
	})
	if err != nil {
		eng.Close()
		if g.data == "" {
			return nil, fmt.Errorf("loading the sample dataset: %w", err)
		}
		var de *fixtures.DataError
		if errors.As(err, &de) && de.File == g.data {
			return nil, err // it names the dataset already
		}
		return nil, fmt.Errorf("loading %s: %w", g.data, err)
	}
	eng.SetSchema(s)
	if load != nil {
		eng.SetTableLoader(load)
	}
	if err := eng.Lockdown(ctx); err != nil {
		eng.Close()
		return nil, fmt.Errorf("locking down the engine: %w", err)
	}
	return eng, nil
}

// checkSchema is the schema queries are checked and compiled against
// without running them: the advanced-hunting schema, with the tables of
// the --data dataset (as loaded) in place of those of the same name. The
// embedded sample dataset has the advanced-hunting tables, so it needs no
// engine.
func (g *globalOptions) checkSchema(ctx context.Context) (*kql.Schema, error) {
	s := kql.AdvancedHunting()
	if g.schema != "" {
		var err error
		if s, err = g.schemaFile(); err != nil {
			return nil, err
		}
	}
	if g.data == "" {
		return s, nil
	}
	eng, err := g.openEngine(ctx)
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	for name, t := range eng.Schema().Tables {
		s.Tables[name] = t
	}
	return s, nil
}

// schemaFile reads the --schema file.
func (g *globalOptions) schemaFile() (*kql.Schema, error) {
	b, err := os.ReadFile(g.schema)
	if err != nil {
		return nil, fmt.Errorf("reading --schema: %w", err)
	}
	s, err := kql.ParseSchemaFile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displayName(g.schema), err)
	}
	return s, nil
}

// vocabCacheDir is where the dataset vocabularies are kept: the user's
// cache directory, or none (no cache) without one.
func vocabCacheDir() string {
	base, err := os.UserCacheDir()
	if err != nil || base == "" {
		return ""
	}
	return filepath.Join(base, "kqlhunt", "vocab")
}

// dataIdentity names the active dataset as it is now: the sample with this
// build of kqlhunt, or the --data files with their sizes and times. It is
// "" when the files cannot be listed (then nothing is cached).
func (g *globalOptions) dataIdentity() string {
	var b strings.Builder
	if g.data == "" {
		exe, err := os.Executable()
		if err != nil {
			return ""
		}
		st, err := os.Stat(exe)
		if err != nil {
			return ""
		}
		fmt.Fprintf(&b, "sample\x00%s\x00%d\x00%d", exe, st.Size(), st.ModTime().UnixNano())
		return b.String()
	}
	abs, err := filepath.Abs(g.data)
	if err != nil {
		return ""
	}
	st, err := os.Stat(abs)
	if err != nil {
		return ""
	}
	fmt.Fprintf(&b, "data\x00%s\x00%d\x00%d", abs, st.Size(), st.ModTime().UnixNano())
	if st.IsDir() {
		entries, err := os.ReadDir(abs)
		if err != nil {
			return ""
		}
		for _, e := range entries {
			info, err := e.Info()
			if err != nil {
				return ""
			}
			fmt.Fprintf(&b, "\x00%s\x00%d\x00%d", e.Name(), info.Size(), info.ModTime().UnixNano())
		}
	}
	return b.String()
}
