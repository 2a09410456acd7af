// Package nim implements Nim, a complete example of a game written outside
// simpipe's module: it implements the game package's interfaces, registers
// with a game.Def and gets simpipe's runs, training and evaluation from
// cli.Main (see cmd/nim and README.md).
//
// Two seats take turns removing stones from heaps: a move takes one or more
// stones from one heap. Under normal play the seat that takes the last stone
// wins; under misère play (misere=1) it loses. The game starts with heaps
// heaps holding first, first+1, first+2, ... stones (3, 4, 5 by default).
//
// A move is heap<<5 | take (take 1 to 31), written "h1-3" for three stones
// from heap 1. Heaps are numbered from 0.
package nim

import (
	"fmt"
	"math/bits"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Limits of the parameters: at most MaxHeaps heaps of at most 31 stones, so
// that a take fits in the 5 low bits of a move.
const (
	MaxHeaps = 8
	maxFirst = 31 - (MaxHeaps - 1)
)

// Def registers the game as "nim". Registry.New checks every parameter
// against Min and Max before it calls New.
var Def = game.Def{
	Name: "nim",
	Doc:  "Nim: take stones from one heap; taking the last stone wins (loses with misere=1)",
	Params: []game.Param{
		{Name: "heaps", Doc: "number of heaps", Default: 3, Min: 1, Max: MaxHeaps},
		{Name: "first", Doc: "stones in the first heap; each next heap has one more", Default: 3, Min: 1, Max: maxFirst},
		{Name: "misere", Doc: "1: taking the last stone loses", Default: 0, Min: 0, Max: 1},
	},
	New: func(p game.Params) (game.Game, error) {
		return New(p["heaps"], p["first"], p["misere"] == 1)
	},
}

// Game is Nim with fixed parameters. It is a value: immutable and safe for
// concurrent use, as game.Game requires.
type Game struct {
	heaps, first int
	misere       bool
}

var _ game.Game = Game{}

// New returns Nim with heaps heaps of first, first+1, ... stones.
func New(heaps, first int, misere bool) (Game, error) {
	if heaps < 1 || heaps > MaxHeaps || first < 1 || first > maxFirst {
		return Game{}, fmt.Errorf("nim: %d heaps from %d stones, want 1..%d heaps from 1..%d", heaps, first, MaxHeaps, maxFirst)
	}
	return Game{heaps: heaps, first: first, misere: misere}, nil
}

// Spec returns the canonical spec, e.g. "nim:heaps=3,first=3,misere=0".
func (g Game) Spec() string {
	m := 0
	if g.misere {
		m = 1
	}
	return Def.Canonical(game.Params{"heaps": g.heaps, "first": g.first, "misere": m})
}

func (g Game) Players() int { return 2 }

// MoveBits is 5 bits of take plus the bits of the largest heap number.
func (g Game) MoveBits() int { return 5 + bits.Len(uint(g.heaps-1)) }

// Structure tells feature generation that Nim has no board and two numbers
// per seat (see State.Quantity): the stones it has taken, and the nim-sum
// it faces.
func (g Game) Structure() game.Structure {
	return game.Structure{Topology: game.NoBoard, Quantities: []string{"stones", "nimsum"}}
}

func (g Game) NewState() game.State {
	s := &State{heaps: uint8(g.heaps), first: uint8(g.first), misere: g.misere}
	s.Reset()
	return s
}

// State is a position. It holds only arrays and numbers, so Clone is a
// plain copy and Apply never allocates.
type State struct {
	heap          [MaxHeaps]uint8
	taken         [2]uint16
	heaps, first  uint8
	turn          uint8 // seat to move; after the last stone, the seat that would move next
	left          uint16
	misere, ended bool
}

var (
	_ game.State         = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
)

func (s *State) Reset() {
	*s = State{heaps: s.heaps, first: s.first, misere: s.misere}
	for i := range int(s.heaps) {
		s.heap[i] = s.first + uint8(i)
		s.left += uint16(s.heap[i])
	}
}

func (s *State) ToMove() int       { return int(s.turn) }
func (s *State) Terminal() bool    { return s.left == 0 }
func (s *State) Clone() game.State { c := *s; return &c }

// Heaps returns the number of heaps.
func (s *State) Heaps() int { return int(s.heaps) }

// Heap returns the stones left on heap i.
func (s *State) Heap(i int) int { return int(s.heap[i]) }

// Legal lists every take from every heap, heap by heap, smallest take first.
func (s *State) Legal(dst []game.Move) []game.Move {
	for h := range int(s.heaps) {
		for take := 1; take <= int(s.heap[h]); take++ {
			dst = append(dst, game.Move(h<<5|take))
		}
	}
	return dst
}

func (s *State) Apply(m game.Move) {
	h, take := int(m>>5), uint8(m&31)
	s.heap[h] -= take
	s.left -= uint16(take)
	s.taken[s.turn] += uint16(take)
	s.turn ^= 1
}

// Winners: the seat that took the last stone (the one not to move) wins
// under normal play and loses under misère play.
func (s *State) Winners() game.Seats {
	if !s.Terminal() {
		return 0
	}
	last := int(s.turn ^ 1)
	if s.misere {
		return game.SeatSet(1 - last)
	}
	return game.SeatSet(last)
}

// Quantity returns the stones seat has taken (q=0), or the nim-sum it faces
// (q=1): the xor of the heaps for the seat to move, 0 for the other. The
// nim-sum is what a Nim player knows (Bouton: the seat to move wins under
// normal play exactly when it is not 0); a quantity is where a game author
// hands such knowledge to feature generation, and the trainer finds out
// how much it matters.
func (s *State) Quantity(seat, q int) int {
	if q == 0 {
		return int(s.taken[seat])
	}
	if seat != int(s.turn) || s.Terminal() {
		return 0
	}
	x := uint8(0)
	for _, h := range s.heap[:s.heaps] {
		x ^= h
	}
	return int(x)
}

func (s *State) MoveString(m game.Move) string { return fmt.Sprintf("h%d-%d", m>>5, m&31) }

// String draws the heaps, one line each, and who is to move or has won:
//
//	0: ooo
//	1: oooo
//	2: ooooo
//	seat 0 to move
func (s *State) String() string {
	var b strings.Builder
	for h := range int(s.heaps) {
		fmt.Fprintf(&b, "%d: %s\n", h, strings.Repeat("o", int(s.heap[h])))
	}
	if s.Terminal() {
		fmt.Fprintf(&b, "seat %d won", s.Winners().List()[0])
	} else {
		fmt.Fprintf(&b, "seat %d to move", s.turn)
	}
	return b.String()
}
