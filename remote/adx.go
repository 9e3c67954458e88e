package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/kqlhunt/kqlhunt/exec"
	"github.com/kqlhunt/kqlhunt/kql"
)

// v2Frame is one frame of Kusto's v2 query response, a JSON array of
// frames: DataSetHeader, then per table either one DataTable frame or a
// TableHeader, TableFragments, TableProgress and a TableCompletion, and
// last a DataSetCompletion.
type v2Frame struct {
	FrameType         string            `json:"FrameType"`
	TableID           int               `json:"TableId"`
	TableKind         string            `json:"TableKind"`
	TableName         string            `json:"TableName"`
	Columns           []v2Column        `json:"Columns"`
	Rows              []json.RawMessage `json:"Rows"`
	TableFragmentType string            `json:"TableFragmentType"`
	RowCount          *int64            `json:"RowCount"`
	HasErrors         bool              `json:"HasErrors"`
	Cancelled         bool              `json:"Cancelled"`
	OneAPIErrors      []errorBody       `json:"OneApiErrors"`
}

type v2Column struct {
	ColumnName string `json:"ColumnName"`
	ColumnType string `json:"ColumnType"`
	DataType   string `json:"DataType"`
}

// v2Table is a table being assembled from frames.
type v2Table struct {
	kind, name string
	res        *exec.Result
	done       bool
}

func newClientRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("kqlhunt;%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// timespanText writes d as Kusto's [d.]hh:mm:ss.
func timespanText(d time.Duration) string {
	s := int64(d / time.Second)
	if s < 1 {
		s = 1
	}
	return fmt.Sprintf("%d.%02d:%02d:%02d", s/86400, s/3600%24, s/60%60, s%60)
}

func (e *Engine) queryADX(ctx context.Context, token, src string) ([]*exec.Result, error) {
	// request_readonly: the service refuses any write, whatever the text
	options := map[string]any{"results_progressive_enabled": false, "request_readonly": true}
	if dl, ok := ctx.Deadline(); ok {
		// the service stops the query at the same time as the client
		options["servertimeout"] = timespanText(time.Until(dl))
	}
	body, err := json.Marshal(map[string]any{
		"db":         e.cfg.Database,
		"csl":        src,
		"properties": map[string]any{"Options": options},
	})
	if err != nil {
		return nil, err
	}
	crid := newClientRequestID()
	resp, err := e.send(ctx, http.MethodPost, e.endpoint, body, map[string]string{
		"Authorization":          "Bearer " + token,
		"x-ms-client-request-id": crid,
		"x-ms-app":               "kqlhunt",
		"x-ms-client-version":    "kqlhunt",
	}, func(status int, h http.Header, b []byte) error { return e.httpError(status, b, src) })
	if err != nil {
		if ctx.Err() != nil {
			e.cancelADX(token, crid)
		}
		return nil, err
	}
	defer resp.Body.Close()
	res, err := readV2(ctx, resp.Body, src)
	if err != nil && ctx.Err() != nil {
		e.cancelADX(token, crid)
	}
	return res, err
}

// CancelTimeout bounds the request that cancels a query on the service.
var CancelTimeout = 3 * time.Second

// cancelADX asks the cluster to stop the query of the given client
// request ID (.cancel query, which a user may run on their own queries),
// once the client has given up on it; best effort, bounded by
// CancelTimeout, its failure is not reported.
func (e *Engine) cancelADX(token, crid string) {
	ctx, cancel := context.WithTimeout(context.Background(), CancelTimeout)
	defer cancel()
	csl := `.cancel query "` + crid + `" with (reason = "cancelled in kqlhunt")`
	body, err := json.Marshal(map[string]any{"db": e.cfg.Database, "csl": csl})
	if err != nil {
		return
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(e.endpoint, "/v2/rest/query")+"/v1/rest/mgmt", bytes.NewReader(body))
	if err != nil {
		return
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("x-ms-client-request-id", newClientRequestID())
	req.Header.Set("x-ms-app", "kqlhunt")
	if resp, err := e.client.Do(req); err == nil {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
	}
}

// httpError reads a non-200 answer's error body.
func (e *Engine) httpError(status int, b []byte, src string) error {
	var eb errorBody
	if json.Unmarshal(b, &eb) == nil && eb.Error != nil {
		return serviceError(string(e.kind), status, eb.Error, src)
	}
	msg := strings.TrimSpace(string(b))
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &ServiceError{Service: string(e.kind), Status: status, Message: truncateText(msg, 300)}
}

// cutOff reports whether a decoding error means the body ended early.
func cutOff(err error) bool {
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// readV2 reads a v2 response and returns its primary results.
func readV2(ctx context.Context, r io.Reader, src string) ([]*exec.Result, error) {
	const svc = "adx"
	dec := json.NewDecoder(r)
	dec.UseNumber()
	truncated := func(frames int, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if cutOff(err) {
			return &TruncatedError{Service: svc, Detail: fmt.Sprintf("after %d complete frames, without the DataSetCompletion frame", frames)}
		}
		return &ServiceError{Service: svc, Code: "MalformedResponse", Message: "the response is not a v2 frame list: " + err.Error()}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, truncated(0, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &ServiceError{Service: svc, Code: "MalformedResponse", Message: "the response is not a v2 frame list (want a JSON array)"}
	}
	tables := map[int]*v2Table{}
	var order []*v2Table
	var errs []*ServiceError
	completed := false
	frames := 0
	dc := decoder{}
	for dec.More() {
		var f v2Frame
		if err := dec.Decode(&f); err != nil {
			return nil, truncated(frames, err)
		}
		frames++
		switch f.FrameType {
		case "DataSetHeader", "TableProgress":
		case "DataTable", "TableHeader":
			t := &v2Table{kind: f.TableKind, name: f.TableName, res: &exec.Result{}, done: f.FrameType == "DataTable"}
			for _, c := range f.Columns {
				typ := c.ColumnType
				if typ == "" {
					typ = c.DataType
				}
				kt, err := columnType(typ)
				if err != nil {
					return nil, &ServiceError{Service: svc, Code: "MalformedResponse", Message: fmt.Sprintf("column %q: %v", c.ColumnName, err)}
				}
				t.res.Columns = append(t.res.Columns, kql.Column{Name: c.ColumnName, Type: kt})
			}
			tables[f.TableID] = t
			order = append(order, t)
			if err := addRows(dc, t, f.Rows, &errs, src); err != nil {
				return nil, err
			}
		case "TableFragment":
			t := tables[f.TableID]
			if t == nil {
				return nil, &ServiceError{Service: svc, Code: "MalformedResponse", Message: fmt.Sprintf("a fragment of table %d before its header", f.TableID)}
			}
			if f.TableFragmentType == "DataReplace" {
				t.res.Rows = nil
			}
			if err := addRows(dc, t, f.Rows, &errs, src); err != nil {
				return nil, err
			}
		case "TableCompletion":
			t := tables[f.TableID]
			if t == nil {
				break
			}
			t.done = true
			for _, eb := range f.OneAPIErrors {
				if eb.Error != nil {
					errs = append(errs, serviceError(svc, 0, eb.Error, src))
				}
			}
			if f.RowCount != nil && *f.RowCount != int64(len(t.res.Rows)) && len(f.OneAPIErrors) == 0 {
				return nil, &TruncatedError{Service: svc, Detail: fmt.Sprintf("table %q announced %d rows, %d arrived", t.name, *f.RowCount, len(t.res.Rows))}
			}
		case "DataSetCompletion":
			completed = true
			for _, eb := range f.OneAPIErrors {
				if eb.Error != nil {
					errs = append(errs, serviceError(svc, 0, eb.Error, src))
				}
			}
			if f.HasErrors && len(errs) == 0 {
				errs = append(errs, &ServiceError{Service: svc, Code: "HasErrors", Message: "the service reported errors without details"})
			}
			if f.Cancelled {
				errs = append(errs, &ServiceError{Service: svc, Code: "Cancelled", Message: "the query was cancelled by the service"})
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, truncated(frames, err)
	}
	if !completed {
		return nil, &TruncatedError{Service: svc, Detail: fmt.Sprintf("%d frames arrived, without the DataSetCompletion frame", frames)}
	}
	var primary []*exec.Result
	for _, t := range order {
		if t.kind == "PrimaryResult" || (t.kind == "" && t.name == "PrimaryResult") {
			if !t.done {
				return nil, &TruncatedError{Service: svc, Detail: fmt.Sprintf("table %q has no TableCompletion frame", t.name)}
			}
			primary = append(primary, t.res)
		}
	}
	if len(errs) > 0 {
		first := errs[0]
		if len(primary) > 0 {
			return nil, &PartialError{Result: primary[0], Err: first}
		}
		return nil, first
	}
	return primary, nil
}

// addRows converts a frame's rows into t. A row that is an object rather
// than an array carries the errors met while producing the table
// ({"OneApiErrors": [...]}).
func addRows(dc decoder, t *v2Table, rows []json.RawMessage, errs *[]*ServiceError, src string) error {
	for _, raw := range rows {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '{' {
			var inRow struct {
				OneAPIErrors []errorBody `json:"OneApiErrors"`
			}
			if err := json.Unmarshal(raw, &inRow); err == nil {
				for _, eb := range inRow.OneAPIErrors {
					if eb.Error != nil {
						*errs = append(*errs, serviceError("adx", 0, eb.Error, src))
					}
				}
			}
			continue
		}
		var vals []json.RawMessage
		if err := json.Unmarshal(raw, &vals); err != nil {
			return &ServiceError{Service: "adx", Code: "MalformedResponse", Message: "a row is not an array: " + err.Error()}
		}
		if len(vals) != len(t.res.Columns) {
			return &ServiceError{Service: "adx", Code: "MalformedResponse", Message: fmt.Sprintf("table %q: a row has %d values for %d columns", t.name, len(vals), len(t.res.Columns))}
		}
		row, err := convertRow(dc, t.res.Columns, vals)
		if err != nil {
			return &ServiceError{Service: "adx", Code: "MalformedResponse", Message: fmt.Sprintf("table %q: %v", t.name, err)}
		}
		t.res.Rows = append(t.res.Rows, row)
	}
	return nil
}

func convertRow(dc decoder, cols []kql.Column, vals []json.RawMessage) ([]any, error) {
	row := make([]any, len(cols))
	for i, c := range cols {
		v, err := dc.value(c.Type, vals[i])
		if err != nil {
			return nil, fmt.Errorf("column %q: %v", c.Name, err)
		}
		row[i] = v
	}
	return row, nil
}
