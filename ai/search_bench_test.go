package ai_test

import (
	"os"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
)

// benchModel returns the model the move benchmarks search with: the
// ai.json named by $SIMPIPE_BENCH_MODEL when it is for g (a trained model,
// to measure what users run), else every generated feature of g with small
// fixed weights (the costliest linear model).
func benchModel(b *testing.B, g game.Game) ai.Evaluator {
	var m *ai.Model
	if path := os.Getenv("SIMPIPE_BENCH_MODEL"); path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if m, err = ai.ParseModel(raw); err != nil {
			b.Fatal(err)
		}
		if m.Game != g.Spec() {
			m = nil
		}
	}
	if m == nil {
		m = &ai.Model{Game: g.Spec(), Features: features.Generate(g)}
		for i := range m.Features {
			m.Weights = append(m.Weights, float64(i%7-3)/20)
		}
	}
	e, err := m.Evaluator(g)
	if err != nil {
		b.Fatal(err)
	}
	return e
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

// The pairs below are what `make bench` compares: the ai player (PUCT) at
// 200 iterations against plain mcts at 200, per move; the issue asks for
// at most 2x. MCTSCutoffMove is the previous ai (UCT, model at a cutoff of
// 10 random moves).
func BenchmarkMCTSMove(b *testing.B) {
	for _, spec := range []string{"connect4", "hex:size=7"} {
		b.Run(spec, func(b *testing.B) {
			g := mctsGame(b, spec)
			benchmarkMove(b, g, newMCTS(b, g, 200, nil, 0))
		})
	}
}

func BenchmarkAIMove(b *testing.B) {
	for _, spec := range []string{"connect4", "hex:size=7"} {
		b.Run(spec, func(b *testing.B) {
			g := mctsGame(b, spec)
			p, err := ai.NewPUCT(g, benchModel(b, g), ai.PUCTConfig{Iterations: 200, C: 1, Temp: 0.1, Rollout: 0, Cutoff: 10})
			if err != nil {
				b.Fatal(err)
			}
			benchmarkMove(b, g, p)
		})
	}
}

func BenchmarkMCTSCutoffMove(b *testing.B) {
	for _, spec := range []string{"connect4", "hex:size=7"} {
		b.Run(spec, func(b *testing.B) {
			g := mctsGame(b, spec)
			benchmarkMove(b, g, newMCTS(b, g, 200, benchModel(b, g), 10))
		})
	}
}
