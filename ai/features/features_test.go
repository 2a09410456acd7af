package features_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/checkers"
	"github.com/simpipe/simpipe/game/hex"
	"github.com/simpipe/simpipe/game/othello"
)

// specs are the games every generic test covers: each registered game with
// its defaults, plus variants whose structure differs.
func specs(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, d := range builtin.Registry().Defs() {
		out = append(out, d.Name)
	}
	return append(out, "gofish:players=3", "pig:players=3", "hex:size=7")
}

func newGame(t testing.TB, spec string) game.Game {
	t.Helper()
	g, err := builtin.Registry().New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// setup generates and compiles g's features.
func setup(t testing.TB, g game.Game) ([]features.Feature, *features.Set) {
	t.Helper()
	fs := features.Generate(g)
	set, err := features.Compile(g, fs)
	if err != nil {
		t.Fatalf("%s: %v", g.Spec(), err)
	}
	return fs, set
}

// lookup returns the value of the named feature.
func lookup(t testing.TB, fs []features.Feature, vals []int32, name string) int32 {
	t.Helper()
	for i, f := range fs {
		if f.Name == name {
			return vals[i]
		}
	}
	t.Fatalf("no feature %q", name)
	return 0
}

// randomPositions plays n random games of g and calls visit on every
// position a seat decides in, as that seat sees it.
func randomPositions(g game.Game, n int, visit func(st game.State, seat int)) {
	var legal []game.Move
	for i := range n {
		rng := game.NewRNG(7, uint64(i))
		st := g.NewState()
		for moves := 0; moves < 400; moves++ {
			legal = st.Legal(legal[:0])
			if len(legal) == 0 {
				break
			}
			seat := st.ToMove()
			switch {
			case seat == game.Chance:
				w := st.(game.ChanceState).ChanceWeights(nil)
				st.Apply(legal[rng.Weighted(w)])
				continue
			case isHidden(st):
				visit(st.(game.HiddenState).View(seat), seat)
			default:
				visit(st, seat)
			}
			st.Apply(legal[rng.IntN(len(legal))])
		}
		for seat := range g.Players() {
			if h, ok := st.(game.HiddenState); ok {
				visit(h.View(seat), seat)
			} else {
				visit(st, seat)
			}
		}
	}
}

func isHidden(st game.State) bool { _, ok := st.(game.HiddenState); return ok }

func TestGenerate(t *testing.T) {
	for _, spec := range specs(t) {
		t.Run(spec, func(t *testing.T) {
			g := newGame(t, spec)
			fs, set := setup(t, g)
			if len(fs) == 0 {
				t.Fatal("no features")
			}
			seen := map[string]bool{}
			for _, f := range fs {
				if f.Name == "" || seen[f.Name] {
					t.Errorf("empty or duplicate name %q", f.Name)
				}
				seen[f.Name] = true
			}
			if again := features.Generate(g); fmt.Sprint(again) != fmt.Sprint(fs) {
				t.Error("Generate is not deterministic")
			}
			if set.Len() != len(fs) {
				t.Errorf("Len %d, want %d", set.Len(), len(fs))
			}
			var vals []int32
			positions := 0
			randomPositions(g, 5, func(st game.State, seat int) {
				positions++
				vals = set.Values(st, seat, vals)
				if len(vals) != len(fs) {
					t.Fatalf("%d values for %d features", len(vals), len(fs))
				}
				// A clone computes the same values, and a second call too.
				again := set.Clone().Values(st, seat, nil)
				if fmt.Sprint(again) != fmt.Sprint(vals) {
					t.Fatalf("clone gives %v, set gave %v", again, vals)
				}
				for i, f := range fs {
					if f.Args[1] != features.Value && vals[i] != 0 && vals[i] != 1 {
						t.Fatalf("indicator %s = %d", f.Name, vals[i])
					}
				}
			})
			if positions == 0 {
				t.Fatal("no positions visited")
			}
		})
	}
}

// TestDiffRelations checks on random positions of two-seat games that each
// diff is mine minus opp and that, seen from the other seat, mine and opp
// swap.
func TestDiffRelations(t *testing.T) {
	for _, spec := range specs(t) {
		g := newGame(t, spec)
		if g.Players() != 2 {
			continue
		}
		t.Run(spec, func(t *testing.T) {
			fs, set := setup(t, g)
			other := set.Clone()
			var a, b []int32
			randomPositions(g, 3, func(st game.State, seat int) {
				if isView(st) {
					return // a view knows less about the other seat
				}
				a = set.Values(st, seat, a)
				b = other.Values(st, 1-seat, b)
				for i, f := range fs {
					base, ok := strings.CutSuffix(f.Name, ".diff")
					if !ok {
						continue
					}
					mine, opp := lookup(t, fs, a, base+".mine"), lookup(t, fs, a, base+".opp")
					if a[i] != mine-opp || lookup(t, fs, b, base+".mine") != opp || b[i] != opp-mine {
						t.Fatalf("%s: mine %d opp %d diff %d; other seat %v", f.Name, mine, opp, a[i], b[i])
					}
				}
			})
		})
	}
}

func isView(st game.State) bool { return strings.Contains(fmt.Sprintf("%T", st), "View") }

func TestStartSymmetry(t *testing.T) {
	for _, spec := range []string{"tictactoe", "connect4", "hex", "hex:size=7", "othello", "checkers", "breakthrough"} {
		t.Run(spec, func(t *testing.T) {
			g := newGame(t, spec)
			fs, set := setup(t, g)
			vals := set.Values(g.NewState(), 0, nil)
			for i, f := range fs {
				// Mobility counts only the seat to move, so it is the one
				// family that differs between the seats at the start.
				if strings.HasSuffix(f.Name, ".diff") && !strings.HasPrefix(f.Name, "mobility") && vals[i] != 0 {
					t.Errorf("%s = %d at the start", f.Name, vals[i])
				}
			}
		})
	}
}

func TestCheckersStart(t *testing.T) {
	g := newGame(t, "checkers")
	fs, set := setup(t, g)
	for seat := range 2 {
		vals := set.Values(g.NewState(), seat, nil)
		for name, want := range map[string]int32{
			"material.man.mine": 12, "material.man.opp": 12, "material.king.mine": 0,
			"material.king.mine.eq0": 1, "material.all.diff.ge1": 0,
			"advance.man.mine": 12, "backrow.man.mine": 4, "front.man.opp": 2,
			"tomove.mine": int32(1 - seat),
		} {
			if got := lookup(t, fs, vals, name); got != want {
				t.Errorf("seat %d: %s = %d, want %d", seat, name, got, want)
			}
		}
	}
}

func TestCheckersPosition(t *testing.T) {
	g := checkers.Game{DrawPlies: checkers.DefaultDrawPlies}
	st, err := g.FromBoard([]string{
		".+.+.+.+",
		"........",
		"........",
		"........",
		"...o....",
		"........",
		"........",
		"8.o.o.o.",
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	fs, set := setup(t, g)
	vals := set.Values(st, 0, nil)
	for name, want := range map[string]int32{
		"material.man.mine": 4, "material.king.mine": 1, "material.all.mine": 5,
		"material.man.opp": 4, "material.man.diff": 0, "material.king.diff.ge1": 1,
		"material.all.diff.ge1": 1, "material.all.diff.ge2": 0,
		"advance.man.mine": 3, "front.man.mine": 3, "backrow.man.mine": 3,
		"backrow.man.opp": 4, "advance.man.opp": 0,
		"corner.mine": 1, "corner.opp": 1,
	} {
		if got := lookup(t, fs, vals, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

func TestHexEmpty(t *testing.T) {
	g := newGame(t, "hex:size=7")
	fs, set := setup(t, g)
	for seat := range 2 {
		vals := set.Values(g.NewState(), seat, nil)
		for name, want := range map[string]int32{
			"connect.distance.mine": 7, "connect.distance.opp": 7, "connect.distance.diff": 0,
			"groups.mine": 0, "mobility.mine": int32(49 * (1 - seat)),
		} {
			if got := lookup(t, fs, vals, name); got != want {
				t.Errorf("seat %d: %s = %d, want %d", seat, name, got, want)
			}
		}
	}
}

// TestHexPosition checks distances on a 5×5 board where x holds the top of
// column 2 and o must go around it:
//
//	. . x . .
//	 . . x . .
//	  o o x . .
//	   . . . . .
//	    . . . . .
func TestHexPosition(t *testing.T) {
	g, err := hex.New(5, false)
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	for _, m := range []game.Move{2, 10, 7, 11, 12} { // x c1, o a3, x c2, o b3, x c3
		st.Apply(m)
	}
	fs, set := setup(t, g)
	x := set.Values(st, 0, nil)
	o := set.Values(st, 1, nil)
	for _, c := range []struct {
		vals []int32
		name string
		want int32
	}{
		{x, "connect.distance.mine", 2}, // (3,2) or (3,1), then row 4
		{x, "connect.distance.opp", 4},  // o needs (3,1), (3,2), then two more
		{x, "connect.distance.diff", -2},
		{o, "connect.distance.diff", 2},
		{x, "groups.mine", 1},
		{o, "groups.mine", 1},
		{x, "material.stone.diff", 1},
		{o, "tomove.mine", 1},
		{o, "mobility.mine", 20},
		{x, "connect.distance.mine.le1", 0},
	} {
		if got := lookup(t, fs, c.vals, c.name); got != c.want {
			t.Errorf("%s = %d, want %d", c.name, got, c.want)
		}
	}
	// One more x stone on (3,2) leaves x a single cell from connecting.
	st.Apply(0) // o a1, out of the way
	st.Apply(17)
	x = set.Values(st, 0, x)
	if got := lookup(t, fs, x, "connect.distance.mine.le1"); got != 1 {
		t.Errorf("connect.distance.mine.le1 = %d after x d4, want 1", got)
	}
}

// TestConnect4Lines checks the open lines of
//
//	. . . . . . .
//	o o . . . . .
//	x x x . . . .
//
// (bottom rows): x has one open three (bottom, columns 0-3) and one open two
// (columns 1-4); o has one open two (columns 0-3 of its row) and no three.
func TestConnect4Lines(t *testing.T) {
	g := newGame(t, "connect4")
	st := g.NewState()
	for _, m := range []game.Move{0, 0, 1, 1, 2} {
		st.Apply(m)
	}
	fs, set := setup(t, g)
	vals := set.Values(st, 0, nil)
	for name, want := range map[string]int32{
		"line.open3.mine": 1, "line.open2.mine": 1, "line.open3.opp": 0, "line.open2.opp": 1,
		"line.open3.mine.ge1": 1, "line.open3.opp.ge1": 0, "line.open3.diff": 1,
		"material.disc.diff": 1, "tomove.mine": 0, "mobility.opp": 7,
	} {
		if got := lookup(t, fs, vals, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

// TestLinesNaive compares line counts with a direct count on random
// tic-tac-toe and Connect Four positions.
func TestLinesNaive(t *testing.T) {
	for _, spec := range []string{"tictactoe", "connect4"} {
		g := newGame(t, spec)
		st := g.Structure()
		n := min(st.Rows, st.Cols, 4)
		fs, set := setup(t, g)
		var vals []int32
		randomPositions(g, 20, func(s game.State, seat int) {
			vals = set.Values(s, seat, vals)
			for k := max(1, n-2); k < n; k++ {
				want := naiveLines(s.(game.BoardState), st.Rows, st.Cols, n, k, seat)
				if got := lookup(t, fs, vals, fmt.Sprintf("line.open%d.mine", k)); got != want {
					t.Fatalf("%s: open%d = %d, want %d\n%s", spec, k, got, want, s)
				}
			}
		})
	}
}

func naiveLines(b game.BoardState, rows, cols, n, k, seat int) int32 {
	var count int32
	for _, d := range [][2]int{{0, 1}, {1, 0}, {1, 1}, {1, -1}} {
		for r := range rows {
			for c := range cols {
				er, ec := r+(n-1)*d[0], c+(n-1)*d[1]
				if er < 0 || er >= rows || ec < 0 || ec >= cols {
					continue
				}
				mine, other := 0, 0
				for j := range n {
					switch o, _ := b.Cell((r+j*d[0])*cols + c + j*d[1]); {
					case o == seat:
						mine++
					case o >= 0:
						other++
					}
				}
				if mine == k && other == 0 {
					count++
				}
			}
		}
	}
	return count
}

func TestOthelloCorner(t *testing.T) {
	st, err := othello.FromBoard([]string{
		"x......o",
		".x....o.",
		"........",
		"...xo...",
		"...ox...",
		"........",
		"......o.",
		"x.......",
	}, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := newGame(t, "othello")
	fs, set := setup(t, g)
	vals := set.Values(st, 1, nil)
	for name, want := range map[string]int32{
		"corner.mine": 1, "corner.opp": 2, "corner.diff": -1,
		"xsquare.mine": 2, "xsquare.opp": 1, "xsquare.diff": 1,
		"edge.mine": 1, "edge.opp": 2, "center.mine": 2,
		"material.disc.mine": 5, "material.disc.diff.ge1": 0, "material.disc.diff.le-1": 0,
		"tomove.mine": 1,
	} {
		if got := lookup(t, fs, vals, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

func TestBreakthroughAdvance(t *testing.T) {
	g := newGame(t, "breakthrough")
	st := g.NewState()
	// Black (seat 0, top) steps b7-b6: from row 1 straight down to row 2.
	// Code ((row*8+col)*6+dir)*2+capture with dir 1 = straight down.
	st.Apply(game.Move(((1*8+1)*6 + 1) * 2))
	fs, set := setup(t, g)
	vals := set.Values(st, 0, nil)
	for name, want := range map[string]int32{
		"advance.pawn.mine": 9, "front.pawn.mine": 2, "backrow.pawn.mine": 8,
		"advance.pawn.diff": 1, "front.pawn.diff": 1,
	} {
		if got := lookup(t, fs, vals, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
}

func TestPigQuantities(t *testing.T) {
	g := newGame(t, "pig:players=2,target=20")
	fs, set := setup(t, g)
	st := g.NewState()
	// Seat 0 rolls 6, 5 and 6 (outcomes are face-1) and has 17 on the table.
	for _, m := range []game.Move{0, 5, 0, 4, 0, 5} {
		st.Apply(m)
	}
	vals := set.Values(st, 0, nil)
	for name, want := range map[string]int32{
		"score.mine": 0, "turn_total.mine": 17, "score+turn_total.diff": 17,
		"togo.score.mine": 20, "togo.score+turn_total.mine": 3,
		"togo.score+turn_total.mine.le0": 0, "tomove.mine": 1,
	} {
		if got := lookup(t, fs, vals, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	st.Apply(0) // roll a 4: 21 on the table, enough to win by stopping
	st.Apply(3)
	vals = set.Values(st, 0, vals)
	if got := lookup(t, fs, vals, "togo.score+turn_total.mine.le0"); got != 1 {
		t.Errorf("togo.score+turn_total.mine.le0 = %d with 21 on the table", got)
	}
	st.Apply(1) // stop: banked 21, the game is won
	vals = set.Values(st, 1, vals)
	if got := lookup(t, fs, vals, "score.opp"); got != 21 || !st.Terminal() {
		t.Errorf("score.opp = %d after banking 21 (terminal %v)", got, st.Terminal())
	}
}

func TestGofishView(t *testing.T) {
	g := newGame(t, "gofish:players=3")
	fs, set := setup(t, g)
	views := 0
	randomPositions(g, 3, func(st game.State, seat int) {
		if !isView(st) {
			t.Fatalf("%T is not a view", st)
		}
		views++
		vals := set.Values(st, seat, nil)
		q := st.(game.QuantityState)
		if got, want := lookup(t, fs, vals, "books.mine"), int32(q.Quantity(seat, 1)); got != want {
			t.Fatalf("books.mine = %d, want %d", got, want)
		}
		var sum int32
		for p := range 3 {
			if p != seat {
				sum += int32(q.Quantity(p, 0))
			}
		}
		if got := lookup(t, fs, vals, "hand.opp.sum"); got != sum {
			t.Fatalf("hand.opp.sum = %d, want %d", got, sum)
		}
	})
	if views == 0 {
		t.Fatal("no views")
	}
}

// cellHints is tic-tac-toe that names its centre and one corner.
type cellHints struct{ game.Game }

func (cellHints) FeatureCells() ([]string, []int) {
	return []string{"middle", "topleft", "off-board"}, []int{4, 0, 99}
}

func TestCellHints(t *testing.T) {
	g := cellHints{newGame(t, "tictactoe")}
	fs, set := setup(t, g)
	st := g.NewState()
	st.Apply(4)
	vals := set.Values(st, 0, nil)
	if got := lookup(t, fs, vals, "cell.middle.mine"); got != 1 {
		t.Errorf("cell.middle.mine = %d", got)
	}
	if got := lookup(t, fs, vals, "cell.topleft.diff"); got != 0 {
		t.Errorf("cell.topleft.diff = %d", got)
	}
	for _, f := range fs {
		if strings.Contains(f.Name, "off-board") {
			t.Errorf("feature %s for a cell off the board", f.Name)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	ttt := newGame(t, "tictactoe")
	pig := newGame(t, "pig")
	gofish := newGame(t, "gofish:players=3")
	othelloGame := newGame(t, "othello")
	for _, c := range []struct {
		name string
		g    game.Game
		f    features.Feature
		want string
	}{
		{"unknown kind", ttt, features.Feature{Kind: "nope", Args: []int{0, 0, 0}}, "unknown kind"},
		{"short args", ttt, features.Feature{Kind: "pieces", Args: []int{0}}, "at least 3"},
		{"bad view", ttt, features.Feature{Kind: "pieces", Args: []int{9, 0, 0, 0}}, "view 9"},
		{"bad test", ttt, features.Feature{Kind: "pieces", Args: []int{0, 7, 0, 0}}, "test 7"},
		{"k without test", ttt, features.Feature{Kind: "pieces", Args: []int{0, 0, 2, 0}}, "k must be 0"},
		{"bad piece", ttt, features.Feature{Kind: "pieces", Args: []int{0, 0, 0, 1}}, "piece 1"},
		{"missing param", ttt, features.Feature{Kind: "pieces", Args: []int{0, 0, 0}}, "want 1 params"},
		{"region outside", ttt, features.Feature{Kind: "region", Args: []int{0, 0, 0, -1, 0, 3, 0, 0}}, "not inside"},
		{"cell outside", ttt, features.Feature{Kind: "cell", Args: []int{0, 0, 0, 9, -1}}, "cell 9"},
		{"board kind without board", pig, features.Feature{Kind: "edge", Args: []int{0, 0, 0, -1}}, "needs a board"},
		{"no direction", othelloGame, features.Feature{Kind: "advance", Args: []int{0, 0, 0, 0}}, "forward direction"},
		{"connect with 3 seats", gofish, features.Feature{Kind: "connect", Args: []int{0, 0, 0}}, "needs a board"},
		{"long line", ttt, features.Feature{Kind: "lines", Args: []int{0, 0, 0, 4, 2}}, "lines of 4"},
		{"quantity on board game", ttt, features.Feature{Kind: "quantity", Args: []int{0, 0, 0, 0}}, "QuantityState"},
		{"quantity index", pig, features.Feature{Kind: "quantity", Args: []int{0, 0, 0, 2}}, "quantity 2"},
		{"togo without target", gofish, features.Feature{Kind: "togo", Args: []int{0, 0, 0, 1}}, "Target"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.f.Name = "f"
			_, err := features.Compile(c.g, []features.Feature{c.f})
			if !errors.Is(err, features.ErrBadFeature) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrBadFeature mentioning %q", err, c.want)
			}
		})
	}
}

func TestValuesAllocs(t *testing.T) {
	for _, spec := range specs(t) {
		g := newGame(t, spec)
		_, set := setup(t, g)
		var st game.State
		randomPositions(g, 1, func(s game.State, seat int) {
			if st == nil || !s.Terminal() {
				st = s.Clone()
			}
		})
		seat := 0
		if p := st.ToMove(); p >= 0 && p < g.Players() && !st.Terminal() {
			seat = p
		}
		vals := set.Values(st, seat, nil)
		if n := testing.AllocsPerRun(20, func() { vals = set.Values(st, seat, vals) }); n != 0 {
			t.Errorf("%s: %.1f allocations per Values", spec, n)
		}
	}
}

func BenchmarkValues(b *testing.B) {
	for _, spec := range specs(b) {
		b.Run(spec, func(b *testing.B) {
			g := newGame(b, spec)
			_, set := setup(b, g)
			var positions []game.State
			var seats []int
			randomPositions(g, 2, func(s game.State, seat int) {
				positions = append(positions, s.Clone())
				seats = append(seats, seat)
			})
			var vals []int32
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				j := i % len(positions)
				vals = set.Values(positions[j], seats[j], vals)
			}
		})
	}
}
