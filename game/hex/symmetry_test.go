package hex_test

import (
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/hex"
)

func TestSymmetries(t *testing.T) {
	for _, c := range []struct {
		size int
		swap bool
	}{{4, false}, {5, true}, {7, false}} {
		g, err := hex.New(c.size, c.swap)
		if err != nil {
			t.Fatal(err)
		}
		o := gametest.SymmetryOptions{Games: 100, MapMove: func(_ string, perm []int, _ game.State, m game.Move) game.Move {
			if m == g.Swap() {
				return m
			}
			return game.Move(perm[m])
		}}
		if err := gametest.Symmetries(g, g.Structure().Symmetries, o); err != nil {
			t.Errorf("%s: %v", g.Spec(), err)
		}
		// The mirror and the transpose exchange the seats' edges.
		for _, s := range []string{game.MirrorLR, game.Transpose} {
			if err := gametest.Symmetries(g, []string{s}, o); err == nil {
				t.Errorf("%s: %s passes the check; it must not", g.Spec(), s)
			}
		}
	}
}
