// Package hunttest is the engine of `kqlhunt test`: it runs every NAME.kql
// of a folder against the active dataset and compares the result with
// NAME.expected.csv (or NAME.expected.jsonl) — as a multiset of rows unless
// the query fixes the order — prints a readable diff on a mismatch, can
// rewrite the expectations, and writes JUnit XML for CI systems.
//
// Values are compared in their canonical text form (render.FormatValue),
// so an expectation file is what a hunter would read. hunttest imports
// kql, exec (result types) and render; it does not open engines or load
// data itself — the caller passes the query function.
package hunttest
