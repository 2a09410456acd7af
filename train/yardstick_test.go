package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/simpipe/simpipe/ai"
)

// TestYardstick trains tic-tac-toe without a yardstick, then adds one to the
// same DB: every stored iteration is measured, the model is unchanged, the
// results equal those of a DB trained with the yardstick from the start
// (with another worker count), and a resume with another yardstick is
// refused.
func TestYardstick(t *testing.T) {
	g := mustGame(t, "tictactoe")
	s := Settings{Game: "tictactoe", Iterations: 2, GamesPerIteration: 300, Seed: 4, MaxActions: 100,
		NTupleWeights: 2000, Lambda: 0.5, Model: ModelNTuple}
	ctx := context.Background()
	added := openTestDB(t, "added.db")
	plain, err := Run(ctx, added, g, s, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	y := s
	y.Yardstick, y.YardstickGames = "mcts:iterations=20", 40
	m, err := Run(ctx, added, g, y, Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Canonical(), plain.Canonical()) {
		t.Fatal("adding a yardstick changed the model")
	}
	fresh := openTestDB(t, "fresh.db")
	if _, err := Run(ctx, fresh, g, y, Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 2; k++ {
		a, _ := added.Get(YardstickKey(k))
		b, _ := fresh.Get(YardstickKey(k))
		if a == nil || !bytes.Equal(a, b) {
			t.Fatalf("iteration %d: yardstick results %s and %s", k, a, b)
		}
		r, err := StoredYardstick(added, k)
		if err != nil || r.Games != 40 || r.Opponent != "mcts:iterations=20" || r.Candidate != fmt.Sprintf("greedy:file=iteration-%d", k) {
			t.Fatalf("iteration %d: %+v (%v)", k, r, err)
		}
	}
	a1, _ := StoredYardstick(added, 1)
	a2, _ := StoredYardstick(added, 2)
	if a1.Stage == a2.Stage {
		t.Fatalf("iterations 1 and 2 share the stage %s", a1.Stage)
	}
	// Both iterations play the same random streams.
	for _, r := range []string{a1.Stage, a2.Stage} {
		cfg, err := added.Stage(r).Config()
		if err != nil || cfg.Seed != YardstickSeed(y) || cfg.Seed == y.Seed {
			t.Fatalf("stage %s: config %+v (%v), want seed %d", r, cfg, err, YardstickSeed(y))
		}
	}
	for name, change := range map[string]func(*Settings){
		"Yardstick":       func(s *Settings) { s.Yardstick = "mcts:iterations=30" },
		"YardstickGames":  func(s *Settings) { s.YardstickGames = 60 },
		"YardstickPlayer": func(s *Settings) { s.YardstickPlayer = "ai:iterations=10" },
		"NoYardstick":     func(s *Settings) { s.Yardstick = "" },
	} {
		other := y
		change(&other)
		if _, err := Run(ctx, fresh, g, other, Options{Workers: 1}); !errors.Is(err, ErrSettings) {
			t.Errorf("%s: resume with another yardstick: %v, want ErrSettings", name, err)
		}
	}
	bad := y
	bad.YardstickPlayer = "greedy:file=x.json"
	if _, err := Run(ctx, openTestDB(t, "bad.db"), g, bad, Options{Workers: 1}); !errors.Is(err, ai.ErrBadPlayers) {
		t.Errorf("yardstick player with its own file=: %v, want ErrBadPlayers", err)
	}
}

// TestYardstickLinear measures a linear training's iterations too.
func TestYardstickLinear(t *testing.T) {
	db := openTestDB(t, "linear.db")
	s := Settings{Game: "tictactoe", Iterations: 2, GamesPerIteration: 300, Players: "random", Guided: "greedy",
		Seed: 1, MaxSamples: 5000, TopFeatures: 8, Window: 1, Model: ModelLinear,
		Yardstick: "random", YardstickGames: 41, YardstickPlayer: "mcts:iterations=10"}
	if _, err := Run(context.Background(), db, mustGame(t, "tictactoe"), s, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	for k := 1; k <= 2; k++ {
		r, err := StoredYardstick(db, k)
		if err != nil || r == nil || r.Games != 42 || r.Candidate != fmt.Sprintf("mcts:iterations=10,file=iteration-%d", k) {
			t.Fatalf("iteration %d: %+v (%v)", k, r, err)
		}
	}
}
