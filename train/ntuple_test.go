package train

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/ntuple"
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

// TestNTupleSeatTables trains with one table set per seat: the models of 1
// and 2 workers are byte-identical, so is a run interrupted after its first
// iteration and resumed, and the network has two sets that learned apart.
func TestNTupleSeatTables(t *testing.T) {
	g := mustGame(t, "connect4")
	s := Settings{Game: "connect4", Iterations: 3, GamesPerIteration: 400, Seed: 3, MaxActions: 1000, NTupleWeights: 5000, Lambda: 0.5, NTupleTables: TablesSeat}
	var models [3][]byte
	for w := 1; w <= 2; w++ {
		m, err := Run(context.Background(), openTestDB(t, "t.db"), g, s, Options{Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		n := m.NTuple
		if n.Seats != 2 || len(n.Weights) != 2*n.SetSize() || len(n.Weights) > s.NTupleWeights {
			t.Fatalf("%d seat tables, %d weights, %d in a set", n.Seats, len(n.Weights), n.SetSize())
		}
		if bytes.Equal(float32Bytes(n.Weights[:n.SetSize()]), float32Bytes(n.Weights[n.SetSize():])) {
			t.Fatal("the two seats' tables are equal")
		}
		models[w-1] = m.Canonical()
	}
	db := openTestDB(t, "resumed.db")
	one := s
	one.Iterations = 1
	if _, err := Run(context.Background(), db, g, one, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	m, err := Run(context.Background(), db, g, s, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	models[2] = m.Canonical()
	if !bytes.Equal(models[0], models[1]) || !bytes.Equal(models[0], models[2]) {
		t.Fatal("1 and 2 workers, or a resumed run, trained different models")
	}
	// Resuming without a layout keeps the stored one; another is refused.
	s.NTupleTables = ""
	if m, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err != nil || !bytes.Equal(m.Canonical(), models[0]) {
		t.Fatalf("resumed with the default layout: %v", err)
	}
	s.NTupleTables = TablesShared
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err == nil {
		t.Fatal("a shared-table run over a seat-table DB was accepted")
	}
}

// TestNTupleSettingsFromBeforeSeatTables resumes an n-tuple DB whose
// settings were stored before table layouts: it stays shared.
func TestNTupleSettingsFromBeforeSeatTables(t *testing.T) {
	db := openTestDB(t, "old.db")
	g := mustGame(t, "connect4")
	s := Settings{Game: "connect4", Iterations: 1, GamesPerIteration: 200, Seed: 3, MaxActions: 1000, NTupleWeights: 5000, Lambda: 0.5, NTupleTables: TablesShared}
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	raw, _ := db.Get(settingsKey)
	var old map[string]any
	if err := json.Unmarshal(raw, &old); err != nil {
		t.Fatal(err)
	}
	if old["ntuple_tables"] != TablesShared {
		t.Fatalf("stored settings %s", raw)
	}
	delete(old, "ntuple_tables")
	raw, _ = json.Marshal(old)
	if err := db.Put(settingsKey, raw); err != nil {
		t.Fatal(err)
	}
	s.NTupleTables, s.Iterations = "", 2
	m, err := Run(context.Background(), db, g, s, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.NTuple.Sets() != 1 {
		t.Fatalf("resumed an old shared run with %d seat tables", m.NTuple.Sets())
	}
	s.NTupleTables = TablesSeat
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); err == nil {
		t.Fatal("a seat-table run over an old shared DB was accepted")
	}
}

func float32Bytes(w []float32) []byte {
	b, _ := json.Marshal(w)
	return b
}

func TestDefaultModel(t *testing.T) {
	for spec, want := range map[string]string{"hex:size=7": ModelNTuple, "connect4": ModelNTuple, "pig": ModelLinear, "gofish": ModelLinear} {
		if got := DefaultModel(mustGame(t, spec)); got != want {
			t.Errorf("%s: %s, want %s", spec, got, want)
		}
	}
}

func TestDefaultTables(t *testing.T) {
	for spec, want := range map[string]string{"hex:size=7": TablesSeat, "connect4": TablesShared, "othello": TablesShared, "breakthrough": TablesShared} {
		if got := DefaultTables(mustGame(t, spec)); got != want {
			t.Errorf("%s: %s, want %s", spec, got, want)
		}
	}
}

// TestNTupleWalk: --ntuple-walk shapes the generated network, is stored
// with the settings (a resume with another length is refused), and a
// length outside 3..8 is a settings error.
func TestNTupleWalk(t *testing.T) {
	g := mustGame(t, "connect4")
	s := Settings{Game: "connect4", Iterations: 1, GamesPerIteration: 100, Seed: 3, MaxActions: 1000, NTupleWeights: 40000, Lambda: 0.5, NTupleTables: TablesShared, NTupleWalk: 8}
	db := openTestDB(t, "walk.db")
	m, err := Run(context.Background(), db, g, s, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ntuple.GenerateWalks(g.Structure(), s.Seed, s.NTupleWeights, 8)
	mixed, _ := ntuple.Generate(g.Structure(), s.Seed, s.NTupleWeights)
	if !slices.EqualFunc(m.NTuple.Tuples, want.Tuples, slices.Equal) || len(want.Tuples) == len(mixed.Tuples) {
		t.Fatalf("trained %d tuples, want the %d of 8-cell walks (mixed: %d)", len(m.NTuple.Tuples), len(want.Tuples), len(mixed.Tuples))
	}
	s.NTupleWalk, s.Iterations = 0, 2
	if _, err := Run(context.Background(), db, g, s, Options{Workers: 1}); !errors.Is(err, ErrSettings) {
		t.Fatalf("resumed 8-cell walks with mixed ones: %v", err)
	}
	s.NTupleWalk = 9
	if _, err := Run(context.Background(), openTestDB(t, "bad.db"), g, s, Options{Workers: 1}); !errors.Is(err, ErrSettings) {
		t.Fatalf("walks of 9 cells: %v", err)
	}
}

// TestAlphaDecay: a decay leaves the first iteration's model as it was
// and changes the later ones; a decay of 1 is no decay, stored as none.
func TestAlphaDecay(t *testing.T) {
	g := mustGame(t, "connect4")
	base := Settings{Game: "connect4", Iterations: 2, GamesPerIteration: 200, Seed: 3, MaxActions: 1000, NTupleWeights: 5000, Lambda: 0.5, NTupleTables: TablesShared}
	models := map[float64][2][]byte{}
	for _, decay := range []float64{0, 1, 0.5} {
		s := base
		s.AlphaDecay = decay
		db := openTestDB(t, "decay.db")
		m, err := Run(context.Background(), db, g, s, Options{Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		first, err := storedModel(db, 1)
		if err != nil {
			t.Fatal(err)
		}
		models[decay] = [2][]byte{first.Canonical(), m.Canonical()}
		raw, _ := db.Get(settingsKey)
		if stored := strings.Contains(string(raw), "alpha_decay"); stored != (decay == 0.5) {
			t.Errorf("decay %v stored as %s", decay, raw)
		}
	}
	if !bytes.Equal(models[0][0], models[0.5][0]) || !bytes.Equal(models[0][1], models[1][1]) || bytes.Equal(models[0][1], models[0.5][1]) {
		t.Fatal("want the same first iteration, decay 1 as none, and decay 0.5 changing the second iteration")
	}
}
