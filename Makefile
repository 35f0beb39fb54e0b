# The shop's two everyday commands are `make run` and `make test`; the rest are parts of them.
SHELL := /bin/bash
GO ?= go
TEST_TIMEOUT ?= 25m
BIN := .data/bin/storefront

.PHONY: run test db-stop generate lint check-generated bench build

## run: the shop with demo data on http://localhost:8080 (starts a local PostgreSQL when DATABASE_URL is unset)
run:
	$(GO) run ./cmd/storefront dev

## db-stop: stop the local PostgreSQL that `make run` started
db-stop:
	$(GO) run ./cmd/storefront devdb stop --dir .data/postgres

## build: the binary in .data/bin
build:
	$(GO) build -o $(BIN) ./cmd/storefront

## generate: templ components → Go
generate:
	$(GO) tool templ generate

## check-generated: fail when the committed templ output differs from what templ generates
check-generated:
	@$(GO) tool templ generate >/dev/null 2>&1
	@if [ -n "$$(git status --porcelain -- '*_templ.go')" ]; then \
		echo "generated templ files are out of date; run make generate and commit:"; \
		git status --porcelain -- '*_templ.go'; exit 1; fi

## lint: go vet, gofmt and generated-code check
lint: check-generated
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '_templ.go$$')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

## test: lint, then every test with the race detector against a throwaway PostgreSQL (unless
## TEST_DATABASE_URL or DATABASE_URL is set); the database is stopped and removed even when tests fail
test: build
	@set -euo pipefail; \
	if [ -z "$${TEST_DATABASE_URL:-}" ] && [ -z "$${DATABASE_URL:-}" ]; then \
		dir=$$(mktemp -d /tmp/storefront-testdb-XXXXXX); \
		trap '$(BIN) devdb stop --dir "$$dir" --remove' EXIT; \
		TEST_DATABASE_URL=$$($(BIN) devdb start --dir "$$dir" --throwaway); \
		export TEST_DATABASE_URL; \
	fi; \
	$(MAKE) --no-print-directory lint; \
	$(GO) test -race -timeout $(TEST_TIMEOUT) ./...

## bench: Go benchmarks of the hot paths on a real database, then the load test of the real server (BENCH.md)
bench: build
	@set -euo pipefail; \
	if [ -z "$${TEST_DATABASE_URL:-}" ] && [ -z "$${DATABASE_URL:-}" ]; then \
		dir=$$(mktemp -d /tmp/storefront-benchdb-XXXXXX); \
		trap '$(BIN) devdb stop --dir "$$dir" --remove' EXIT; \
		TEST_DATABASE_URL=$$($(BIN) devdb start --dir "$$dir" --throwaway); \
		export TEST_DATABASE_URL; \
	fi; \
	$(GO) test -run '^$$' -bench . -benchmem ./...; \
	$(GO) run ./cmd/loadtest -server $(BIN)
