package gofish

import "fmt"

// Check verifies that every card is in exactly one place, a hand, a book or
// the deck, and that the derived counts and masks agree with the cards.
func (s *State) Check() error {
	var poolSize, booked int
	var poolMask uint16
	var books [6]int
	for r := 0; r < Ranks; r++ {
		n := int(s.pool[r])
		if n > 0 {
			poolMask |= 1 << r
		}
		poolSize += n
		for p := 0; p < int(s.players); p++ {
			n += int(s.hand[p][r])
		}
		switch o := s.owner[r]; {
		case o >= 0 && n != 0:
			return fmt.Errorf("rank %c booked by seat %d but %d cards still out", 'a'+r, o, n)
		case o >= 0:
			books[o]++
			booked++
		case n != Suits:
			return fmt.Errorf("rank %c: %d cards in hands and deck, want %d", 'a'+r, n, Suits)
		}
	}
	if poolSize != int(s.poolSize) || poolMask != s.poolMask || booked != int(s.booked) {
		return fmt.Errorf("deck size %d mask %x booked %d, recorded %d %x %d", poolSize, poolMask, booked, s.poolSize, s.poolMask, s.booked)
	}
	for p := 0; p < int(s.players); p++ {
		var count int
		var held uint16
		for r, n := range s.hand[p] {
			if n >= Suits {
				return fmt.Errorf("seat %d holds %d of rank %c", p, n, 'a'+r)
			}
			if n > 0 {
				held |= 1 << r
			}
			count += int(n)
		}
		if count != int(s.count[p]) || held != s.held[p] || books[p] != int(s.books[p]) {
			return fmt.Errorf("seat %d: %d cards %x books %d, recorded %d %x %d", p, count, held, books[p], s.count[p], s.held[p], s.books[p])
		}
		for r := 0; r < Ranks; r++ {
			if int(s.pub.known[p][r]) > int(s.hand[p][r]) {
				return fmt.Errorf("seat %d publicly known to hold %d of %c but holds %d", p, s.pub.known[p][r], 'a'+r, s.hand[p][r])
			}
			if s.pub.lacks[p]&(1<<r) != 0 && s.hand[p][r] != 0 {
				return fmt.Errorf("seat %d publicly known to lack %c but holds %d", p, 'a'+r, s.hand[p][r])
			}
		}
	}
	return nil
}
