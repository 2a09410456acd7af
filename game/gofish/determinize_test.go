package gofish

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/game"
)

// TestDeterminize plays random games of 2 to 6 seats and, at decisions,
// samples true positions from the deciding seat's view, by the greedy deal
// and by the max-flow deal alone: each must be a well-formed position (cards
// conserved, known cards held, known-lacking ranks absent), give back the
// same view and the same legal moves, and play on to the end.
func TestDeterminize(t *testing.T) {
	var rng, drng game.RNG
	checked, greedyFailed := 0, 0
	for _, n := range []int{2, 3, 4, 6} {
		g, _ := New(n)
		for i := 0; i < 30; i++ {
			rng.Seed(11, uint64(i))
			drng.Seed(12, uint64(i))
			s := g.NewState().(*State)
			var legal []game.Move
			for step := 0; !s.Terminal(); step++ {
				legal = s.Legal(legal[:0])
				if me := s.ToMove(); me != game.Chance && step%3 == 0 {
					view := s.View(me).(*View)
					for k, tries := range []int{greedyTries, greedyTries, 0} {
						var d State
						view.determinize(&d, &drng, tries)
						checked++
						if err := d.Check(); err != nil {
							t.Fatalf("%d seats, tries %d: inconsistent determinization: %v\nview:\n%s\nsampled:\n%s", n, tries, err, view, &d)
						}
						if v := *d.View(me).(*View); v != *view {
							t.Fatalf("determinization changed the view\n%s\n%s", view, &v)
						}
						if got := d.Legal(nil); !slices.Equal(got, legal) {
							t.Fatalf("determinization changed the legal moves: %v, want %v", got, legal)
						}
						if k == 0 {
							playOut(t, &d, &drng)
						}
					}
					d := view.deal()
					if _, ok := d.greedy(&drng, 1); !ok {
						greedyFailed++
					}
				}
				s.Apply(legal[rng.IntN(len(legal))])
			}
		}
	}
	t.Logf("%d determinizations checked; a single greedy deal hit a dead end %d times", checked, greedyFailed)
	if checked < 1000 {
		t.Errorf("only %d determinizations", checked)
	}
}

func playOut(t *testing.T, s *State, rng *game.RNG) {
	t.Helper()
	var legal []game.Move
	var w []uint32
	for !s.Terminal() {
		legal = s.Legal(legal[:0])
		if s.ToMove() == game.Chance {
			w = s.ChanceWeights(w[:0])
			s.Apply(legal[rng.Weighted(w)])
		} else {
			s.Apply(legal[rng.IntN(len(legal))])
		}
		if err := s.Check(); err != nil {
			t.Fatalf("playing on a determinization: %v\n%s", err, s)
		}
	}
}

// TestDeterminizeUnbiased checks, right after a 2-seat deal where nothing is
// public, that every unseen card is as likely to be in the other hand as in
// the deck: the other seat's share of each rank matches 7 of 45.
func TestDeterminizeUnbiased(t *testing.T) {
	g, _ := New(2)
	var rng game.RNG
	rng.Seed(5, 0)
	s := g.NewState().(*State)
	for s.Phase() == Deal {
		legal := s.Legal(nil)
		s.Apply(legal[rng.IntN(len(legal))])
	}
	view := s.View(0).(*View)
	const samples = 20000
	var held [Ranks]int
	for range samples {
		d := view.Determinize(&rng).(*State)
		for r := range Ranks {
			held[r] += int(d.hand[1][r])
		}
	}
	unseen := 0
	for r := range Ranks {
		unseen += view.Unseen(r)
	}
	for r := range Ranks {
		want := float64(samples*view.Unseen(r)) * float64(view.HandSize(1)) / float64(unseen)
		if got := float64(held[r]); got < 0.93*want || got > 1.07*want {
			t.Errorf("rank %c: seat 1 held %v cards over %d samples, want about %.0f", 'a'+r, got, samples, want)
		}
	}
}
