// Command conformance runs the shared KQL conformance suite
// (shared/conformance/cases.jsonl) through the exec engine and writes one
// result line per case in the format compare.py reads:
//
//	go run ./internal/conformance -out results.jsonl
//	python3 ../shared/conformance/compare.py ../shared/conformance/cases.jsonl results.jsonl -v
//
// Its test runs the suite and fails when fewer cases pass than the floor
// recorded in floor.txt. It imports exec and render only.
package main
