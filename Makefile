# Aloft's developer entry points. `make run` builds the binary, generates a
# small TPC-H data set the first time, and opens the SQL shell on it.

GO      ?= go
BIN     := bin/aloft
SF01    := data/tpch-sf0.1
SF1     := data/tpch-sf1
# The TPC-H SF1 end-to-end check (ALOFT_TPCH_SF1=1) generates its data and
# runs 22 queries: it needs far more than go test's default 10 minutes.
TEST_TIMEOUT ?= 60m

.PHONY: build test run tpch-sf0.1 tpch-sf1 bench clean

# The commit for `aloft version` (go build's own VCS stamp may be turned off).
COMMIT  := $(shell git rev-parse --short HEAD 2>/dev/null)

build:
	$(GO) build -ldflags "-X main.commit=$(COMMIT)" -o $(BIN) ./cmd/aloft

# Packages with concurrency (operators running partitions on goroutines, the
# shuffle service, in-memory tables written while read) are also run under the race detector.
RACE_PKGS ?= ./exec/... ./shuffle/... ./memtable/... ./distplan/... ./executor/... ./scheduler/... ./coordinator/... ./flight/...
test:
	$(GO) vet ./...
	$(GO) test -timeout $(TEST_TIMEOUT) ./...
	$(GO) test -race -timeout $(TEST_TIMEOUT) $(RACE_PKGS)

# Generating is skipped when the data is there: the generator writes every
# table under a temporary name and renames them only once all are written.
tpch-sf0.1: build
	@test -f $(SF01)/lineitem.parquet || $(BIN) datagen tpch --sf 0.1 --out $(SF01)

tpch-sf1: build
	@test -f $(SF1)/lineitem.parquet || $(BIN) datagen tpch --sf 1 --out $(SF1)

run: tpch-sf0.1
	$(BIN) sql --data $(SF01)

# The answers are checked when the reference answers are beside the repository.
ANSWERS_SF1 := ../shared/tpch/answers-sf1
bench: tpch-sf1
	$(BIN) bench tpch --data $(SF1) $(if $(wildcard $(ANSWERS_SF1)),--check $(ANSWERS_SF1))

clean:
	rm -rf bin
