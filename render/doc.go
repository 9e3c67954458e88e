// Package render turns an exec.Result into what a person or a program reads:
// an aligned table, CSV, TSV, JSON, JSON lines, Markdown or an xlsx
// workbook (Formats; a Format says its extension and whether people read
// it or it is binary). It owns the one text form of every KQL value
// (FormatValue) and the one JSON form (JSONValue), so every output format,
// the conformance runner and `kqlhunt test` agree on how a value looks.
// Summary describes a result in a few lines (rows, time span, frequent
// values) for `ask` and `chat`.
//
// Tables are fitted to a terminal only when Options say so (its width and
// height); every other output is complete and the same wherever it goes.
// Text meant for a terminal passes through Sanitize (or SafeWriter), which
// escapes the control characters a terminal would act on.
//
// It imports only the result types of exec (and kql's type names); it
// knows nothing of parsing, SQL or DuckDB.
package render
