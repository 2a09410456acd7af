package checkers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/checkers"
	"github.com/simpipe/simpipe/game/gametest"
)

// perft is the published table (shared/conformance/README.md, English
// draughts), counted in whole moves.
var perft = []uint64{1, 7, 49, 302, 1469, 7361, 36768, 179740, 845931}

func TestPerft(t *testing.T) {
	depth := len(perft) - 1
	if testing.Short() {
		depth = 7
	}
	for d := 0; d <= depth; d++ {
		if got := game.Perft(checkers.Game{}.NewState(), d); got != perft[d] {
			t.Errorf("perft(%d) = %d, want %d", d, got, perft[d])
		}
	}
}

func BenchmarkPerft8(b *testing.B) {
	st := checkers.Game{}.NewState()
	for i := 0; i < b.N; i++ {
		if got := game.Perft(st, 8); got != perft[8] {
			b.Fatalf("perft(8) = %d", got)
		}
	}
}

func TestSpecAndRegistry(t *testing.T) {
	if got := (checkers.Game{}).Spec(); got != "checkers:drawplies=80" {
		t.Errorf("Spec() = %q", got)
	}
	g, err := builtin.Registry().New("checkers:drawplies=40")
	if err != nil {
		t.Fatal(err)
	}
	if g.Spec() != "checkers:drawplies=40" || g.Players() != 2 {
		t.Errorf("registry game %q with %d players", g.Spec(), g.Players())
	}
	if _, err := builtin.Registry().New("checkers:drawplies=0"); err == nil {
		t.Error("drawplies=0 accepted")
	}
	s := g.Structure()
	if s.Topology != game.Square || s.Cells() != 64 || !slices.Equal(s.Pieces, []string{"man", "king"}) {
		t.Errorf("structure %+v", s)
	}
	st := g.NewState()
	q := st.(game.QuantityState)
	for seat := 0; seat < 2; seat++ {
		if q.Quantity(seat, 0) != 12 || q.Quantity(seat, 1) != 0 {
			t.Errorf("seat %d starts with %d men, %d kings", seat, q.Quantity(seat, 0), q.Quantity(seat, 1))
		}
	}
	b := st.(game.BoardState)
	if seat, piece := b.Cell(5*8 + 0); seat != 0 || piece != 0 { // a3
		t.Errorf("a3 holds seat %d piece %d, want a White man", seat, piece)
	}
	if seat, _ := b.Cell(0*8 + 1); seat != 1 { // b8
		t.Errorf("b8 holds seat %d, want Black", seat)
	}
	if seat, _ := b.Cell(0); seat != -1 { // a8, a light square
		t.Errorf("a8 holds seat %d", seat)
	}
}

// board builds a position or fails the test.
func board(t *testing.T, g checkers.Game, toMove int, rows ...string) *checkers.State {
	t.Helper()
	s, err := g.FromBoard(rows, toMove)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func moveStrings(s game.State) []string {
	var out []string
	for _, m := range s.Legal(nil) {
		out = append(out, s.MoveString(m))
	}
	return out
}

// play applies the legal move written str or fails the test.
func play(t *testing.T, s game.State, str string) {
	t.Helper()
	for _, m := range s.Legal(nil) {
		if s.MoveString(m) == str {
			s.Apply(m)
			return
		}
	}
	t.Fatalf("%s is not legal; legal %v\n%s", str, moveStrings(s), s)
}

func wantMoves(t *testing.T, s game.State, want ...string) {
	t.Helper()
	got := moveStrings(s)
	if !sameStrings(got, want) {
		t.Fatalf("legal %v, want %v\n%s", got, want, s)
	}
}

func sameStrings(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func wantBoard(t *testing.T, s game.State, rows ...string) {
	t.Helper()
	var b strings.Builder
	for r, row := range rows {
		b.WriteByte(byte('8' - r))
		b.WriteString(row)
		b.WriteByte('\n')
	}
	b.WriteString(" abcdefgh\n")
	if got := s.String(); got != b.String() {
		t.Fatalf("board\n%swant\n%s", got, b.String())
	}
}

func TestFromBoardErrors(t *testing.T) {
	empty := "........"
	cases := map[string][]string{
		"light square": {"o.......", empty, empty, empty, empty, empty, empty, empty},
		"man on far":   {".o......", empty, empty, empty, empty, empty, empty, empty},
		"bad piece":    {".x......", empty, empty, empty, empty, empty, empty, empty},
		"short row":    {".......", empty, empty, empty, empty, empty, empty, empty},
		"seven rows":   {empty, empty, empty, empty, empty, empty, empty},
	}
	for name, rows := range cases {
		if _, err := (checkers.Game{}).FromBoard(rows, 0); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// String's output, rank digits included, reads back.
	st := checkers.Game{}.NewState()
	lines := strings.Split(st.String(), "\n")[:8]
	back, err := checkers.Game{}.FromBoard(lines, 0)
	if err != nil || back.String() != st.String() || !slices.Equal(back.Legal(nil), st.Legal(nil)) {
		t.Fatalf("FromBoard(String()) = %v, %v", back, err)
	}
}

func TestTripleJump(t *testing.T) {
	s := board(t, checkers.Game{}, 0,
		".......+",
		"........",
		".+......",
		"........",
		".+......",
		"........",
		".+......",
		"o.......")
	wantMoves(t, s, "a1xc3xa5xc7")
	play(t, s, "a1xc3xa5xc7")
	wantBoard(t, s,
		".......+",
		"..o.....",
		"........",
		"........",
		"........",
		"........",
		"........",
		"........")
	if s.Terminal() || s.ToMove() != 1 || s.Quantity(1, 0) != 1 {
		t.Fatalf("after the triple jump: terminal %v, to move %d, Black men %d", s.Terminal(), s.ToMove(), s.Quantity(1, 0))
	}
}

func TestBranchingJumps(t *testing.T) {
	s := board(t, checkers.Game{}, 0,
		".......+",
		"........",
		"........",
		"........",
		"...+.+..",
		"........",
		"...+....",
		"..o.....")
	wantMoves(t, s, "c1xe3xc5", "c1xe3xg5")
	c := s.Clone()
	play(t, c, "c1xe3xg5")
	wantBoard(t, c,
		".......+",
		"........",
		"........",
		"......o.",
		"...+....",
		"........",
		"........",
		"........")
}

// TestKingLoop: a king takes the same four men clockwise or anticlockwise,
// two different moves, landing back on the square it left.
func TestKingLoop(t *testing.T) {
	s := board(t, checkers.Game{}, 0,
		".......+",
		"........",
		".+.+....",
		"........",
		".+.+....",
		"..8.....",
		"........",
		"........")
	wantMoves(t, s, "c3xe5xc7xa5xc3", "c3xa5xc7xe5xc3")
	play(t, s, "c3xa5xc7xe5xc3")
	wantBoard(t, s,
		".......+",
		"........",
		"........",
		"........",
		"........",
		"..8.....",
		"........",
		"........")
	if s.Terminal() || s.ToMove() != 1 {
		t.Fatal("game should go on with Black to move")
	}
}

// TestCrowningEndsMove: a man that lands on the far row mid-capture is
// crowned and stops, though as a king it could take g7 at once.
func TestCrowningEndsMove(t *testing.T) {
	s := board(t, checkers.Game{}, 0,
		"........",
		"....+.+.",
		"........",
		"..+.....",
		".o......",
		"........",
		"........",
		"........")
	wantMoves(t, s, "b4xd6xf8")
	play(t, s, "b4xd6xf8")
	wantBoard(t, s,
		".....8..",
		"......+.",
		"........",
		"........",
		"........",
		"........",
		"........",
		"........")
	if seat, piece := s.Cell(5); seat != 0 || piece != 1 {
		t.Fatalf("f8 holds seat %d piece %d, want a White king", seat, piece)
	}
	if s.ToMove() != 1 || s.Quantity(0, 1) != 1 || s.Quantity(1, 0) != 1 {
		t.Fatal("Black should move next with one man left, White one king")
	}
	// The new king jumps g7 on White's next turn.
	play(t, s, "g7h6")
	wantMoves(t, s, "f8e7", "f8g7")
}

func TestCrowningByStep(t *testing.T) {
	s := board(t, checkers.Game{}, 1,
		"........",
		"........",
		"........",
		"........",
		"........",
		"........",
		"...+....",
		"......o.")
	wantMoves(t, s, "d2c1", "d2e1")
	play(t, s, "d2e1")
	if seat, piece := s.Cell(7*8 + 4); seat != 1 || piece != 1 {
		t.Fatalf("e1 holds seat %d piece %d, want a Black king", seat, piece)
	}
	// A Black man moves down the board only; the White man up.
	wantMoves(t, s, "g1f2", "g1h2")
}

func TestCompulsoryCapture(t *testing.T) {
	s := board(t, checkers.Game{}, 0,
		".......+",
		"........",
		"........",
		"........",
		"...+....",
		"..o...o.",
		"........",
		"........")
	wantMoves(t, s, "c3xe5")
	// Men do not capture backwards: with the Black man behind, White steps.
	s = board(t, checkers.Game{}, 0,
		".......+",
		"........",
		"........",
		"........",
		"........",
		"..o.....",
		"...+....",
		"........")
	wantMoves(t, s, "c3b4", "c3d4")
	// A king does.
	s = board(t, checkers.Game{}, 0,
		".......+",
		"........",
		"........",
		"........",
		"........",
		"..8.....",
		"...+....",
		"........")
	wantMoves(t, s, "c3xe1")
}

func TestNoMovesLoses(t *testing.T) {
	// White's only man is blocked: Black wins at once.
	s := board(t, checkers.Game{}, 0,
		".......+",
		"........",
		"........",
		"..+.....",
		".+......",
		"o.......",
		"........",
		"........")
	if !s.Terminal() || s.Winners() != game.SeatSet(1) || len(s.Legal(nil)) != 0 {
		t.Fatalf("blocked White: terminal %v winners %v", s.Terminal(), s.Winners())
	}
	// White blocks Black's only man.
	s = board(t, checkers.Game{}, 0,
		"........",
		"+.......",
		"........",
		"o.o.....",
		"........",
		"........",
		"........",
		"........")
	play(t, s, "a5b6")
	if !s.Terminal() || s.Winners() != game.SeatSet(0) {
		t.Fatalf("blocked Black: terminal %v winners %v\n%s", s.Terminal(), s.Winners(), s)
	}
	// Taking the last piece wins.
	s = board(t, checkers.Game{}, 0,
		"........",
		"........",
		"........",
		"........",
		"...+....",
		"..o.....",
		"........",
		"........")
	play(t, s, "c3xe5")
	if !s.Terminal() || s.Winners() != game.SeatSet(0) {
		t.Fatalf("no Black pieces: terminal %v winners %v", s.Terminal(), s.Winners())
	}
}

func TestDrawRule(t *testing.T) {
	g := checkers.Game{DrawPlies: 4}
	rows := []string{
		".......+",
		"*.......",
		"........",
		"........",
		"........",
		"........",
		".......8",
		"o.......",
	}
	s := board(t, g, 0, rows...)
	for i, mv := range []string{"h2g1", "a7b8", "g1h2", "b8a7"} {
		if s.Terminal() {
			t.Fatalf("terminal after %d king moves", i)
		}
		play(t, s, mv)
		if s.Quiet() != i+1 {
			t.Fatalf("quiet count %d after %d king moves", s.Quiet(), i+1)
		}
	}
	if !s.Terminal() || s.Winners() != 0 || len(s.Legal(nil)) != 0 {
		t.Fatalf("4 king moves with drawplies=4: terminal %v winners %v", s.Terminal(), s.Winners())
	}
	// A man move resets the count.
	s = board(t, g, 0, rows...)
	for _, mv := range []string{"h2g1", "a7b8", "g1h2", "h8g7", "h2g1", "b8a7", "g1h2"} {
		play(t, s, mv)
	}
	if s.Terminal() || s.Quiet() != 3 {
		t.Fatalf("after a man move and 3 king moves: terminal %v, quiet %d", s.Terminal(), s.Quiet())
	}
	play(t, s, "a7b8")
	if !s.Terminal() || s.Winners() != 0 {
		t.Fatal("no draw after 4 king moves")
	}
	// A capture resets it too.
	s = board(t, checkers.Game{DrawPlies: 10}, 0,
		"........",
		"*.......",
		"........",
		"........",
		".......*",
		"........",
		".......8",
		"........")
	for _, mv := range []string{"h2g1", "a7b8", "g1h2", "h4g3"} {
		play(t, s, mv)
	}
	if s.Quiet() != 4 {
		t.Fatalf("quiet %d after 4 king moves", s.Quiet())
	}
	wantMoves(t, s, "h2xf4")
	play(t, s, "h2xf4")
	if s.Terminal() || s.Quiet() != 0 {
		t.Fatalf("after a capture: terminal %v, quiet %d", s.Terminal(), s.Quiet())
	}
	// The default rule draws after 80 king moves.
	s = board(t, checkers.Game{}, 0, rows...)
	for i := 0; i < 80; i++ {
		if s.Terminal() {
			t.Fatalf("default rule: terminal after %d king moves", i)
		}
		play(t, s, [4]string{"h2g1", "a7b8", "g1h2", "b8a7"}[i%4])
	}
	if !s.Terminal() || s.Winners() != 0 {
		t.Fatal("default rule: no draw after 80 king moves")
	}
}

// TestLongestCapture puts Black men on all nine squares a king on b8's
// colour class can jump and checks the longest move found, which bounds
// MoveBits, and that Apply and MoveString handle it.
func TestLongestCapture(t *testing.T) {
	longest, best := 0, ""
	for start := 0; start < 64; start++ {
		r, c := start/8, start%8
		if r%2 != 0 || c%2 != 1 {
			continue
		}
		rows := make([][]byte, 8)
		for i := range rows {
			rows[i] = []byte("........")
		}
		for _, mr := range []int{1, 3, 5} {
			for _, mc := range []int{2, 4, 6} {
				rows[mr][mc] = '+'
			}
		}
		rows[r][c] = '8'
		strs := make([]string, 8)
		for i := range rows {
			strs[i] = string(rows[i])
		}
		s := board(t, checkers.Game{}, 0, strs...)
		for _, m := range s.Legal(nil) {
			if uint64(m)>>uint(checkers.Game{}.MoveBits()) != 0 {
				t.Fatalf("move %s code %#x wider than MoveBits", s.MoveString(m), m)
			}
			n := strings.Count(s.MoveString(m), "x")
			if n > longest {
				longest, best = n, s.MoveString(m)
			}
			c := s.Clone()
			c.Apply(m)
			if got := c.(game.QuantityState).Quantity(1, 0); got != 9-n {
				t.Fatalf("%s takes %d men, leaves %d of 9", s.MoveString(m), n, got)
			}
		}
	}
	t.Logf("longest capture: %d jumps, %s", longest, best)
	if longest != 9 {
		t.Errorf("longest capture %d jumps (%s)", longest, best)
	}
}

func FuzzPlay(f *testing.F) {
	f.Add([]byte{0})
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7})
	f.Add([]byte{255, 17, 3, 250, 9, 0, 128})
	f.Fuzz(func(t *testing.T, choices []byte) {
		gametest.PlayChoices(t, checkers.Game{}, choices, 400)
	})
}

func TestReplays(t *testing.T) {
	gametest.Replays(t, checkers.Game{}, []game.Player{ai.Random{}, ai.Random{}}, 0)
}

// TestZeroAllocs checks that Reset, Legal, Apply and Terminal allocate
// nothing once the move buffer has grown.
func TestZeroAllocs(t *testing.T) {
	st := checkers.Game{}.NewState()
	legal := make([]game.Move, 0, 64)
	var rng game.RNG
	i := uint64(0)
	allocs := testing.AllocsPerRun(200, func() {
		st.Reset()
		rng.Seed(3, i)
		i++
		for !st.Terminal() {
			legal = st.Legal(legal[:0])
			st.Apply(legal[rng.IntN(len(legal))])
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per game", allocs)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, checkers.Game{})
}
