package checkers_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/checkers"
	"github.com/simpipe/simpipe/game/gametest"
)

// imageStart returns the image of the initial position under perm, or nil
// when it puts pieces on light squares.
func imageStart(_ string, perm []int) game.State {
	g := checkers.Game{}
	rows := gametest.ImageRows(g.NewState(), g.Structure(), perm, func(seat, piece int) byte { return [2]string{"o8", "+*"}[seat][piece] })
	img, err := g.FromBoard(rows, 0)
	if err != nil {
		return nil
	}
	return img
}

// TestNoSymmetries checks that checkers declares none and that each map of
// the square fails the check, so that declaring one would be caught.
func TestNoSymmetries(t *testing.T) {
	g := checkers.Game{}
	if s := g.Structure().Symmetries; len(s) != 0 {
		t.Errorf("checkers declares symmetries %v", s)
	}
	o := gametest.SymmetryOptions{Games: 5, Start: imageStart}
	for _, s := range game.Dihedral {
		if err := gametest.Symmetries(g, []string{s}, o); err == nil {
			t.Errorf("%s passes the check; it must not", s)
		} else {
			t.Logf("%s: %v", s, firstLine(err.Error()))
		}
	}
}

func firstLine(s string) string {
	for i := range s {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
