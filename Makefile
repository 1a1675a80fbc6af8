# smspark — make demo, make test. Everything else is optional.
GO        ?= go
BIN       := bin/smspark
STATICCHECK_VERSION := v0.8.2
export CGO_ENABLED ?= 1
# Build and test with the Go of go.mod's toolchain line (a patched 1.26.x),
# fetched once through the module proxy, whatever GOTOOLCHAIN the
# environment sets (a host's "local" would keep an older, vulnerable Go).
export GOTOOLCHAIN := auto

.PHONY: all build test demo lint bench bench-smpp bench-scale fuzz clean

all: build

# What `smspark version` prints: from git when there is a checkout (the go
# command does not stamp builds in a git worktree), else "dev"/"unknown".
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT     ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
BUILD_TIME ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS    := -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.buildTime=$(BUILD_TIME)

build:
	$(GO) build -buildvcs=auto -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/smspark

## test: vet, then every test with the race detector on; lists the tests
## skipped for want of an installed program (PostgreSQL), and how to get it
SKIPS := $(CURDIR)/.test-skips
test:
	$(GO) vet ./...
	@rm -f $(SKIPS)
	@echo "$(GO) test -race -count=1 ./..."
	@SMSPARK_SKIPS_FILE=$(SKIPS) $(GO) test -race -count=1 ./...; rc=$$?; \
	if [ -s $(SKIPS) ]; then \
		echo; echo "*** make test SKIPPED these tests (set SMSPARK_REQUIRE_POSTGRES=1 to fail instead):"; \
		sort -u $(SKIPS); echo; \
	fi; rm -f $(SKIPS); exit $$rc

## demo: the engine, an SMSC simulator per operator and an interactive phone
demo: build
	@./$(BIN) demo

## lint: gofmt, go vet and staticcheck must be clean
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## bench: the micro-benchmarks (engine, store, tariffs, parser, the whole MO path)
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./sessions ./store ./tariffs ./parser
	$(GO) test -run='^$$' -bench=BenchmarkMOPath -benchmem ./cmd/smspark

## bench-smpp: serve against sim --load, one table (scripts/bench.sh; BENCH_SECONDS=15 ...)
bench-smpp:
	scripts/bench.sh

## bench-scale: warden lookups (16/64/256 connections) and the 1 M-session start (scripts/bench-scale.sh)
bench-scale:
	scripts/bench-scale.sh

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=30s ./parser
	$(GO) test -run='^$$' -fuzz=FuzzNormalizePlate -fuzztime=15s ./parser
	$(GO) test -run='^$$' -fuzz=FuzzDecodeDeliverSM -fuzztime=15s ./smpp
	$(GO) test -run='^$$' -fuzz=FuzzDecodeDataSM -fuzztime=15s ./smpp
	$(GO) test -run='^$$' -fuzz=FuzzReadPacket -fuzztime=15s ./smpp

clean:
	rm -rf bin
