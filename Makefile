# Mobility Fund. `make run` serves the app on SQLite with demo data;
# `make test` runs every check this machine can run.

GO ?= go
BIN := bin/mobilityfund

.PHONY: run build test fmt-check vet staticcheck unit fuzz bench clean

run: build
	./$(BIN) serve

build:
	$(GO) build -o $(BIN) ./cmd/mobilityfund

test: fmt-check vet staticcheck unit

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@echo "gofmt: ok"

vet:
	$(GO) vet ./...

# staticcheck at a fixed version, fetched through the module proxy.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
staticcheck:
	$(GO) run $(STATICCHECK) ./...

unit:
	@$(GO) run ./internal/dbtest/probe
	@$(GO) run ./internal/browsertest/probe
	$(GO) test -race -count=1 -timeout 25m ./...

# A short run of every fuzz target, from the seed corpus in the code and
# testdata/fuzz; FUZZTIME sets how long each target runs.
FUZZTIME ?= 30s
FUZZ_TARGETS := money:FuzzParse money:FuzzParseFormatRoundTrip handlers:FuzzDraftForm handlers:FuzzTypedText \
	export:FuzzSIERoundTrip export:FuzzCSVInert
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) -parallel 2 ./$$pkg || exit 1; \
	done

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
