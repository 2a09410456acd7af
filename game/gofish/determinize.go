package gofish

import "github.com/simpipe/simpipe/game"

var _ game.Determinizer = (*View)(nil)

// greedyTries is how many randomized greedy deals Determinize attempts before
// it falls back to a max-flow deal, which always succeeds but is less random.
const greedyTries = 4

// Determinize samples a true position that the viewing seat cannot tell from
// the real one: see DeterminizeInto.
func (v *View) Determinize(rng *game.RNG) game.State {
	s := &State{}
	v.DeterminizeInto(s, rng)
	return s
}

// DeterminizeInto overwrites s with a sampled true position consistent with
// v: s.View(v.Seat()) equals *v. The viewing seat keeps its hand; every other
// seat gets its publicly known cards, then its remaining cards drawn from the
// unseen ones without a rank it is known to lack and never a fourth card of a
// rank; the deck gets the rest.
//
// The sample is an approximation of the exact conditional distribution: the
// seats are dealt one after another (the most constrained first), each
// drawing uniformly among the unseen cards it may hold, and a seat publicly
// known to hold k cards of a rank holds exactly k plus whatever it draws. If
// greedyTries such deals run into a dead end, a max-flow assignment, which
// always exists for a view of a real game, fills the hands instead.
func (v *View) DeterminizeInto(s *State, rng *game.RNG) {
	v.determinize(s, rng, greedyTries)
}

// determinize is DeterminizeInto with the number of greedy tries; tests
// pass 0 to exercise the max-flow deal.
func (v *View) determinize(s *State, rng *game.RNG, tries int) {
	*s = State{
		count:    v.count,
		books:    v.books,
		owner:    v.owner,
		poolSize: v.poolSize,
		players:  v.players,
		initial:  v.initial,
		phase:    v.phase,
		cur:      v.cur,
		pub:      v.pub,
	}
	if v.phase == Fish && v.pub.asks > 0 {
		s.lastAsk = v.pub.recent[(v.pub.asks-1)%recentAsks].Rank
	}
	me := int(v.seat)
	s.hand[me] = v.own
	for _, o := range v.owner {
		if o >= 0 {
			s.booked++
		}
	}
	d := v.deal()
	hands, ok := d.greedy(rng, tries)
	if !ok {
		hands = d.flow(rng)
	}
	for p := range d.players {
		if p != me {
			s.hand[p] = hands[p]
		}
	}
	s.pool = d.left
	for r := range Ranks {
		if s.pool[r] > 0 {
			s.poolMask |= 1 << r
		}
	}
	for p := range d.players {
		for r, n := range s.hand[p] {
			if n > 0 {
				s.held[p] |= 1 << r
			}
		}
	}
}

// deal returns what is left to deal once the public record is honoured.
func (v *View) deal() deal {
	d := deal{players: int(v.players), me: int(v.seat)}
	for r := range Ranks {
		if v.owner[r] < 0 {
			d.rest[r] = Suits - v.own[r]
		}
	}
	for p := range d.players {
		if p == d.me {
			continue
		}
		d.free[p] = int(v.count[p])
		for r := range Ranks {
			// min guards against a record that claims more than exists,
			// which a real game never produces.
			k := min(v.pub.known[p][r], d.rest[r], uint8(max(d.free[p], 0)))
			d.base[p][r] = k
			d.rest[r] -= k
			d.free[p] -= int(k)
			if v.pub.lacks[p]&(1<<r) == 0 && k < Suits-1 {
				d.room[p][r] = Suits - 1 - k
			}
		}
	}
	return d
}

// deal is the hidden part of a determinization: the unseen cards left after
// the known ones are placed, and the room every other seat has for them.
type deal struct {
	players, me int
	rest        [Ranks]uint8                  // unseen cards not publicly placed
	free        [game.MaxPlayers]int          // cards each seat still needs
	base        [game.MaxPlayers][Ranks]uint8 // publicly known cards
	room        [game.MaxPlayers][Ranks]uint8 // more cards of a rank a seat may take
	left        [Ranks]uint8                  // the deck, once dealt
}

// others returns the seats to deal, ordered by slack (the cards a seat may
// take less the cards it needs), tightest first, so that a seat with few
// possible cards picks before others take them.
func (d *deal) others() ([game.MaxPlayers]int, int) {
	var order, slack [game.MaxPlayers]int
	n := 0
	for p := range d.players {
		if p == d.me {
			continue
		}
		for r := range Ranks {
			slack[p] += int(min(d.room[p][r], d.rest[r]))
		}
		slack[p] -= d.free[p]
		i := n
		for ; i > 0 && slack[order[i-1]] > slack[p]; i-- {
			order[i] = order[i-1]
		}
		order[i] = p
		n++
	}
	return order, n
}

// greedy deals each seat's missing cards one by one, weighting every rank it
// may take by the unseen cards of it, tightest seat first and then in random
// orders. It reports false if every try hit a seat with nothing it may take.
func (d *deal) greedy(rng *game.RNG, tries int) ([game.MaxPlayers][Ranks]uint8, bool) {
	order, n := d.others()
	var ranks [Ranks]int
	var weights [Ranks]uint32
	for try := range tries {
		if try > 0 {
			for i := n - 1; i > 0; i-- {
				j := rng.IntN(i + 1)
				order[i], order[j] = order[j], order[i]
			}
		}
		hands, rest, ok := d.base, d.rest, true
		for _, p := range order[:n] {
			for range d.free[p] {
				k := 0
				for r := range Ranks {
					if rest[r] > 0 && hands[p][r]-d.base[p][r] < d.room[p][r] {
						ranks[k], weights[k] = r, uint32(rest[r])
						k++
					}
				}
				if k == 0 {
					ok = false
					break
				}
				r := ranks[rng.Weighted(weights[:k])]
				hands[p][r]++
				rest[r]--
			}
			if !ok {
				break
			}
		}
		if ok {
			d.left = rest
			return hands, true
		}
	}
	return [game.MaxPlayers][Ranks]uint8{}, false
}

// flow fills the seats with a maximum flow from ranks (rest[r] cards each)
// to seats (free[p] slots each, room[p][r] per rank), augmenting one card at
// a time from ranks visited in a random order. A real game's view always has
// a full flow: the true hands are one.
func (d *deal) flow(rng *game.RNG) [game.MaxPlayers][Ranks]uint8 {
	var f [game.MaxPlayers][Ranks]uint8 // cards of rank r given to seat p
	var used [game.MaxPlayers]int
	var sent [Ranks]uint8
	var perm [Ranks]int
	for i := range perm {
		j := rng.IntN(i + 1)
		perm[i], perm[j] = perm[j], i
	}
	for {
		// Breadth-first search for an augmenting path source → rank →
		// seat (→ rank → seat ...) → sink. prevSeat[r] is the seat a rank
		// was reached from (-1: from the source); prevRank[p] the rank a
		// seat was reached from.
		var prevSeat [Ranks]int
		var prevRank [game.MaxPlayers]int
		var seenR [Ranks]bool
		var seenP [game.MaxPlayers]bool
		var queue [Ranks]int // every rank enters at most once
		head, tail := 0, 0
		for _, r := range perm {
			if sent[r] < d.rest[r] {
				seenR[r], prevSeat[r] = true, -1
				queue[tail] = r
				tail++
			}
		}
		end := -1
		for head < tail && end < 0 {
			r := queue[head]
			head++
			for p := range d.players {
				if p == d.me || seenP[p] || f[p][r] >= d.room[p][r] {
					continue
				}
				seenP[p], prevRank[p] = true, r
				if used[p] < d.free[p] {
					end = p
					break
				}
				for r2 := range Ranks {
					if !seenR[r2] && f[p][r2] > 0 {
						seenR[r2], prevSeat[r2] = true, p
						queue[tail] = r2
						tail++
					}
				}
			}
		}
		if end < 0 {
			break // maximum reached
		}
		used[end]++
		for p := end; ; {
			r := prevRank[p]
			f[p][r]++
			q := prevSeat[r]
			if q < 0 {
				sent[r]++
				break
			}
			f[q][r]--
			p = q
		}
	}
	hands := d.base
	d.left = d.rest
	for p := range d.players {
		if p == d.me {
			continue
		}
		for r := range Ranks {
			hands[p][r] += f[p][r]
			d.left[r] -= f[p][r]
		}
		// Without a full flow the view was not from a real game; give the
		// seat its count anyway, from whatever is left, so that the state
		// stays well formed.
		for r := 0; used[p] < d.free[p] && r < Ranks; r++ {
			for used[p] < d.free[p] && d.left[r] > 0 && hands[p][r] < Suits-1 {
				hands[p][r]++
				d.left[r]--
				used[p]++
			}
		}
	}
	return hands
}
