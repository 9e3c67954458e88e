// Package render turns an exec.Result into what a person or a program reads:
// an aligned table, CSV, TSV, JSON, JSON lines, Markdown or an xlsx
// workbook. It owns the one text form of every KQL value (FormatValue) and
// the one JSON form (JSONValue), so every output format, the conformance
// runner and `kqlhunt test` agree on how a value looks. Summary describes a
// result in a few lines (rows, time span, frequent values) for `ask` and
// `chat`.
//
// It imports only the result types of exec (and kql's type names); it
// knows nothing of parsing, SQL or DuckDB.
package render
