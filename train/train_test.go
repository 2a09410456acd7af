package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/ai/analysis"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/store"
)

func TestPlayersPerIteration(t *testing.T) {
	s := Settings{Players: "random", Guided: "mcts:iterations=50"}
	if got := players(s, 1); got != "random" {
		t.Errorf("iteration 1: %q", got)
	}
	if got := players(s, 3); got != "mcts:iterations=50,file=iteration-2" {
		t.Errorf("iteration 3: %q", got)
	}
	s.Guided = "greedy"
	if got := players(s, 2); got != "greedy:file=iteration-1" {
		t.Errorf("greedy: %q", got)
	}
}

func TestOutcome(t *testing.T) {
	cases := []struct {
		w    game.Seats
		seat int
		want analysis.Outcome
	}{
		{game.SeatSet(0), 0, analysis.Win},
		{game.SeatSet(0), 1, analysis.Loss},
		{0, 1, analysis.Draw},
		{game.SeatSet(0, 1), 1, analysis.Draw}, // a shared win
		{game.SeatSet(0, 1), 2, analysis.Loss},
	}
	for _, c := range cases {
		if got := analysis.Outcome(c.w.ResultFor(c.seat)); got != c.want { // as sampleGame converts it
			t.Errorf("Outcome(%v.ResultFor(%d)) = %v, want %v", c.w, c.seat, got, c.want)
		}
	}
}

// TestResumeKeepsSettings: a second run with other settings is refused; one
// with more iterations extends the training, reusing the stored ones.
func TestResumeKeepsSettings(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "t.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g, err := builtin.Registry().New("tictactoe")
	if err != nil {
		t.Fatal(err)
	}
	s := Settings{Game: "tictactoe", Iterations: 1, GamesPerIteration: 300, Players: "random", Guided: "greedy",
		Seed: 1, MaxSamples: 5000, TopFeatures: 8, Window: 1, Model: ModelLinear}
	m1, err := Run(context.Background(), db, g, s, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	other := s
	other.GamesPerIteration = 400
	if _, err := Run(context.Background(), db, g, other, Options{Workers: 2}); err == nil {
		t.Fatal("changed settings accepted")
	}
	s.Iterations = 2
	m2, err := Run(context.Background(), db, g, s, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if m2.Training.Iterations != 2 || len(m2.Training.Digests) != 1 || m1.Training.Iterations != 1 {
		t.Fatalf("models %+v / %+v", m1.Training, m2.Training)
	}
	again, err := Run(context.Background(), db, g, s, Options{Workers: 1})
	if err != nil || string(again.Canonical()) != string(m2.Canonical()) {
		t.Fatalf("rerun of a finished training gave another model (%v)", err)
	}
}
