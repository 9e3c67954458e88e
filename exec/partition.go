package exec

import (
	"strings"

	"github.com/kqlhunt/kqlhunt/kql"
)

// partition compiles `partition by Col (subquery)`: the subquery runs on
// each group of rows sharing a value of Col, with the same per-partition
// operators as mv-apply subqueries.
func (c *compiler) partition(r *rel, op *kql.PartitionOp, sc *scope) (*rel, error) {
	if c.part != "" {
		return nil, errAt(op, "partition inside mv-apply or partition is not supported")
	}
	for _, p := range op.Params {
		if !strings.HasPrefix(strings.ToLower(p.Name), "hint.") {
			return nil, errAt(p, "partition parameter %q is not supported", p.Name)
		}
	}
	key, err := c.scalar(op.By, c.rowEnv(r, sc))
	if err != nil {
		return nil, err
	}
	sub := op.Sub
	for {
		if p, ok := sub.(*kql.ParenExpr); ok {
			sub = p.X
			continue
		}
		break
	}
	pipe, ok := sub.(*kql.PipeExpr)
	if !ok || pipe.Source != nil {
		return nil, errAt(op.Sub, "partition expects a subquery of operators: by Col (op | op ...)")
	}
	k := key.sql
	if key.t == kql.TDynamic {
		k = "CAST(" + k + " AS VARCHAR)"
	}
	base := c.addCTE("SELECT *, "+k+" AS \"$rid\" FROM "+r.from, r.cols, r.ord, r.sorted)
	c.part = "\"$rid\""
	res, err := c.ops(base, pipe.Ops, sc)
	c.part = ""
	if err != nil {
		return nil, err
	}
	return c.addCTE("SELECT "+colList(res.cols, false)+" FROM "+res.from, res.cols, false, false), nil
}
