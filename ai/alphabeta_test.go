package ai_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

func newAB(t testing.TB, g game.Game, nodes int, ev ai.Evaluator) *ai.AlphaBeta {
	t.Helper()
	ab, err := ai.NewAlphaBeta(g, nodes, ev)
	if err != nil {
		t.Fatal(err)
	}
	return ab
}

// tttValue is a perfect tic-tac-toe minimax, memoized by position text: the
// value of st for its seat to move, 1 a win, 0 a draw, -1 a loss.
func tttValue(st game.State, memo map[string]int) int { return minimax(st, memo) }

// TestAlphaBetaTicTacToePerfect plays alpha-beta as each seat against every
// line of play of the other, exhaustively, and checks that every choice
// keeps the position's game-theoretic value (so it never loses, and takes
// every win the opponent offers).
func TestAlphaBetaTicTacToePerfect(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	memo := map[string]int{}
	for _, nodes := range []int{100_000, 3000} {
		ab := newAB(t, g, nodes, nil)
		decisions := 0
		var walk func(st game.State, abSeat int, rng *game.RNG)
		walk = func(st game.State, abSeat int, rng *game.RNG) {
			if st.Terminal() {
				if w := st.Winners(); w != 0 && !w.Has(abSeat) {
					t.Fatalf("nodes=%d: alpha-beta (seat %d) lost:\n%s", nodes, abSeat, st)
				}
				return
			}
			legal := st.Legal(nil)
			if st.ToMove() != abSeat {
				for _, m := range legal {
					c := st.Clone()
					c.Apply(m)
					walk(c, abSeat, rng)
				}
				return
			}
			want := tttValue(st, memo)
			m := ab.Choose(st, legal, rng)
			decisions++
			c := st.Clone()
			c.Apply(m)
			got := 1
			if !c.Terminal() {
				got = -tttValue(c, memo)
			} else if c.Winners() == 0 {
				got = 0
			}
			if got != want {
				t.Fatalf("nodes=%d: in\n%s\nplayed %s worth %d, the position is worth %d", nodes, st, st.MoveString(m), got, want)
			}
			walk(c, abSeat, rng)
		}
		for seat := range 2 {
			walk(g.NewState(), seat, game.NewRNG(5, uint64(seat)))
		}
		t.Logf("nodes=%d: %d decisions, every one value-preserving", nodes, decisions)
	}
}

func TestAlphaBetaTactics(t *testing.T) {
	for _, tc := range append(tactics, winInTwo) {
		t.Run(tc.name, func(t *testing.T) {
			g := mctsGame(t, tc.game)
			st := position(t, g, tc.moves...)
			ab := newAB(t, g, 20000, nil)
			for seed := range uint64(5) {
				got := ab.Choose(st, st.Legal(nil), game.NewRNG(7, seed))
				if got != tc.want {
					t.Errorf("seed %d: played %s, want %s in\n%s", seed, st.MoveString(got), st.MoveString(tc.want), st)
				}
			}
			stats := ab.RootStats(nil)
			if len(stats) == 0 || stats[0].Move != tc.want {
				t.Fatalf("root stats %+v, want %d first", stats, tc.want)
			}
			if tc.name != "tictactoe/block" && tc.name != "connect4/block" && stats[0].Value != 1 {
				t.Errorf("winning move's value %v, want 1 (proven)", stats[0].Value)
			}
		})
	}
}

// countingState counts the positions alpha-beta generates (every Apply on
// a copy) in the counter its copies share.
type countingState struct {
	game.State
	n *int
}

func (s countingState) Apply(m game.Move) { *s.n++; s.State.Apply(m) }
func (s countingState) Clone() game.State { return countingState{s.State.Clone(), s.n} }
func (s countingState) Cell(i int) (seat, piece int) {
	return s.State.(game.BoardState).Cell(i)
}

func TestAlphaBetaNodeBudget(t *testing.T) {
	for _, spec := range []string{"connect4", "hex:size=5", "othello"} {
		g := mctsGame(t, spec)
		for _, budget := range []int{1, 10, 100, 1000, 5000} {
			ab := newAB(t, g, budget, connect4Or(t, g))
			st := g.NewState()
			rng := game.NewRNG(3, uint64(budget))
			for ply := 0; ply < 12 && !st.Terminal(); ply++ {
				n := 0
				legal := st.Legal(nil)
				m := ab.Choose(countingState{st, &n}, legal, rng)
				if n > budget {
					t.Errorf("%s nodes=%d ply %d: generated %d positions", spec, budget, ply, n)
				}
				if !slices.Contains(legal, m) {
					t.Fatalf("%s: illegal move %d", spec, m)
				}
				st.Apply(m)
			}
		}
	}
}

// connect4Or returns a hand model for connect4 games, nil for others.
func connect4Or(t testing.TB, g game.Game) ai.Evaluator {
	if g.Spec() != "connect4" {
		return nil
	}
	e, err := connect4Model(t, g).Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestAlphaBetaDeterministic(t *testing.T) {
	for _, spec := range []string{"tictactoe", "connect4", "hex:size=5"} {
		t.Run(spec, func(t *testing.T) {
			g := mctsGame(t, spec)
			ab := newAB(t, g, 2000, connect4Or(t, g))
			_, _, a := playMatch(t, g, ab, 4, 3)
			_, _, b := playMatch(t, g, ab, 4, 3)
			_, _, c := playMatch(t, g, newAB(t, g, 2000, connect4Or(t, g)), 4, 3)
			if !slices.EqualFunc(a, b, slices.Equal) || !slices.EqualFunc(a, c, slices.Equal) {
				t.Errorf("the same seeds gave different games")
			}
			_, _, d := playMatch(t, g, ab, 4, 4)
			if slices.EqualFunc(a, d, slices.Equal) {
				t.Errorf("other seeds gave the same games: are ties broken by the rng?")
			}
		})
	}
}

func TestAlphaBetaKind(t *testing.T) {
	for _, spec := range []string{"ab", "ab:nodes=500", "ab:nodes=300,file=m.json,random"} {
		if _, ok := playLineup(t, spec)[0].(*ai.AlphaBeta); !ok {
			t.Errorf("%s: seat 0 is not an *ai.AlphaBeta", spec)
		}
	}
	for _, spec := range []string{"pig", "gofish", "pig:players=3", "gofish:players=3"} {
		_, err := ai.ParseLineup("ab:nodes=100", mctsGame(t, spec))
		if !errors.Is(err, ai.ErrBadPlayers) || !strings.Contains(err.Error(), ai.ErrNotTwoSeatPerfect.Error()) {
			t.Errorf("ab for %s: %v, want ErrBadPlayers saying %q", spec, err, ai.ErrNotTwoSeatPerfect)
		}
	}
	if _, err := ai.NewAlphaBeta(mctsGame(t, "pig"), 100, nil); !errors.Is(err, ai.ErrNotTwoSeatPerfect) {
		t.Errorf("NewAlphaBeta for pig: %v, want ErrNotTwoSeatPerfect", err)
	}
}

func TestAlphaBetaBeatsRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("a match")
	}
	g := mctsGame(t, "connect4")
	wins, draws, _ := playMatch(t, g, newAB(t, g, 20000, nil), 20, 9)
	t.Logf("ab:nodes=20000 vs random at connect4: %d wins, %d draws of 20", wins, draws)
	if wins < 18 {
		t.Errorf("%d wins of 20 against random", wins)
	}
}

// TestAlphaBetaExactValues compares alpha-beta's root value, with a budget
// that searches the whole tree, with plain minimax: on every tic-tac-toe
// position, and on late connect-four positions from random play.
func TestAlphaBetaExactValues(t *testing.T) {
	check := func(g game.Game, st game.State, want int, rng *game.RNG, ab *ai.AlphaBeta) {
		t.Helper()
		legal := st.Legal(nil)
		if len(legal) < 2 {
			return
		}
		ab.Choose(st, legal, rng)
		stats := ab.RootStats(nil)
		if len(stats) == 0 {
			t.Fatalf("no root stats in\n%s", st)
		}
		if got := int(2*stats[0].Value) - 1; got != want {
			t.Fatalf("%s: alpha-beta values\n%s\nat %d (best %s), minimax at %d", g.Spec(), st, got, st.MoveString(stats[0].Move), want)
		}
	}
	g := mctsGame(t, "tictactoe")
	memo := map[string]int{}
	tttValue(g.NewState(), memo)
	ab := newAB(t, g, 1_000_000, nil)
	seen := map[string]bool{}
	var walk func(st game.State)
	walk = func(st game.State) {
		if st.Terminal() || seen[st.String()] {
			return
		}
		seen[st.String()] = true
		check(g, st, tttValue(st, memo), game.NewRNG(1, uint64(len(seen))), ab)
		for _, m := range st.Legal(nil) {
			c := st.Clone()
			c.Apply(m)
			walk(c)
		}
	}
	start := time.Now()
	walk(g.NewState())
	t.Logf("tic-tac-toe: %d positions in %v", len(seen), time.Since(start))

	g = mctsGame(t, "connect4")
	ab = newAB(t, g, 5_000_000, nil)
	positions := 0
	for i := uint64(0); positions < shortOr(10, 40); i++ {
		rng := game.NewRNG(17, i)
		st := g.NewState()
		for ply := 0; ply < 32 && !st.Terminal(); ply++ {
			legal := st.Legal(nil)
			st.Apply(legal[rng.IntN(len(legal))])
		}
		if st.Terminal() {
			continue
		}
		positions++
		check(g, st, minimax(st, nil), rng, ab)
	}
	t.Logf("connect4: %d positions in %v", positions, time.Since(start))
}

// minimax is plain negamax without pruning: st's value for its seat to
// move in a two-seat alternating game, 1 a win, 0 a draw, -1 a loss. With a
// memo it remembers values by position text.
func minimax(st game.State, memo map[string]int) int {
	var key string
	if memo != nil {
		key = st.String()
		if v, ok := memo[key]; ok {
			return v
		}
	}
	best := -2
	for _, m := range st.Legal(nil) {
		c := st.Clone()
		c.Apply(m)
		v := 0
		switch {
		case c.Terminal() && c.Winners() != 0:
			v = 1 // the mover completed a line
		case !c.Terminal():
			v = -minimax(c, memo)
		}
		best = max(best, v)
	}
	if memo != nil {
		memo[key] = best
	}
	return best
}

// TestAlphaBetaTiesToRNG checks that equal moves are chosen by the rng: in
// tic-tac-toe every first move draws.
func TestAlphaBetaTiesToRNG(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	ab := newAB(t, g, 1_000_000, nil)
	st := g.NewState()
	seen := map[game.Move]bool{}
	for seed := range uint64(20) {
		seen[ab.Choose(st, st.Legal(nil), game.NewRNG(2, seed))] = true
	}
	if len(seen) < 4 {
		t.Errorf("20 seeds chose only %d distinct first moves", len(seen))
	}
}

// TestAlphaBetaModelLeaves checks that depth-limited leaves are scored by
// the model for the right seat: a model that makes the bottom cell of one
// column decisive for x decides x's first move at every shallow depth, and
// makes o take that cell when x has not.
func TestAlphaBetaModelLeaves(t *testing.T) {
	g := mctsGame(t, "connect4")
	st := g.NewState()
	for _, col := range []int{1, 5} {
		for _, nodes := range []int{60, 500} { // depth 2 at least: o sees x's reply
			ev := &cellEvaluator{col: col}
			if got := newAB(t, g, nodes, ev).Choose(st, st.Legal(nil), game.NewRNG(1, 0)); got != game.Move(col) {
				t.Errorf("nodes=%d, model favouring column %d: x played %d", nodes, col, got)
			}
		}
	}
	// o to move after x0: x wins exactly when holding column 4's bottom.
	after := position(t, g, 0)
	for _, nodes := range []int{60, 500} { // depth 2 at least: o sees x's reply
		ev := &cellEvaluator{col: 4}
		if got := newAB(t, g, nodes, ev).Choose(after, after.Legal(nil), game.NewRNG(1, 0)); got != 4 {
			t.Errorf("nodes=%d: o played %d, want 4 (denying x the decisive cell)", nodes, got)
		}
	}
}

// TestAlphaBetaDepthLimited checks, with a model scoring the leaves, that
// alpha-beta's root value at its deepest completed depth is that of plain
// minimax to the same depth: pruning and the transposition table change
// the work, never the value.
func TestAlphaBetaDepthLimited(t *testing.T) {
	g := mctsGame(t, "connect4")
	ev := connect4Or(t, g)
	var mm func(st game.State, depth int) float64
	mm = func(st game.State, depth int) float64 {
		seat := st.ToMove()
		if depth == 0 {
			return 2*ev.Evaluate(st, seat) - 1
		}
		best := math.Inf(-1)
		for _, m := range st.Legal(nil) {
			c := st.Clone()
			c.Apply(m)
			var v float64
			switch {
			case c.Terminal() && c.Winners() != 0:
				v = 1000
			case c.Terminal():
				v = 0
			default:
				v = -mm(c, depth-1)
			}
			best = max(best, v)
		}
		return best
	}
	for i := range uint64(shortOr(6, 60)) {
		rng := game.NewRNG(23, i)
		st := g.NewState()
		for ply := 0; ply < 4+int(i%12) && !st.Terminal(); ply++ {
			legal := st.Legal(nil)
			st.Apply(legal[rng.IntN(len(legal))])
		}
		if st.Terminal() {
			continue
		}
		for _, nodes := range []int{300, 1000, 3000} { // depths 3 to 5
			ab := newAB(t, g, nodes, ev)
			ab.Choose(st, st.Legal(nil), rng)
			d := ab.Depth()
			stats := ab.RootStats(nil)
			if d == 0 || len(stats) == 0 {
				continue
			}
			want := mm(st, d)
			var got float64
			switch v := stats[0].Value; {
			case v == 1 || v == 0:
				got = 1000 * (2*v - 1)
			default:
				got = 2*v - 1
			}
			if math.Abs(got-want) > 1e-9 {
				t.Errorf("nodes=%d depth %d: alpha-beta values\n%s\nat %v, minimax at %v", nodes, d, st, got, want)
			}
		}
	}
}
