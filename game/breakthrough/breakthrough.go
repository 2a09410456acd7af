// Package breakthrough implements Breakthrough on an 8x8 board. Seat 0 plays
// Black, starts on rows 0-1 (ranks 8 and 7) and moves first, down the board;
// seat 1 plays White on rows 6-7 and moves up. A piece steps one square
// straight or diagonally forward to an empty square, or captures diagonally
// forward. Reaching the far row or taking every opposing piece wins.
//
// A move is OpenSpiel's action number, ((row*8+col)*6+dir)*2+capture, where
// (row, col) is the from-square (row 0 at the top), dir 0-2 are Black's steps
// (row+1; col-1, col, col+1) and 3-5 White's (row-1; col-1, col, col+1), and
// capture is 1 when the target holds an opposing piece. Codes fit in 10 bits.
package breakthrough

import (
	"math/bits"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Def registers the game as "breakthrough".
var Def = game.Def{
	Name: "breakthrough",
	Doc:  "Breakthrough, 8x8, reach the far row or capture every piece, Black (seat 0) moves first",
	New:  func(game.Params) (game.Game, error) { return Game{}, nil },
}

const (
	size  = 8
	fileA = 0x0101010101010101 // column 0 of every row
	fileH = fileA << (size - 1)
	rank0 = 0xff                // row 0, White's goal
	rank7 = rank0 << (size * 7) // row 7, Black's goal
	black = 0xffff              // Black's start, rows 0-1
	white = black << (size * 6) // White's start, rows 6-7
)

// delta is the bit offset of each direction: bit = row*8 + col.
var delta = [6]int{7, 8, 9, -9, -8, -7}

// Game is Breakthrough. It has no parameters.
type Game struct{}

var _ game.Game = Game{}

func (Game) Spec() string         { return "breakthrough" }
func (Game) Players() int         { return 2 }
func (Game) MoveBits() int        { return 10 }
func (Game) NewState() game.State { s := &State{}; s.Reset(); return s }
func (Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.Square, Rows: size, Cols: size,
		Pieces: []string{"pawn"}, Goals: []string{"reach", "capture"},
		Symmetries: []string{game.MirrorLR},
	}
}

// State is a position: one bitboard per seat, bit row*8+col.
type State struct {
	pieces [2]uint64
	turn   uint8 // seat to move
	winner int8  // -1 while the game goes on
}

var (
	_ game.State      = (*State)(nil)
	_ game.BoardState = (*State)(nil)
	_ game.CellCoder  = (*State)(nil)
	_ game.Sampler    = (*State)(nil)
)

func (s *State) Reset() {
	*s = State{pieces: [2]uint64{black, white}, winner: -1}
}

func (s *State) ToMove() int       { return int(s.turn) }
func (s *State) Terminal() bool    { return s.winner >= 0 }
func (s *State) Clone() game.State { c := *s; return &c }

// Legal lists moves by kind (left diagonal, right diagonal, straight), each
// kind in ascending target order. Shifting whole bitboards finds every
// target at once, which is much faster than visiting each piece.
func (s *State) Legal(dst []game.Move) []game.Move {
	if s.winner >= 0 {
		return dst
	}
	p := s.turn
	own, opp := s.pieces[p], s.pieces[p^1]
	var left, straight, right uint64
	// A move is 12*to - 12*delta[dir] + 2*dir + capture, so each kind adds
	// a constant to 12*to: c for the left diagonal (dir 0 or 3), c-10
	// straight, c-20 right.
	c := -12 * delta[0]
	if p == 0 {
		left, straight, right = (own&^fileA)<<7&^own, own<<8&^(own|opp), (own&^fileH)<<9&^own
	} else {
		left, straight, right = (own&^fileA)>>9&^own, own>>8&^(own|opp), (own&^fileH)>>7&^own
		c = 2*3 - 12*delta[3]
	}
	// There are at most 48 moves; writing through a 64-array pointer at
	// k&63 needs no bounds or capacity checks.
	n := len(dst)
	dst = slices.Grow(dst, 64)[:n+64]
	buf := (*[64]game.Move)(dst[n:])
	k := emit(buf, 0, left, opp, c)
	k = emit(buf, k, right, opp, c-20)
	k = emit(buf, k, straight, 0, c-10)
	return dst[:n+k]
}

// SampleMove draws a uniformly random legal move from rng without listing
// the moves: it counts the three kinds of target squares, picks the r-th
// target and encodes it as Legal would.
func (s *State) SampleMove(rng *game.RNG) game.Move {
	p := s.turn
	own, opp := s.pieces[p], s.pieces[p^1]
	var left, straight, right uint64
	c := -12 * delta[0]
	if p == 0 {
		left, straight, right = (own&^fileA)<<7&^own, own<<8&^(own|opp), (own&^fileH)<<9&^own
	} else {
		left, straight, right = (own&^fileA)>>9&^own, own>>8&^(own|opp), (own&^fileH)>>7&^own
		c = 2*3 - 12*delta[3]
	}
	nl, nr := bits.OnesCount64(left), bits.OnesCount64(right)
	r := rng.IntN(nl + nr + bits.OnesCount64(straight))
	to, captures := straight, uint64(0)
	switch {
	case r < nl:
		to, captures = left, opp
	case r < nl+nr:
		to, captures, c, r = right, opp, c-20, r-nl
	default:
		c, r = c-10, r-nl-nr
	}
	for ; r > 0; r-- {
		to &= to - 1
	}
	low := to & -to
	capture := 0
	if captures&low != 0 {
		capture = 1
	}
	return game.Move(c + capture + int(bitIndex12[low*deBruijn>>58]))
}

// emit writes the move to each target in to at buf[k:], code 12*to+c plus
// the capture bit, and returns the new k. It finds each square by a de Bruijn
// multiplication: BSF, the default amd64 bit scan, is several times slower
// on AMD cores and dominated the playout profile.
func emit(buf *[64]game.Move, k int, to, opp uint64, c int) int {
	for to != 0 {
		low := to & -to
		to ^= low
		capture := 0
		if opp&low != 0 {
			capture = 1
		}
		buf[k&63] = game.Move(c + capture + int(bitIndex12[low*deBruijn>>58]))
		k++
	}
	return k
}

// deBruijn maps each single-bit word to a distinct top-6-bit value;
// bitIndex12 turns that value back into 12 times the bit's index.
const deBruijn = 0x03f79d71b4cb0a89

var bitIndex12 = func() (t [64]uint16) {
	for i := range 64 {
		t[uint64(1)<<i*deBruijn>>58] = uint16(12 * i)
	}
	return t
}()

func (s *State) Apply(m game.Move) {
	p := s.turn
	q := int(m >> 1)
	from := q / 6
	to := from + delta[q%6]
	bit := uint64(1) << uint(to)
	s.pieces[p] ^= 1<<uint(from) | bit
	s.pieces[p^1] &^= bit
	goal := uint64(rank7)
	if p == 1 {
		goal = rank0
	}
	if bit&goal != 0 || s.pieces[p^1] == 0 {
		s.winner = int8(p)
	}
	s.turn = p ^ 1
}

func (s *State) Winners() game.Seats {
	if s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

// Cell reports cell row*8+col, row 0 at the top; there is one piece kind.
func (s *State) Cell(i int) (seat, piece int) {
	switch bit := uint64(1) << uint(i); {
	case s.pieces[0]&bit != 0:
		return 0, 0
	case s.pieces[1]&bit != 0:
		return 1, 0
	}
	return -1, 0
}

// CellCodes writes every cell's code, as Cell reads it, from the bitboards.
func (s *State) CellCodes(dst []uint8) { game.BitboardCodes(dst, s.pieces[0], s.pieces[1], 0, 1) }

// square names the square at bit i as OpenSpiel does: file a-h, rank 8-row.
func square(b []byte, i int) []byte {
	return append(b, byte('a'+i%size), byte('0'+size-i/size))
}

// MoveString renders m as OpenSpiel does: "c7d6", with "*" for a capture.
func (s *State) MoveString(m game.Move) string {
	q := int(m >> 1)
	from := q / 6
	b := square(make([]byte, 0, 5), from)
	b = square(b, from+delta[q%6])
	if m&1 != 0 {
		b = append(b, '*')
	}
	return string(b)
}

// String renders the board as OpenSpiel's ToString: each rank as its digit
// then files a-h ("8bbbbbbbb"), then " abcdefgh", every line ending in a
// newline.
func (s *State) String() string {
	var b strings.Builder
	for i := 0; i < size*size; i++ {
		if i%size == 0 {
			b.WriteByte(byte('0' + size - i/size))
		}
		switch seat, _ := s.Cell(i); seat {
		case 0:
			b.WriteByte('b')
		case 1:
			b.WriteByte('w')
		default:
			b.WriteByte('.')
		}
		if i%size == size-1 {
			b.WriteByte('\n')
		}
	}
	b.WriteString(" abcdefgh\n")
	return b.String()
}
