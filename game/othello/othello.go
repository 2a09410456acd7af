// Package othello implements Othello (Reversi) on an 8x8 board, with the
// rules and encodings of OpenSpiel's "othello".
//
// Seat 0 is Black (x) and moves first; seat 1 is White (o). The start has
// d4 = o, e4 = x, d5 = x and e5 = o. Cells are numbered row*8+col, row 0 at
// the top (printed as line 1) and col 0 the a-file, so d3 is 19 and e6 is 44.
//
// A move is OpenSpiel's action number: the cell 0-63 where the mover places
// a disc, or Pass (64). A placement must outflank at least one opposing disc;
// every outflanked disc, in all eight directions, is flipped. Pass is legal,
// and the only legal move, exactly when the player to move has no placement
// while the opponent has one. The game ends as soon as neither player can
// place a disc (a full board included), so there is never a second pass.
// Most discs wins; equal counts are a draw.
package othello

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/simpipe/simpipe/game"
)

// Def registers the game as "othello".
var Def = game.Def{
	Name: "othello",
	Doc:  "Othello (Reversi), 8x8, Black (x, seat 0) moves first, forced passes, most discs wins",
	New:  func(game.Params) (game.Game, error) { return Game{}, nil },
}

// Pass is the move of a player who cannot place a disc (OpenSpiel action 64).
const Pass game.Move = 64

const (
	size  = 8
	cells = size * size

	// inner clears the a- and h-files. Masking the opponent's discs with it
	// keeps every shift with a horizontal component from wrapping between
	// rows: a run of flippable discs never touches the edge files.
	inner = 0x7e7e7e7e7e7e7e7e

	// Initial discs: e4 (28) and d5 (35) black, d4 (27) and e5 (36) white.
	startBlack = 1<<28 | 1<<35
	startWhite = 1<<27 | 1<<36
)

// Game is Othello. It has no parameters.
type Game struct{}

var _ game.Game = Game{}

func (Game) Spec() string         { return "othello" }
func (Game) Players() int         { return 2 }
func (Game) MoveBits() int        { return 7 }
func (Game) NewState() game.State { s := &State{}; s.Reset(); return s }
func (Game) Structure() game.Structure {
	return game.Structure{
		Topology: game.Square, Rows: size, Cols: size,
		Pieces: []string{"disc"}, Quantities: []string{"discs"},
		Goals: []string{"majority"},
		// The rules, not the initial position, are what the eight maps
		// keep: the mirror of the start swaps the colours of the centre.
		Symmetries: slices.Clone(game.Dihedral),
	}
}

// State is a position: one bitboard per seat, bit row*8+col, plus the
// placements of the player to move, kept up to date by Apply.
type State struct {
	discs [2]uint64
	moves uint64 // placements of the player to move; 0 means pass or over
	turn  uint8
	over  bool
}

var (
	_ game.State         = (*State)(nil)
	_ game.BoardState    = (*State)(nil)
	_ game.CellCoder     = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
)

// FromBoard builds a position from eight rows, top (line 1) first, each
// holding eight cells a to h: 'x' for Black (seat 0), 'o' for White (seat 1)
// and '.' or '-' for empty; spaces are ignored. toMove is the seat to move.
// As after any move, the position is over when neither player can place a
// disc, and toMove must pass when only the opponent can. It is meant for
// tests and analysis; the position need not be reachable.
func FromBoard(rows []string, toMove int) (*State, error) {
	if len(rows) != size {
		return nil, fmt.Errorf("othello: %d rows, want %d", len(rows), size)
	}
	if toMove != 0 && toMove != 1 {
		return nil, fmt.Errorf("othello: seat %d to move, want 0 or 1", toMove)
	}
	s := &State{turn: uint8(toMove)}
	for r, row := range rows {
		row = strings.ReplaceAll(row, " ", "")
		if len(row) != size {
			return nil, fmt.Errorf("othello: row %d %q has %d cells, want %d", r+1, row, len(row), size)
		}
		for c := 0; c < size; c++ {
			bit := uint64(1) << uint(r*size+c)
			switch row[c] {
			case 'x':
				s.discs[0] |= bit
			case 'o':
				s.discs[1] |= bit
			case '.', '-':
			default:
				return nil, fmt.Errorf("othello: row %d: bad cell %q", r+1, row[c])
			}
		}
	}
	s.update()
	return s, nil
}

func (s *State) Reset() {
	*s = State{discs: [2]uint64{startBlack, startWhite}}
	s.moves = placements(startBlack, startWhite)
}

func (s *State) ToMove() int       { return int(s.turn) }
func (s *State) Terminal() bool    { return s.over }
func (s *State) Clone() game.State { c := *s; return &c }

// Legal appends the placements in ascending cell order, or Pass.
func (s *State) Legal(dst []game.Move) []game.Move {
	if s.over {
		return dst
	}
	m := s.moves
	if m == 0 {
		return append(dst, Pass)
	}
	for m != 0 {
		dst = append(dst, game.Move(bits.TrailingZeros64(m)))
		m &= m - 1
	}
	return dst
}

func (s *State) Apply(m game.Move) {
	p := s.turn
	if m != Pass {
		own, opp := s.discs[p], s.discs[p^1]
		f := flips(own, opp, uint(m))
		s.discs[p] = own | f | 1<<uint(m)
		s.discs[p^1] = opp &^ f
	}
	s.turn = p ^ 1
	s.update()
}

// update sets moves for the player to move, and over when neither player
// can place a disc.
func (s *State) update() {
	own, opp := s.discs[s.turn], s.discs[s.turn^1]
	s.moves = placements(own, opp)
	s.over = s.moves == 0 && placements(opp, own) == 0
}

func (s *State) Winners() game.Seats {
	if !s.over {
		return 0
	}
	b, w := bits.OnesCount64(s.discs[0]), bits.OnesCount64(s.discs[1])
	switch {
	case b > w:
		return game.SeatSet(0)
	case w > b:
		return game.SeatSet(1)
	}
	return 0
}

// Cell reports cell row*8+col, row 0 at the top: the owning seat and piece
// 0 (a disc), or seat -1 when empty.
func (s *State) Cell(i int) (seat, piece int) {
	bit := uint64(1) << uint(i)
	switch {
	case s.discs[0]&bit != 0:
		return 0, 0
	case s.discs[1]&bit != 0:
		return 1, 0
	}
	return -1, 0
}

// CellCodes writes every cell's code, as Cell reads it, from the bitboards.
func (s *State) CellCodes(dst []uint8) { game.BitboardCodes(dst, s.discs[0], s.discs[1], 0, 1) }

// Quantity reports quantity 0, the number of discs seat has on the board.
func (s *State) Quantity(seat, q int) int {
	return bits.OnesCount64(s.discs[seat])
}

// MoveString renders a move as OpenSpiel does: "d3" for cell 19, "pass".
func (s *State) MoveString(m game.Move) string {
	if m == Pass {
		return "pass"
	}
	return string([]byte{'a' + byte(m%size), '1' + byte(m/size)})
}

// String renders the position in OpenSpiel's ToString format: a line saying
// who is to play (or "Terminal State:"), then the board with '-' for empty
// cells between file letters, with no final newline.
func (s *State) String() string {
	var b strings.Builder
	switch {
	case s.over:
		b.WriteString("Terminal State:\n")
	case s.turn == 0:
		b.WriteString("Black (x) to play:\n")
	default:
		b.WriteString("White (o) to play:\n")
	}
	const files = "  a b c d e f g h  "
	b.WriteString(files)
	for r := 0; r < size; r++ {
		b.WriteByte('\n')
		b.WriteByte('1' + byte(r))
		for c := 0; c < size; c++ {
			b.WriteByte(' ')
			switch seat, _ := s.Cell(r*size + c); seat {
			case 0:
				b.WriteByte('x')
			case 1:
				b.WriteByte('o')
			default:
				b.WriteByte('-')
			}
		}
		b.WriteByte(' ')
		b.WriteByte('1' + byte(r))
	}
	b.WriteByte('\n')
	b.WriteString(files)
	return b.String()
}

// Shift amounts: 1 along a row, 8 along a column, 7 and 9 along the
// diagonals. A left shift moves towards higher cells (east, south, south-west
// for 7, south-east for 9), a right shift the other way.

// placements returns the empty cells where the owner of own can place a
// disc against opp: for each of the eight directions, a Kogge-Stone flood
// from own through a run of opp (at most six discs long, found in four
// steps) to an empty cell.
func placements(own, opp uint64) uint64 {
	oh := opp & inner
	m := floodL(own, oh, 1) | floodR(own, oh, 1) |
		floodL(own, opp, 8) | floodR(own, opp, 8) |
		floodL(own, oh, 7) | floodR(own, oh, 7) |
		floodL(own, oh, 9) | floodR(own, oh, 9)
	return m &^ (own | opp)
}

// floodL returns the cells one step beyond each run of pro that starts next
// to a disc of gen, towards higher cells.
func floodL(gen, pro uint64, d uint) uint64 {
	f := pro & (gen << d)
	f |= pro & (f << d)
	pre := pro & (pro << d)
	f |= pre & (f << (2 * d))
	f |= pre & (f << (2 * d))
	return f << d
}

// floodR is floodL towards lower cells.
func floodR(gen, pro uint64, d uint) uint64 {
	f := pro & (gen >> d)
	f |= pro & (f >> d)
	pre := pro & (pro >> d)
	f |= pre & (f >> (2 * d))
	f |= pre & (f >> (2 * d))
	return f >> d
}

// flips returns the discs of opp that a disc placed by own on cell sq
// outflanks.
func flips(own, opp uint64, sq uint) uint64 {
	m := uint64(1) << sq
	oh := opp & inner
	return flipL(m, own, oh, 1) | flipR(m, own, oh, 1) |
		flipL(m, own, opp, 8) | flipR(m, own, opp, 8) |
		flipL(m, own, oh, 7) | flipR(m, own, oh, 7) |
		flipL(m, own, oh, 9) | flipR(m, own, oh, 9)
}

// flipL returns the run of opp next to m towards higher cells when a disc of
// own closes it, else 0.
func flipL(m, own, opp uint64, d uint) uint64 {
	f := opp & (m << d)
	f |= opp & (f << d)
	pre := opp & (opp << d)
	f |= pre & (f << (2 * d))
	f |= pre & (f << (2 * d))
	if (f<<d)&own == 0 {
		return 0
	}
	return f
}

// flipR is flipL towards lower cells.
func flipR(m, own, opp uint64, d uint) uint64 {
	f := opp & (m >> d)
	f |= opp & (f >> d)
	pre := opp & (opp >> d)
	f |= pre & (f >> (2 * d))
	f |= pre & (f >> (2 * d))
	if (f>>d)&own == 0 {
		return 0
	}
	return f
}
