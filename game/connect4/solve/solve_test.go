package solve

import (
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
)

var (
	seedFlag    = flag.Uint64("solve.seed", 1, "seed of the randomized solver tests")
	openingFlag = flag.Bool("solve.opening", false, "run TestOpening, which solves the first move (many CPU-minutes)")
)

// newState replays columns through connect4's own rules.
func newState(t testing.TB, cols ...int) *connect4.State {
	t.Helper()
	s := connect4.Game{}.NewState().(*connect4.State)
	for i, c := range cols {
		if s.Terminal() {
			t.Fatalf("move %d (column %d) after the end of the game", i+1, c)
		}
		s.Apply(game.Move(c))
	}
	return s
}

// columns parses a compact column string such as "4453".
func columns(s string) []int {
	out := make([]int, len(s))
	for i, r := range s {
		out[i] = int(r - '0')
	}
	return out
}

// minimax is the reference: plain negamax over connect4.State, no pruning,
// no table, no bitboard of this package. n is the number of discs on s.
func minimax(s connect4.State, n int) int {
	var buf [Cols]game.Move
	best := -100
	for _, m := range s.Legal(buf[:0]) {
		c := s
		c.Apply(m)
		var v int
		switch {
		case c.Terminal() && c.Winners() != 0:
			v = 22 - (n/2 + 1) // 22 minus the winner's discs
		case c.Terminal():
			v = 0
		default:
			v = -minimax(c, n+1)
		}
		best = max(best, v)
	}
	return best
}

// randomPositions returns n positions of random games seeded by -solve.seed
// and salt, each after a ply drawn from [minPly, minPly+spread); games that
// end before are skipped.
func randomPositions(salt uint64, n, minPly, spread int) []*connect4.State {
	var rng game.RNG
	var out []*connect4.State
	for i := uint64(0); len(out) < n; i++ {
		rng.Seed(*seedFlag^salt, i)
		if s := randomPosition(&rng, minPly+rng.IntN(spread)); s != nil {
			out = append(out, s)
		}
	}
	return out
}

// randomPosition plays a seeded random game and returns the state after
// ply discs, or nil when the game ended before.
func randomPosition(rng *game.RNG, ply int) *connect4.State {
	s := connect4.Game{}.NewState().(*connect4.State)
	var buf [Cols]game.Move
	for n := 0; n < ply; n++ {
		legal := s.Legal(buf[:0])
		s.Apply(legal[rng.IntN(len(legal))])
		if s.Terminal() {
			return nil
		}
	}
	return s
}

func TestPositionAgainstState(t *testing.T) {
	var rng game.RNG
	for g := 0; g < 2000; g++ {
		rng.Seed(*seedFlag, uint64(g))
		s := connect4.Game{}.NewState().(*connect4.State)
		var cols []int
		for !s.Terminal() {
			p, err := FromState(s)
			if err != nil {
				t.Fatal(err)
			}
			q, err := FromColumns(cols)
			if err != nil {
				t.Fatalf("game %d %v: %v", g, cols, err)
			}
			if p != q {
				t.Fatalf("game %d %v: FromState %+v, FromColumns %+v", g, cols, p, q)
			}
			if p.String() != s.String() {
				t.Fatalf("game %d %v: rendered\n%s want\n%s", g, cols, p, s)
			}
			legal := s.Legal(nil)
			for c := 0; c < Cols; c++ {
				want := false
				for _, m := range legal {
					want = want || int(m) == c
				}
				if p.CanPlay(c) != want {
					t.Fatalf("game %d %v: CanPlay(%d) = %v", g, cols, c, !want)
				}
				if !want {
					continue
				}
				after := *s
				after.Apply(game.Move(c))
				if won := after.Terminal() && after.Winners() != 0; p.IsWinningMove(c) != won {
					t.Fatalf("game %d %v: IsWinningMove(%d) = %v, connect4 says %v\n%s", g, cols, c, !won, won, s)
				}
			}
			mirror := make([]int, len(cols))
			for i, c := range cols {
				mirror[i] = Cols - 1 - c
			}
			if m, _ := FromColumns(mirror); m.Key() != p.MirrorKey() {
				t.Fatalf("game %d %v: MirrorKey differs from the mirrored game's key", g, cols)
			}
			c := legal[rng.IntN(len(legal))]
			s.Apply(c)
			cols = append(cols, int(c))
		}
		if _, err := FromState(s); err != ErrTerminal {
			t.Fatalf("game %d: FromState of a finished game: %v", g, err)
		}
	}
}

func TestKeysAreUnique(t *testing.T) {
	// Every position up to 8 discs, reached by any order: equal keys must
	// mean equal positions.
	seen := map[uint64]Position{}
	var walk func(p Position, depth int)
	walk = func(p Position, depth int) {
		if q, ok := seen[p.Key()]; ok && q != p {
			t.Fatalf("key %x shared by\n%s and\n%s", p.Key(), p, q)
		}
		seen[p.Key()] = p
		if depth == 0 {
			return
		}
		for c := 0; c < Cols; c++ {
			if p.CanPlay(c) && !p.IsWinningMove(c) {
				walk(p.Play(c), depth-1)
			}
		}
	}
	walk(Position{}, 6)
	if len(seen) < 10000 {
		t.Fatalf("only %d positions seen", len(seen))
	}
}

// check is a claim about the score of one column of a hand-built position,
// from the side to move's point of view: op is '=', '<' or '>'.
type check struct {
	col int
	op  byte
	v   int
}

// TestHandBuilt checks positions whose values follow by hand. '=' claims
// are checked with Solve, '<' and '>' with one cheap null-window search
// (Exceeds), so the test needs no deep search of an early position.
func TestHandBuilt(t *testing.T) {
	all := func(op byte, v int, cols ...int) []check {
		var out []check
		for _, c := range cols {
			out = append(out, check{c, op, v})
		}
		return out
	}
	cases := []struct {
		name   string
		moves  string
		checks []check
	}{
		// x has three in column 0 and wins with its fourth disc (ply 6);
		// nothing else wins that fast.
		{"immediate win", "010101", append(all('=', WinScore(6), 0), all('<', WinScore(6), 1, 2, 3, 4, 5, 6)...)},
		// x plays 3 and threatens both ends of 1-2-3 on the bottom row; o
		// blocks one and x wins with its fourth disc (ply 6). No other
		// column makes two threats.
		{"making a double threat", "1122", append(all('=', WinScore(6), 3), all('<', WinScore(6), 0, 1, 2, 4, 5, 6)...)},
		// o faces x's threats at both ends of 1-2-3: every move loses to
		// x's disc at ply 6.
		{"facing a double threat", "11223", all('=', -WinScore(6), 0, 1, 2, 3, 4, 5, 6)},
		// o must block x's three in column 0; anything else loses at once.
		{"forced block", "01010", append(all('=', -WinScore(6), 1, 2, 3, 4, 5, 6), all('>', -WinScore(6), 0)...)},
	}
	sv := New(20)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cols := columns(tc.moves)
			s := newState(t, cols...) // connect4 accepts the moves
			p, err := FromColumns(cols)
			if err != nil {
				t.Fatal(err)
			}
			for _, ck := range tc.checks {
				child := p.Play(ck.col)
				// The column's score for the mover is minus the child's.
				var ok bool
				var got string
				switch {
				case p.IsWinningMove(ck.col):
					v := WinScore(p.Moves())
					got = fmt.Sprint(v)
					ok = ck.op == '=' && v == ck.v || ck.op == '<' && v < ck.v || ck.op == '>' && v > ck.v
				case ck.op == '=':
					v := -sv.Solve(child)
					got, ok = fmt.Sprint(v), v == ck.v
				case ck.op == '<': // -Solve(child) < v  <=>  Solve(child) > -v
					ok = sv.Exceeds(child, -ck.v)
					got = "not below"
				case ck.op == '>': // -Solve(child) > v  <=>  Solve(child) < -v
					ok = !sv.Exceeds(child, -ck.v-1)
					got = "not above"
				}
				if !ok {
					t.Errorf("column %d: want score %c %d, got %s\n%s", ck.col, ck.op, ck.v, got, s)
				}
			}
		})
	}
}

// TestAgainstMinimax compares the exact score of random positions with 30 to
// 36 discs, and of every legal move, with plain minimax.
func TestAgainstMinimax(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	sv := New(18)
	var nodes, won, drawn, lost int
	for i, s := range randomPositions(0x30, n, 30, 7) {
		p, err := FromState(s)
		if err != nil {
			t.Fatal(err)
		}
		ply := p.Moves()
		want := minimax(*s, ply)
		switch {
		case want > 0:
			won++
		case want == 0:
			drawn++
		default:
			lost++
		}
		before := sv.Nodes()
		if got := sv.Solve(p); got != want {
			t.Fatalf("position %d (seed %d): Solve %d, minimax %d\n%s", i, *seedFlag, got, want, s)
		}
		if got := sv.Weak(p); got != sign(want) {
			t.Fatalf("position %d (seed %d): Weak %d, minimax %d\n%s", i, *seedFlag, got, want, s)
		}
		nodes += int(sv.Nodes() - before)
		a, err := sv.Analyze(s, false)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := sv.Analyze(s, true)
		for j, m := range a.Moves {
			c := *s
			c.Apply(m.Move)
			ref := 0
			switch {
			case c.Terminal() && c.Winners() != 0:
				ref = 22 - (ply/2 + 1)
			case !c.Terminal():
				ref = -minimax(c, ply+1)
			}
			if m.Score != ref || w.Moves[j].Score != sign(ref) {
				t.Fatalf("position %d (seed %d), column %d: score %d (weak %d), minimax %d\n%s",
					i, *seedFlag, m.Move, m.Score, w.Moves[j].Score, ref, s)
			}
		}
		if a.Score != want {
			t.Fatalf("position %d: Analyze score %d, minimax %d", i, a.Score, want)
		}
		checkPreserving(t, sv, p, a)
	}
	t.Logf("%d positions: %d won, %d drawn, %d lost for the side to move; %d solver nodes", n, won, drawn, lost, nodes)
}

// checkPreserving compares Solver.Preserving with the scores of a.
func checkPreserving(t *testing.T, sv *Solver, p Position, a Analysis) {
	t.Helper()
	var want uint8
	for _, m := range a.Preserving() {
		want |= 1 << m
	}
	v, keep := sv.Preserving(p)
	if v != sign(a.Score) || keep != want {
		t.Fatalf("Preserving: value %d keep %07b, want %d %07b (scores %v)\n%s", v, keep, sign(a.Score), want, a.Moves, p)
	}
}

// TestConsistency checks, on random positions of 14 to 29 discs (too
// early for minimax), that a position's score is the best of its moves'
// scores, that Weak and Preserving agree with Solve, and that the
// table's contents never change a result: a fresh solver and one that has
// solved other positions agree.
func TestConsistency(t *testing.T) {
	n := 120
	if testing.Short() {
		n = 15
	}
	warm := New(18)
	for i, s := range randomPositions(0x14, n, 14, 16) {
		p, _ := FromState(s)
		a, err := warm.Analyze(s, false)
		if err != nil {
			t.Fatal(err)
		}
		if v := New(12).Solve(p); v != a.Score {
			t.Fatalf("position %d: fresh Solve %d, best move %d\n%s", i, v, a.Score, s)
		}
		if v := warm.Weak(p); v != sign(a.Score) {
			t.Fatalf("position %d: Weak %d, Solve %d\n%s", i, v, a.Score, s)
		}
		w, _ := warm.Analyze(s, true)
		for j, m := range w.Moves {
			if m.Score != sign(a.Moves[j].Score) {
				t.Fatalf("position %d column %d: weak %d, exact %d\n%s", i, m.Move, m.Score, a.Moves[j].Score, s)
			}
		}
		checkPreserving(t, warm, p, a)
	}
}

// TestOpening checks the known values of x's first move (Allis 1988, Allen
// 1989): the centre column wins, the two next to it draw, the others lose.
// Mirror images share table entries, so columns 4 to 6 cost little once 0
// to 2 are solved.
func TestOpening(t *testing.T) {
	if !*openingFlag {
		t.Skip("solves the first move: many CPU-minutes; run with -solve.opening")
	}
	want := [Cols]int{-1, -1, 0, 1, 0, -1, -1}
	sv := New(25)
	for _, c := range columnOrder {
		start := time.Now()
		got := -sv.Weak(Position{}.Play(c))
		t.Logf("x plays column %d: %+d (%v, %d nodes so far)", c, got, time.Since(start).Round(time.Millisecond), sv.Nodes())
		if got != want[c] {
			t.Errorf("column %d: value %d, want %d", c, got, want[c])
		}
	}
}
