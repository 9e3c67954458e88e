// Package kql owns kqlhunt's understanding of the Kusto Query Language: the
// lexer and parser, the public typed syntax tree with source spans, the
// canonical printer, the table schema (with the advanced-hunting schema
// embedded) and the checker that resolves names and infers types.
//
// It must not import anything that knows of SQL, DuckDB or natural
// language: it depends on the standard library (and participle) only.
package kql
