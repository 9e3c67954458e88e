package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// laResponse is the Log Analytics query API's answer:
// {"tables": [{"name", "columns": [{"name", "type"}], "rows": [[...]]}]},
// with "error" beside the tables when the result is partial.
type laResponse struct {
	Tables []struct {
		Name    string `json:"name"`
		Columns []struct {
			Name string `json:"name"`
			Type string `json:"type"`
		} `json:"columns"`
		Rows [][]json.RawMessage `json:"rows"`
	} `json:"tables"`
	Error *oneAPIError `json:"error"`
}

func (e *Engine) queryLogAnalytics(ctx context.Context, token, src string) ([]*exec.Result, error) {
	req := map[string]string{"query": src}
	if e.cfg.Timespan != "" {
		req["timespan"] = e.cfg.Timespan
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	headers := map[string]string{"Authorization": "Bearer " + token}
	if dl, ok := ctx.Deadline(); ok {
		// the service waits at most this long for the query
		headers["Prefer"] = fmt.Sprintf("wait=%d", max(1, int(time.Until(dl)/time.Second)))
	}
	resp, err := e.send(ctx, http.MethodPost, e.endpoint, body, headers, func(status int, h http.Header, b []byte) error { return e.httpError(status, b, src) })
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r laResponse
	if err := decodeResponse(ctx, string(e.kind), resp.Body, &r); err != nil {
		return nil, err
	}
	dc := decoder{dynamicAsText: true}
	var out []*exec.Result
	for _, t := range r.Tables {
		if len(r.Tables) > 1 && t.Name != "PrimaryResult" && t.Name != "" {
			continue
		}
		res := &exec.Result{}
		for _, c := range t.Columns {
			kt, err := columnType(c.Type)
			if err != nil {
				return nil, &ServiceError{Service: string(e.kind), Code: "MalformedResponse", Message: fmt.Sprintf("column %q: %v", c.Name, err)}
			}
			res.Columns = append(res.Columns, kql.Column{Name: c.Name, Type: kt})
		}
		for _, vals := range t.Rows {
			if len(vals) != len(res.Columns) {
				return nil, &ServiceError{Service: string(e.kind), Code: "MalformedResponse", Message: fmt.Sprintf("a row has %d values for %d columns", len(vals), len(res.Columns))}
			}
			row, err := convertRow(dc, res.Columns, vals)
			if err != nil {
				return nil, &ServiceError{Service: string(e.kind), Code: "MalformedResponse", Message: err.Error()}
			}
			res.Rows = append(res.Rows, row)
		}
		out = append(out, res)
	}
	if r.Error != nil {
		se := serviceError(string(e.kind), 0, r.Error, src)
		if len(out) > 0 {
			return nil, &PartialError{Result: out[0], Err: se}
		}
		return nil, se
	}
	return out, nil
}

// decodeResponse reads a service's JSON answer into v: a cancelled request
// is the context's error, a document that ends early a TruncatedError,
// anything else that is not the expected JSON a MalformedResponse.
func decodeResponse(ctx context.Context, service string, body io.Reader, v any) error {
	if err := json.NewDecoder(body).Decode(v); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if cutOff(err) {
			return &TruncatedError{Service: service, Detail: "the JSON document ended early"}
		}
		return &ServiceError{Service: service, Code: "MalformedResponse", Message: err.Error()}
	}
	return nil
}
