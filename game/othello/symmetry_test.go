package othello_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/othello"
)

// imageStart returns the image of the initial position under perm: the
// rules are symmetric under all eight maps, the start only under four.
func imageStart(_ string, perm []int) game.State {
	g := othello.Game{}
	rows := gametest.ImageRows(g.NewState(), g.Structure(), perm, func(seat, _ int) byte { return "xo"[seat] })
	img, err := othello.FromBoard(rows, 0)
	if err != nil {
		return nil
	}
	return img
}

func TestSymmetries(t *testing.T) {
	g := othello.Game{}
	o := gametest.SymmetryOptions{Games: 40, Start: imageStart, MapMove: func(_ string, perm []int, _ game.State, m game.Move) game.Move {
		if m == othello.Pass {
			return m
		}
		return game.Move(perm[m])
	}}
	if err := gametest.Symmetries(g, g.Structure().Symmetries, o); err != nil {
		t.Fatal(err)
	}
	if n := len(g.Structure().Symmetries); n != 7 {
		t.Errorf("%d symmetries besides the identity, want 7", n)
	}
}
