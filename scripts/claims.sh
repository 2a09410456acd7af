#!/usr/bin/env bash
# Measures the training claims of the AI issue with simpipe itself and prints
# one line per claim: trained greedy against random (Wilson 95 % lower bound
# at least 0.90) and MCTS guided by trained weights against plain MCTS at the
# same budget (lower bound above 0.55). Usage: scripts/claims.sh [SIMPIPE] [DIR]
set -euo pipefail
bin=${1:-bin/simpipe}
dir=${2:-$(mktemp -d)}
mkdir -p "$dir"
echo "# work dir $dir"

row() { # name, eval json
	python3 -c 'import json,sys; r=json.load(sys.stdin); print("%-44s games %5d  W/D/L %4d/%3d/%4d  score %.4f  wilson95 [%.4f, %.4f]  elo %+.0f" % (sys.argv[1], r["games"], r["wins"], r["draws"], r["losses"], r["score"], r["wilson_low"], r["wilson_high"], r["elo"]))' "$1"
}

for g in connect4 breakthrough othello hex:size=7; do
	n=${g//[:=]/_}
	"$bin" train --db "$dir/greedy_$n.db" --game "$g" --iterations 1 --games-per-iteration 20000 --model linear \
		--players random --top-features 32 -o "$dir/greedy_$n.json" --progress none 2>/dev/null >/dev/null
	"$bin" eval --ai "$dir/greedy_$n.json" --player greedy --vs random --games 1000 --json --progress none \
		--db "$dir/greedy_$n.eval.db" | row "greedy vs random, $g"
done

for g in connect4 hex:size=7; do
	n=${g//[:=]/_}
	"$bin" train --db "$dir/mcts_$n.db" --game "$g" --iterations 2 --games-per-iteration 5000 --model linear \
		-o "$dir/mcts_$n.json" --progress none 2>/dev/null >/dev/null
	"$bin" eval --ai "$dir/mcts_$n.json" --player ai:iterations=200 --vs mcts:iterations=200 --games 1000 --json \
		--progress none --db "$dir/mcts_$n.eval.db" | row "ai:iterations=200 vs mcts:iterations=200, $g"
done
