package exec

import (
	"encoding/json"
	"fmt"

	"github.com/kqlhunt/kqlhunt/kql"
)

// queryTerms returns the terms of a has_any/has_all operand that is a
// dynamic value computed by the query rather than written as a constant:
// a let of pack_array(...), of toscalar(T | summarize make_set(x)), ...
//
// has_any compiles constant terms to one regular expression (hasAnyRegex),
// which DuckDB compiles once; a pattern built per row from a dynamic array
// compiles a regex per row. The operand does not depend on the row (it
// compiles without the row's columns), so its value is the same for every
// row: the compiler computes it first through CompileOptions.Probe, a
// first phase over the same data, and compiles the operator over those
// constants. An operand that reads the row's columns is rejected with
// that reason.
func (c *compiler) queryTerms(e *kql.InExpr, a kql.Expr, ev *env) ([]val, error) {
	v, err := c.scalar(a, &env{c: c, sc: ev.sc})
	if err != nil {
		return nil, errAt(a, "%s over a dynamic array that depends on the row is not supported", e.Op)
	}
	if v.null {
		return nil, nil
	}
	if c.opts.Probe == nil {
		return nil, errAt(a, "%s over a computed dynamic array needs the data to find its terms; it runs only through the engine", e.Op)
	}
	rows, err := c.opts.Probe(c.withSQL("SELECT CAST(" + c.toDynamic(v).sql + " AS VARCHAR)"))
	if err != nil {
		return nil, errAt(a, "%s: computing the terms: %v", e.Op, err)
	}
	if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] == nil {
		return nil, nil
	}
	text := fmt.Sprint(rows[0][0])
	var el any
	if err := json.Unmarshal([]byte(text), &el); err != nil {
		return nil, errAt(a, "%s: the terms are not a dynamic value: %v", e.Op, err)
	}
	arr, ok := el.([]any)
	if !ok {
		arr = []any{el}
	}
	out := make([]val, 0, len(arr))
	for _, x := range arr {
		out = append(out, jsonScalarVal(x))
	}
	return out, nil
}
