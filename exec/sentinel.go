package exec

import "github.com/kqlhunt/kqlhunt/kql"

// readsSentinelDynamic reports whether x reads a column of t that this
// query sees as dynamic while t stores it as text (the Sentinel flavour of
// a JSON column, kql.Table.SentinelDynamic): a condition on it cannot run
// on the stored table.
func (c *compiler) readsSentinelDynamic(x kql.Expr, t *kql.Table) bool {
	found := false
	kql.Inspect(x, func(n kql.Node) bool {
		if id, ok := n.(*kql.Ident); ok && t.SentinelDynamic(id.Name, c.dynUses) {
			found = true
		}
		return !found
	})
	return found
}
