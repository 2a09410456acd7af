package ai_test

import (
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

// connect4Model rates open threes: one's own up, the opponent's down.
func connect4Model(t testing.TB, g game.Game) *ai.Model {
	return handModel(t, g, 0, map[string]float64{
		"line.open3.mine": 1, "line.open3.opp": -1.5, "line.open2.mine": 0.2, "center.mine": 0.1,
	})
}

func TestGreedyBeatsRandom(t *testing.T) {
	g := modelTestGame(t, "connect4")
	greedy, err := ai.NewGreedy(g, connect4Model(t, g))
	if err != nil {
		t.Fatal(err)
	}
	const games = 200
	wins, draws := 0, 0
	var sc game.Scratch
	st := g.NewState()
	for i := range games {
		seat := i % 2 // greedy alternates between moving first and second
		players := []game.Player{ai.Random{}, ai.Random{}}
		players[seat] = greedy
		st.Reset()
		out := game.Play(st, players, game.NewRNG(42, uint64(i)), 0, &sc)
		switch {
		case out.Winners.Has(seat):
			wins++
		case out.Winners == 0:
			draws++
		}
	}
	t.Logf("greedy won %d, drew %d of %d games against random", wins, draws, games)
	if wins < games*70/100 {
		t.Errorf("greedy won %d of %d games, want at least 70%%", wins, games)
	}
}

// TestGreedyTakesWin checks that greedy completes four in a row even when
// the model, saturated, rates another move as highly as it can rate
// anything: a true win outranks any estimate.
//
//	. . . . . . .
//	o o . . . . .
//	x x x . . . o   x to move: column 3 wins
func TestGreedyTakesWin(t *testing.T) {
	g := modelTestGame(t, "connect4")
	m := handModel(t, g, 0, map[string]float64{"material.disc.mine": 1000, "line.open3.mine": 1000})
	greedy, err := ai.NewGreedy(g, m)
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	for _, col := range []game.Move{0, 0, 1, 1, 2, 6} {
		st.Apply(col)
	}
	legal := st.Legal(nil)
	for i := range 20 {
		if got := greedy.Choose(st, legal, game.NewRNG(1, uint64(i))); got != 3 {
			t.Fatalf("chose column %d, want the winning 3", got)
		}
	}
}

func TestGreedyDeterministic(t *testing.T) {
	g := modelTestGame(t, "connect4")
	// A model of zeros rates every move alike, so the rng alone decides.
	flat, err := ai.NewGreedy(g, handModel(t, g, 0, nil))
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	legal := st.Legal(nil)
	seen := map[game.Move]bool{}
	for i := range 50 {
		a := flat.Choose(st, legal, game.NewRNG(9, uint64(i)))
		b := flat.Choose(st, legal, game.NewRNG(9, uint64(i)))
		if a != b {
			t.Fatalf("seed %d: %d then %d", i, a, b)
		}
		seen[a] = true
	}
	if len(seen) < 4 {
		t.Errorf("ties broken towards %d moves only over 50 seeds", len(seen))
	}
	// Whole games replay exactly.
	players := []game.Player{flat, ai.Random{}}
	var sc game.Scratch
	first := game.Play(g.NewState(), players, game.NewRNG(3, 3), 0, &sc)
	moves := append([]game.Move(nil), first.Moves...)
	again := game.Play(g.NewState(), players, game.NewRNG(3, 3), 0, &sc)
	if len(moves) != len(again.Moves) || first.Winners != again.Winners {
		t.Fatal("replay differs")
	}
	for i := range moves {
		if moves[i] != again.Moves[i] {
			t.Fatalf("replay differs at move %d", i)
		}
	}
}

func TestGreedyRefusesHidden(t *testing.T) {
	g := modelTestGame(t, "gofish")
	_, err := ai.NewGreedy(g, handModel(t, g, 0, nil))
	if err == nil || !strings.Contains(err.Error(), "gofish has hidden information") {
		t.Errorf("error %v", err)
	}
	// Through a lineup too, with the model file resolved in memory.
	model := handModel(t, g, 0, nil).Canonical()
	_, err = ai.ParseLineupWith("greedy:file=m.json", g, func(string) ([]byte, error) { return model, nil })
	if err == nil || !strings.Contains(err.Error(), "hidden information") {
		t.Errorf("lineup error %v", err)
	}
	if _, err := ai.NewGreedy(g, nil); err == nil {
		t.Error("no model accepted")
	}
}

// TestGreedyPlaysEveryGame plays a few games of every open-information game
// with a greedy player built through a lineup, chance games included.
func TestGreedyPlaysEveryGame(t *testing.T) {
	for _, spec := range []string{"tictactoe", "connect4", "breakthrough", "othello", "checkers", "hex:size=7", "pig", "pig:players=3"} {
		t.Run(spec, func(t *testing.T) {
			g := modelTestGame(t, spec)
			model := handModel(t, g, 0.1, nil)
			for i := range model.Weights {
				model.Weights[i] = float64(i%5-2) / 10 // arbitrary but not flat
			}
			raw := model.Canonical()
			l, err := ai.ParseLineupWith("greedy:file=m.json,random", g, func(string) ([]byte, error) { return raw, nil })
			if g.Players() == 3 {
				l, err = ai.ParseLineupWith("greedy:file=m.json", g, func(string) ([]byte, error) { return raw, nil })
			}
			if err != nil {
				t.Fatal(err)
			}
			players, err := l.Players()
			if err != nil {
				t.Fatal(err)
			}
			var sc game.Scratch
			for i := range 3 {
				out := game.Play(g.NewState(), players, game.NewRNG(5, uint64(i)), 2000, &sc)
				if len(out.Moves) == 0 {
					t.Fatal("no moves played")
				}
			}
		})
	}
}

// TestGreedyPig checks play through a chance node: a model that values
// points on the table rolls, one that values banked points stops.
func TestGreedyPig(t *testing.T) {
	g := modelTestGame(t, "pig:players=2,target=100")
	st := g.NewState()
	st.Apply(0) // roll
	st.Apply(4) // a 5
	legal := st.Legal(nil)
	for _, c := range []struct {
		feature string
		want    game.Move
	}{{"turn_total.mine", 0}, {"score.mine", 1}} {
		greedy, err := ai.NewGreedy(g, handModel(t, g, 0, map[string]float64{c.feature: 0.5}))
		if err != nil {
			t.Fatal(err)
		}
		if got := greedy.Choose(st, legal, game.NewRNG(1, 1)); got != c.want {
			t.Errorf("model on %s chose %s, want %s", c.feature, st.MoveString(got), st.MoveString(c.want))
		}
	}
}
