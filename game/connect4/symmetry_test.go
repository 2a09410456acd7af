package connect4_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
	"github.com/simpipe/simpipe/game/gametest"
)

func TestSymmetries(t *testing.T) {
	g := connect4.Game{}
	// A column is the top cell of its column, row 0.
	o := gametest.SymmetryOptions{Games: 200, MapMove: func(_ string, perm []int, _ game.State, m game.Move) game.Move {
		return game.Move(perm[m])
	}}
	if err := gametest.Symmetries(g, g.Structure().Symmetries, o); err != nil {
		t.Fatal(err)
	}
	o.MapMove = nil // gravity: a top-bottom flip is no symmetry
	if err := gametest.Symmetries(g, []string{game.FlipTB}, o); err == nil {
		t.Error("the top-bottom flip passes the check; it must not")
	}
}
