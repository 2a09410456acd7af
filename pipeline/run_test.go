package pipeline_test

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

func ptr[T any](v T) *T { return &v }

// newStage opens a new DB in t's temporary directory, closed when the test
// ends, and returns its path and default stage.
func newStage(t testing.TB) (string, *store.Stage) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "run.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return path, db.Stage(store.DefaultStage)
}

// mustGame builds the game of spec.
func mustGame(tb testing.TB, reg *game.Registry, spec string) game.Game {
	tb.Helper()
	g, err := reg.New(spec)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// runGames plays a fresh run and returns its digest and aggregate.
func runGames(t *testing.T, spec string, games uint64, chunk, workers int) (string, *store.Aggregate) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "run.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stage := db.Stage(store.DefaultStage)
	reg := builtin.Registry()
	def, err := pipeline.Prepare(stage, reg, pipeline.Settings{Game: mustGame(t, reg, spec), Games: &games, Chunk: &chunk, Seed: ptr[uint64](7)})
	if err != nil {
		t.Fatal(err)
	}
	if err := pipeline.Run(context.Background(), stage, def, pipeline.Options{Workers: workers, Retries: 2}); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	d, err := stage.Digest()
	if err != nil {
		t.Fatal(err)
	}
	agg, err := stage.Aggregate()
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(d[:]), agg
}

func TestDigestIndependentOfWorkers(t *testing.T) {
	want, wantAgg := runGames(t, "connect4", 5000, 64, 1)
	if wantAgg.GamesDone != 5000 || wantAgg.JobsDone != 79 {
		t.Fatalf("aggregate %+v", wantAgg)
	}
	for _, workers := range []int{2, 8} {
		got, agg := runGames(t, "connect4", 5000, 64, workers)
		if got != want || *agg != *wantAgg {
			t.Errorf("workers %d: digest %s, aggregate %+v; want %s, %+v", workers, got, agg, want, wantAgg)
		}
	}
	// The chunk size changes how games are grouped, never what they are.
	if got, _ := runGames(t, "connect4", 5000, 1000, 2); got != want {
		t.Errorf("chunk 1000: digest %s, want %s", got, want)
	}
	// A different game gives a different digest.
	if got, _ := runGames(t, "tictactoe", 5000, 64, 2); got == want {
		t.Error("different games gave the same digest")
	}
}
