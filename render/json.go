package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/kqlhunt/kqlhunt/exec"
)

type jsonColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// writeJSON writes {"columns":[{"name","type"}],"rows":[[...]]}, the shape
// the conformance scorer reads; one row per line keeps large results
// diffable and streamable.
func writeJSON(w io.Writer, r *exec.Result) error {
	bw := bufio.NewWriter(w)
	cols := make([]jsonColumn, len(r.Columns))
	for i, c := range r.Columns {
		cols[i] = jsonColumn{c.Name, string(c.Type)}
	}
	head, err := MarshalJSON(cols)
	if err != nil {
		return err
	}
	bw.WriteString(`{"columns":`)
	bw.Write(head)
	bw.WriteString(`,"rows":[`)
	for i, row := range r.Rows {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.WriteString("\n")
		b, err := MarshalJSON(JSONRow(r, row))
		if err != nil {
			return err
		}
		bw.Write(b)
	}
	if len(r.Rows) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// writeJSONL writes one JSON object per row, keyed by column name.
func writeJSONL(w io.Writer, r *exec.Result) error {
	bw := bufio.NewWriter(w)
	for _, row := range r.Rows {
		bw.WriteByte('{')
		for i, c := range r.Columns {
			if i > 0 {
				bw.WriteByte(',')
			}
			k, _ := MarshalJSON(c.Name)
			bw.Write(k)
			bw.WriteByte(':')
			v, err := MarshalJSON(JSONValue(c.Type, row[i]))
			if err != nil {
				return err
			}
			bw.Write(v)
		}
		bw.WriteString("}\n")
	}
	return bw.Flush()
}

// JSONRow returns a row's values in their JSON form (see JSONValue).
func JSONRow(r *exec.Result, row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		out[i] = JSONValue(r.Columns[i].Type, v)
	}
	return out
}

// MarshalJSON is json.Marshal without HTML escaping: "a & <b>" stays as it
// is (json.Marshal writes "a \u0026 \u003cb\u003e", which grep misses).
// Control characters are still escaped, as JSON requires.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
