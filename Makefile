# Mobility Fund. `make run` serves the app on SQLite with demo data;
# `make test` runs every check this machine can run.

GO ?= go
BIN := bin/mobilityfund

.PHONY: run build test fmt-check vet unit bench clean

run: build
	./$(BIN) serve

build:
	$(GO) build -o $(BIN) ./cmd/mobilityfund

test: fmt-check vet unit

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@echo "gofmt: ok"

vet:
	$(GO) vet ./...

unit:
	@$(GO) run ./internal/dbtest/probe
	@$(GO) run ./internal/browsertest/probe
	$(GO) test -race -count=1 -timeout 25m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
