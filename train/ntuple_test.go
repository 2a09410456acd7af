package train

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/store"
)

func openTestDB(t *testing.T, name string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), name), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestNTupleSameModelWhateverTheWorkers trains the same n-tuple run with 1
// and 2 workers: the models are byte-identical.
func TestNTupleSameModelWhateverTheWorkers(t *testing.T) {
	g := mustGame(t, "connect4")
	s := Settings{Game: "connect4", Iterations: 3, GamesPerIteration: 400, Seed: 3, MaxActions: 1000, NTupleWeights: 5000, Lambda: 0.5}
	var models [2][]byte
	for w := 1; w <= 2; w++ {
		m, err := Run(context.Background(), openTestDB(t, "t.db"), g, s, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != ai.KindNTuple || m.Training.Iterations != 3 || m.Training.Samples == 0 || m.Training.HeldOutSamples == 0 {
			t.Fatalf("model %q, training %+v", m.Kind, m.Training)
		}
		models[w-1] = m.Canonical()
	}
	if !bytes.Equal(models[0], models[1]) {
		t.Fatal("1 and 2 workers trained different models")
	}
}

// TestLinearSettingsFromBeforeKinds resumes a training DB whose settings
// were stored before model kinds (no "model" key): it stays linear.
func TestLinearSettingsFromBeforeKinds(t *testing.T) {
	db := openTestDB(t, "old.db")
	g := mustGame(t, "tictactoe")
	s := Settings{Game: "tictactoe", Iterations: 1, GamesPerIteration: 300, Players: "random", Guided: "greedy",
		Seed: 1, MaxSamples: 5000, TopFeatures: 8, Window: 2, Model: ModelLinear}
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	raw, _ := db.Get(settingsKey)
	var old map[string]any
	if err := json.Unmarshal(raw, &old); err != nil {
		t.Fatal(err)
	}
	delete(old, "model")
	raw, _ = json.Marshal(old)
	if err := db.Put(settingsKey, raw); err != nil {
		t.Fatal(err)
	}
	s.Model, s.Window, s.Iterations = "", 0, 2 // as the CLI passes its defaults
	s.Lambda, s.Alpha = DefaultLambda, DefaultAlpha
	m, err := Run(context.Background(), db, g, s, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != ai.KindLinear || len(m.Features) == 0 {
		t.Fatalf("resumed an old linear training as %q", m.Kind)
	}
	// Asking for n-tuples contradicts it.
	s.Model = ModelNTuple
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err == nil {
		t.Fatal("an n-tuple run over a linear training DB was accepted")
	}
}

func TestNTupleRefusesGamesWithoutBoard(t *testing.T) {
	s := Settings{Game: "pig", Iterations: 1, GamesPerIteration: 10, Model: ModelNTuple}
	if _, err := Run(context.Background(), openTestDB(t, "pig.db"), mustGame(t, "pig"), s, Options{Workers: 1}); err == nil {
		t.Fatal("n-tuple training of pig accepted")
	}
}

func mustGame(t *testing.T, spec string) game.Game {
	t.Helper()
	g, err := builtin.Registry().New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
