package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// defenderResponse is advanced hunting's answer: {"Stats": {...},
// "Schema": [{"Name", "Type"}], "Results": [{COLUMN: VALUE, ...}]}.
// Graph's runHuntingQuery writes the same keys in camel case
// ("schema", "results"), which decoding accepts as well.
type defenderResponse struct {
	Schema []struct {
		Name string `json:"Name"`
		Type string `json:"Type"`
	} `json:"Schema"`
	Results []map[string]json.RawMessage `json:"Results"`
	Error   *oneAPIError                 `json:"error"`
}

func (e *Engine) queryDefender(ctx context.Context, token, src string) ([]*exec.Result, error) {
	body, err := json.Marshal(map[string]string{"Query": src})
	if err != nil {
		return nil, err
	}
	resp, err := e.send(ctx, http.MethodPost, e.endpoint, body, map[string]string{"Authorization": "Bearer " + token},
		func(status int, h http.Header, b []byte) error {
			err := e.httpError(status, b, src)
			if se, ok := err.(*ServiceError); ok && status == http.StatusTooManyRequests {
				se.Message += " (advanced hunting allows about 45 calls a minute and a share of running time per hour and per day)"
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var r defenderResponse
	if err := decodeResponse(ctx, string(e.kind), resp.Body, &r); err != nil {
		return nil, err
	}
	if r.Error != nil {
		return nil, serviceError(string(e.kind), 0, r.Error, src)
	}
	res := &exec.Result{}
	for _, c := range r.Schema {
		kt, err := columnType(c.Type)
		if err != nil {
			return nil, &ServiceError{Service: string(e.kind), Code: "MalformedResponse", Message: fmt.Sprintf("column %q: %v", c.Name, err)}
		}
		res.Columns = append(res.Columns, kql.Column{Name: c.Name, Type: kt})
	}
	dc := decoder{dynamicAsText: true}
	vals := make([]json.RawMessage, len(res.Columns))
	for _, obj := range r.Results {
		for i, c := range res.Columns {
			vals[i] = obj[c.Name] // absent is null
		}
		row, err := convertRow(dc, res.Columns, vals)
		if err != nil {
			return nil, &ServiceError{Service: string(e.kind), Code: "MalformedResponse", Message: err.Error()}
		}
		res.Rows = append(res.Rows, row)
	}
	if len(res.Rows) >= DefenderRowLimit {
		return nil, &PartialError{Result: res, Err: &ServiceError{Service: string(e.kind), Code: "RowLimit",
			Message: fmt.Sprintf("advanced hunting returns at most %d rows per query and this result has %d: rows beyond the limit were left out; narrow the query (where, summarize, take) to see all of them", DefenderRowLimit, len(res.Rows))}}
	}
	return []*exec.Result{res}, nil
}
