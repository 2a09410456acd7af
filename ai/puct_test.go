package ai_test

import (
	"math"
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

// neutral rates every position a coin flip for every seat.
type neutral struct{}

func (neutral) Evaluate(game.State, int) float64 { return 0.5 }

func newPUCT(t testing.TB, g game.Game, iterations int, ev ai.Evaluator, rollout float64) *ai.PUCT {
	t.Helper()
	p, err := ai.NewPUCT(g, ev, ai.PUCTConfig{Iterations: iterations, C: 1, Temp: 0.1, Rollout: rollout, Cutoff: 10})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPUCTTactics(t *testing.T) {
	for _, tc := range append(tactics, winInTwo) {
		for _, ev := range []struct {
			name    string
			rollout float64
			solver  bool
		}{{"model", 0, false}, {"mixed", 0.5, false}, {"solver", 0.5, true}} {
			t.Run(tc.name+"/"+ev.name, func(t *testing.T) {
				g := mctsGame(t, tc.game)
				st := position(t, g, tc.moves...)
				var e ai.Evaluator = neutral{}
				if tc.game == "connect4" {
					e = connect4Or(t, g)
				}
				p, err := ai.NewPUCT(g, e, ai.PUCTConfig{Iterations: 400, C: 1, Temp: 0.1, Rollout: ev.rollout, Cutoff: 10, Solver: ev.solver})
				if err != nil {
					t.Fatal(err)
				}
				for seed := range uint64(5) {
					if got := p.Choose(st, st.Legal(nil), game.NewRNG(7, seed)); got != tc.want {
						t.Errorf("seed %d: played %s, want %s in\n%s", seed, st.MoveString(got), st.MoveString(tc.want), st)
					}
				}
			})
		}
	}
}

// TestPUCTOpponentView checks that values are backed up for the right
// seat: o to move after x0, with a model saying x wins exactly when it
// holds the bottom of column 4. o's own afterstates all look alike; only
// x's replies, scored for x and so against o, show that o must take the
// cell. A PUCT that credited o with x's values would leave it.
func TestPUCTOpponentView(t *testing.T) {
	g := mctsGame(t, "connect4")
	st := position(t, g, 0)
	for seed := range uint64(3) {
		ev := &cellEvaluator{col: 4}
		if got := newPUCT(t, g, 200, ev, 0).Choose(st, st.Legal(nil), game.NewRNG(5, seed)); got != 4 {
			t.Errorf("seed %d: o played %d, want 4", seed, got)
		}
	}
	// And x, to move first, takes the cell.
	for _, col := range []int{1, 5} {
		ev := &cellEvaluator{col: col}
		if got := newPUCT(t, g, 100, ev, 0).Choose(g.NewState(), g.NewState().Legal(nil), game.NewRNG(5, 0)); got != game.Move(col) {
			t.Errorf("model favouring column %d: x played %d", col, got)
		}
	}
}

func TestPUCTRootStats(t *testing.T) {
	g := mctsGame(t, "connect4")
	st := position(t, g, 0, 1, 0, 1, 0) // o must block column 0
	const iterations = 300
	p := newPUCT(t, g, iterations, connect4Or(t, g), 0)
	got := p.Choose(st, st.Legal(nil), game.NewRNG(1, 2))
	stats := p.RootStats(nil)
	if len(stats) != 7 {
		t.Fatalf("%d root stats, want 7", len(stats))
	}
	sum, visits := 0.0, 0
	var best ai.MoveStat
	for _, s := range stats {
		sum += s.Prior
		visits += s.Visits
		if s.Visits > best.Visits {
			best = s
		}
		if s.Prior <= 0 || s.Value < 0 || s.Value > 1 {
			t.Errorf("stat %+v out of range", s)
		}
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("priors sum to %v, want 1", sum)
	}
	if visits != iterations {
		t.Errorf("root children visited %d times in %d iterations", visits, iterations)
	}
	if best.Move != got || got != 0 {
		t.Errorf("played %d, most visited %d, want 0", got, best.Move)
	}

	// A winning move's afterstate is worth 1, more than any estimate, so
	// it gets the largest prior, here most of it.
	win := position(t, g, 0, 1, 0, 1, 0, 1)
	p.Choose(win, win.Legal(nil), game.NewRNG(1, 3))
	for _, s := range p.RootStats(nil) {
		if s.Move == 0 && s.Prior < 0.5 || s.Move != 0 && s.Prior > 0.25 {
			t.Errorf("x can win with 0: prior %v for move %d", s.Prior, s.Move)
		}
	}

	m := newMCTS(t, g, iterations, nil, 0)
	m.Choose(st, st.Legal(nil), game.NewRNG(1, 2))
	visits = 0
	for _, s := range m.RootStats(nil) {
		visits += s.Visits
	}
	if visits != iterations {
		t.Errorf("mcts root children visited %d times in %d iterations", visits, iterations)
	}
}

func TestPUCTDeterministic(t *testing.T) {
	model := map[string]map[string]float64{
		"connect4":   {"line.open3.mine": 1, "line.open3.opp": -1.5},
		"hex:size=5": {"connect.distance.diff": -0.3},
	}
	for _, spec := range []string{"tictactoe", "connect4", "hex:size=5", "pig:players=3,target=20", "gofish:players=3"} {
		t.Run(spec, func(t *testing.T) {
			g := mctsGame(t, spec)
			var ev ai.Evaluator = neutral{}
			if w, ok := model[spec]; ok {
				e, err := handModel(t, g, 0, w).Evaluator(g)
				if err != nil {
					t.Fatal(err)
				}
				ev = e
			}
			for _, rollout := range []float64{0, 0.5} {
				p := newPUCT(t, g, 30, ev, rollout)
				_, _, a := playMatch(t, g, p, 2, 3)
				_, _, b := playMatch(t, g, p, 2, 3)
				_, _, c := playMatch(t, g, newPUCT(t, g, 30, ev, rollout), 2, 3)
				if !slices.EqualFunc(a, b, slices.Equal) || !slices.EqualFunc(a, c, slices.Equal) {
					t.Errorf("rollout %v: the same seeds gave different games", rollout)
				}
			}
			// The solver (which acts in two-seat games without chance or
			// hidden information) too.
			p := newSolverPUCT(t, g, 30, ev, true)
			_, _, a := playMatch(t, g, p, 2, 3)
			_, _, b := playMatch(t, g, p, 2, 3)
			_, _, c := playMatch(t, g, newSolverPUCT(t, g, 30, ev, true), 2, 3)
			if !slices.EqualFunc(a, b, slices.Equal) || !slices.EqualFunc(a, c, slices.Equal) {
				t.Errorf("solver: the same seeds gave different games")
			}
		})
	}
}

func TestPUCTBeatsRandom(t *testing.T) {
	g := mctsGame(t, "connect4")
	games := shortOr(20, 60)
	wins, draws, _ := playMatch(t, g, newPUCT(t, g, 200, connect4Or(t, g), 0), games, 1)
	t.Logf("puct:200 with a hand model vs random at connect4: %d wins, %d draws of %d", wins, draws, games)
	if wins < games*9/10 {
		t.Errorf("%d wins of %d, want at least 90%%", wins, games)
	}
	g = mctsGame(t, "pig")
	p, err := ai.NewPUCT(g, neutral{}, ai.PUCTConfig{Iterations: 100, C: 1, Temp: 0.1, Rollout: 1, Cutoff: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	wins, _, _ = playMatch(t, g, p, shortOr(40, 100), 2)
	t.Logf("puct:100 with rollouts vs random at pig: %d wins of %d", wins, shortOr(40, 100))
	if wins < shortOr(40, 100)*3/4 {
		t.Errorf("pig: %d wins, want at least 75%%", wins)
	}
}

func TestPUCTKind(t *testing.T) {
	for _, spec := range []string{"ai:file=m.json", "ai:iterations=20,c=150,temp=20,rollout=50,cutoff=4,file=m.json,mcts"} {
		if p := playLineup(t, spec)[0]; func() bool { _, ok := p.(*ai.PUCT); return !ok }() {
			t.Errorf("%s: seat 0 is a %T, want *ai.PUCT", spec, p)
		}
	}
	g := mctsGame(t, "connect4")
	src := func(string) ([]byte, error) { return emptyModel, nil }
	for _, spec := range []string{"ai:temp=0,file=m.json", "ai:rollout=101,file=m.json"} {
		if _, err := ai.ParseLineupWith(spec, g, src); err == nil {
			t.Errorf("%s accepted", spec)
		}
	}
}

// TestPUCTAllocs checks that a PUCT move on a flat state (connect four)
// allocates nothing once its tree memory has grown.
func TestPUCTAllocs(t *testing.T) {
	g := mctsGame(t, "connect4")
	p := newPUCT(t, g, 200, connect4Or(t, g), 0.5)
	st := position(t, g, 3, 3, 2)
	legal := st.Legal(nil)
	rng := game.NewRNG(1, 1)
	p.Choose(st, legal, rng)
	if n := testing.AllocsPerRun(5, func() { p.Choose(st, legal, rng) }); n > 0 {
		t.Errorf("%.1f allocations per move", n)
	}
}
