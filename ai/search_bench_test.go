package ai_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
)

// benchModel returns the model the move benchmarks search with: the first
// ai.json for g among the files $SIMPIPE_BENCH_MODEL lists (separated as in
// $PATH; trained models, to measure what users run), else every generated
// feature of g with small fixed weights (the costliest linear model).
func benchModel(b *testing.B, g game.Game) *ai.Model {
	var m *ai.Model
	for _, path := range filepath.SplitList(os.Getenv("SIMPIPE_BENCH_MODEL")) {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if m, err = ai.ParseModel(raw); err != nil {
			b.Fatal(err)
		}
		if m.Game == g.Spec() {
			break
		}
		m = nil
	}
	if m == nil {
		m = &ai.Model{Game: g.Spec(), Features: features.Generate(g)}
		for i := range m.Features {
			m.Weights = append(m.Weights, float64(i%7-3)/20)
		}
	}
	return m
}

// benchPositions returns positions of random games at plies 0 to 19, the
// part of a game where searches spend their time.
func benchPositions(g game.Game) []game.State {
	var out []game.State
	for i := range uint64(4) {
		rng := game.NewRNG(99, i)
		st := g.NewState()
		for ply := 0; ply < 20 && !st.Terminal(); ply++ {
			if ply%5 == 0 {
				out = append(out, st.Clone())
			}
			legal := st.Legal(nil)
			st.Apply(legal[rng.IntN(len(legal))])
		}
	}
	return out
}

// benchmarkMove reports the cost of one move by p, 200 iterations (or its
// budget) a move, cycling over benchPositions.
func benchmarkMove(b *testing.B, g game.Game, p game.Player) {
	positions := benchPositions(g)
	legal := make([][]game.Move, len(positions))
	for i, st := range positions {
		legal[i] = st.Legal(nil)
	}
	rng := game.NewRNG(1, 0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		j := i % len(positions)
		p.Choose(positions[j], legal[j], rng)
	}
}

// benchSpec builds the first seat's player of spec for g, with file=
// naming benchModel.
func benchSpec(b *testing.B, g game.Game, spec string) game.Player {
	raw := benchModel(b, g).Canonical()
	l, err := ai.ParseLineupWith(spec, g, func(string) ([]byte, error) { return raw, nil })
	if err != nil {
		b.Fatal(err)
	}
	players, err := l.Players()
	if err != nil {
		b.Fatal(err)
	}
	return players[0]
}

// BenchmarkMove is what `make bench` compares: a move of the ai player
// (PUCT, its default parameters) at 200 iterations against one of plain
// mcts at 200; the issue asks for at most 2x. The four games are those
// the README trains (set $SIMPIPE_BENCH_MODEL to their models): connect
// four's bitboard rollouts make plain mcts cheapest there. mcts-cutoff
// is the previous ai (UCT, the model after 10 random moves), ab an
// alpha-beta at 2000 nodes, ai-70r0 the ai the README offers at plain
// mcts's cost (70 iterations, leaves scored by the model alone).
func BenchmarkMove(b *testing.B) {
	for _, spec := range []string{"connect4", "hex:size=7", "othello", "breakthrough"} {
		for _, p := range []struct{ name, spec string }{
			{"mcts", "mcts:iterations=200"},
			{"ai", "ai:iterations=200,file=m.json"},
			{"mcts-cutoff", "mcts:iterations=200,cutoff=10,file=m.json"},
			{"ab", "ab:nodes=2000,file=m.json"},
			{"ai-70r0", "ai:iterations=70,rollout=0,file=m.json"},
		} {
			b.Run(spec+"/"+p.name, func(b *testing.B) {
				g := mctsGame(b, spec)
				benchmarkMove(b, g, benchSpec(b, g, p.spec))
			})
		}
	}
}
