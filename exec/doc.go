// Package exec compiles the typed KQL syntax tree to DuckDB SQL and runs it
// on an embedded DuckDB database.
//
// It owns the compiler (Compile: pure Go, no DuckDB, one CTE per pipeline
// stage, Kusto's semantics for nulls, terms, joins, automatic column names and
// 100 ns ticks), the engine (Open, Lockdown, Query, cancellation through the
// context) and Result, the KQL-typed tabular result.
//
// It imports kql and the DuckDB driver; it must not import render, the CLI,
// or anything that knows of natural language.
package exec
