// Package connect4 implements Connect Four on a 7-column, 6-row board. Seat
// 0 plays x and moves first. A move is the column 0-6, left to right, the
// same as OpenSpiel's action numbers.
package connect4

import (
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Def registers the game as "connect4".
var Def = game.Def{
	Name: "connect4",
	Doc:  "Connect Four, 7 columns x 6 rows, four in a row wins, x (seat 0) moves first",
	New:  func(game.Params) (game.Game, error) { return Game{}, nil },
}

const (
	cols   = 7
	rows   = 6
	stride = rows + 1 // one sentinel bit per column keeps shifts from wrapping
)

// Game is Connect Four. It has no parameters.
type Game struct{}

var _ game.Game = Game{}

func (Game) Spec() string         { return "connect4" }
func (Game) Players() int         { return 2 }
func (Game) MoveBits() int        { return 3 }
func (Game) NewState() game.State { return &State{open: 1<<cols - 1} }
func (Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.Square, Rows: rows, Cols: cols,
		Pieces: []string{"disc"}, Goals: []string{"line"},
		Symmetries: []string{game.MirrorLR},
	}
}

// State is a position: one bitboard per seat, bit col*stride+height with
// height 0 at the bottom.
type State struct {
	discs  [2]uint64
	height [cols]uint8
	open   uint8 // bit c set while column c has room
	turn   uint8
	winner int8 // -1: none
	over   bool
}

var (
	_ game.State      = (*State)(nil)
	_ game.BoardState = (*State)(nil)
	_ game.CellCoder  = (*State)(nil)
)

func (s *State) Reset()            { *s = State{open: 1<<cols - 1} }
func (s *State) ToMove() int       { return int(s.turn & 1) }
func (s *State) Terminal() bool    { return s.over }
func (s *State) Clone() game.State { c := *s; return &c }

func (s *State) Legal(dst []game.Move) []game.Move {
	if s.over {
		return dst
	}
	if s.open == 1<<cols-1 { // the common case: every column open
		return append(dst, 0, 1, 2, 3, 4, 5, 6)
	}
	return append(dst, legalByMask[s.open]...)
}

// legalByMask lists the columns of every 7-bit mask of open columns.
var legalByMask = func() (t [1 << cols][]game.Move) {
	for mask := range t {
		for c := 0; c < cols; c++ {
			if mask&(1<<c) != 0 {
				t[mask] = append(t[mask], game.Move(c))
			}
		}
	}
	return t
}()

func (s *State) Apply(m game.Move) {
	p := s.turn & 1
	s.discs[p] |= 1 << (uint(m)*stride + uint(s.height[m]))
	s.height[m]++
	if s.height[m] == rows {
		s.open &^= 1 << m
	}
	s.turn++
	if connected(s.discs[p]) {
		s.over, s.winner = true, int8(p)
	} else if s.turn == rows*cols {
		s.over, s.winner = true, -1
	}
}

// connected reports four in a row in b, vertically (shift 1), horizontally
// (stride) or diagonally (stride±1).
func connected(b uint64) bool {
	for _, d := range [4]uint{1, stride, stride - 1, stride + 1} {
		m := b & (b >> d)
		if m&(m>>(2*d)) != 0 {
			return true
		}
	}
	return false
}

func (s *State) Winners() game.Seats {
	if !s.over || s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

// Cell reports cell row*7+col, row 0 at the top.
func (s *State) Cell(i int) (seat, piece int) {
	r, c := i/cols, i%cols
	bit := uint64(1) << (uint(c)*stride + uint(rows-1-r))
	switch {
	case s.discs[0]&bit != 0:
		return 0, 0
	case s.discs[1]&bit != 0:
		return 1, 0
	}
	return -1, 0
}

// CellCodes writes every cell's code (0 empty, 1 x, 2 o), as Cell reads it,
// for the first len(dst) cells.
func (s *State) CellCodes(dst []uint8) {
	if len(dst) < rows*cols {
		for i := range dst {
			seat, _ := s.Cell(i)
			dst[i] = uint8(seat + 1)
		}
		return
	}
	// Row r's discs sit at bits c*stride + h of a bitboard, h = rows-1-r.
	// Shifted down by h and masked, bit c*stride times 127 covers bits
	// c*stride .. c*stride+6, distinct for all c and free of carries; bit
	// 8c among them puts column c's disc into byte c.
	const colBits = 1 | 1<<stride | 1<<(2*stride) | 1<<(3*stride) | 1<<(4*stride) | 1<<(5*stride) | 1<<(6*stride)
	const byteBits = 0x0001010101010101
	for r := range rows {
		h := uint(rows - 1 - r)
		x := (s.discs[0]>>h&colBits)*127&byteBits | (s.discs[1]>>h&colBits)*127&byteBits<<1
		row := dst[r*cols : r*cols+cols]
		for c := range row {
			row[c] = uint8(x >> (8 * c))
		}
	}
}

// MoveString renders a move as OpenSpiel does: "x3" drops x in column 3.
func (s *State) MoveString(m game.Move) string {
	return fmt.Sprintf("%c%d", "xo"[s.turn&1], m)
}

// String renders the board top row first, each row ending in a newline.
func (s *State) String() string {
	var b strings.Builder
	for i := 0; i < rows*cols; i++ {
		switch seat, _ := s.Cell(i); seat {
		case 0:
			b.WriteByte('x')
		case 1:
			b.WriteByte('o')
		default:
			b.WriteByte('.')
		}
		if i%cols == cols-1 {
			b.WriteByte('\n')
		}
	}
	return b.String()
}
