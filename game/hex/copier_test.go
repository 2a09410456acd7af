package hex_test

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/hex"
)

// TestCopyFrom copies positions of random games into a scratch state that
// held other positions (of another board size too) and plays the copy on
// beside a Clone: the two must agree move by move, and the original must
// not change.
func TestCopyFrom(t *testing.T) {
	rng := game.NewRNG(3, 0)
	scratch := mustNew(t, 11, true).NewState().(*hex.State)
	var legal, l2 []game.Move
	for _, g := range []*hex.Game{mustNew(t, 7, false), mustNew(t, 5, true), mustNew(t, 11, false)} {
		for range 10 {
			st := g.NewState()
			for !st.Terminal() {
				before := st.(*hex.State).String()
				if !scratch.CopyFrom(st) {
					t.Fatal("CopyFrom refused a hex state")
				}
				clone := st.Clone()
				for cp := game.State(scratch); !clone.Terminal(); {
					legal, l2 = clone.Legal(legal[:0]), cp.Legal(l2[:0])
					if !slices.Equal(legal, l2) || cp.(*hex.State).String() != clone.(*hex.State).String() || cp.Winners() != clone.Winners() {
						t.Fatalf("a copy of\n%v\nplays differently from a clone", before)
					}
					m := legal[rng.IntN(len(legal))]
					clone.Apply(m)
					cp.Apply(m)
				}
				if scratch.Winners() != clone.Winners() || !scratch.Terminal() {
					t.Fatalf("a copy of\n%v\nends differently from a clone", before)
				}
				if st.(*hex.State).String() != before {
					t.Fatal("playing on a copy changed the original")
				}
				legal = st.Legal(legal[:0])
				st.Apply(legal[rng.IntN(len(legal))])
			}
		}
	}
}
