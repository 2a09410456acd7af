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
