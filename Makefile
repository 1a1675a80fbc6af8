# smspark — make demo, make test. Everything else is optional.
GO        ?= go
BIN       := bin/smspark
STATICCHECK_VERSION := v0.8.2
export CGO_ENABLED ?= 1

.PHONY: all build test demo lint bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/smspark

## test: vet, then every test with the race detector on
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

## demo: the engine, an SMSC simulator per operator and an interactive phone
demo: build
	@./$(BIN) demo

## lint: gofmt, go vet and staticcheck must be clean
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## bench: the engine and store micro-benchmarks
bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./sessions ./store ./tariffs ./parser

## fuzz: a short run of every fuzz target
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=30s ./parser
	$(GO) test -run='^$$' -fuzz=FuzzNormalizePlate -fuzztime=15s ./parser
	$(GO) test -run='^$$' -fuzz=FuzzDecodeDeliverSM -fuzztime=15s ./smpp
	$(GO) test -run='^$$' -fuzz=FuzzDecodeDataSM -fuzztime=15s ./smpp
	$(GO) test -run='^$$' -fuzz=FuzzReadPacket -fuzztime=15s ./smpp

clean:
	rm -rf bin
