package gameproc_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/connect4"
)

// ownLoop runs the reference's own --bench loop (the same rules and draws,
// no simpipe) over n games and returns its games per second.
func ownLoop(b *testing.B, ref reference, n int) float64 {
	b.Helper()
	cmd := exec.Command(ref.prog, ref.file, "--bench", strconv.Itoa(n))
	cmd.Dir = filepath.Join(examples(b), ref.dir)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("%s --bench: %v", ref.file, err)
	}
	m := regexp.MustCompile(`([0-9.]+) games/s`).FindSubmatch(out)
	if m == nil {
		b.Fatalf("%s --bench printed %q", ref.file, out)
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

// playGames plays b.N games of g with players on one state, as one
// simulator does, and reports games/s.
func playGames(b *testing.B, g game.Game, players []game.Player) float64 {
	st := g.NewState()
	st.Legal(nil) // start the process outside the timing
	var sc game.Scratch
	var rng game.RNG
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		st.Reset()
		rng.Seed(1, uint64(i))
		game.Play(st, players, &rng, 0, &sc)
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "games/s")
	return rate
}

// BenchmarkRandomConnect4 plays random connect four on one worker: the
// built-in game, then each reference through the protocol, whose rate it
// compares with the reference's own loop in its language ("ratio").
func BenchmarkRandomConnect4(b *testing.B) {
	random := []game.Player{ai.Random{}, ai.Random{}}
	b.Run("builtin", func(b *testing.B) { playGames(b, connect4.Game{}, random) })
	for _, ref := range references {
		b.Run(ref.name, func(b *testing.B) {
			g := open(b, ref, nil)
			rate := playGames(b, g, random)
			b.StopTimer()
			own := ownLoop(b, ref, max(b.N, 2000))
			b.ReportMetric(own, "own-games/s")
			b.ReportMetric(rate/own, "ratio")
		})
	}
}

// BenchmarkRandomConnect4Batch is BenchmarkRandomConnect4 as a simulator
// plays a job's random games on a game process: 64 games a request.
func BenchmarkRandomConnect4Batch(b *testing.B) {
	for _, ref := range references {
		b.Run(ref.name, func(b *testing.B) {
			rate := playBatches(b, open(b, ref, nil))
			b.StopTimer()
			b.ReportMetric(rate, "games/s")
			own := ownLoop(b, ref, max(b.N, 2000))
			b.ReportMetric(own, "own-games/s")
			b.ReportMetric(rate/own, "ratio")
		})
	}
}

// playBatches plays b.N random games of g 64 to a request, as a simulator
// plays a job's, and returns the games per second.
func playBatches(b *testing.B, g game.Game) float64 {
	st := g.NewState().(game.BatchPlayouter)
	rngs := make([]*game.RNG, 64)
	for i := range rngs {
		rngs[i] = game.NewRNG(1, uint64(i))
	}
	st.PlayUniformBatch(rngs, 0, nil) // start the process outside the timing
	var out []game.Outcome
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i += len(rngs) {
		for k := range rngs {
			rngs[k].Seed(1, uint64(i+k))
		}
		out = st.PlayUniformBatch(rngs, 0, out[:0])
	}
	return float64(b.N) / time.Since(start).Seconds()
}

// BenchmarkMCTS200 plays connect four, mcts:iterations=200 against random,
// built in and through each reference.
func BenchmarkMCTS200(b *testing.B) {
	lineup := func(b *testing.B, g game.Game) []game.Player {
		p, err := ai.NewPlayer(g, "mcts:iterations=200")
		if err != nil {
			b.Fatal(err)
		}
		return []game.Player{p, ai.Random{}}
	}
	b.Run("builtin", func(b *testing.B) { g := connect4.Game{}; playGames(b, g, lineup(b, g)) })
	for _, ref := range references {
		b.Run(ref.name, func(b *testing.B) { g := open(b, ref, nil); playGames(b, g, lineup(b, g)) })
	}
}

// BenchmarkGofish plays two-seat go fish on one worker, built in and
// through the Python reference (protocol version 2): random games one
// playout request each, or 64 a request as a simulator plays a job's
// (RandomBatch), and mcts:iterations=50 against random, whose
// iterations each determinize the deciding seat's view in the process.
func BenchmarkGofish(b *testing.B) {
	builtinGame := func(b *testing.B) game.Game {
		g, err := builtin.Registry().New("gofish")
		if err != nil {
			b.Fatal(err)
		}
		return g
	}
	mcts := func(b *testing.B, g game.Game) []game.Player {
		p, err := ai.NewPlayer(g, "mcts:iterations=50")
		if err != nil {
			b.Fatal(err)
		}
		return []game.Player{p, ai.Random{}}
	}
	random := []game.Player{ai.Random{}, ai.Random{}}
	b.Run("Random/builtin", func(b *testing.B) { playGames(b, builtinGame(b), random) })
	b.Run("Random/"+gofishPy.name, func(b *testing.B) {
		rate := playGames(b, open(b, gofishPy, nil), random)
		b.StopTimer()
		own := ownLoop(b, gofishPy, max(b.N, 500))
		b.ReportMetric(own, "own-games/s")
		b.ReportMetric(rate/own, "ratio")
	})
	b.Run("RandomBatch/"+gofishPy.name, func(b *testing.B) {
		b.ReportMetric(playBatches(b, open(b, gofishPy, nil)), "games/s")
	})
	b.Run("MCTS50/builtin", func(b *testing.B) { g := builtinGame(b); playGames(b, g, mcts(b, g)) })
	b.Run("MCTS50/"+gofishPy.name, func(b *testing.B) { g := open(b, gofishPy, nil); playGames(b, g, mcts(b, g)) })
}
