// Package exec compiles the typed KQL syntax tree to DuckDB SQL and runs it
// on an embedded DuckDB database.
//
// It owns the compiler (Compile: pure Go, no DuckDB, one CTE per pipeline
// stage, Kusto's semantics for nulls, terms, joins, automatic column names and
// 100 ns ticks), the engine (Open, Lockdown, Query, cancellation through the
// context) and Result, the KQL-typed tabular result. The engine's lockdown
// (Lockdown, or LockdownAllowing for a loader that must read a dataset's own
// files after it) is the only one; its DuckDB spills to a private 0700
// temporary directory that Close removes (tempdir.go).
//
// Inside a query, datetimes are BIGINT ticks since 1970 (all of 0001..9999
// fits and arithmetic stays integral; table columns stored as TIMESTAMP_NS
// are converted where they are read), timespans are BIGINT ticks, dynamic
// values are JSON, decimals DECIMAL(38,18). Row order is carried by a hidden
// "$ord" column where KQL defines one; internal columns start with "$", which
// no user column can (kql.InternalName). What depends on the data at compile
// time asks CompileOptions.Probe, which the engine supplies, and compiles
// in two phases: the output columns of evaluate bag_unpack and evaluate
// pivot, and the terms of has_any/has_all over an array the query computes
// (compiled then as constants, one regex for all rows).
//
// Before the statement is written out, the stages nobody reads and the
// columns no later stage needs are pruned (prune.go): small queries pay
// DuckDB's binding of every column otherwise. Program.Tables names the
// stored tables a statement reads, which an engine with a TableLoader
// creates on first use.
//
// Golden tests live in testdata/golden/NAME: input.kql, output.sql (rewrite
// with go test ./exec -run Golden -update) and result.json (written by hand
// from the KQL documentation, never by -update).
//
// It imports kql and the DuckDB driver; it must not import render, the CLI,
// or anything that knows of natural language.
package exec
