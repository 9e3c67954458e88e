package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// Kind names a remote engine.
type Kind string

// The remote engines.
const (
	ADX          Kind = "adx"
	LogAnalytics Kind = "loganalytics"
	Defender     Kind = "defender"
)

// Kinds lists the remote engines.
func Kinds() []Kind { return []Kind{ADX, LogAnalytics, Defender} }

// Default service endpoints.
const (
	LogAnalyticsEndpoint = "https://api.loganalytics.io"
	DefenderEndpoint     = "https://api.security.microsoft.com"
	GraphEndpoint        = "https://graph.microsoft.com"
)

// DefenderRowLimit is the most rows advanced hunting returns for a query.
const DefenderRowLimit = 100_000

// Config says which service to query and how.
type Config struct {
	Kind Kind
	// ADX: the cluster URL (https://CLUSTER.REGION.kusto.windows.net)
	// and the database.
	Cluster, Database string
	// LogAnalytics: the workspace ID (a GUID).
	Workspace string
	// Timespan is Log Analytics' query time range (an ISO 8601 duration
	// such as P1D); empty leaves the range to the query.
	Timespan string
	// Endpoint replaces the service's default URL (Log Analytics,
	// Defender; for Defender a https://graph.microsoft.com endpoint uses
	// Graph's runHuntingQuery).
	Endpoint string
	// Resource is the token audience; empty means the service's default.
	Resource string
	Token    TokenSource
	// HTTPClient sends the requests (redirects are never followed
	// whatever its settings); nil means http.DefaultClient's transport.
	HTTPClient *http.Client
	// Schema, when not nil, is the schema queries are checked against
	// before they are sent; nil checks the syntax only.
	Schema *kql.Schema
	// MaxRetries (default 3), RetryBase (default 1s) and MaxWait (default
	// 30s) bound the retries of throttled and transient failures.
	MaxRetries int
	RetryBase  time.Duration
	MaxWait    time.Duration
	// Sleep waits between retries; nil waits on a timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Engine runs KQL on one remote service.
type Engine struct {
	schemaOnce sync.Once
	loader     func(ctx context.Context) *kql.Schema

	kind     Kind
	cfg      Config
	client   *http.Client
	retry    retryPolicy
	endpoint string
	resource string
}

// New checks cfg and returns its engine.
func New(cfg Config) (*Engine, error) {
	e := &Engine{kind: cfg.Kind, cfg: cfg, client: noRedirects(cfg.HTTPClient)}
	switch cfg.Kind {
	case ADX:
		if cfg.Cluster == "" || cfg.Database == "" {
			return nil, errors.New("adx needs a cluster URL and a database (--cluster, --database)")
		}
		cluster := strings.TrimRight(cfg.Cluster, "/")
		if !strings.Contains(cluster, "://") {
			cluster = "https://" + cluster
		}
		e.endpoint = cluster + "/v2/rest/query"
		e.resource = cluster
	case LogAnalytics:
		if cfg.Workspace == "" {
			return nil, errors.New("loganalytics needs a workspace ID (--workspace)")
		}
		base := strings.TrimRight(orDefault(cfg.Endpoint, LogAnalyticsEndpoint), "/")
		e.endpoint = base + "/v1/workspaces/" + pathEscape(cfg.Workspace) + "/query"
		e.resource = LogAnalyticsEndpoint
	case Defender:
		// A base URL gets the API's path; a full one (ending in
		// /runHuntingQuery or /advancedhunting/run) is used as it is.
		base := strings.TrimRight(orDefault(cfg.Endpoint, DefenderEndpoint), "/")
		graph := strings.Contains(base, "graph.microsoft") || strings.HasSuffix(base, "/runHuntingQuery")
		switch {
		case strings.HasSuffix(base, "/runHuntingQuery"), strings.HasSuffix(base, "/advancedhunting/run"):
			e.endpoint = base
		case graph:
			e.endpoint = base + "/v1.0/security/runHuntingQuery"
		default:
			e.endpoint = base + "/api/advancedhunting/run"
		}
		e.resource = DefenderEndpoint
		if graph {
			e.resource = GraphEndpoint
		}
	default:
		return nil, fmt.Errorf("unknown engine %q (want local, adx, loganalytics or defender)", cfg.Kind)
	}
	if cfg.Resource != "" {
		e.resource = cfg.Resource
	}
	if err := checkScheme(e.endpoint); err != nil {
		return nil, err
	}
	if cfg.Token == nil {
		return nil, errors.New("no credentials for the remote engine")
	}
	e.retry = retryPolicy{MaxRetries: 3, Base: time.Second, Max: 30 * time.Second, Sleep: sleepCtx}
	if cfg.MaxRetries > 0 {
		e.retry.MaxRetries = cfg.MaxRetries
	} else if cfg.MaxRetries < 0 {
		e.retry.MaxRetries = 0
	}
	if cfg.RetryBase > 0 {
		e.retry.Base = cfg.RetryBase
	}
	if cfg.MaxWait > 0 {
		e.retry.Max = cfg.MaxWait
	}
	if cfg.Sleep != nil {
		e.retry.Sleep = cfg.Sleep
	}
	return e, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func pathEscape(s string) string {
	r := strings.NewReplacer("/", "%2F", "?", "%3F", "#", "%23", " ", "%20")
	return r.Replace(s)
}

// Kind returns the engine's kind.
func (e *Engine) Kind() Kind { return e.kind }

// Endpoint returns the URL queries are posted to.
func (e *Engine) Endpoint() string { return e.endpoint }

// Schema returns the schema queries are checked against (nil: syntax
// only), loading it first when a loader is set (see SetSchemaLoader).
func (e *Engine) Schema() *kql.Schema { return e.LoadSchema(context.Background()) }

// SetSchemaLoader makes the engine get its schema from load when it is
// first needed: when a query is about to be sent (so that a refused
// query sends nothing at all), or Schema or LoadSchema is called. A nil
// schema from load means syntax checks only.
func (e *Engine) SetSchemaLoader(load func(ctx context.Context) *kql.Schema) { e.loader = load }

// LoadSchema loads the schema once, if a loader is set, and returns it.
func (e *Engine) LoadSchema(ctx context.Context) *kql.Schema {
	if e.loader != nil {
		e.schemaOnce.Do(func() { e.cfg.Schema = e.loader(ctx) })
	}
	return e.cfg.Schema
}

// Close releases nothing: requests hold no connection between queries.
func (e *Engine) Close() error { return nil }

// Query sends src, unchanged, after checking it, and returns the first
// primary result. See QueryAll.
func (e *Engine) Query(ctx context.Context, src string) (*exec.Result, error) {
	all, err := e.QueryAll(ctx, src)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// QueryAll sends src, unchanged, and returns every primary result (a
// query of several tabular statements has one per statement). A
// management command, or a query that does not parse (or check, when the
// engine has a schema), is refused before anything is sent.
func (e *Engine) QueryAll(ctx context.Context, src string) ([]*exec.Result, error) {
	if IsManagement(src) {
		return nil, &RefusedError{Reason: fmt.Sprintf("%s: management commands (starting with \".\") are refused: kqlhunt only reads; nothing was sent", e.kind)}
	}
	q, err := kql.Parse(src)
	if err != nil {
		return nil, err
	}
	if schema := e.LoadSchema(ctx); schema != nil {
		if _, err := kql.Check(q, schema); err != nil {
			return nil, err
		}
	}
	token, err := e.cfg.Token.Token(ctx, e.resource)
	if err != nil {
		return nil, e.redact(err)
	}
	var res []*exec.Result
	switch e.kind {
	case ADX:
		res, err = e.queryADX(ctx, token, src)
	case LogAnalytics:
		res, err = e.queryLogAnalytics(ctx, token, src)
	case Defender:
		res, err = e.queryDefender(ctx, token, src)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, e.redact(err)
	}
	if len(res) == 0 {
		return nil, &ServiceError{Service: string(e.kind), Message: "the response has no result table"}
	}
	for _, r := range res {
		r.Ordered = ordered(q)
	}
	return res, nil
}

// redact removes the credentials' secrets from err's text, and every
// part of the texts the service sent that looks like a token.
func (e *Engine) redact(err error) error {
	if err == nil {
		return nil
	}
	secrets := e.cfg.Token.Secrets()
	var pe *PartialError
	if errors.As(err, &pe) {
		pe.Err = e.redact(pe.Err)
		return pe
	}
	var se *ServiceError
	if errors.As(err, &se) {
		se.Message = redactText(se.Message, secrets)
		se.Code = redactText(se.Code, secrets)
		se.detail = redactText(se.detail, secrets)
		for i, c := range se.Codes {
			se.Codes[i] = redactText(c, secrets)
		}
	}
	return &redactedError{msg: redactText(err.Error(), secrets), err: err}
}

// IsManagement reports whether src is a Kusto management command: its
// first token, after white space and // comments, starts with a dot.
func IsManagement(src string) bool {
	s := src
	for {
		s = strings.TrimLeft(s, " \t\r\n\f\v\ufeff")
		if strings.HasPrefix(s, "//") {
			i := strings.IndexByte(s, '\n')
			if i < 0 {
				return false
			}
			s = s[i+1:]
			continue
		}
		return strings.HasPrefix(s, ".")
	}
}

// ordered reports whether the query's last tabular statement fixes the
// row order (a sort, top or serialize, followed only by operators that
// keep it).
func ordered(q *kql.Query) bool {
	var last kql.Expr
	for _, s := range q.Stmts {
		if es, ok := s.(*kql.ExprStmt); ok {
			last = es.X
		}
	}
	p, ok := last.(*kql.PipeExpr)
	if !ok {
		return false
	}
	for i := len(p.Ops) - 1; i >= 0; i-- {
		switch p.Ops[i].(type) {
		case *kql.SortOp, *kql.TopOp, *kql.SerializeOp:
			return true
		case *kql.WhereOp, *kql.ProjectOp, *kql.ProjectAwayOp, *kql.ProjectKeepOp, *kql.ProjectRenameOp,
			*kql.ProjectReorderOp, *kql.ExtendOp, *kql.TakeOp:
			continue
		}
		return false
	}
	return false
}
