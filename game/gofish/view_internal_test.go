package gofish

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/game"
)

// recount recomputes the derived counts and masks after a test moved cards.
func (s *State) recount() {
	s.poolMask, s.poolSize = 0, 0
	for r, n := range s.pool {
		if n > 0 {
			s.poolMask |= 1 << r
		}
		s.poolSize += n
	}
	for p := range s.hand {
		s.count[p], s.held[p] = 0, 0
		for r, n := range s.hand[p] {
			if n > 0 {
				s.held[p] |= 1 << r
			}
			s.count[p] += n
		}
	}
}

// place returns the cards of rank r at place x: a seat, or the deck for -1.
func (s *State) place(x, r int) *uint8 {
	if x < 0 {
		return &s.pool[r]
	}
	return &s.hand[x][r]
}

// swapHidden exchanges a card of rank r at place x for a card of rank r2 at
// place y (a seat other than me, or the deck), if the result is consistent
// with the public record: every seat keeps its publicly known cards, gets no
// rank it is known to lack and no fourth card of a rank. It reports whether
// it swapped.
func (s *State) swapHidden(x, y, r, r2 int) bool {
	if r == r2 || *s.place(x, r) == 0 || *s.place(y, r2) == 0 {
		return false
	}
	for _, c := range [2]struct{ from, to, give, get int }{{x, y, r, r2}, {y, x, r2, r}} {
		if c.from >= 0 && *s.place(c.from, c.give) <= s.pub.known[c.from][c.give] {
			return false
		}
		if c.to >= 0 && (s.pub.lacks[c.to]&(1<<c.give) != 0 || *s.place(c.to, c.give)+1 >= Suits) {
			return false
		}
	}
	*s.place(x, r)--
	*s.place(y, r)++
	*s.place(y, r2)--
	*s.place(x, r2)++
	s.recount()
	return true
}

// TestViewIgnoresHiddenCards plays random games and, at every decision,
// swaps hidden cards between other seats' hands and the deck in every
// consistent way: the deciding seat's view and its legal moves must not
// change.
func TestViewIgnoresHiddenCards(t *testing.T) {
	var rng game.RNG
	swaps := 0
	for _, n := range []int{2, 3, 4} {
		g, _ := New(n)
		for i := 0; i < 40; i++ {
			rng.Seed(9, uint64(i))
			s := g.NewState().(*State)
			for !s.Terminal() {
				legal := s.Legal(nil)
				if me := s.ToMove(); me != game.Chance {
					view := *s.View(me).(*View)
					for x := -1; x < n; x++ {
						for y := x + 1; y < n; y++ {
							if x == me || y == me {
								continue
							}
							for r := 0; r < Ranks; r++ {
								for r2 := 0; r2 < Ranks; r2++ {
									c := *s
									if !c.swapHidden(x, y, r, r2) {
										continue
									}
									swaps++
									if err := c.Check(); err != nil {
										t.Fatalf("swap made an inconsistent state: %v", err)
									}
									if v := *c.View(me).(*View); v != view {
										t.Fatalf("seat %d's view changed when %c at %d and %c at %d swapped\n%s\n%s", me, 'a'+r, x, 'a'+r2, y, &view, &v)
									}
									if got := c.Legal(nil); !slices.Equal(got, legal) {
										t.Fatalf("legal moves changed by a hidden swap")
									}
								}
							}
						}
					}
				}
				s.Apply(legal[rng.IntN(len(legal))])
			}
		}
	}
	if swaps < 1000 {
		t.Errorf("only %d swaps tried", swaps)
	}
	t.Logf("%d swaps", swaps)
}

func TestWinners(t *testing.T) {
	cases := []struct {
		books []uint8
		want  game.Seats
	}{
		{[]uint8{7, 6}, game.SeatSet(0)},
		{[]uint8{5, 5, 3}, game.SeatSet(0, 1)},
		{[]uint8{4, 5, 4}, game.SeatSet(1)},
		{[]uint8{3, 3, 3, 4}, game.SeatSet(3)},
		{[]uint8{4, 4, 1, 4}, game.SeatSet(0, 1, 3)},
		{[]uint8{3, 3, 3, 2, 2}, game.SeatSet(0, 1, 2)},
		{[]uint8{2, 2, 2, 2, 2, 3}, game.SeatSet(5)},
	}
	for _, tc := range cases {
		var b [game.MaxPlayers]uint8
		copy(b[:], tc.books)
		if got := winners(&b, len(tc.books)); got != tc.want {
			t.Errorf("books %v: winners %v, want %v", tc.books, got, tc.want)
		}
	}
	// 13 books never split evenly among 2 to 6 seats, so a whole game cannot
	// end in an all-way tie; the rule still makes one a draw.
	if got := winners(&[game.MaxPlayers]uint8{3, 3, 3}, 3); got != 0 {
		t.Errorf("all tied: %v, want a draw", got)
	}
}
