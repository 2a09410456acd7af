package breakthrough_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/breakthrough"
	"github.com/simpipe/simpipe/game/gametest"
)

func TestSymmetries(t *testing.T) {
	g := breakthrough.Game{}
	// A move is ((from*6)+dir)*2+capture; the mirror maps the from-square
	// and swaps the left and right steps of each seat (dir 0↔2, 3↔5).
	o := gametest.SymmetryOptions{Games: 40, MapMove: func(_ string, perm []int, _ game.State, m game.Move) game.Move {
		capture, dir, from := m%2, m/2%6, int(m/12)
		dir = dir/3*3 + 2 - dir%3
		return game.Move((perm[from]*6+int(dir))*2) + capture
	}}
	if err := gametest.Symmetries(g, g.Structure().Symmetries, o); err != nil {
		t.Fatal(err)
	}
	o.MapMove = nil // moves only forward: no flip, no turn
	for _, s := range []string{game.FlipTB, game.Rotate180, game.Transpose} {
		if err := gametest.Symmetries(g, []string{s}, o); err == nil {
			t.Errorf("%s passes the check; it must not", s)
		}
	}
}
