package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// SchemaCommand is the one management command kqlhunt sends itself (to
// ADX's management endpoint, never the query endpoint): it reads the
// database's tables and columns and changes nothing.
const SchemaCommand = ".show database %s schema as json"

// FetchSchema reads the service's own description of its tables: ADX's
// .show database schema as json, Log Analytics' workspace metadata API.
// The document is returned as it came, for ParseSchema (and a cache). A
// Defender engine has no such API here: the advanced-hunting schema is
// built in (kql.AdvancedHunting), and FetchSchema returns nil, nil.
func (e *Engine) FetchSchema(ctx context.Context) ([]byte, error) {
	token, err := e.cfg.Token.Token(ctx, e.resource)
	if err != nil {
		return nil, e.redact(err)
	}
	auth := map[string]string{"Authorization": "Bearer " + token}
	var doc []byte
	switch e.kind {
	case ADX:
		doc, err = e.fetchADXSchema(ctx, auth)
	case LogAnalytics:
		doc, err = e.fetchBody(ctx, http.MethodGet, strings.TrimSuffix(e.endpoint, "/query")+"/metadata", nil, auth)
	default:
		return nil, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, e.redact(fmt.Errorf("reading the schema: %w", err))
	}
	return doc, nil
}

func (e *Engine) fetchBody(ctx context.Context, method, url string, body []byte, headers map[string]string) ([]byte, error) {
	resp, err := e.send(ctx, method, url, body, headers, func(status int, h http.Header, b []byte) error { return e.httpError(status, b, "") })
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		if cutOff(err) {
			return nil, &TruncatedError{Service: string(e.kind), Detail: "the schema document ended early"}
		}
		return nil, err
	}
	if !json.Valid(b) {
		return nil, &TruncatedError{Service: string(e.kind), Detail: "the schema document is not complete JSON"}
	}
	return b, nil
}

// fetchADXSchema runs .show database schema as json on the v1
// management endpoint, whose answer is {"Tables": [{"TableName",
// "Columns", "Rows": [["<the schema as JSON text>"]]}]}.
func (e *Engine) fetchADXSchema(ctx context.Context, headers map[string]string) ([]byte, error) {
	db := `["` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e.cfg.Database) + `"]`
	body, err := json.Marshal(map[string]any{
		"db":         e.cfg.Database,
		"csl":        fmt.Sprintf(SchemaCommand, db),
		"properties": map[string]any{"Options": map[string]any{"request_readonly": true}},
	})
	if err != nil {
		return nil, err
	}
	headers["x-ms-client-request-id"] = newClientRequestID()
	headers["x-ms-app"] = "kqlhunt"
	b, err := e.fetchBody(ctx, http.MethodPost, strings.TrimSuffix(e.endpoint, "/v2/rest/query")+"/v1/rest/mgmt", body, headers)
	if err != nil {
		return nil, err
	}
	var v1 struct {
		Tables []struct {
			Rows [][]json.RawMessage `json:"Rows"`
		} `json:"Tables"`
	}
	if err := json.Unmarshal(b, &v1); err != nil || len(v1.Tables) == 0 || len(v1.Tables[0].Rows) == 0 || len(v1.Tables[0].Rows[0]) == 0 {
		return nil, &ServiceError{Service: "adx", Code: "MalformedResponse", Message: "the answer to .show database schema as json has no schema"}
	}
	var text string
	if err := json.Unmarshal(v1.Tables[0].Rows[0][0], &text); err != nil {
		return nil, &ServiceError{Service: "adx", Code: "MalformedResponse", Message: "the database schema is not JSON text"}
	}
	return []byte(text), nil
}

// ParseSchema reads a document FetchSchema returned for kind.
func ParseSchema(kind Kind, doc []byte) (*kql.Schema, error) {
	switch kind {
	case ADX:
		return kql.ParseSchemaFile(doc)
	case LogAnalytics:
		var md struct {
			Tables []struct {
				Name    string `json:"name"`
				Columns []struct {
					Name string `json:"name"`
					Type string `json:"type"`
				} `json:"columns"`
			} `json:"tables"`
		}
		if err := json.Unmarshal(doc, &md); err != nil {
			return nil, fmt.Errorf("workspace metadata: %v", err)
		}
		s := &kql.Schema{Tables: map[string]*kql.Table{}, Renamed: map[string][]string{}}
		for _, t := range md.Tables {
			kt := &kql.Table{Name: t.Name}
			for _, c := range t.Columns {
				typ, err := columnType(c.Type)
				if err != nil {
					return nil, fmt.Errorf("workspace metadata: table %s column %s: %v", t.Name, c.Name, err)
				}
				kt.Columns = append(kt.Columns, kql.Column{Name: c.Name, Type: typ})
			}
			s.Tables[t.Name] = kt
		}
		if len(s.Tables) == 0 {
			return nil, errors.New("workspace metadata: no tables")
		}
		return s, nil
	}
	return kql.AdvancedHunting(), nil
}

// SetSchema sets the schema queries are checked against before they are
// sent (nil: syntax only).
func (e *Engine) SetSchema(s *kql.Schema) { e.cfg.Schema = s }

// CacheKey names what a fetched schema describes: the service, and the
// cluster and database or the workspace.
func (e *Engine) CacheKey() string {
	return strings.Join([]string{string(e.kind), e.endpoint, e.cfg.Database, e.cfg.Workspace}, "\x00")
}
