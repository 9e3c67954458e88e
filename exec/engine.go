package exec

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/kqlhunt/kqlhunt/kql"
)

// Options configures an Engine.
type Options struct {
	// MaxMemory is DuckDB's memory_limit ("2GB"); empty keeps DuckDB's default.
	MaxMemory string
	// Threads caps DuckDB's worker threads; 0 keeps DuckDB's default.
	Threads int
	// Now pins now() and ago(); the zero time means the wall clock, read
	// once per query.
	Now time.Time
}

// Engine runs KQL queries on an in-process DuckDB database.
type Engine struct {
	db      *sql.DB
	opts    Options
	tempDir string // DuckDB's private temporary directory, removed by Close
	mu      sync.Mutex
	schema  *kql.Schema
	locked  bool

	// ready guards the lazy loading of tables and a pending lockdown
	ready       sync.Mutex
	loader      TableLoader
	loaded      map[string]bool
	started     bool // the loader has run once
	lockPending bool
}

// TableLoader creates the named tables (or views) of a dataset in db. The
// first call may read files (it runs before the lockdown takes effect) and
// has whatever tables the first query reads, possibly none; later calls
// run under the lockdown and name tables not created yet.
type TableLoader func(ctx context.Context, db *sql.DB, tables []string) error

// SetTableLoader makes the engine create the schema's tables when a query
// first reads them, so that a query pays only for the tables it reads.
// Lockdown then takes effect just before the first query runs, after the
// loader's first call: no query runs before it either way.
func (e *Engine) SetTableLoader(load TableLoader) {
	e.ready.Lock()
	defer e.ready.Unlock()
	e.loader = load
	e.loaded = map[string]bool{}
}

// prepare creates the tables a statement reads and applies a pending
// lockdown; every statement of a query runs after it.
func (e *Engine) prepare(ctx context.Context, tables []string) error {
	e.ready.Lock()
	defer e.ready.Unlock()
	if e.loader != nil {
		var missing []string
		for _, t := range tables {
			if !e.loaded[t] {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 || !e.started {
			if err := e.loader(ctx, e.db, missing); err != nil {
				return err
			}
			for _, t := range missing {
				e.loaded[t] = true
			}
			e.started = true
		}
	}
	if e.lockPending {
		if err := e.lockdown(ctx); err != nil {
			return err
		}
		e.lockPending = false
	}
	return nil
}

// Open starts an in-memory DuckDB database with one connection, so that
// settings apply to every statement, and a private temporary directory
// for it to spill to (tempdir.go).
func Open(ctx context.Context, opts Options) (*Engine, error) {
	// Without a writable temporary directory DuckDB does not spill:
	// temp_directory '' keeps it off ./.tmp all the same.
	tmp, err := newTempDir()
	if err != nil {
		tmp = ""
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		removeTemp(tmp)
		return nil, fmt.Errorf("open duckdb: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	settings := []string{"SET TimeZone = 'UTC'", "SET temp_directory = " + quoteString(tmp)}
	if opts.MaxMemory != "" {
		settings = append(settings, "SET memory_limit = "+quoteString(opts.MaxMemory))
	}
	if opts.Threads > 0 {
		settings = append(settings, "SET threads = "+strconv.Itoa(opts.Threads))
	}
	for _, s := range settings {
		if _, err := db.ExecContext(ctx, s); err != nil {
			db.Close()
			removeTemp(tmp)
			return nil, fmt.Errorf("configure duckdb (%s): %w", s, err)
		}
	}
	return &Engine{db: db, opts: opts, tempDir: tmp, schema: &kql.Schema{Tables: map[string]*kql.Table{}}}, nil
}

// DB is the database handle, for loaders that create the tables before
// Lockdown.
func (e *Engine) DB() *sql.DB { return e.db }

// SetSchema sets the tables queries may read.
func (e *Engine) SetSchema(s *kql.Schema) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if s == nil {
		s = &kql.Schema{Tables: map[string]*kql.Table{}}
	}
	e.schema = s
}

// Schema returns the tables queries may read.
func (e *Engine) Schema() *kql.Schema {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.schema
}

// Lockdown turns external access off and locks DuckDB's configuration:
// after it no statement can read, write or attach files, install or load
// extensions, or change settings. After LockdownAllowing it does nothing.
func (e *Engine) Lockdown(ctx context.Context) error {
	e.mu.Lock()
	locked := e.locked
	e.mu.Unlock()
	if locked {
		return nil
	}
	e.ready.Lock()
	if e.loader != nil && !e.started {
		// the loader's first call may read files: lock down after it
		e.lockPending = true
		e.ready.Unlock()
		return nil
	}
	e.ready.Unlock()
	return e.lockdown(ctx)
}

// LockdownAllowing locks the engine down at once, as Lockdown does, except
// that the named files (absolute paths, no glob) stay readable: a loader
// calls it before it reads anything of a user's dataset, allowing only the
// dataset's own files.
func (e *Engine) LockdownAllowing(ctx context.Context, paths []string) error {
	e.mu.Lock()
	locked := e.locked
	e.mu.Unlock()
	if locked {
		return errors.New("lockdown: the engine is already locked down")
	}
	return e.lockdown(ctx, paths...)
}

func (e *Engine) lockdown(ctx context.Context, allowed ...string) error {
	var stmts []string
	if len(allowed) > 0 {
		q := make([]string, len(allowed))
		for i, p := range allowed {
			q[i] = quoteString(p)
		}
		stmts = append(stmts, "SET allowed_paths = ["+strings.Join(q, ", ")+"]")
	}
	stmts = append(stmts,
		"SET autoinstall_known_extensions = false",
		"SET autoload_known_extensions = false",
		"SET allow_community_extensions = false",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	)
	for _, s := range stmts {
		if _, err := e.db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("lockdown (%s): %w", s, err)
		}
	}
	e.mu.Lock()
	e.locked = true
	e.mu.Unlock()
	return nil
}

func removeTemp(dir string) {
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// Close releases the database and removes its temporary directory.
func (e *Engine) Close() error {
	err := e.db.Close()
	if e.tempDir != "" {
		if rerr := os.RemoveAll(e.tempDir); err == nil {
			err = rerr
		}
	}
	return err
}

// TempDir is DuckDB's private temporary directory.
func (e *Engine) TempDir() string { return e.tempDir }

// Compile parses and compiles src against the engine's schema.
func (e *Engine) Compile(src string) (*Program, error) {
	return e.compile(context.Background(), src)
}

func (e *Engine) compile(ctx context.Context, src string) (*Program, error) {
	q, err := kql.Parse(src)
	if err != nil {
		return nil, err
	}
	now := e.opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	schema := e.Schema()
	probe := func(sql string) ([][]any, error) {
		// a probe may read any table
		if err := e.prepare(ctx, schema.TableNames()); err != nil {
			return nil, err
		}
		rows, err := e.db.QueryContext(ctx, sql)
		if err != nil {
			return nil, runError(ctx, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		var out [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			out = append(out, vals)
		}
		return out, runError(ctx, rows.Err())
	}
	return Compile(q, CompileOptions{Schema: schema, Now: now, Probe: probe})
}

// Query parses, compiles and runs src. Cancelling ctx interrupts the
// running DuckDB query.
func (e *Engine) Query(ctx context.Context, src string) (*Result, error) {
	p, err := e.compile(ctx, src)
	if err != nil {
		return nil, err
	}
	return e.Run(ctx, p)
}

// Run executes a compiled program.
func (e *Engine) Run(ctx context.Context, p *Program) (*Result, error) {
	if err := e.prepare(ctx, p.Tables); err != nil {
		return nil, err
	}
	rows, err := e.db.QueryContext(ctx, p.SQL)
	if err != nil {
		return nil, runError(ctx, err)
	}
	defer rows.Close()
	res := &Result{Columns: p.Columns, Ordered: p.Ordered}
	n := len(p.Columns)
	if n == 0 {
		for rows.Next() {
		}
		return res, runError(ctx, rows.Err())
	}
	raw := make([]any, n)
	ptrs := make([]any, n)
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	// rows are cut from larger blocks: one allocation per block, not per row
	const blockRows = 256
	var block []any
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, runError(ctx, err)
		}
		if len(block) < n {
			block = make([]any, n*blockRows)
		}
		row := block[:n:n]
		block = block[n:]
		for i, col := range p.Columns {
			v, err := convertValue(col.Type, raw[i])
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", col.Name, err)
			}
			row[i] = v
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return nil, runError(ctx, err)
	}
	return res, nil
}

func runError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	msg := err.Error()
	if strings.Contains(msg, "INTERRUPT") {
		return context.Canceled
	}
	return fmt.Errorf("query failed: %w", err)
}

// convertValue turns a DuckDB value into the Go value Result documents.
// A value that already has its documented Go type is returned as it is,
// without boxing it again.
func convertValue(t kql.Type, v any) (any, error) {
	if v == nil {
		if t == kql.TString {
			return "", nil
		}
		return nil, nil
	}
	switch x := v.(type) {
	case string:
		if t == kql.TString || t == kql.TGuid || t == kql.TDecimal {
			return v, nil
		}
	case int64:
		if t == kql.TLong || t == kql.TInt {
			return v, nil
		}
	case float64:
		if t == kql.TReal {
			return v, nil
		}
	case bool:
		if t == kql.TBool {
			return v, nil
		}
	case time.Time:
		if t == kql.TDatetime && x.Location() == time.UTC {
			return v, nil
		}
	}
	switch t {
	case kql.TBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case kql.TInt, kql.TLong:
		return toInt64(v)
	case kql.TDecimal:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return fmt.Sprint(v), nil
	case kql.TReal:
		switch x := v.(type) {
		case float64:
			return x, nil
		case float32:
			return float64(x), nil
		}
		if i, err := toInt64(v); err == nil {
			return float64(i.(int64)), nil
		}
		if f, ok := v.(interface{ Float64() float64 }); ok {
			return f.Float64(), nil
		}
	case kql.TString, kql.TGuid:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
		return fmt.Sprint(v), nil
	case kql.TDatetime:
		if tm, ok := v.(time.Time); ok {
			return tm.UTC(), nil
		}
		i, err := toInt64(v)
		if err != nil {
			return nil, err
		}
		return ticksToTime(i.(int64)), nil
	case kql.TTimespan:
		i, err := toInt64(v)
		if err != nil {
			return nil, err
		}
		return Timespan(i.(int64)), nil
	case kql.TDynamic:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return nil, err
			}
			s = string(b)
		}
		if s == "null" {
			return nil, nil
		}
		return Dynamic(s), nil
	}
	return nil, fmt.Errorf("unexpected %T for a %s value", v, t)
}

func toInt64(v any) (any, error) {
	switch x := v.(type) {
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	case int16:
		return int64(x), nil
	case int8:
		return int64(x), nil
	case uint64:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case uint16:
		return int64(x), nil
	case uint8:
		return int64(x), nil
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), nil
		}
		return nil, errors.New("integer out of range")
	case float64:
		return int64(x), nil
	}
	return nil, fmt.Errorf("unexpected %T for an integer", v)
}
