package pipeline_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// plainLoop plays games 0..n-1 of spec on workers goroutines with no
// pipeline and no store: the ceiling the pipeline is measured against.
func plainLoop(b *testing.B, spec string, n uint64, workers int) {
	g, err := builtin.Registry().New(spec)
	if err != nil {
		b.Fatal(err)
	}
	var next atomic.Uint64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := g.NewState()
			players := []game.Player{ai.Random{}, ai.Random{}}
			var rng game.RNG
			var sc game.Scratch
			for {
				i := next.Add(1) - 1
				if i >= n {
					return
				}
				st.Reset()
				rng.Seed(1, i)
				game.Play(st, players, &rng, pipeline.DefaultMaxActions, &sc)
			}
		}()
	}
	wg.Wait()
}

// pipelineRun plays the same games through source, simulators and sink into
// a new DB, every result committed to disk.
func pipelineRun(b *testing.B, spec string, n uint64, workers int) {
	db, err := store.Open(filepath.Join(b.TempDir(), "bench.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	stage := db.Stage(store.DefaultStage)
	reg := builtin.Registry()
	def, err := pipeline.Prepare(stage, reg, pipeline.Settings{Game: mustGame(b, reg, spec), Games: &n})
	if err != nil {
		b.Fatal(err)
	}
	if err := pipeline.Run(context.Background(), stage, def, pipeline.Options{Workers: workers}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkPipelineVsPlainLoop alternates a plain loop and a full pipeline
// run (new DB, default chunk size, every result committed) over the same 10
// million random connect-four games on 2 goroutines, and reports both rates
// and their ratio, measured in one run so that machine noise hits both alike.
func BenchmarkPipelineVsPlainLoop(b *testing.B) {
	const games, workers = 10_000_000, 2
	// As the simpipe binary does (cli.GCPercent), unless GOGC is set.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	var plain, piped time.Duration
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		plainLoop(b, "connect4", games, workers)
		t1 := time.Now()
		pipelineRun(b, "connect4", games, workers)
		plain, piped = plain+t1.Sub(t0), piped+time.Since(t1)
	}
	total := float64(games) * float64(b.N)
	b.ReportMetric(total/plain.Seconds(), "plain-games/s")
	b.ReportMetric(total/piped.Seconds(), "pipeline-games/s")
	b.ReportMetric(plain.Seconds()/piped.Seconds(), "ratio")
}
