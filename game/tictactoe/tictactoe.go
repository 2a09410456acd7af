// Package tictactoe implements tic-tac-toe on a 3×3 board. Seat 0 plays x and
// moves first. A move is the cell number 3*row+col, row 0 at the top, the
// same as OpenSpiel's action numbers.
package tictactoe

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Def registers the game as "tictactoe".
var Def = game.Def{
	Name: "tictactoe",
	Doc:  "tic-tac-toe, 3x3, x (seat 0) moves first",
	New:  func(game.Params) (game.Game, error) { return Game{}, nil },
}

// Game is tic-tac-toe. It has no parameters.
type Game struct{}

var _ game.Game = Game{}

func (Game) Spec() string         { return "tictactoe" }
func (Game) Players() int         { return 2 }
func (Game) MoveBits() int        { return 4 }
func (Game) NewState() game.State { return &State{} }
func (Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.Square, Rows: 3, Cols: 3,
		Pieces: []string{"mark"}, Goals: []string{"line"},
		Symmetries: slices.Clone(game.Dihedral),
	}
}

// lines are the eight winning lines as cell bitmasks.
var lines = [8]uint16{
	0x007, 0x038, 0x1c0, // rows
	0x049, 0x092, 0x124, // columns
	0x111, 0x054, // diagonals
}

// State is a tic-tac-toe position: one bitboard per seat.
type State struct {
	marks  [2]uint16
	turn   uint8
	winner int8 // seat that completed a line, -1 none; valid when over
	over   bool
}

var (
	_ game.State      = (*State)(nil)
	_ game.BoardState = (*State)(nil)
)

func (s *State) Reset()            { *s = State{} }
func (s *State) ToMove() int       { return int(s.turn & 1) }
func (s *State) Terminal() bool    { return s.over }
func (s *State) Clone() game.State { c := *s; return &c }

func (s *State) Legal(dst []game.Move) []game.Move {
	if s.over {
		return dst
	}
	free := ^(s.marks[0] | s.marks[1]) & 0x1ff
	for free != 0 {
		c := bits.TrailingZeros16(free)
		dst = append(dst, game.Move(c))
		free &= free - 1
	}
	return dst
}

func (s *State) Apply(m game.Move) {
	p := s.turn & 1
	s.marks[p] |= 1 << m
	s.turn++
	b := s.marks[p]
	for _, l := range lines {
		if b&l == l {
			s.over, s.winner = true, int8(p)
			return
		}
	}
	if s.turn == 9 {
		s.over, s.winner = true, -1
	}
}

func (s *State) Winners() game.Seats {
	if !s.over || s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

func (s *State) Cell(i int) (seat, piece int) {
	switch {
	case s.marks[0]&(1<<i) != 0:
		return 0, 0
	case s.marks[1]&(1<<i) != 0:
		return 1, 0
	}
	return -1, 0
}

// MoveString renders a move as OpenSpiel does: "x(1,2)" is x on row 1, column 2.
func (s *State) MoveString(m game.Move) string {
	return fmt.Sprintf("%c(%d,%d)", "xo"[s.turn&1], m/3, m%3)
}

// String renders the board as three lines of '.', 'x' and 'o'.
func (s *State) String() string {
	var b strings.Builder
	for i := 0; i < 9; i++ {
		if i > 0 && i%3 == 0 {
			b.WriteByte('\n')
		}
		switch seat, _ := s.Cell(i); seat {
		case 0:
			b.WriteByte('x')
		case 1:
			b.WriteByte('o')
		default:
			b.WriteByte('.')
		}
	}
	return b.String()
}
