package game

import (
	"math/bits"
	"strconv"
	"strings"
)

// Seats is a set of seats, bit i standing for seat i.
type Seats uint8

// SeatSet returns the set holding the given seats.
func SeatSet(seats ...int) Seats {
	var s Seats
	for _, i := range seats {
		s |= 1 << uint(i)
	}
	return s
}

// Has reports whether seat is in the set.
func (s Seats) Has(seat int) bool { return s&(1<<uint(seat)) != 0 }

// Len returns the number of seats in the set.
func (s Seats) Len() int { return bits.OnesCount8(uint8(s)) }

// List returns the seats in ascending order.
func (s Seats) List() []int {
	out := make([]int, 0, s.Len())
	for i := 0; i < 8; i++ {
		if s.Has(i) {
			out = append(out, i)
		}
	}
	return out
}

// String renders the set as "draw" or a list such as "0,2".
func (s Seats) String() string {
	if s == 0 {
		return "draw"
	}
	parts := make([]string, 0, s.Len())
	for _, i := range s.List() {
		parts = append(parts, strconv.Itoa(i))
	}
	return strings.Join(parts, ",")
}

// Result is how a game ended for one seat. The values are half points, so a
// Result converts directly to a score.
type Result uint8

// The results, valued in half points.
const (
	Loss Result = 0
	Draw Result = 1
	Win  Result = 2
)

// ResultFor returns seat's result in a game won by s: a win when seat is the
// only winner, a loss when it is not among the winners, and a draw otherwise
// (no winner, as in a draw or a game stopped by the max-actions cap, or a
// win shared with another seat). It is the one rule every score in simpipe
// uses: training targets, evaluations and exports.
func (s Seats) ResultFor(seat int) Result {
	switch {
	case s == 0 || (s.Has(seat) && s.Len() > 1):
		return Draw
	case s.Has(seat):
		return Win
	}
	return Loss
}

// Score returns 1 for a win, 0.5 for a draw and 0 for a loss.
func (r Result) Score() float64 { return float64(r) / 2 }
