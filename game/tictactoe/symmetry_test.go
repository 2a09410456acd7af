package tictactoe_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/tictactoe"
)

func TestSymmetries(t *testing.T) {
	g := tictactoe.Game{}
	o := gametest.SymmetryOptions{Games: 200, MapMove: func(_ string, perm []int, _ game.State, m game.Move) game.Move {
		return game.Move(perm[m])
	}}
	if err := gametest.Symmetries(g, g.Structure().Symmetries, o); err != nil {
		t.Fatal(err)
	}
	if n := len(g.Structure().Symmetries); n != 7 {
		t.Errorf("%d symmetries besides the identity, want 7", n)
	}
}
