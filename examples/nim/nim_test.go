package nim_test

import (
	"testing"

	"example.com/nim"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
)

func mustNew(t *testing.T, spec string) game.Game {
	t.Helper()
	var reg game.Registry
	reg.MustRegister(nim.Def)
	g, err := reg.New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGametest checks that Nim keeps every promise simpipe relies on.
func TestGametest(t *testing.T) {
	for _, spec := range []string{"nim", "nim:misere=1", "nim:heaps=1,first=1", "nim:heaps=8,first=24"} {
		t.Run(spec, func(t *testing.T) { gametest.Run(t, mustNew(t, spec)) })
	}
}

// TestSpec checks the defaults and the canonical spec.
func TestSpec(t *testing.T) {
	g := mustNew(t, "nim")
	if g.Spec() != "nim:heaps=3,first=3,misere=0" || g.MoveBits() != 7 {
		t.Errorf("spec %q, %d move bits", g.Spec(), g.MoveBits())
	}
	st := g.NewState().(*nim.State)
	if st.Heap(0) != 3 || st.Heap(1) != 4 || st.Heap(2) != 5 {
		t.Errorf("start:\n%s", st)
	}
}

// TestMoves plays a short game by hand.
func TestMoves(t *testing.T) {
	st := mustNew(t, "nim:heaps=2,first=1").NewState() // heaps 1, 2
	if got := st.Legal(nil); len(got) != 3 || st.MoveString(got[2]) != "h1-2" {
		t.Fatalf("legal %v", got)
	}
	st.Apply(1<<5 | 2) // seat 0 empties heap 1
	st.Apply(0<<5 | 1) // seat 1 takes the last stone
	if !st.Terminal() || st.Winners() != game.SeatSet(1) {
		t.Fatalf("terminal %v, winners %v\n%s", st.Terminal(), st.Winners(), st)
	}
	if q := st.(game.QuantityState); q.Quantity(0, 0) != 2 || q.Quantity(1, 0) != 1 {
		t.Errorf("stones taken %d and %d", q.Quantity(0, 0), q.Quantity(1, 0))
	}
	st.Reset()
	if q := st.(game.QuantityState); q.Quantity(0, 1) != 1^2 || q.Quantity(1, 1) != 0 {
		t.Errorf("nim-sums %d and %d at the start", q.Quantity(0, 1), q.Quantity(1, 1))
	}
}

// TestTheory solves Nim by exhaustive search and compares every reachable
// position with Bouton's theorem: under normal play the seat to move loses
// exactly when the xor of the heaps is 0 (a P-position such as 1, 2, 3);
// under misère play the same holds, except when no heap has more than one
// stone, where the seat to move loses with an odd number of stones left.
func TestTheory(t *testing.T) {
	for _, tc := range []struct {
		spec   string
		misere bool
	}{
		{"nim:heaps=3,first=1", false},
		{"nim", false},
		{"nim:heaps=4,first=1", false},
		{"nim:misere=1", true},
		{"nim:heaps=4,first=1,misere=1", true},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			g := mustNew(t, tc.spec)
			memo := map[string]bool{}
			var wins func(st game.State) bool // the seat to move wins
			wins = func(st game.State) bool {
				key := st.String()
				if w, ok := memo[key]; ok {
					return w
				}
				me := st.ToMove()
				w := false
				for _, m := range st.Legal(nil) {
					next := st.Clone()
					next.Apply(m)
					if next.Terminal() && next.Winners().Has(me) || !next.Terminal() && !wins(next) {
						w = true
						break
					}
				}
				memo[key] = w
				if want := theory(st.(*nim.State), tc.misere); w != want {
					t.Errorf("seat to move wins: search %v, theory %v, at\n%s", w, want, st)
				}
				return w
			}
			st := g.NewState()
			wins(st)
			if tc.spec == "nim:heaps=3,first=1" && wins(st) {
				t.Error("1, 2, 3 is a P-position: the seat to move must lose")
			}
			t.Logf("%d positions", len(memo))
		})
	}
}

func theory(s *nim.State, misere bool) bool {
	x, big, left := 0, false, 0
	for h := range s.Heaps() {
		x ^= s.Heap(h)
		big = big || s.Heap(h) > 1
		left += s.Heap(h)
	}
	if misere && !big {
		return left%2 == 0
	}
	return x != 0
}
