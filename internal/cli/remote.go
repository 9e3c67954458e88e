package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
	"github.com/kqlhunt/kqlhunt/remote"
	"github.com/kqlhunt/kqlhunt/render"
)

// queryEngine is what the commands that run queries need: the embedded
// DuckDB engine and the remote engines alike.
type queryEngine interface {
	Query(ctx context.Context, src string) (*exec.Result, error)
	Schema() *kql.Schema
	Close() error
}

// remoteFlags select the engine queries run on: local (the embedded
// DuckDB) or a remote Kusto service, from flags or a saved profile.
type remoteFlags struct {
	engine    string
	profile   string
	cluster   string
	database  string
	workspace string
	endpoint  string
	timespan  string
	refresh   bool // --refresh-schema
	compare   bool // set by query --compare: --data is the local side
}

func addRemoteFlags(pf *pflag.FlagSet, g *globalOptions) {
	r := &g.remote
	pf.StringVar(&r.engine, "engine", "", "run queries on `NAME`: local (the embedded DuckDB, default), adx, loganalytics or defender")
	pf.StringVar(&r.profile, "profile", "", "use the engine settings saved as `NAME` in the profiles file ($KQLHUNT_PROFILES, default CONFIG_DIR/kqlhunt/profiles.json)")
	pf.StringVar(&r.cluster, "cluster", "", "adx: the cluster `URL` (https://CLUSTER.REGION.kusto.windows.net)")
	pf.StringVar(&r.database, "database", "", "adx: the `DATABASE` to query")
	pf.StringVar(&r.workspace, "workspace", "", "loganalytics: the workspace `ID` (a GUID)")
	pf.StringVar(&r.endpoint, "endpoint", "", "loganalytics, defender: the service `URL` instead of the default (defender: https://graph.microsoft.com uses Graph's runHuntingQuery)")
	pf.BoolVar(&r.refresh, "refresh-schema", false, "adx, loganalytics: read the service's schema again instead of the cached copy")
	pf.StringVar(&r.timespan, "timespan", "", "loganalytics: the query's time range, an ISO 8601 `DURATION` such as P7D")
}

// profile is one saved engine setting.
type profile struct {
	Engine    string `json:"engine"`
	Cluster   string `json:"cluster,omitempty"`
	Database  string `json:"database,omitempty"`
	Workspace string `json:"workspace,omitempty"`
	Endpoint  string `json:"endpoint,omitempty"`
	Timespan  string `json:"timespan,omitempty"`
	Schema    string `json:"schema,omitempty"`
}

// profilesPath is where profiles are saved.
func (g *globalOptions) profilesPath() (string, error) {
	if p := g.env.getenv("KQLHUNT_PROFILES"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("--profile: no config directory: %w", err)
	}
	return filepath.Join(dir, "kqlhunt", "profiles.json"), nil
}

// validateRemote fills the engine settings from the profile (flags win)
// and checks them.
func (g *globalOptions) validateRemote() error {
	r := &g.remote
	if r.profile != "" {
		path, err := g.profilesPath()
		if err != nil {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return usagef("--profile %s: %v", r.profile, err)
		}
		var file struct {
			Profiles map[string]profile `json:"profiles"`
		}
		if err := json.Unmarshal(b, &file); err != nil {
			return usagef("--profile: %s: %v", path, err)
		}
		p, ok := file.Profiles[r.profile]
		if !ok {
			names := make([]string, 0, len(file.Profiles))
			for n := range file.Profiles {
				names = append(names, n)
			}
			sort.Strings(names)
			return usagef("--profile: no profile %q in %s (it has: %s)", r.profile, path, strings.Join(names, ", "))
		}
		for _, f := range []struct {
			dst *string
			v   string
		}{
			{&r.engine, p.Engine}, {&r.cluster, p.Cluster}, {&r.database, p.Database}, {&r.workspace, p.Workspace},
			{&r.endpoint, p.Endpoint}, {&r.timespan, p.Timespan}, {&g.schema, p.Schema},
		} {
			if *f.dst == "" {
				*f.dst = f.v
			}
		}
	}
	switch r.engine {
	case "", "local":
		r.engine = "local"
		return nil
	case string(remote.ADX), string(remote.LogAnalytics), string(remote.Defender):
	default:
		return usagef("invalid --engine %q (want local, adx, loganalytics or defender)", r.engine)
	}
	return nil
}

// validateFor checks the global flags for cmd.
func (g *globalOptions) validateFor(cmd *cobra.Command) error {
	if err := g.validate(); err != nil {
		return err
	}
	if err := g.validateRemote(); err != nil {
		return err
	}
	return g.engineSupported(cmd)
}

// engineSupported refuses a remote --engine for the commands that do not
// use it yet, rather than running them on the local engine unawares.
func (g *globalOptions) engineSupported(cmd *cobra.Command) error {
	if !g.isRemote() {
		return nil
	}
	switch cmd.Name() {
	case "sql":
		return usagef("%s shows the SQL of the local engine: a remote --engine runs the KQL itself", cmd.Name())
	}
	return nil
}

// isRemote reports whether queries run on a remote engine.
func (g *globalOptions) isRemote() bool { return g.remote.engine != "" && g.remote.engine != "local" }

// openQueryEngine opens the engine --engine names: the embedded one (see
// openEngine), or a remote service with credentials from the environment.
func (g *globalOptions) openQueryEngine(ctx context.Context) (queryEngine, error) {
	if !g.isRemote() {
		return g.openEngine(ctx)
	}
	return g.openRemote(ctx)
}

func (g *globalOptions) openRemote(ctx context.Context) (*remote.Engine, error) {
	r := g.remote
	if g.data != "" && !r.compare {
		return nil, usagef("--data is a local dataset: with --engine %s it applies only to query --compare", r.engine)
	}
	cfg := remote.Config{
		Kind: remote.Kind(r.engine), Cluster: r.cluster, Database: r.database,
		Workspace: r.workspace, Endpoint: r.endpoint, Timespan: r.timespan,
	}
	ts, err := remote.TokenFromEnv(g.env.getenv, osexec.LookPath)
	if err != nil {
		return nil, err
	}
	cfg.Token = ts
	e, err := remote.New(cfg)
	if err != nil {
		return nil, usagef("--engine %s: %v", r.engine, err)
	}
	// The query is checked before it is sent: against --schema when
	// given, else the service's own schema (Defender's is built in).
	switch {
	case g.schema != "":
		s, err := g.schemaFile()
		if err != nil {
			return nil, err
		}
		e.SetSchema(s)
	case cfg.Kind == remote.Defender:
		e.SetSchema(kql.AdvancedHunting())
	default:
		// read when first needed: a refused query sends nothing at all
		e.SetSchemaLoader(func(ctx context.Context) *kql.Schema {
			s, err := g.remoteSchema(ctx, e)
			if err != nil && ctx.Err() == nil {
				fmt.Fprintf(g.env.stderr, "kqlhunt: warning: %v: queries are checked for syntax only (give --schema FILE, or --refresh-schema to try again)\n", err)
			}
			return s
		})
	}
	return e, nil
}

// schemaCachePath is where the schema of the service e queries is
// cached: kqlhunt/remote-schema-HASH.json in the user's cache directory
// ($KQLHUNT_SCHEMA_CACHE instead, when set).
func (g *globalOptions) schemaCachePath(e *remote.Engine) (string, error) {
	dir := g.env.getenv("KQLHUNT_SCHEMA_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(base, "kqlhunt")
	}
	sum := sha256.Sum256([]byte(e.CacheKey()))
	return filepath.Join(dir, "remote-schema-"+hex.EncodeToString(sum[:8])+".json"), nil
}

// remoteSchema is the service's own schema: the cached copy, or (with
// --refresh-schema, or none cached) read from the service and cached.
func (g *globalOptions) remoteSchema(ctx context.Context, e *remote.Engine) (*kql.Schema, error) {
	path, perr := g.schemaCachePath(e)
	if perr == nil && !g.remote.refresh {
		if doc, err := os.ReadFile(path); err == nil {
			if s, err := remote.ParseSchema(e.Kind(), doc); err == nil {
				return s, nil
			}
		}
	}
	ctx, cancel := g.withTimeout(ctx)
	defer cancel()
	doc, err := e.FetchSchema(ctx)
	if err != nil {
		return nil, err
	}
	s, err := remote.ParseSchema(e.Kind(), doc)
	if err != nil {
		return nil, fmt.Errorf("the %s schema: %w", e.Kind(), err)
	}
	if perr == nil {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
			_ = writeFileAtomic(path, doc, 0o600)
		}
	}
	return s, nil
}

// partialResult returns the rows of a partial remote result, which are
// shown before its error is reported.
func partialResult(err error) *exec.Result {
	var pe *remote.PartialError
	if errors.As(err, &pe) {
		return pe.Result
	}
	return nil
}

// compareResults writes to w where two results differ: their columns,
// and their rows (in order when both fix it, else as multisets), each
// row written as its CSV values. It returns whether they are the same.
func compareResults(w io.Writer, aName string, a *exec.Result, bName string, b *exec.Result) bool {
	same := true
	colText := func(r *exec.Result) string {
		var parts []string
		for _, c := range r.Columns {
			parts = append(parts, c.Name+":"+string(c.Type))
		}
		return strings.Join(parts, ", ")
	}
	if ca, cb := colText(a), colText(b); ca != cb {
		fmt.Fprintf(w, "columns differ:\n  %s: %s\n  %s: %s\n", aName, ca, bName, cb)
		return false
	}
	rowText := func(r *exec.Result, row []any) string {
		var parts []string
		for i, v := range row {
			parts = append(parts, render.FormatValue(r.Columns[i].Type, v))
		}
		return strings.Join(parts, ", ")
	}
	if a.Ordered && b.Ordered {
		n := max(len(a.Rows), len(b.Rows))
		for i := range n {
			var ta, tb string
			if i < len(a.Rows) {
				ta = rowText(a, a.Rows[i])
			}
			if i < len(b.Rows) {
				tb = rowText(b, b.Rows[i])
			}
			if ta != tb || (i >= len(a.Rows)) != (i >= len(b.Rows)) {
				if same {
					fmt.Fprintln(w, "rows differ (in order):")
				}
				same = false
				fmt.Fprintf(w, "  row %d:\n    %s: %s\n    %s: %s\n", i+1, aName, orNone(ta, i < len(a.Rows)), bName, orNone(tb, i < len(b.Rows)))
			}
		}
	} else {
		count := map[string]int{}
		for _, row := range a.Rows {
			count[rowText(a, row)]++
		}
		for _, row := range b.Rows {
			count[rowText(b, row)]--
		}
		keys := make([]string, 0, len(count))
		for k, n := range count {
			if n != 0 {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if same {
				fmt.Fprintln(w, "rows differ (as multisets):")
			}
			same = false
			n, who := count[k], aName
			if n < 0 {
				n, who = -n, bName
			}
			fmt.Fprintf(w, "  only in %s (%d×): %s\n", who, n, k)
		}
	}
	if same {
		fmt.Fprintf(w, "compare: %s and %s return the same %d rows × %d columns\n", aName, bName, len(a.Rows), len(a.Columns))
	}
	return same
}

func orNone(s string, ok bool) string {
	if !ok {
		return "(no row)"
	}
	return s
}
