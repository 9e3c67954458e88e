package exec

import "strings"

// tryApply is TRY(f(arg)): f's errors become null. DuckDB does not allow
// a scalar subquery inside TRY (parse_url's query parameters are one), so
// such an argument is computed first, in a subquery of its own.
func tryApply(arg string, f func(string) string) string {
	if !strings.Contains(arg, "SELECT") {
		return "TRY(" + f(arg) + ")"
	}
	return "(SELECT TRY(" + f(`"$try"`) + ") FROM (SELECT " + arg + ` AS "$try"))`
}
