package checkers

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// DefaultDrawPlies is the default length of the draw rule: 40 moves by each
// side with neither a capture nor a man move.
const DefaultDrawPlies = 80

// Def registers the game as "checkers".
var Def = game.Def{
	Name: "checkers",
	Doc:  "English draughts / American checkers 8x8, White (seat 0) moves first, compulsory capture, draw after drawplies moves without capture or man move",
	Params: []game.Param{{
		Name:    "drawplies",
		Doc:     "consecutive moves (plies) without a capture or a man move that draw the game",
		Default: DefaultDrawPlies,
		Min:     1,
		Max:     maxDrawPlies,
	}},
	New: func(p game.Params) (game.Game, error) {
		return Game{DrawPlies: p["drawplies"]}, nil
	},
}

// Board geometry: a 64-bit board, bit row*8+col, row 0 at the top. Only the
// 32 dark squares (row+col odd) are ever occupied.
const (
	dark  uint64 = 0x55AA55AA55AA55AA
	fileA uint64 = 0x0101010101010101
	fileH        = fileA << 7
	rank8 uint64 = 0xFF       // row 0, White's far row
	rank1 uint64 = 0xFF << 56 // row 7, Black's far row
	// Starting men: Black on rows 0-2, White on rows 5-7.
	startBlack = dark & 0xFFFFFF
	startWhite = dark & (0xFFFFFF << 40)
)

// maxDrawPlies is the largest draw count a State holds.
const maxDrawPlies = 1<<16 - 1

// maxJumps bounds the jumps of one move (see the package doc).
const maxJumps = 9

// delta is the bit offset of one step in each direction.
var delta = [4]int{-9, -7, 9, 7}

// farRow[seat] is the row on which a man of seat is crowned.
var farRow = [2]uint64{rank8, rank1}

// Precomputed tables.
var (
	sq64 [32]uint8 // dark square index -> bit index
	sq32 [64]uint8 // bit index -> dark square index
	// midBit[d][sq] is the square jumped over from sq in direction d and
	// landBit[d][sq] the landing square, both 0 when the jump leaves the
	// board; landSq holds the landing bit index.
	midBit  [4][64]uint64
	landBit [4][64]uint64
	landSq  [4][64]uint8
)

func init() {
	for i := 0; i < 32; i++ {
		row := i / 4
		col := 2*(i%4) + 1 - row%2
		sq64[i] = uint8(row*8 + col)
		sq32[row*8+col] = uint8(i)
	}
	dr := [4]int{-1, -1, 1, 1}
	dc := [4]int{-1, 1, 1, -1}
	for sq := 0; sq < 64; sq++ {
		r, c := sq/8, sq%8
		for d := 0; d < 4; d++ {
			r2, c2 := r+2*dr[d], c+2*dc[d]
			if r2 < 0 || r2 > 7 || c2 < 0 || c2 > 7 {
				continue
			}
			midBit[d][sq] = 1 << uint((r+dr[d])*8+c+dc[d])
			landBit[d][sq] = 1 << uint(r2*8+c2)
			landSq[d][sq] = uint8(r2*8 + c2)
		}
	}
}

// shift moves every piece of b one square in direction d, dropping those
// that would leave the board.
func shift(b uint64, d int) uint64 {
	switch d {
	case 0:
		return (b &^ fileA) >> 9
	case 1:
		return (b &^ fileH) >> 7
	case 2:
		return (b &^ fileH) << 9
	default:
		return (b &^ fileA) << 7
	}
}

// unshift2 moves the squares of b two squares against direction d; it is
// the inverse of two shifts for squares that came from the board.
func unshift2(b uint64, d int) uint64 {
	if d < 2 {
		return b << uint(-2*delta[d])
	}
	return b >> uint(2*delta[d])
}

// Game is English draughts. The zero value uses DefaultDrawPlies.
type Game struct {
	// DrawPlies is the number of consecutive moves without a capture or a
	// man move that draws the game; 0 means DefaultDrawPlies, and values
	// above 65535 count as 65535 (the largest the spec accepts).
	DrawPlies int
}

var _ game.Game = Game{}

func (g Game) drawPlies() int {
	switch {
	case g.DrawPlies <= 0:
		return DefaultDrawPlies
	case g.DrawPlies > maxDrawPlies:
		return maxDrawPlies
	}
	return g.DrawPlies
}

func (g Game) Spec() string { return Def.Canonical(game.Params{"drawplies": g.drawPlies()}) }
func (Game) Players() int   { return 2 }
func (Game) MoveBits() int  { return 6 + 2*maxJumps + 1 }
func (g Game) NewState() game.State {
	s := &State{draw: uint16(g.drawPlies())}
	s.Reset()
	return s
}
func (Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.Square, Rows: 8, Cols: 8,
		Pieces:     []string{"man", "king"},
		Quantities: []string{"men", "kings"},
		Goals:      []string{"capture"},
		// No symmetry: the mirrors and quarter turns take dark squares to
		// light ones, the diagonal flips turn the men's forward direction
		// sideways, and the 180° turn swaps the seats' directions.
	}
}

// FromBoard returns the position described by rows, rank 8 (row 0) first,
// with seat toMove to play and the draw count at zero. Each row has eight
// characters: "." (or a space) for an empty square, "o" and "8" for a White
// (seat 0) man and king, "+" and "*" for a Black (seat 1) man and king, as
// String prints them; a leading rank digit is allowed and ignored. Pieces
// must stand on dark squares (row+col odd) and men not on their far row.
// The state is terminal at once when toMove has no legal move.
func (g Game) FromBoard(rows []string, toMove int) (*State, error) {
	if len(rows) != 8 {
		return nil, fmt.Errorf("checkers: %d rows, want 8", len(rows))
	}
	if toMove != 0 && toMove != 1 {
		return nil, fmt.Errorf("checkers: seat %d to move", toMove)
	}
	s := &State{draw: uint16(g.drawPlies()), turn: uint8(toMove), winner: -1}
	for r, line := range rows {
		if len(line) == 9 && line[0] >= '1' && line[0] <= '8' {
			line = line[1:]
		}
		if len(line) != 8 {
			return nil, fmt.Errorf("checkers: row %d %q is not 8 squares", r, rows[r])
		}
		for c := 0; c < 8; c++ {
			bit := uint64(1) << uint(r*8+c)
			seat, king := -1, false
			switch line[c] {
			case '.', ' ':
				continue
			case 'o':
				seat = 0
			case '8':
				seat, king = 0, true
			case '+':
				seat = 1
			case '*':
				seat, king = 1, true
			default:
				return nil, fmt.Errorf("checkers: row %d: unknown piece %q", r, line[c])
			}
			if bit&dark == 0 {
				return nil, fmt.Errorf("checkers: piece on light square %s", squareName(r*8+c))
			}
			if !king && bit&farRow[seat] != 0 {
				return nil, fmt.Errorf("checkers: uncrowned man on its far row at %s", squareName(r*8+c))
			}
			s.pieces[seat] |= bit
			if king {
				s.kings |= bit
			}
		}
	}
	if !s.hasMoves() {
		s.over, s.winner = true, int8(1-toMove)
	}
	return s, nil
}

// State is a position: a 64-bit board per seat (bit row*8+col), the kings of
// both seats, the seat to move and the draw count.
type State struct {
	pieces [2]uint64
	kings  uint64
	quiet  uint16 // consecutive moves without a capture or a man move
	draw   uint16 // quiet count that draws
	turn   uint8
	winner int8 // -1: none
	over   bool
}

var (
	_ game.State         = (*State)(nil)
	_ game.BoardState    = (*State)(nil)
	_ game.CellCoder     = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
)

func (s *State) Reset() {
	*s = State{pieces: [2]uint64{startWhite, startBlack}, draw: s.draw, winner: -1}
}

func (s *State) ToMove() int       { return int(s.turn) }
func (s *State) Terminal() bool    { return s.over }
func (s *State) Clone() game.State { c := *s; return &c }

// Quiet returns the number of consecutive moves made without a capture or a
// man move, the count of the draw rule.
func (s *State) Quiet() int { return int(s.quiet) }

func (s *State) Winners() game.Seats {
	if !s.over || s.winner < 0 {
		return 0
	}
	return game.SeatSet(int(s.winner))
}

// forward returns the first of the two directions the men of seat move in.
func forward(seat uint8) int { return 2 * int(seat) }

// hasMoves reports whether the side to move has a legal move.
func (s *State) hasMoves() bool {
	me, opp := s.pieces[s.turn], s.pieces[s.turn^1]
	empty := dark &^ (me | opp)
	k := me & s.kings
	f := forward(s.turn)
	for d := 0; d < 4; d++ {
		movers := k
		if d == f || d == f+1 {
			movers = me
		}
		if movers == 0 {
			continue
		}
		t := shift(movers, d)
		if t&empty != 0 || shift(t&opp, d)&empty != 0 {
			return true
		}
	}
	return false
}

func (s *State) Legal(dst []game.Move) []game.Move {
	if s.over {
		return dst
	}
	me, opp := s.pieces[s.turn], s.pieces[s.turn^1]
	empty := dark &^ (me | opp)
	k := me & s.kings
	f := forward(s.turn)
	var jumpers uint64
	for d := 0; d < 4; d++ {
		movers := k
		if d == f || d == f+1 {
			movers = me
		}
		jumpers |= unshift2(shift(shift(movers, d)&opp, d)&empty, d)
	}
	if jumpers != 0 {
		for jumpers != 0 {
			sq := bits.TrailingZeros64(jumpers)
			bit := uint64(1) << uint(sq)
			jumpers &^= bit
			head := game.Move(sq32[sq]) | 1<<5
			if k&bit != 0 {
				dst = jumps(dst, sq, 0, 4, 0, opp, empty|bit, 0, 0, head)
			} else {
				dst = jumps(dst, sq, f, f+2, farRow[s.turn], opp, empty|bit, 0, 0, head)
			}
		}
		return dst
	}
	for d := 0; d < 4; d++ {
		movers := k
		if d == f || d == f+1 {
			movers = me
		}
		for t := shift(movers, d) & empty; t != 0; t &= t - 1 {
			from := bits.TrailingZeros64(t) - delta[d]
			dst = append(dst, game.Move(sq32[from])|game.Move(4|d)<<6)
		}
	}
	return dst
}

// jumps appends every complete jump sequence of the piece on sq that has
// already jumped n times along path. Directions lo..hi-1 are open to it;
// landing on far crowns it and ends the move.
func jumps(dst []game.Move, sq, lo, hi int, far, opp, empty, path uint64, n uint, head game.Move) []game.Move {
	found := false
	for d := lo; d < hi; d++ {
		mid, land := midBit[d][sq], landBit[d][sq]
		if opp&mid == 0 || empty&land == 0 {
			continue
		}
		found = true
		p := path | uint64(d)<<(2*n)
		if land&far != 0 {
			dst = append(dst, head|game.Move(p|1<<(2*(n+1)))<<6)
			continue
		}
		dst = jumps(dst, int(landSq[d][sq]), lo, hi, far, opp&^mid, empty, p, n+1, head)
	}
	if !found && n > 0 {
		dst = append(dst, head|game.Move(path|1<<(2*n))<<6)
	}
	return dst
}

func (s *State) Apply(m game.Move) {
	p := s.turn
	from := int(sq64[m&31])
	bit := uint64(1) << uint(from)
	king := s.kings&bit != 0
	path := uint64(m >> 6)
	sq := from
	if m&(1<<5) == 0 {
		sq += delta[path&3]
		if king {
			s.quiet++
		} else {
			s.quiet = 0
		}
	} else {
		for ; path > 1; path >>= 2 {
			d := path & 3
			mid := midBit[d][sq]
			s.pieces[p^1] &^= mid
			s.kings &^= mid
			sq = int(landSq[d][sq])
		}
		s.quiet = 0
	}
	to := uint64(1) << uint(sq)
	s.pieces[p] = s.pieces[p]&^bit | to
	if king {
		s.kings = s.kings&^bit | to
	} else if to&farRow[p] != 0 {
		s.kings |= to
	}
	s.turn ^= 1
	switch {
	case !s.hasMoves():
		s.over, s.winner = true, int8(p)
	case s.quiet >= s.draw:
		s.over = true
	}
}

// Cell reports cell row*8+col, row 0 (rank 8) at the top: piece 0 is a man,
// 1 a king.
func (s *State) Cell(i int) (seat, piece int) {
	bit := uint64(1) << uint(i)
	if s.kings&bit != 0 {
		piece = 1
	}
	switch {
	case s.pieces[0]&bit != 0:
		return 0, piece
	case s.pieces[1]&bit != 0:
		return 1, piece
	}
	return -1, 0
}

// CellCodes writes every cell's code, as Cell reads it, from the bitboards.
func (s *State) CellCodes(dst []uint8) { game.BitboardCodes(dst, s.pieces[0], s.pieces[1], s.kings, 2) }

// Quantity reports the men (q = 0) or kings (q = 1) seat has on the board.
func (s *State) Quantity(seat, q int) int {
	if q == 0 {
		return bits.OnesCount64(s.pieces[seat] &^ s.kings)
	}
	return bits.OnesCount64(s.pieces[seat] & s.kings)
}

func squareName(sq int) string {
	return string([]byte{byte('a' + sq%8), byte('8' - sq/8)})
}

// MoveString renders m as "a3b4" for a step or "c5xa3xe1" for a jump,
// listing every landing square.
func (s *State) MoveString(m game.Move) string {
	sq := int(sq64[m&31])
	path := uint64(m >> 6)
	var b strings.Builder
	b.WriteString(squareName(sq))
	if m&(1<<5) == 0 {
		b.WriteString(squareName(sq + delta[path&3]))
		return b.String()
	}
	for ; path > 1; path >>= 2 {
		sq = int(landSq[path&3][sq])
		b.WriteByte('x')
		b.WriteString(squareName(sq))
	}
	return b.String()
}

// String renders the board as OpenSpiel does: rank 8 first, each line a
// rank digit and eight squares, then " abcdefgh"; every line ends in "\n".
func (s *State) String() string {
	var b strings.Builder
	b.Grow(90)
	for r := 0; r < 8; r++ {
		b.WriteString(strconv.Itoa(8 - r))
		for c := 0; c < 8; c++ {
			switch seat, piece := s.Cell(r*8 + c); {
			case seat < 0:
				b.WriteByte('.')
			default:
				b.WriteByte("o8+*"[2*seat+piece])
			}
		}
		b.WriteByte('\n')
	}
	b.WriteString(" abcdefgh\n")
	return b.String()
}
