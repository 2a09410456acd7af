# simpipe — see README.md. Every target installs what it needs through `go`.

GO        ?= go
BIN       ?= bin/simpipe
VERSION   ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/simpipe/simpipe/cli.Version=$(VERSION)
RUN_DB    ?= simpipe-run.db
RUN_GAMES ?= 100000
RUN_PLAYERS ?= mcts:iterations=100,random
FUZZTIME  ?= 20s

.PHONY: all build run test test-race test-resume crashtest fault-campaign bench lint fuzz claims c4-accuracy c4-positions clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/simpipe

# A real, interruptible batch: connect four, MCTS (100 iterations a move)
# against random, into $(RUN_DB) — about half a minute on 2 cores. Press
# Ctrl-C and run `make run` again: it resumes where it stopped.
run: build
	./$(BIN) run --db $(RUN_DB) --game connect4 --games $(RUN_GAMES) --players $(RUN_PLAYERS)
	./$(BIN) inspect $(RUN_DB)

# The whole suite: vet, formatting, unit, rules, store and subprocess tests.
test: lint example
	$(GO) test ./...

# The example game module (examples/nim, its own go.mod) built against this
# tree: its vet and tests, then its own binary through a short run, a short
# training and an evaluation that the trained model must win clearly.
.PHONY: example
example:
	cd examples/nim && $(GO) vet ./... && $(GO) test ./... && $(GO) build -o ../../bin/nim ./cmd/nim
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && set -x && \
	./bin/nim run --db "$$tmp/nim.db" --game nim --games 2000 --progress none && \
	./bin/nim train --db "$$tmp/train.db" --game nim --iterations 1 --games-per-iteration 2000 --progress none -o "$$tmp/nim.json" && \
	./bin/nim eval --ai "$$tmp/nim.json" --player greedy --vs random --games 400 --progress none --json > "$$tmp/eval.json" && \
	cat "$$tmp/eval.json" && awk -F': *' '/"wilson_low"/ { ok = $$2 + 0 > 0.8 } END { exit !ok }' "$$tmp/eval.json"

# The suite under the race detector (-short trims the deepest perft depths).
test-race:
	$(GO) test -race -short ./...

# Only the kill/resume tests of the CLI.
test-resume:
	$(GO) test -count=1 -run 'TestCrashResume|TestInterruptAndResume|TestFailingGames' -v ./cli/

# The crash campaign: 50 SIGKILLs at random moments over a fast run (random
# connect four) and a slow one (MCTS on hex 7x7), plus kills inside commits.
crashtest:
	SIMPIPE_CRASH_KILLS=50 $(GO) test -count=1 -timeout 30m -run 'TestCrashResume|TestKillInsideCommit' -v ./cli/ | grep -E '^(---|ok|FAIL)|kills'

# The full NATS fault campaign in network namespaces (root, iproute2 and
# iptables; make test runs a reduced one), then the throughput figures
# across namespaces. SIMPIPE_FAULTS_SEED=N replays a campaign;
# SIMPIPE_FAULTS_LOGS=DIR keeps every process's log, the progress samples,
# the faults' times and a probe's view of the streams and consumers there.
fault-campaign:
	SIMPIPE_FAULTS=full $(GO) test -count=1 -timeout 40m -run 'TestFaultCampaign|TestThroughput' -v ./cluster/faults/ | grep -Ev '^=== (RUN|PAUSE|CONT)'

# Benchmarks: random playouts per game, the end-to-end pipeline against a
# plain loop over the same games (the "ratio" metric), a move of the ai
# player (PUCT, 200 iterations) against one of plain mcts at 200
# (within 2x, issue #11; SIMPIPE_BENCH_MODEL=c4.json:hex7.json searches with
# trained models, one per game, listed as in $PATH), and game
# processes: random connect four per worker through the protocol against each
# reference's own loop ("ratio"), and mcts:iterations=200 through it against
# the built-in game.
bench:
	$(GO) test -run '^$$' -bench RandomPlayout -benchtime 2s ./game/...
	$(GO) test -run '^$$' -bench PipelineVsPlainLoop -benchtime 3x ./pipeline/
	$(GO) test -run '^$$' -bench '^BenchmarkMove$$' -benchtime 200x ./ai/
	$(GO) test -run '^$$' -bench RandomConnect4 -benchtime 2s ./game/gameproc/
	$(GO) test -run '^$$' -bench MCTS200 -benchtime 20x ./game/gameproc/
	$(GO) test -run '^$$' -bench Gofish -benchtime 2s ./game/gameproc/

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags testgames ./cmd/simpipe/ ./cli/

# Fuzz every decoder of stored records and NATS messages, and every game,
# for FUZZTIME each.
fuzz:
	for f in FuzzDecodeChunk FuzzDecodeJob FuzzDecodeAggregate; do \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./store/ || exit 1; done
	for f in FuzzDecodeJobMsg FuzzDecodeResultMsg; do \
		$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) ./cluster/ || exit 1; done
	for p in $$($(GO) list ./game/...); do \
		if $(GO) test -list '^FuzzPlay$$' $$p | grep -q FuzzPlay; then \
			$(GO) test -run '^$$' -fuzz '^FuzzPlay$$' -fuzztime $(FUZZTIME) $$p || exit 1; fi; done

# Train and evaluate the AI claims with simpipe itself (several minutes).
claims: build
	scripts/claims.sh ./$(BIN)

# Connect four against perfect play (issue #11): the share of the yardstick
# positions (game/connect4/solve) in which PLAYER, one seat's spec, picks a
# value-preserving move, with a Wilson 95 % interval. C4FLAGS adds flags
# (-n 100, -workers 2, -json, -seed 2).
PLAYER    ?= mcts:iterations=2000
C4FLAGS   ?=
c4-accuracy:
	$(GO) run ./internal/c4bench -player '$(PLAYER)' $(C4FLAGS)

# Regenerate the yardstick's position set (about 4 CPU-minutes; the shipped
# file is what counts, since a change to the mcts player changes the games).
c4-positions:
	$(GO) run ./internal/c4bench -generate -positions 400 -gen-seed 1 -out game/connect4/solve/testdata/positions.jsonl

clean:
	rm -rf bin $(RUN_DB) $(RUN_DB).live
