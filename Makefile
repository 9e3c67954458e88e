# kqlhunt: what CI runs is `make test`.
GO      ?= go
PKGS    ?= ./...
STATICCHECK_VERSION ?= v0.8.2

.PHONY: build test bench fuzz golden lint conformance hunts

build:
	$(GO) build -o kqlhunt ./cmd/kqlhunt

# vet + every test (unit, golden, corpus, conformance floor, command scripts).
test:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 $(PKGS)

# The hunting queries of hunts/ against the sample dataset, through
# `kqlhunt test` (make test runs them too, in internal/cli's scripts).
hunts:
	$(GO) run ./cmd/kqlhunt test hunts

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

# staticcheck: an installed one (on PATH or in GOPATH/bin) if there is one,
# else the pinned version through the module proxy.
STATICCHECK ?= $(shell command -v staticcheck 2>/dev/null || \
	{ p="$$($(GO) env GOPATH)/bin/staticcheck"; [ -x "$$p" ] && echo "$$p"; })
ifeq ($(strip $(STATICCHECK)),)
STATICCHECK = $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
endif

lint:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)
