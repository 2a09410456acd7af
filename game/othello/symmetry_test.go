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
	st := othello.Game{}.NewState()
	rows := make([][]byte, 8)
	for r := range rows {
		rows[r] = []byte("........")
	}
	for i := 0; i < 64; i++ {
		if seat, _ := st.(game.BoardState).Cell(i); seat >= 0 {
			j := perm[i]
			rows[j/8][j%8] = "xo"[seat]
		}
	}
	s := make([]string, 8)
	for r := range rows {
		s[r] = string(rows[r])
	}
	img, err := othello.FromBoard(s, 0)
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
