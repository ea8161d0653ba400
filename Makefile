# nipt — build and test. "make test" is the README's test command and what CI runs.
GO ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Build with the libdeflate inflater (cgo) when Debian's libdeflate-dev is
# installed: nipt count is then ~1.7x faster (docs/counting.md).
TAGS ?= $(shell [ -e /usr/include/libdeflate.h ] && echo libdeflate)

.PHONY: build test lint unit race race-quick demo bench docs
build:
	$(GO) build -tags "$(TAGS)" -o bin/nipt ./cmd/nipt

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

unit:
	$(GO) test -count=1 -timeout 30m ./...
	@if [ -n "$(TAGS)" ]; then \
	  echo "== again with -tags $(TAGS) (BGZF inflation, counting)"; \
	  $(GO) vet -tags "$(TAGS)" ./internal/bam/... && \
	  $(GO) test -count=1 -tags "$(TAGS)" ./internal/bam/... ./internal/count/... ./internal/counts/...; \
	fi

# The race detector over the packages that run their own goroutines at the
# record or request level (worker pools, parallel inflation, the review
# server's concurrent requests on one database), part of make test.
# "make race" runs it over everything (about 8 minutes on 2 cores).
race-quick:
	$(GO) test -race -count=1 ./internal/parallel/... ./internal/bam/... ./internal/count/... ./internal/counts/... ./internal/atomicfile/... ./internal/store/...
	$(GO) test -race -count=1 -run 'Concurrent|Browser|SignIn' ./internal/server/...

race:
	$(GO) test -race -count=1 -timeout 60m ./...

test: lint unit race-quick

demo: build
	./bin/nipt demo

bench: build
	bench/count.sh

# docs/cli: the command-line reference, regenerated from the commands
# (TestCLIDocs fails when it is out of date).
docs:
	$(GO) test ./cmd/nipt -run TestCLIDocs -update
