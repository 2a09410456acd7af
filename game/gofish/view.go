package gofish

import (
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// View is what one seat may know about a position: its own hand, every
// seat's hand size and books, the deck size and the public record of asks
// and answers. It has no field for other seats' cards or the deck order, so
// it cannot leak them; two positions that differ only in those give equal
// Views (View is comparable with ==).
//
// A View is for deciding, not for playing on: Legal lists the seat's asks
// when it is the seat's turn to ask and nothing otherwise, and Apply panics.
type View struct {
	own      [Ranks]uint8
	count    [game.MaxPlayers]uint8
	books    [game.MaxPlayers]uint8
	owner    [Ranks]int8
	poolSize uint8
	players  uint8
	initial  uint8
	seat     uint8
	phase    Phase
	cur      uint8
	pub      public
}

var (
	_ game.State         = (*View)(nil)
	_ game.QuantityState = (*View)(nil)
)

// Reset returns the view to the start of the game, which is public.
func (v *View) Reset() {
	*v = View{players: v.players, initial: v.initial, seat: v.seat, poolSize: Ranks * Suits}
	for r := range v.owner {
		v.owner[r] = -1
	}
}

func (v *View) ToMove() int {
	if v.phase == Ask || v.phase == GameOver {
		return int(v.cur)
	}
	return game.Chance
}

// Legal lists the seat's asks when it is to ask, the same as the true
// state's Legal; otherwise the moves are not the seat's to know, and Legal
// appends nothing.
func (v *View) Legal(dst []game.Move) []game.Move {
	if v.phase != Ask || v.cur != v.seat {
		return dst
	}
	var held uint16
	for r, n := range v.own {
		if n > 0 {
			held |= 1 << r
		}
	}
	return appendAsks(dst, int(v.cur), int(v.players), held, &v.count)
}

// Apply panics: the outcome of a move depends on cards the view lacks.
func (v *View) Apply(game.Move) { panic("gofish: Apply on a View") }

func (v *View) Terminal() bool    { return v.phase == GameOver }
func (v *View) Clone() game.State { c := *v; return &c }

func (v *View) Winners() game.Seats {
	if v.phase != GameOver {
		return 0
	}
	return winners(&v.books, int(v.players))
}

func (v *View) Quantity(seat, q int) int {
	if q == 0 {
		return int(v.count[seat])
	}
	return int(v.books[seat])
}

func (v *View) MoveString(m game.Move) string { return moveString(v.phase, m) }

// Seat returns the seat whose view this is.
func (v *View) Seat() int { return int(v.seat) }

// Phase returns the stage of play.
func (v *View) Phase() Phase { return v.phase }

// Hand returns how many cards of rank the viewing seat holds.
func (v *View) Hand(rank int) int { return int(v.own[rank]) }

// HandSize returns how many cards seat holds.
func (v *View) HandSize(seat int) int { return int(v.count[seat]) }

// Books returns how many books seat has made.
func (v *View) Books(seat int) int { return int(v.books[seat]) }

// BookOwner returns the seat that made the book of rank, or -1.
func (v *View) BookOwner(rank int) int { return int(v.owner[rank]) }

// DeckSize returns the cards left in the deck.
func (v *View) DeckSize() int { return int(v.poolSize) }

// Unseen returns how many cards of rank the viewing seat cannot see: those in
// other hands or in the deck.
func (v *View) Unseen(rank int) int {
	if v.owner[rank] >= 0 {
		return 0
	}
	return Suits - int(v.own[rank])
}

// Known returns how many cards of rank seat is publicly known to hold (for
// the viewing seat itself, its actual count).
func (v *View) Known(seat, rank int) int {
	if seat == int(v.seat) {
		return int(v.own[rank])
	}
	return int(v.pub.known[seat][rank])
}

// Lacks reports whether seat is publicly known to hold no card of rank.
func (v *View) Lacks(seat, rank int) bool {
	if seat == int(v.seat) {
		return v.own[rank] == 0
	}
	return v.pub.lacks[seat]&(1<<rank) != 0
}

// Asks returns how many asks have been made.
func (v *View) Asks() int { return int(v.pub.asks) }

// Recent returns the last asks (at most 8), oldest first.
func (v *View) Recent() []AskEvent {
	n := min(int(v.pub.asks), recentAsks)
	out := make([]AskEvent, n)
	for i := range out {
		out[i] = v.pub.recent[(int(v.pub.asks)-n+i)%recentAsks]
	}
	return out
}

// String renders what the seat knows: its hand, each seat's hand size and
// books (with their ranks), what others are publicly known to hold and lack,
// the deck size, and the number of asks with the latest ones written
// asker, rank, ">", target and cards handed over (0: go fish), e.g.
//
//	Ask, seat 0 to move; seat 0 sees
//	hand a2b1c2d1e1f1
//	seat 0: 8 cards, 0 books
//	seat 1: 8 cards, 1 books (k), holds g1, lacks a
//	deck 32
//	asks 2: 0a>1 0, 1g>0 0
func (v *View) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, seat %d to move; seat %d sees\nhand ", v.phase, v.cur, v.seat)
	writeRanks(&b, &v.own)
	b.WriteByte('\n')
	for p := 0; p < int(v.players); p++ {
		fmt.Fprintf(&b, "seat %d: %d cards, %d books", p, v.count[p], v.books[p])
		if v.books[p] > 0 {
			b.WriteString(" (")
			for r, o := range v.owner {
				if int(o) == p {
					b.WriteByte(byte('a' + r))
				}
			}
			b.WriteByte(')')
		}
		if p != int(v.seat) {
			if k := v.pub.known[p]; k != ([Ranks]uint8{}) {
				b.WriteString(", holds ")
				writeRanks(&b, &k)
			}
			if l := v.pub.lacks[p]; l != 0 {
				b.WriteString(", lacks ")
				for r := 0; r < Ranks; r++ {
					if l&(1<<r) != 0 {
						b.WriteByte(byte('a' + r))
					}
				}
			}
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "deck %d\nasks %d", v.poolSize, v.pub.asks)
	for i, e := range v.Recent() {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %d%c>%d %d", e.Asker, 'a'+e.Rank, e.Target, e.Got)
	}
	b.WriteByte('\n')
	return b.String()
}
