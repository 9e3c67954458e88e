# kqlhunt: what CI runs is `make test`.
GO      ?= go
PKGS    ?= ./...
STATICCHECK_VERSION ?= v0.8.2

.PHONY: build test bench fuzz golden lint conformance

build:
	$(GO) build -o kqlhunt ./cmd/kqlhunt

# vet + every test (unit, golden, corpus, conformance floor, command scripts).
test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 $(PKGS)

# Benchmarks: parse/check over the corpus, compile, and the DuckDB ratios.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Fuzz the parser (FUZZTIME=10m for a long run).
FUZZTIME ?= 60s
fuzz:
	$(GO) test ./kql -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME)

# Rewrite golden files after an intended change; review the diff.
golden:
	$(GO) test ./... -run 'Golden' -update

lint:
	gofmt -l . | (! grep .)
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)
