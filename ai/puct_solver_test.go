package ai_test

import (
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4/solve"
)

func newSolverPUCT(t testing.TB, g game.Game, iterations int, ev ai.Evaluator, solver bool) *ai.PUCT {
	t.Helper()
	p, err := ai.NewPUCT(g, ev, ai.PUCTConfig{Iterations: iterations, C: 1, Temp: 0.1, Rollout: 0.5, Cutoff: 10, Solver: solver})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPUCTSolverSound searches connect-four positions of random games
// with the solver and checks every proof the tree makes at the root
// against the perfect solver: each proven move's result, and the root's.
// It also checks that Choose never plays a move proven lost while another
// is not, and that the tree proves enough for the checks to mean something.
func TestPUCTSolverSound(t *testing.T) {
	g := mctsGame(t, "connect4")
	sv := solve.New(18)
	p := newSolverPUCT(t, g, 300, connect4Or(t, g), true)
	rng := game.NewRNG(3, 0)
	proofs, roots := 0, 0
	var legal []game.Move
	for i := range uint64(shortOr(30, 40)) {
		st := g.NewState()
		for ply := 0; ply < 14+int(i%12) && !st.Terminal(); ply++ {
			legal = st.Legal(legal[:0])
			st.Apply(legal[rng.IntN(len(legal))])
		}
		if st.Terminal() {
			continue
		}
		legal = st.Legal(legal[:0])
		if len(legal) == 1 {
			continue
		}
		a, err := sv.Analyze(st, true)
		if err != nil {
			t.Fatal(err)
		}
		truth := map[game.Move]float64{}
		for _, m := range a.Moves {
			truth[m.Move] = float64(m.Score+1) / 2 // -1, 0, 1 -> 0, ½, 1
		}
		mv := p.Choose(st, legal, game.NewRNG(5, i))
		root, ok, moves := p.Proofs()
		for m, v := range moves {
			proofs++
			if v != truth[m] {
				t.Errorf("position %d: proved %s worth %v, it is worth %v\n%v", i, st.MoveString(m), v, truth[m], st)
			}
		}
		if ok {
			roots++
			if want := float64(a.Score+1) / 2; root != want {
				t.Errorf("position %d: proved the root worth %v, it is worth %v\n%v", i, root, want, st)
			}
		}
		if v, proven := moves[mv]; proven && v == 0 && len(moves) < len(legal) {
			t.Errorf("position %d: played %s, proven lost, with unproven moves left\n%v", i, st.MoveString(mv), st)
		}
		if v, proven := moves[mv]; ok && root > 0 && (!proven || v != root) {
			t.Errorf("position %d: the root is proven worth %v, played %s (proven %v, %v)\n%v", i, root, st.MoveString(mv), proven, v, st)
		}
	}
	t.Logf("%d root moves and %d roots proven", proofs, roots)
	if proofs < 20 || roots < 3 {
		t.Errorf("only %d root moves and %d roots proven", proofs, roots)
	}
}

// perfect is st's game-theoretic result for seat, by full search of a
// small two-seat game.
func perfect(st game.State, seat int) float64 {
	if st.Terminal() {
		w := st.Winners()
		switch {
		case w == 0 || w.Len() == 2:
			return 0.5
		case w.Has(seat):
			return 1
		}
		return 0
	}
	mover, best := st.ToMove(), -1.0
	for _, m := range st.Legal(nil) {
		c := st.Clone()
		c.Apply(m)
		best = max(best, perfect(c, mover))
	}
	if mover != seat {
		return 1 - best
	}
	return best
}

// TestPUCTSolverSoundTicTacToe checks the solver's proofs as
// TestPUCTSolverSound does, on every tic-tac-toe position of random games,
// where draws are most results, with children scored one by one (an
// evaluator without batches).
func TestPUCTSolverSoundTicTacToe(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	for _, iterations := range []int{20, 100, 400} {
		p := newSolverPUCT(t, g, iterations, plainEval{neutral{}}, true)
		rng := game.NewRNG(4, uint64(iterations))
		proofs, roots, draws := 0, 0, 0
		for i := range uint64(20) {
			for st := g.NewState(); !st.Terminal(); {
				legal := st.Legal(nil)
				seat := st.ToMove()
				mv := p.Choose(st, legal, game.NewRNG(6, i))
				root, ok, moves := p.Proofs()
				for m, v := range moves {
					proofs++
					c := st.Clone()
					c.Apply(m)
					if want := perfect(c, seat); v != want {
						t.Fatalf("%d iterations: proved %s worth %v, it is worth %v\n%v", iterations, st.MoveString(m), v, want, st)
					}
				}
				if ok {
					roots++
					if root == 0.5 {
						draws++
					}
					if want := perfect(st, seat); root != want {
						t.Fatalf("%d iterations: proved the root worth %v, it is worth %v\n%v", iterations, root, want, st)
					}
					if v, proven := moves[mv]; !proven || v != root {
						t.Fatalf("%d iterations: the root is proven worth %v, played %s (proven %v, %v)\n%v", iterations, root, st.MoveString(mv), proven, v, st)
					}
				}
				st.Apply(legal[rng.IntN(len(legal))])
			}
		}
		t.Logf("%d iterations: %d root moves and %d roots (%d draws) proven", iterations, proofs, roots, draws)
		if roots < 10 || draws < 3 {
			t.Errorf("%d iterations: only %d roots (%d draws) proven", iterations, roots, draws)
		}
	}
}

// lure rates a position 0.99 for seat 0 when seat 0 holds cell, else 0.2
// (and seat 1 the rest): a model that wants seat 0 on cell whatever the
// cost.
type lure struct{ cell int }

func (l lure) Evaluate(st game.State, seat int) float64 {
	v := 0.2
	if s, _ := st.(game.BoardState).Cell(l.cell); s == 0 {
		v = 0.99
	}
	if seat == 1 {
		return 1 - v
	}
	return v
}

// TestPUCTSolverAvoidsLoss: x must block o's column at (1,2) in
// tic-tac-toe, and the model lures x to the top edge, (0,1), which loses
// at once. Once the solver has expanded (0,1) and found o's win, the
// search never goes there again and Choose never plays it, at any budget;
// with a few dozen iterations it blocks. Plain PUCT, which only averages
// the loss in, plays the lure at some budget (or the test would be
// meaningless).
func TestPUCTSolverAvoidsLoss(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	st := position(t, g, 0, 3, 8, 4) // x 0 8, o 3 4: o threatens 5
	const bait, block = 1, 5
	plainLured := false
	for iterations := 2; iterations <= 40; iterations++ {
		p := newSolverPUCT(t, g, iterations, plainEval{lure{bait}}, true)
		mv := p.Choose(st, st.Legal(nil), game.NewRNG(1, uint64(iterations)))
		_, _, moves := p.Proofs()
		if v, ok := moves[bait]; !ok || v != 0 {
			t.Fatalf("%d iterations: the bait is not proven lost (%v, %v)", iterations, ok, v)
		}
		for _, s := range p.RootStats(nil) {
			if s.Move == bait && s.Visits > 2 {
				t.Errorf("%d iterations: %d visits to the bait, proven lost at its second", iterations, s.Visits)
			}
		}
		if mv == bait || iterations >= 20 && mv != block {
			t.Errorf("%d iterations: played %d", iterations, mv)
		}
		plain := newSolverPUCT(t, g, iterations, plainEval{lure{bait}}, false)
		if plain.Choose(st, st.Legal(nil), game.NewRNG(1, uint64(iterations))) == bait {
			plainLured = true
		}
	}
	if !plainLured {
		t.Error("plain PUCT never took the bait: the position tests nothing")
	}
}

// TestPUCTSolverForcedWin: x3 wins connect four's win-in-two position by
// force (o blocks one end of the open three, x takes the other); the
// solver proves it, and so the root, within a few hundred iterations even
// with a model that knows nothing, and plays it at every seed.
func TestPUCTSolverForcedWin(t *testing.T) {
	g := mctsGame(t, winInTwo.game)
	st := position(t, g, winInTwo.moves...)
	p := newSolverPUCT(t, g, 400, neutral{}, true)
	for seed := range uint64(5) {
		mv := p.Choose(st, st.Legal(nil), game.NewRNG(2, seed))
		root, ok, moves := p.Proofs()
		if !ok || root != 1 || moves[winInTwo.want] != 1 || mv != winInTwo.want {
			t.Errorf("seed %d: played %s, root proven %v (%v), moves %v; want x3 proven a win", seed, st.MoveString(mv), ok, root, moves)
		}
	}
}

// TestPUCTSolverSpec: solver= is off unless asked for, and a spec stored
// before it existed keeps its canonical form and so its meaning.
func TestPUCTSolverSpec(t *testing.T) {
	g := modelTestGame(t, "connect4")
	raw := connect4Model(t, g).Canonical()
	src := func(string) ([]byte, error) { return raw, nil }
	const stored = "ai:iterations=200,c=100,cutoff=10,temp=10,expand=1,rollout=50,file=m.json"
	for spec, want := range map[string]string{
		"ai:file=m.json":                         stored, // as stored before solver=
		"ai:solver=0,file=m.json":                stored,
		"ai:solver=1,iterations=200,file=m.json": "ai:iterations=200,c=100,cutoff=10,temp=10,expand=1,rollout=50,solver=1,file=m.json",
	} {
		l, err := ai.ParseLineupWith(spec, g, src)
		if err != nil {
			t.Fatal(err)
		}
		if got := ai.SeatSpecs(l.String())[0]; got != want {
			t.Errorf("%s: canonical %q, want %q", spec, got, want)
		}
	}
}
