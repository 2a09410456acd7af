package gametest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// SymmetryOptions tell Symmetries how a game's moves and start map under a
// symmetry of its board.
type SymmetryOptions struct {
	Games      int    // random games per symmetry; defaults to 50
	Seed       uint64 // seed of the random games
	MaxActions int    // cap per game; defaults to 1000
	// MapMove returns the image of m, legal in st, under the symmetry name
	// whose cell map is perm (cell i goes to perm[i]). Nil matches moves by
	// their effect: the image's moves must lead to the images of the
	// positions the moves lead to, as many of each.
	MapMove func(name string, perm []int, st game.State, m game.Move) game.Move
	// Start returns the image of the initial position, or nil when it is
	// not a position of the game. Nil Start means NewState, which is right
	// when the initial position is symmetric.
	Start func(name string, perm []int) game.State
}

// Symmetries checks that each named symmetry keeps g's rules for every
// seat: it plays random games and, beside each, the game of the mapped
// moves from the mapped start, and checks at every ply that the seat to
// move, the cells (cell i of one is cell perm[i] of the other), the legal
// moves (as mapped sets) and at the end the winners agree. It returns the
// first disagreement, or nil.
func Symmetries(g game.Game, names []string, o SymmetryOptions) error {
	if o.Games == 0 {
		o.Games = 50
	}
	if o.MaxActions == 0 {
		o.MaxActions = 1000
	}
	s := g.Structure()
	for _, name := range names {
		perm := s.SymmetryMap(name)
		if perm == nil {
			return fmt.Errorf("symmetry %q: no cell map for a %d×%d board", name, s.Rows, s.Cols)
		}
		for n := 0; n < o.Games; n++ {
			if err := symmetricGame(g, name, perm, o, n); err != nil {
				return fmt.Errorf("symmetry %q, game %d: %w", name, n, err)
			}
		}
	}
	return nil
}

func symmetricGame(g game.Game, name string, perm []int, o SymmetryOptions, n int) error {
	cells := g.Structure().Cells()
	a := g.NewState()
	b := g.NewState()
	if o.Start != nil {
		if b = o.Start(name, perm); b == nil {
			return fmt.Errorf("the image of the initial position is not a position of the game")
		}
	}
	rng := game.NewRNG(o.Seed, uint64(n))
	var la, lb, mapped []game.Move
	for ply := 0; ; ply++ {
		ba, bb := a.(game.BoardState), b.(game.BoardState)
		for i := 0; i < cells; i++ {
			sa, pa := ba.Cell(i)
			sb, pb := bb.Cell(perm[i])
			if sa != sb || (sa >= 0 && pa != pb) {
				return fmt.Errorf("ply %d: cell %d is (%d,%d), its image %d is (%d,%d)\n%s\nimage:\n%s", ply, i, sa, pa, perm[i], sb, pb, a, b)
			}
		}
		if a.Terminal() != b.Terminal() {
			return fmt.Errorf("ply %d: terminal %v, image terminal %v\n%s\nimage:\n%s", ply, a.Terminal(), b.Terminal(), a, b)
		}
		if a.Terminal() {
			if a.Winners() != b.Winners() {
				return fmt.Errorf("ply %d: winners %v, image winners %v", ply, a.Winners(), b.Winners())
			}
			return nil
		}
		if a.ToMove() != b.ToMove() {
			return fmt.Errorf("ply %d: seat %d to move, in the image %d", ply, a.ToMove(), b.ToMove())
		}
		la, lb = a.Legal(la[:0]), b.Legal(lb[:0])
		if ply >= o.MaxActions {
			return nil
		}
		m := la[rng.IntN(len(la))]
		var mm game.Move
		if o.MapMove != nil {
			mapped = mapped[:0]
			for _, m := range la {
				mapped = append(mapped, o.MapMove(name, perm, a, m))
			}
			slices.Sort(mapped)
			sorted := slices.Sorted(slices.Values(lb))
			if !slices.Equal(mapped, sorted) {
				return fmt.Errorf("ply %d: legal moves map to %v, the image has %v\n%s\nimage:\n%s", ply, mapped, sorted, a, b)
			}
			mm = o.MapMove(name, perm, a, m)
		} else {
			var err error
			if mm, err = matchByEffect(a, b, la, lb, m, perm, cells); err != nil {
				return fmt.Errorf("ply %d: %w\n%s\nimage:\n%s", ply, err, a, b)
			}
		}
		a.Apply(m)
		b.Apply(mm)
	}
}

// matchByEffect checks that a's moves and b's lead to images of each other,
// as many of each, and returns the first of b's moves leading to the image
// of a after m.
func matchByEffect(a, b game.State, la, lb []game.Move, m game.Move, perm []int, cells int) (game.Move, error) {
	key := func(st game.State, mv game.Move, perm []int) string {
		c := st.Clone()
		c.Apply(mv)
		bs := c.(game.BoardState)
		k := make([]byte, cells+1)
		for i := 0; i < cells; i++ {
			seat, piece := bs.Cell(i)
			j := i
			if perm != nil {
				j = perm[i]
			}
			k[j] = byte(seat+1)<<4 | byte(piece)
		}
		if !c.Terminal() {
			k[cells] = byte(c.ToMove() + 1)
		}
		return string(k)
	}
	count := map[string]int{}
	for _, mv := range la {
		count[key(a, mv, perm)]++
	}
	for _, mv := range lb {
		count[key(b, mv, nil)]--
	}
	for _, n := range count {
		if n != 0 {
			return 0, fmt.Errorf("the legal moves (%d) do not lead to the images of the positions the %d moves lead to", len(lb), len(la))
		}
	}
	want := key(a, m, perm)
	for _, mv := range lb {
		if key(b, mv, nil) == want {
			return mv, nil
		}
	}
	panic("unreachable: counts matched")
}

// ImageRows renders the image of st's board under perm as one string per
// row, each cell the byte char gives for its (seat, piece), '.' when
// empty: the input of the FromBoard constructors games have for tests.
func ImageRows(st game.State, s game.Structure, perm []int, char func(seat, piece int) byte) []string {
	rows := make([][]byte, s.Rows)
	for r := range rows {
		rows[r] = []byte(strings.Repeat(".", s.Cols))
	}
	bs := st.(game.BoardState)
	for i := 0; i < s.Cells(); i++ {
		if seat, piece := bs.Cell(i); seat >= 0 {
			j := perm[i]
			rows[j/s.Cols][j%s.Cols] = char(seat, piece)
		}
	}
	out := make([]string, s.Rows)
	for r := range rows {
		out[r] = string(rows[r])
	}
	return out
}
