// Package gofish implements Go Fish with OpenSpiel's rules (go_fish with its
// default parameters): a 52-card deck of 13 ranks and 4 suits, 2 to 6 seats,
// 7 cards each for 2 seats and 5 otherwise.
//
// # Moves
//
// An ask is target*13 + rank (OpenSpiel's action numbers), written as the
// target seat and the rank letter: 19 = "1g" asks seat 1 for rank g. Ranks
// are 0-12, written a-m. Dealing and drawing are chance nodes whose outcome
// is the rank of the card, 0-12, written "a"-"m", with weight the number of
// cards of that rank left in the deck. Move codes fit in 7 bits.
//
// # Rules
//
// The deal gives seat 0 all its cards first, then seat 1, and so on. Seat 0
// asks first. An ask names another seat that holds cards and a rank the
// asker holds. If the target has cards of that rank, all of them move to the
// asker, who asks again. Otherwise the asker draws ("go fish"): drawing the
// asked rank lets the asker go on, anything else passes the turn to the next
// seat; with an empty deck the turn passes at once. Four cards of a rank form
// a book and leave the hand at once. A seat to ask with an empty hand draws a
// card (phase EmptyDraw) and may then ask; with an empty deck the turn goes
// to the next seat with cards. If no other seat holds cards, the turn passes
// and the next seat draws. The game ends when all 13 books are made; most
// books wins, tied leaders share the win and an all-way tie is a draw.
//
// # Hidden information
//
// State is the true position and implements game.HiddenState. View(seat)
// returns a *View, a separate type that has no place for other seats' cards
// or the deck order: it holds the seat's own hand, every seat's hand size and
// books, the deck size, and the public record of asks and answers. That
// record is kept as a summary (the cards of each rank every seat is publicly
// known to hold, the ranks each seat is known to lack) plus the most recent
// asks, since a full log would make views and clones grow with the game.
package gofish

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Deck geometry, fixed at OpenSpiel's defaults.
const (
	Ranks = 13
	Suits = 4
)

// Def registers the game as "gofish".
var Def = game.Def{
	Name: "gofish",
	Doc:  "Go Fish, 52 cards, ask a seat for a rank, books of four, most books wins (OpenSpiel rules)",
	Params: []game.Param{
		{Name: "players", Doc: "number of seats", Default: 2, Min: 2, Max: game.MaxPlayers},
	},
	New: func(p game.Params) (game.Game, error) { return New(p["players"]) },
}

// Game is Go Fish for a fixed number of seats.
type Game struct {
	players int
}

var _ game.Game = Game{}

// New returns Go Fish for 2 to 6 seats.
func New(players int) (Game, error) {
	if players < 2 || players > game.MaxPlayers {
		return Game{}, fmt.Errorf("gofish: %d players, want 2..%d", players, game.MaxPlayers)
	}
	return Game{players: players}, nil
}

// Spec returns the canonical spec, e.g. "gofish:players=2".
func (g Game) Spec() string  { return Def.Canonical(game.Params{"players": g.players}) }
func (g Game) Players() int  { return g.players }
func (g Game) MoveBits() int { return 7 }
func (g Game) NewState() game.State {
	s := &State{}
	s.players = uint8(g.players)
	s.initial = 5
	if g.players == 2 {
		s.initial = 7
	}
	s.Reset()
	return s
}

func (g Game) Structure() game.Structure {
	return game.Structure{
		Topology:   game.NoBoard,
		Quantities: []string{"hand", "books"},
		Hidden:     true,
		Chance:     true,
		Goals:      []string{"collect"},
	}
}

// Phase is the stage of play, named as OpenSpiel names it.
type Phase uint8

// Phases. Deal, Fish and EmptyDraw are chance nodes.
const (
	Deal      Phase = iota // dealing the initial hands
	Ask                    // the current seat asks
	Fish                   // the asker draws after a miss
	EmptyDraw              // a seat with an empty hand draws
	GameOver
)

func (p Phase) String() string {
	switch p {
	case Deal:
		return "Deal"
	case Ask:
		return "Ask"
	case Fish:
		return "Fish"
	case EmptyDraw:
		return "EmptyDraw"
	}
	return "GameOver"
}

// AskEvent is one ask and its answer: the asker asked target for rank and got
// that many cards (0: go fish).
type AskEvent struct {
	Asker, Target, Rank, Got uint8
}

// recentAsks is how many asks the public record keeps in full.
const recentAsks = 8

// public is what every seat knows beyond the counts: it is derived from the
// asks and answers, never from a private card.
type public struct {
	// known[p][r] is how many cards of rank r seat p is publicly known to
	// hold: asking for r shows one, receiving shows the cards received,
	// drawing the asked rank shows itself (the asker goes on).
	known [game.MaxPlayers][Ranks]uint8
	// lacks[p] has bit r when seat p is known to hold no card of rank r: it
	// answered go fish for r or handed its r over, and has not drawn since.
	lacks [game.MaxPlayers]uint16
	asks  uint32 // asks made so far
	// recent holds the last asks, recent[(asks-1)%recentAsks] the newest.
	recent [recentAsks]AskEvent
}

func (p *public) ask(e AskEvent) {
	p.recent[p.asks%recentAsks] = e
	p.asks++
	k := &p.known[e.Asker][e.Rank]
	if *k == 0 {
		*k = 1
	}
	*k += e.Got
	p.lacks[e.Asker] &^= 1 << e.Rank
	p.known[e.Target][e.Rank] = 0
	p.lacks[e.Target] |= 1 << e.Rank
}

func (p *public) book(r int) {
	for i := range p.known {
		p.known[i][r] = 0
		p.lacks[i] &^= 1 << r
	}
}

// State is a true position: every hand and the deck.
type State struct {
	hand     [game.MaxPlayers][Ranks]uint8
	count    [game.MaxPlayers]uint8 // hand sizes
	held     [game.MaxPlayers]uint16
	books    [game.MaxPlayers]uint8
	owner    [Ranks]int8 // seat that made the book of each rank, -1: none
	pool     [Ranks]uint8
	poolMask uint16 // ranks left in the deck
	poolSize uint8
	booked   uint8 // books made
	players  uint8
	initial  uint8 // cards dealt to each seat
	phase    Phase
	cur      uint8 // the seat asking or drawing (0 during the deal)
	lastAsk  uint8 // rank of the last missed ask, while fishing
	pub      public
}

var (
	_ game.State         = (*State)(nil)
	_ game.ChanceState   = (*State)(nil)
	_ game.HiddenState   = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
)

func (s *State) Reset() {
	*s = State{players: s.players, initial: s.initial, poolMask: 1<<Ranks - 1, poolSize: Ranks * Suits}
	for r := range s.pool {
		s.pool[r] = Suits
		s.owner[r] = -1
	}
}

func (s *State) ToMove() int {
	if s.phase == Ask || s.phase == GameOver {
		return int(s.cur)
	}
	return game.Chance
}

func (s *State) Terminal() bool    { return s.phase == GameOver }
func (s *State) Clone() game.State { c := *s; return &c }

// Phase returns the stage of play.
func (s *State) Phase() Phase { return s.phase }

func (s *State) Legal(dst []game.Move) []game.Move {
	switch s.phase {
	case Ask:
		return appendAsks(dst, int(s.cur), int(s.players), s.held[s.cur], &s.count)
	case GameOver:
		return dst
	}
	for m := s.poolMask; m != 0; m &= m - 1 {
		dst = append(dst, game.Move(bits.TrailingZeros16(m)))
	}
	return dst
}

// appendAsks lists the asks of seat cur holding the ranks in held: every
// other seat with cards, every rank held, in OpenSpiel's order.
func appendAsks(dst []game.Move, cur, players int, held uint16, count *[game.MaxPlayers]uint8) []game.Move {
	for t := 0; t < players; t++ {
		if t == cur || count[t] == 0 {
			continue
		}
		for m := held; m != 0; m &= m - 1 {
			dst = append(dst, game.Move(t*Ranks+bits.TrailingZeros16(m)))
		}
	}
	return dst
}

// ChanceWeights weighs each rank by the cards of it left in the deck.
func (s *State) ChanceWeights(dst []uint32) []uint32 {
	if s.phase == Ask || s.phase == GameOver {
		return dst
	}
	for m := s.poolMask; m != 0; m &= m - 1 {
		dst = append(dst, uint32(s.pool[bits.TrailingZeros16(m)]))
	}
	return dst
}

// Apply follows OpenSpiel's GoFishState::DoApplyAction step for step.
func (s *State) Apply(m game.Move) {
	advance := false
	switch s.phase {
	case Deal:
		p := 0
		for s.count[p] == s.initial {
			p++
		}
		r := int(m)
		s.draw(p, r)
		if s.count[p] == s.initial && p == int(s.players)-1 {
			s.phase, s.cur = Ask, 0
		}
		s.checkBook(p, r)
		return
	case Ask:
		cur, t, r := int(s.cur), int(m)/Ranks, int(m)%Ranks
		got := s.hand[t][r]
		s.pub.ask(AskEvent{Asker: uint8(cur), Target: uint8(t), Rank: uint8(r), Got: got})
		switch {
		case got > 0:
			s.hand[cur][r] += got
			s.count[cur] += got
			s.held[cur] |= 1 << r
			s.hand[t][r] = 0
			s.count[t] -= got
			s.held[t] &^= 1 << r
			s.checkBook(cur, r)
		case s.poolSize > 0:
			s.phase, s.lastAsk = Fish, uint8(r)
		default:
			advance = true
		}
	case Fish, EmptyDraw:
		cur, r := int(s.cur), int(m)
		hit := s.phase == Fish && r == int(s.lastAsk)
		s.draw(cur, r)
		s.pub.lacks[cur] = 0
		if hit {
			s.pub.known[cur][r]++ // public: the asker goes on
		}
		advance = s.phase == Fish && !hit
		s.phase = Ask
		s.checkBook(cur, r)
	default:
		panic("gofish: Apply on a finished game")
	}
	if s.phase != GameOver && advance {
		s.cur = s.next(s.cur)
	}
	if s.phase == Ask {
		s.checkEmptyAsk()
	}
}

// draw moves a card of rank r from the deck to seat p's hand.
func (s *State) draw(p, r int) {
	s.pool[r]--
	if s.pool[r] == 0 {
		s.poolMask &^= 1 << r
	}
	s.poolSize--
	s.hand[p][r]++
	s.count[p]++
	s.held[p] |= 1 << r
}

// checkBook lays down seat p's book of rank r if it is complete, and ends the
// game when it was the last.
func (s *State) checkBook(p, r int) {
	if s.hand[p][r] < Suits {
		return
	}
	s.hand[p][r] = 0
	s.count[p] -= Suits
	s.held[p] &^= 1 << r
	s.books[p]++
	s.owner[r] = int8(p)
	s.pub.book(r)
	s.booked++
	if s.booked == Ranks {
		s.phase = GameOver
	}
}

// checkEmptyAsk handles a seat that cannot ask: with an empty hand it draws
// (or, with an empty deck, the turn goes to the next seat with cards); with
// nobody to ask, the turn passes and the next seat draws.
func (s *State) checkEmptyAsk() {
	if s.count[s.cur] == 0 {
		if s.poolSize > 0 {
			s.phase = EmptyDraw
			return
		}
		for c := s.next(s.cur); ; c = s.next(c) {
			if c == s.cur {
				panic("gofish: nobody holds cards in an unfinished game")
			}
			if s.count[c] > 0 {
				s.cur = c
				return
			}
		}
	}
	for p := uint8(0); p < s.players; p++ {
		if p != s.cur && s.count[p] > 0 {
			return
		}
	}
	s.phase = EmptyDraw
	s.cur = s.next(s.cur)
}

func (s *State) next(p uint8) uint8 {
	p++
	if p == s.players {
		p = 0
	}
	return p
}

// Winners returns the seats with the most books, or none if all tie.
func (s *State) Winners() game.Seats {
	if s.phase != GameOver {
		return 0
	}
	return winners(&s.books, int(s.players))
}

func winners(books *[game.MaxPlayers]uint8, players int) game.Seats {
	best := uint8(0)
	for _, b := range books[:players] {
		best = max(best, b)
	}
	var w game.Seats
	for p, b := range books[:players] {
		if b == best {
			w |= game.SeatSet(p)
		}
	}
	if w.Len() == players {
		return 0
	}
	return w
}

// Quantity reports a seat's hand size (q=0) and books (q=1).
func (s *State) Quantity(seat, q int) int {
	if q == 0 {
		return int(s.count[seat])
	}
	return int(s.books[seat])
}

// Hand returns how many cards of rank seat holds.
func (s *State) Hand(seat, rank int) int { return int(s.hand[seat][rank]) }

// MoveString renders a move as OpenSpiel does: "1g" asks seat 1 for rank g;
// a chance outcome is the rank letter.
func (s *State) MoveString(m game.Move) string { return moveString(s.phase, m) }

func moveString(ph Phase, m game.Move) string {
	if ph == Ask {
		return strconv.Itoa(int(m)/Ranks) + string(rune('a'+int(m)%Ranks))
	}
	return string(rune('a' + int(m)))
}

// String renders the position as OpenSpiel's ToString does: the phase, the
// current seat, a line "<rank><count>...:<books>" per seat (e.g.
// "c1d1f1g2h2:0") and the deck the same way, each line ending in a newline.
func (s *State) String() string {
	var b strings.Builder
	b.WriteString(s.phase.String())
	b.WriteByte('\n')
	b.WriteString(strconv.Itoa(int(s.cur)))
	b.WriteByte('\n')
	for p := 0; p < int(s.players); p++ {
		writeRanks(&b, &s.hand[p])
		fmt.Fprintf(&b, ":%d\n", s.books[p])
	}
	writeRanks(&b, &s.pool)
	b.WriteByte('\n')
	return b.String()
}

func writeRanks(b *strings.Builder, counts *[Ranks]uint8) {
	for r, n := range counts {
		if n > 0 {
			b.WriteByte(byte('a' + r))
			b.WriteByte(byte('0' + n))
		}
	}
}

// View returns what seat may know, as a *View. It allocates one small
// struct; ViewInto fills one the caller keeps.
func (s *State) View(seat int) game.State {
	v := &View{}
	s.ViewInto(v, seat)
	return v
}

// ViewInto overwrites v with what seat may know, without allocating.
func (s *State) ViewInto(v *View, seat int) {
	*v = View{
		seat:     uint8(seat),
		own:      s.hand[seat],
		count:    s.count,
		books:    s.books,
		owner:    s.owner,
		poolSize: s.poolSize,
		players:  s.players,
		initial:  s.initial,
		phase:    s.phase,
		cur:      s.cur,
		pub:      s.pub,
	}
}
