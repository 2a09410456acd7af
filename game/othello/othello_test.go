package othello_test

import (
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/othello"
	"github.com/simpipe/simpipe/internal/openspiel"
)

// perft is the published table (shared/conformance/README.md) for depths
// 0-7, where every convention agrees, extended with OEIS A124004 (the
// game-tree convention: a pass is a ply, a finished game is a leaf at its
// own depth only), which RGcompiler's reversi test also lists up to depth 10.
var perft = []uint64{1, 4, 12, 56, 244, 1396, 8200, 55092, 390216, 3005288, 24571056, 212258216}

func TestPerft(t *testing.T) {
	depth := 10 // depth 11 adds about 10 s: set OTHELLO_PERFT11=1 to check it
	if testing.Short() {
		depth = 8
	}
	if os.Getenv("OTHELLO_PERFT11") != "" {
		depth = 11
	}
	for d := 0; d <= depth; d++ {
		if got := game.Perft(othello.Game{}.NewState(), d); got != perft[d] {
			t.Errorf("perft(%d) = %d, want %d", d, got, perft[d])
		}
	}
}

// TestAgainstNaiveTree walks the whole game tree to depth 9 alongside the
// naive reference and compares every position: board, disc counts, seat to
// move, terminal and winners, and the legal moves of every position above
// the leaves. The first passes are played at ply 9 (from positions at depth
// 8) and the first games end at ply 9. The number of positions reached at
// each depth is the perft table.
func TestAgainstNaiveTree(t *testing.T) {
	depth := 9
	if testing.Short() {
		depth = 7
	}
	counts := make([]uint64, depth+1)
	passes, ends := 0, 0
	buf := make([]game.Move, 0, 64)
	var path []game.Move
	var walk func(s game.State, n *naive, d int)
	walk = func(s game.State, n *naive, d int) {
		// At the leaves, listing the naive legal moves would triple the
		// test's time; there nlegal is nil and compare checks the rest.
		var legal []game.Move
		if d < depth || n.over {
			legal = n.legal()
		}
		if diff := compare(s, n, legal, buf); diff != "" {
			t.Fatalf("after %v: %s", path, diff)
		}
		counts[d]++
		if n.over {
			ends++
			return
		}
		if d == depth {
			return
		}
		for _, m := range legal {
			if m == othello.Pass {
				passes++
			}
			c, nc := s.Clone(), n.clone()
			c.Apply(m)
			nc.apply(m)
			path = append(path, m)
			walk(c, nc, d+1)
			path = path[:len(path)-1]
		}
	}
	walk(othello.Game{}.NewState(), newNaive(), 0)
	for d, c := range counts {
		// counts[d] counts the positions reached at depth d; finished games
		// are among them, so it is exactly perft(d).
		if c != perft[d] {
			t.Errorf("naive perft(%d) = %d, want %d", d, c, perft[d])
		}
	}
	t.Logf("positions per depth %v; %d passes played, %d finished games", counts, passes, ends)
	if !testing.Short() && (passes == 0 || ends == 0) {
		t.Errorf("the walk met %d passes and %d finished games; both should occur by ply 9", passes, ends)
	}
}

// TestAgainstNaiveRules plays random games and checks, after every move,
// the board (so the flips), the legal set and the verdict against the naive
// reference.
func TestAgainstNaiveRules(t *testing.T) {
	games := 3000
	if testing.Short() {
		games = 300
	}
	var rng game.RNG
	passes, draws, early := 0, 0, 0
	for i := 0; i < games; i++ {
		rng.Seed(11, uint64(i))
		s, n := othello.Game{}.NewState(), newNaive()
		var legal, buf []game.Move
		for ply := 0; !n.over; ply++ {
			legal = n.legal()
			if diff := compare(s, n, legal, buf); diff != "" {
				t.Fatalf("game %d ply %d: %s", i, ply, diff)
			}
			m := legal[rng.IntN(len(legal))]
			if m == othello.Pass {
				passes++
			}
			s.Apply(m)
			n.apply(m)
		}
		if diff := compare(s, n, n.legal(), buf); diff != "" {
			t.Fatalf("game %d at the end: %s", i, diff)
		}
		if s.Winners() == 0 {
			draws++
		}
		if n.empty() > 0 {
			early++
		}
	}
	t.Logf("%d games: %d passes, %d draws, %d ended before a full board", games, passes, draws, early)
	if !testing.Short() && (passes == 0 || draws == 0 || early == 0) {
		t.Errorf("%d games with %d passes, %d draws, %d ended before a full board: every case should occur", games, passes, draws, early)
	}
}

// compare describes how s differs from the reference n, whose legal moves
// are nlegal (nil: not compared, unless n is over), or returns "". buf is
// scratch for s's legal moves.
func compare(s game.State, n *naive, nlegal, buf []game.Move) string {
	b := s.(game.BoardState)
	for i := 0; i < 64; i++ {
		if seat, piece := b.Cell(i); seat != int(n.board[i]) || piece != 0 {
			return fmt.Sprintf("cell %d: seat %d piece %d, naive %d\n%s", i, seat, piece, n.board[i], s)
		}
	}
	if s.Terminal() != n.over {
		return fmt.Sprintf("terminal %v, naive %v\n%s", s.Terminal(), n.over, s)
	}
	if q := s.(game.QuantityState); q.Quantity(0, 0) != n.count(0) || q.Quantity(1, 0) != n.count(1) {
		return fmt.Sprintf("discs %d-%d, naive %d-%d", q.Quantity(0, 0), q.Quantity(1, 0), n.count(0), n.count(1))
	}
	switch got := s.Legal(buf[:0]); {
	case n.over && len(got) != 0:
		return fmt.Sprintf("terminal state lists moves %v\n%s", got, s)
	case nlegal != nil && !slices.Equal(got, nlegal):
		return fmt.Sprintf("legal %v, naive %v\n%s", got, nlegal, s)
	}
	if n.over {
		if got, want := s.Winners(), n.winners(); got != want {
			return fmt.Sprintf("winners %v, naive %v\n%s", got, want, s)
		}
	} else if s.ToMove() != n.turn {
		return fmt.Sprintf("to move %d, naive %d\n%s", s.ToMove(), n.turn, s)
	}
	return ""
}

// naive is the reference: a plain array board scanned cell by cell and
// direction by direction, with the pass and end rules spelled out.
type naive struct {
	board [64]int8 // -1 empty, else the seat
	turn  int
	over  bool
}

var dirs = [8][2]int{{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}}

func newNaive() *naive {
	n := &naive{}
	for i := range n.board {
		n.board[i] = -1
	}
	// d4 (row 3, col 3) and e5 white; e4 and d5 black.
	n.board[3*8+3], n.board[4*8+4] = 1, 1
	n.board[3*8+4], n.board[4*8+3] = 0, 0
	return n
}

func (n *naive) clone() *naive { c := *n; return &c }

// rays lists, for every cell and direction, the cells from the nearest
// outwards to the edge of the board.
var rays = func() (t [64][8][]int8) {
	for cell := range t {
		for i, d := range dirs {
			r, c := cell/8+d[0], cell%8+d[1]
			for r >= 0 && r < 8 && c >= 0 && c < 8 {
				t[cell][i] = append(t[cell][i], int8(r*8+c))
				r, c = r+d[0], c+d[1]
			}
		}
	}
	return t
}()

// flank counts the discs seat outflanks by playing the empty cell, turning
// them over when flip is set. It returns 0 for an occupied cell.
func (n *naive) flank(seat, cell int, flip bool) int {
	if n.board[cell] != -1 {
		return 0
	}
	total := 0
	for _, ray := range rays[cell] {
		k := 0
		for k < len(ray) && int(n.board[ray[k]]) == 1-seat {
			k++
		}
		if k == 0 || k == len(ray) || int(n.board[ray[k]]) != seat {
			continue
		}
		total += k
		for i := 0; flip && i < k; i++ {
			n.board[ray[i]] = int8(seat)
		}
	}
	return total
}

// canPlace reports whether seat has any placement.
func (n *naive) canPlace(seat int) bool {
	for cell := 0; cell < 64; cell++ {
		if n.flank(seat, cell, false) > 0 {
			return true
		}
	}
	return false
}

func (n *naive) legal() []game.Move {
	if n.over {
		return nil
	}
	var out []game.Move
	for cell := 0; cell < 64; cell++ {
		if n.flank(n.turn, cell, false) > 0 {
			out = append(out, game.Move(cell))
		}
	}
	if len(out) == 0 {
		out = append(out, othello.Pass)
	}
	return out
}

func (n *naive) apply(m game.Move) {
	if m != othello.Pass {
		if n.flank(n.turn, int(m), true) == 0 {
			panic(fmt.Sprintf("naive: %d is not a placement", m))
		}
		n.board[m] = int8(n.turn)
	}
	n.turn = 1 - n.turn
	n.over = !n.canPlace(0) && !n.canPlace(1)
}

func (n *naive) count(seat int) int {
	k := 0
	for _, v := range n.board {
		if int(v) == seat {
			k++
		}
	}
	return k
}

func (n *naive) empty() int { return n.count(-1) }

func (n *naive) winners() game.Seats {
	switch b, w := n.count(0), n.count(1); {
	case b > w:
		return game.SeatSet(0)
	case w > b:
		return game.SeatSet(1)
	}
	return 0
}

func mustBoard(t *testing.T, toMove int, rows ...string) *othello.State {
	t.Helper()
	s, err := othello.FromBoard(rows, toMove)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// cell returns the number of a square named like "d3".
func cell(name string) game.Move {
	return game.Move(int(name[1]-'1')*8 + int(name[0]-'a'))
}

// step applies name and checks what follows: the seat to move and its legal
// moves, or the end (want nil) with the given winners.
func step(t *testing.T, s *othello.State, name string, toMove int, want []string, winners game.Seats) {
	t.Helper()
	m := othello.Pass
	if name != "pass" {
		m = cell(name)
	}
	if !slices.Contains(s.Legal(nil), m) {
		t.Fatalf("%s is not legal in\n%s", name, s)
	}
	s.Apply(m)
	if want == nil {
		if !s.Terminal() || s.Winners() != winners || len(s.Legal(nil)) != 0 {
			t.Fatalf("after %s: terminal %v winners %v legal %v, want the end with winners %v\n%s",
				name, s.Terminal(), s.Winners(), s.Legal(nil), winners, s)
		}
		return
	}
	var got []string
	for _, m := range s.Legal(nil) {
		got = append(got, s.MoveString(m))
	}
	if s.Terminal() || s.ToMove() != toMove || !slices.Equal(got, want) {
		t.Fatalf("after %s: terminal %v, to move %d legal %v; want %d to play %v\n%s",
			name, s.Terminal(), s.ToMove(), got, toMove, want, s)
	}
}

func TestRules(t *testing.T) {
	t.Run("ForcedPassAtStart", func(t *testing.T) {
		// Black cannot outflank a1 (nothing lies beyond it); White can take b1.
		s := mustBoard(t, 0,
			"o x . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .")
		if s.Terminal() || s.ToMove() != 0 || !slices.Equal(s.Legal(nil), []game.Move{othello.Pass}) {
			t.Fatalf("want Black to pass, got terminal %v to move %d legal %v", s.Terminal(), s.ToMove(), s.Legal(nil))
		}
		step(t, s, "pass", 1, []string{"c1"}, 0)
		// White wipes Black out: nobody can move, game over, no second pass.
		step(t, s, "c1", 0, nil, game.SeatSet(1))
	})
	t.Run("PassAfterMove", func(t *testing.T) {
		// Black a1 flips b1; White's only disc, h7, is then stuck behind the
		// h-file, so White must pass, and Black ends the game on h8.
		s := mustBoard(t, 0,
			". o x . . . . x",
			". . . . . . . x",
			". . . . . . . x",
			". . . . . . . x",
			". . . . . . . x",
			". . . . . . . x",
			". . . . . . . o",
			". . . . . . . .")
		step(t, s, "a1", 1, []string{"pass"}, 0)
		if s.String()[:18] != "White (o) to play:" {
			t.Errorf("a pass position should name the passer:\n%s", s)
		}
		step(t, s, "pass", 0, []string{"h8"}, 0)
		step(t, s, "h8", 0, nil, game.SeatSet(0))
	})
	t.Run("NeitherCanMove", func(t *testing.T) {
		// After c1 both sides still have discs but neither can place one:
		// the game ends at once, with empty cells, and Black wins 3-1.
		s := mustBoard(t, 0,
			"x o . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . .",
			". . . . . . . o")
		step(t, s, "c1", 0, nil, game.SeatSet(0))
		if q := game.State(s).(game.QuantityState); q.Quantity(0, 0) != 3 || q.Quantity(1, 0) != 1 {
			t.Errorf("discs %d-%d, want 3-1", q.Quantity(0, 0), q.Quantity(1, 0))
		}
		if s.String()[:15] != "Terminal State:" {
			t.Errorf("terminal text:\n%s", s)
		}
	})
	t.Run("FullBoardWin", func(t *testing.T) {
		s := mustBoard(t, 0,
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x o .")
		step(t, s, "h8", 0, nil, game.SeatSet(0))
	})
	t.Run("FullBoardDraw", func(t *testing.T) {
		// White's h8 flips only g8 (h7 and g7 are White's own), leaving 32-32.
		s := mustBoard(t, 1,
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"x x x x x x x x",
			"o o o o o o o o",
			"o o o o o o o o",
			"o o o o o o o o",
			"o o o o o o x .")
		step(t, s, "h8", 0, nil, 0)
		if q := game.State(s).(game.QuantityState); q.Quantity(0, 0) != 32 || q.Quantity(1, 0) != 32 {
			t.Errorf("discs %d-%d, want 32-32", q.Quantity(0, 0), q.Quantity(1, 0))
		}
	})
	t.Run("FlipsEveryDirection", func(t *testing.T) {
		// d4 outflanks a run in each of the eight directions; the run to the
		// east is open-ended (h4 is White), so it stays.
		s := mustBoard(t, 0,
			"x . . x . . x .",
			". o . o . o . .",
			". . o o o . . .",
			"x o o . o o o o",
			". . o o o . . .",
			". o . o . o . .",
			"x . . x . . x .",
			". . . . . . . .")
		s.Apply(cell("d4"))
		want := []string{
			"x . . x . . x .",
			". x . x . x . .",
			". . x x x . . .",
			"x x x x o o o o",
			". . x x x . . .",
			". x . x . x . .",
			"x . . x . . x .",
			". . . . . . . .",
		}
		w := mustBoard(t, 1, want...)
		for i := 0; i < 64; i++ {
			a, _ := s.Cell(i)
			b, _ := w.Cell(i)
			if a != b {
				t.Fatalf("cell %d: %d, want %d\n%s", i, a, b, s)
			}
		}
	})
}

func TestFromBoardErrors(t *testing.T) {
	row := "........"
	full := []string{row, row, row, row, row, row, row, row}
	for _, tc := range []struct {
		rows   []string
		toMove int
	}{
		{full[:7], 0},
		{full, 2},
		{append(slices.Clone(full[:7]), "......."), 0},
		{append(slices.Clone(full[:7]), ".......X"), 0},
	} {
		if _, err := othello.FromBoard(tc.rows, tc.toMove); err == nil {
			t.Errorf("FromBoard(%q, %d) accepted", tc.rows, tc.toMove)
		}
	}
}

func TestRegistryAndStructure(t *testing.T) {
	g, err := builtin.Registry().New("othello")
	if err != nil {
		t.Fatal(err)
	}
	if g.Spec() != "othello" || g.Players() != 2 || g.MoveBits() != 7 {
		t.Errorf("spec %q players %d movebits %d", g.Spec(), g.Players(), g.MoveBits())
	}
	st := g.Structure()
	if st.Topology != game.Square || st.Cells() != 64 || !slices.Equal(st.Pieces, []string{"disc"}) ||
		!slices.Equal(st.Quantities, []string{"discs"}) || !slices.Equal(st.Goals, []string{"majority"}) {
		t.Errorf("structure %+v", st)
	}
	s := g.NewState()
	q := s.(game.QuantityState)
	if q.Quantity(0, 0) != 2 || q.Quantity(1, 0) != 2 {
		t.Errorf("start discs %d-%d", q.Quantity(0, 0), q.Quantity(1, 0))
	}
	var names []string
	for _, m := range s.Legal(nil) {
		names = append(names, s.MoveString(m))
	}
	if want := []string{"d3", "c4", "f5", "e6"}; !slices.Equal(names, want) {
		t.Errorf("opening moves %v, want %v", names, want)
	}
	if got := s.MoveString(othello.Pass); got != "pass" {
		t.Errorf("pass renders %q", got)
	}
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("othello.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = openspiel.Replay(pt, othello.Game{}.NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
		CompareStrings: true,
		CompareText:    true,
	})
	if err != nil {
		t.Error(err)
	}
}

// TestZeroAlloc checks that the hot path never allocates.
func TestZeroAlloc(t *testing.T) {
	s := othello.Game{}.NewState()
	legal := make([]game.Move, 0, 64)
	var rng game.RNG
	i := uint64(0)
	allocs := testing.AllocsPerRun(100, func() {
		s.Reset()
		rng.Seed(3, i)
		i++
		for !s.Terminal() {
			legal = s.Legal(legal[:0])
			s.Apply(legal[rng.IntN(len(legal))])
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per game", allocs)
	}
}

// FuzzPlay's corpus in testdata/fuzz/FuzzPlay holds games with four passes
// ({0, 0}), with passes and an end before the board is full ({0, 4}), and
// a draw ({0, 5}).
func FuzzPlay(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{0, 233}) // ends with an empty cell, no pass
	f.Add([]byte{255, 7, 31, 0, 128})
	f.Fuzz(func(t *testing.T, choices []byte) {
		gametest.PlayChoices(t, othello.Game{}, choices, 200)
	})
}

func TestReplays(t *testing.T) {
	gametest.Replays(t, othello.Game{}, []game.Player{ai.Random{}, ai.Random{}}, 0)
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, othello.Game{})
}

func BenchmarkPerft(b *testing.B) {
	for _, d := range []int{8, 9} {
		b.Run(fmt.Sprint("depth", d), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if got := game.Perft(othello.Game{}.NewState(), d); got != perft[d] {
					b.Fatalf("perft(%d) = %d", d, got)
				}
			}
		})
	}
}
