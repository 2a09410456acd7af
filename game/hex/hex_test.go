package hex_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/hex"
	"github.com/simpipe/simpipe/internal/openspiel"
)

func mustNew(t testing.TB, size int, swap bool) *hex.Game {
	t.Helper()
	g, err := hex.New(size, swap)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestPerft checks perft(d) = N²·(N²-1)···(N²-d+1), which holds while no
// game can have ended (d ≤ 2N-1), and the published 9×9 and 11×11 rows
// (shared/conformance/README.md).
func TestPerft(t *testing.T) {
	for _, tc := range []struct{ size, depth int }{{3, 5}, {5, 3}, {9, 2}, {11, 2}} {
		g := mustNew(t, tc.size, false)
		want := uint64(1)
		for d := 0; d <= tc.depth; d++ {
			if got := game.Perft(g.NewState(), d); got != want {
				t.Errorf("size %d: perft(%d) = %d, want %d", tc.size, d, got, want)
			}
			want *= uint64(tc.size*tc.size - d)
		}
	}
	// The published RGcompiler rows, to depth 2.
	if got := game.Perft(mustNew(t, 11, false).NewState(), 2); got != 14520 {
		t.Errorf("11x11 perft(2) = %d, want 14520", got)
	}
	if got := game.Perft(mustNew(t, 9, false).NewState(), 2); got != 6480 {
		t.Errorf("9x9 perft(2) = %d, want 6480", got)
	}
}

// TestPerftSwap: the swap adds one move at ply 2, after which Black has 24
// empty cells.
func TestPerftSwap(t *testing.T) {
	g := mustNew(t, 5, true)
	for d, want := range []uint64{1, 25, 25*24 + 25, 25*24*23 + 25*24} {
		if got := game.Perft(g.NewState(), d); got != want {
			t.Errorf("swap perft(%d) = %d, want %d", d, got, want)
		}
	}
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("hex(board_size=5).txt")
	if err != nil {
		t.Fatal(err)
	}
	if pt.Params["board_size"] != "5" || pt.Params["swap"] != "False" {
		t.Fatalf("unexpected parameters %v", pt.Params)
	}
	err = openspiel.Replay(pt, mustNew(t, 5, false).NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
		CompareStrings: true,
		CompareText:    true,
	})
	if err != nil {
		t.Error(err)
	}
}

// cell is (row, col).
type cell [2]int

func transpose(cs []cell) []cell {
	out := make([]cell, len(cs))
	for i, c := range cs {
		out[i] = cell{c[1], c[0]}
	}
	return out
}

// playWin plays path for winner and other for the loser, alternately from
// Black, and checks that the game ends exactly on the last path stone.
func playWin(t *testing.T, winner int, path, other []cell) {
	t.Helper()
	const n = 5
	s := mustNew(t, n, false).NewState()
	var seq []cell
	for i := range path {
		if winner == 0 {
			seq = append(seq, path[i])
			if i < len(path)-1 {
				seq = append(seq, other[i])
			}
		} else {
			seq = append(seq, other[i], path[i])
		}
	}
	for i, c := range seq {
		if s.Terminal() {
			t.Fatalf("game over before move %d\n%s", i, s)
		}
		s.Apply(game.Move(c[0]*n + c[1]))
	}
	if !s.Terminal() || s.Winners() != game.SeatSet(winner) {
		t.Fatalf("terminal %v winners %v, want seat %d\n%s", s.Terminal(), s.Winners(), winner, s)
	}
}

func TestWindingPathWins(t *testing.T) {
	// Down from a1, east along row 2, down, west along row 4 and down to
	// a5; no two stones but consecutive ones touch, so nothing connects
	// before the last stone, c2, joins the top group to the bottom one:
	//   x . o o o
	//    x x x x .
	//     o o . x .
	//      . x x . o
	//       x . o o o
	path := []cell{{4, 0}, {0, 0}, {3, 2}, {1, 1}, {2, 3}, {1, 0}, {3, 1}, {1, 3}, {1, 2}}
	other := []cell{{0, 2}, {0, 3}, {0, 4}, {2, 0}, {2, 1}, {4, 2}, {4, 3}, {4, 4}, {3, 4}}
	t.Run("black", func(t *testing.T) { playWin(t, 0, path, other) })
	// Adjacency is symmetric under (r, c) -> (c, r), so the transposed
	// path joins left and right.
	t.Run("white", func(t *testing.T) { playWin(t, 1, transpose(path), transpose(other)) })
}

// naiveWinner flood-fills from each player's first edge over the board that
// Cell reports and returns the seats that reach the opposite edge.
func naiveWinner(b game.BoardState, n int) game.Seats {
	var w game.Seats
	for seat := 0; seat < 2; seat++ {
		at := func(r, c int) int { return r*n + c }
		if seat == 1 {
			at = func(r, c int) int { return c*n + r } // White's rows are columns
		}
		seen := make([]bool, n*n)
		var stack []cell
		for c := 0; c < n; c++ {
			if p, _ := b.Cell(at(0, c)); p == seat {
				seen[at(0, c)] = true
				stack = append(stack, cell{0, c})
			}
		}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if x[0] == n-1 {
				w |= game.SeatSet(seat)
				break
			}
			// The transposed neighbourhood is the same set of offsets.
			for _, d := range []cell{{-1, 0}, {-1, 1}, {0, 1}, {1, 0}, {1, -1}, {0, -1}} {
				r, c := x[0]+d[0], x[1]+d[1]
				if r < 0 || r >= n || c < 0 || c >= n || seen[at(r, c)] {
					continue
				}
				if p, _ := b.Cell(at(r, c)); p == seat {
					seen[at(r, c)] = true
					stack = append(stack, cell{r, c})
				}
			}
		}
	}
	return w
}

// TestAgainstNaiveFloodFill compares the union-find verdict with a flood
// fill after every move of random games, swap moves included.
func TestAgainstNaiveFloodFill(t *testing.T) {
	var rng game.RNG
	for _, size := range []int{3, 4, 5, 7, 11, 19} {
		for _, swap := range []bool{false, true} {
			g := mustNew(t, size, swap)
			games := 300
			if size >= 11 {
				games = 60
			}
			for i := 0; i < games; i++ {
				rng.Seed(uint64(size), uint64(i))
				s := g.NewState()
				for n := 0; !s.Terminal(); n++ {
					legal := s.Legal(nil)
					s.Apply(legal[rng.IntN(len(legal))])
					want := naiveWinner(s.(game.BoardState), size)
					if want.Len() > 1 {
						t.Fatalf("size %d game %d: both players connected\n%s", size, i, s)
					}
					if s.Terminal() != (want != 0) || s.Winners() != want {
						t.Fatalf("size %d swap %v game %d move %d: terminal %v winners %v, flood fill %v\n%s",
							size, swap, i, n, s.Terminal(), s.Winners(), want, s)
					}
				}
			}
		}
	}
}

// TestOneWinner plays 1000 random games of sizes 5 and 11: each ends with
// one winner. Filling the rest of the board at random then leaves exactly
// one player connected (the Hex theorem), which checks the flood fill too.
func TestOneWinner(t *testing.T) {
	var rng game.RNG
	for _, size := range []int{5, 11} {
		g := mustNew(t, size, false)
		wins := [2]int{}
		for i := 0; i < 1000; i++ {
			rng.Seed(99, uint64(i))
			s := g.NewState()
			var legal []game.Move
			for !s.Terminal() {
				legal = s.Legal(legal[:0])
				if len(legal) == 0 {
					t.Fatalf("size %d game %d: no legal moves and no winner\n%s", size, i, s)
				}
				s.Apply(legal[rng.IntN(len(legal))])
			}
			w := s.Winners()
			if w.Len() != 1 {
				t.Fatalf("size %d game %d: winners %v", size, i, w)
			}
			wins[w.List()[0]]++
			full := fill(s.(game.BoardState), size, &rng)
			if got := naiveWinner(full, size); got.Len() != 1 || got != w {
				t.Fatalf("size %d game %d: full board winners %v, game winners %v", size, i, got, w)
			}
		}
		if wins[0] == 0 || wins[1] == 0 {
			t.Errorf("size %d: wins by seat %v", size, wins)
		}
	}
}

// board is a plain BoardState for filled boards.
type board []int

func (b board) Cell(i int) (seat, piece int) { return b[i], 0 }

// fill copies b and gives every empty cell to a random seat.
func fill(b game.BoardState, n int, rng *game.RNG) board {
	out := make(board, n*n)
	for i := range out {
		out[i], _ = b.Cell(i)
		if out[i] < 0 {
			out[i] = rng.IntN(2)
		}
	}
	return out
}

func TestSwap(t *testing.T) {
	g := mustNew(t, 5, true)
	s := g.NewState()
	if slices.Contains(s.Legal(nil), g.Swap()) {
		t.Fatal("swap legal as the first move")
	}
	s.Apply(2) // c1: row 0, col 2
	legal := s.Legal(nil)
	if len(legal) != 25 || legal[24] != g.Swap() || s.MoveString(g.Swap()) != "swap" {
		t.Fatalf("White's first legal moves %v", legal)
	}
	s.Apply(g.Swap())
	b := s.(game.BoardState)
	if seat, _ := b.Cell(2); seat != -1 {
		t.Errorf("c1 holds seat %d after swap, want empty", seat)
	}
	if seat, _ := b.Cell(2*5 + 0); seat != 1 {
		t.Errorf("a3 holds seat %d after swap, want White\n%s", seat, s)
	}
	if s.ToMove() != 0 {
		t.Errorf("seat %d to move after swap, want Black", s.ToMove())
	}
	legal = s.Legal(nil)
	if len(legal) != 24 || slices.Contains(legal, g.Swap()) || !slices.Contains(legal, 2) || slices.Contains(legal, 10) {
		t.Errorf("Black's legal moves after swap: %v", legal)
	}
	// A swapped-in stone on White's left edge counts for White: a3 b3 c3
	// d3 e3 then wins for White.
	for _, m := range []game.Move{0, 11, 1, 12, 3, 13, 4, 14} {
		s.Apply(m)
	}
	if !s.Terminal() || s.Winners() != game.SeatSet(1) {
		t.Errorf("row 3 filled by White: terminal %v winners %v\n%s", s.Terminal(), s.Winners(), s)
	}
	// A diagonal first stone mirrors onto itself.
	s = g.NewState()
	s.Apply(6) // b2
	s.Apply(g.Swap())
	if seat, _ := s.(game.BoardState).Cell(6); seat != 1 {
		t.Errorf("b2 holds seat %d after swap, want White", seat)
	}
	// Without the rule there is no swap.
	s = mustNew(t, 5, false).NewState()
	s.Apply(2)
	if n := len(s.Legal(nil)); n != 24 {
		t.Errorf("%d legal moves without swap, want 24", n)
	}
}

func TestDef(t *testing.T) {
	var r game.Registry
	r.MustRegister(hex.Def)
	for spec, want := range map[string]string{
		"hex":                "hex:size=11,swap=0",
		"hex:size=5":         "hex:size=5,swap=0",
		"hex:swap=1,size=19": "hex:size=19,swap=1",
	} {
		g, err := r.New(spec)
		if err != nil {
			t.Fatal(err)
		}
		if g.Spec() != want {
			t.Errorf("%s: spec %q, want %q", spec, g.Spec(), want)
		}
	}
	for _, bad := range []string{"hex:size=2", "hex:size=20", "hex:swap=2"} {
		if _, err := r.New(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	g := mustNew(t, 11, false)
	if g.MoveBits() != 7 || mustNew(t, 8, false).MoveBits() != 6 || mustNew(t, 8, true).MoveBits() != 7 {
		t.Errorf("move bits %d", g.MoveBits())
	}
	st := g.Structure()
	if st.Topology != game.HexGrid || st.Cells() != 121 {
		t.Errorf("structure %+v", st)
	}
	if got := g.NewState().MoveString(12); got != "b2" {
		t.Errorf("move 12 renders %q, want b2", got)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	for _, size := range []int{11, 19} {
		b.Run(fmt.Sprint("size=", size), func(b *testing.B) {
			gametest.BenchmarkRandomPlayouts(b, mustNew(b, size, false))
		})
	}
}

func FuzzPlay(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{25, 7})
	f.Add([]byte{255, 0, 128, 17, 3, 99})
	games := []*hex.Game{mustNew(f, 3, false), mustNew(f, 5, true), mustNew(f, 8, false)}
	f.Fuzz(func(t *testing.T, choices []byte) {
		for _, g := range games {
			gametest.PlayChoices(t, g, choices, 400)
		}
	})
}

func TestReplays(t *testing.T) {
	for _, g := range []*hex.Game{mustNew(t, 11, false), mustNew(t, 5, true)} {
		gametest.Replays(t, g, []game.Player{ai.Random{}, ai.Random{}}, 0)
	}
}
