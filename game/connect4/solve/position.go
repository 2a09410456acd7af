package solve

import (
	"errors"
	"fmt"
	"math/bits"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
)

// Board size. The bit layout is connect4's: bit col*Stride+height, height 0
// at the bottom, one sentinel bit on top of every column.
const (
	Cols   = 7
	Rows   = 6
	Stride = Rows + 1
	Cells  = Cols * Rows
)

var (
	// ErrNotConnect4 is returned for a state that is not a connect4 state.
	ErrNotConnect4 = errors.New("solve: not a connect4 state")
	// ErrTerminal is returned for a finished game: it has no moves to value.
	ErrTerminal = errors.New("solve: game is over")
	// ErrBadPosition is returned for an impossible or finished position
	// given as columns or cells.
	ErrBadPosition = errors.New("solve: bad position")
)

const (
	bottomRow = 1 | 1<<Stride | 1<<(2*Stride) | 1<<(3*Stride) | 1<<(4*Stride) | 1<<(5*Stride) | 1<<(6*Stride)
	boardMask = bottomRow * (1<<Rows - 1)
)

func bottomBit(c int) uint64 { return 1 << (c * Stride) }
func topBit(c int) uint64    { return 1 << (c*Stride + Rows - 1) }
func columnMask(c int) uint64 {
	return (1<<Rows - 1) << (c * Stride)
}

// Position is a connect-four position as two bitboards: the discs of the
// side to move (cur) and all discs (mask). It is a small value; Play returns
// a new one.
type Position struct {
	cur, mask uint64
	moves     int
}

// Moves returns the number of discs on the board.
func (p Position) Moves() int { return p.moves }

// CanPlay reports whether column c has room.
func (p Position) CanPlay(c int) bool { return p.mask&topBit(c) == 0 }

// Play returns the position after the side to move drops a disc in column
// c, which must have room. It does not check for a win: see IsWinningMove.
func (p Position) Play(c int) Position {
	return p.playBit((p.mask + bottomBit(c)) & columnMask(c))
}

// playBit plays the move whose new disc is the single bit m.
func (p Position) playBit(m uint64) Position {
	return Position{cur: p.cur ^ p.mask, mask: p.mask | m, moves: p.moves + 1}
}

// IsWinningMove reports whether dropping a disc in column c, which must have
// room, makes four in a row for the side to move.
func (p Position) IsWinningMove(c int) bool {
	return p.winning()&p.possible()&columnMask(c) != 0
}

// CanWinNext reports whether the side to move has a winning move.
func (p Position) CanWinNext() bool { return p.winning()&p.possible() != 0 }

// Key identifies the position: cur+mask sets, in every column, the bits of
// the side to move's discs plus a run of ones below the column's first empty
// cell, which is unique for every (height, discs) pair.
func (p Position) Key() uint64 { return p.cur + p.mask }

// MirrorKey is the Key of the position reflected left to right, which has the
// same value.
func (p Position) MirrorKey() uint64 {
	const col = 1<<Stride - 1
	k := p.Key()
	return k&(col<<(3*Stride)) |
		(k&col)<<(6*Stride) | (k>>(6*Stride))&col |
		(k&(col<<Stride))<<(4*Stride) | (k>>(4*Stride))&(col<<Stride) |
		(k&(col<<(2*Stride)))<<(2*Stride) | (k>>(2*Stride))&(col<<(2*Stride))
}

// canonicalKey is the smaller of Key and MirrorKey: a position and its
// mirror image share one table entry.
func (p Position) canonicalKey() uint64 { return min(p.Key(), p.MirrorKey()) }

// possible returns the cells where a disc can be dropped now.
func (p Position) possible() uint64 { return (p.mask + bottomRow) & boardMask }

// winning returns the empty cells that would complete four for the side to
// move; opponentWinning the same for the other side.
func (p Position) winning() uint64         { return winningCells(p.cur, p.mask) }
func (p Position) opponentWinning() uint64 { return winningCells(p.cur^p.mask, p.mask) }

// nonLosing returns the playable cells after which the opponent cannot win
// at once: the only block if the opponent threatens one playable cell, none
// if it threatens two, and never the cell under an opponent's winning cell.
// Only meaningful when the side to move has no winning move.
func (p Position) nonLosing() uint64 {
	possible := p.possible()
	opp := p.opponentWinning()
	if forced := possible & opp; forced != 0 {
		if forced&(forced-1) != 0 {
			return 0
		}
		possible = forced
	}
	return possible &^ (opp >> 1)
}

// threats is the move-ordering score of the move at bit m: how many cells
// the mover would then threaten to complete.
func (p Position) threats(m uint64) int {
	return bits.OnesCount64(winningCells(p.cur|m, p.mask))
}

// winningCells returns the empty cells that complete four in a row for the
// discs d, in the direction of each shift (vertical 1, horizontal Stride,
// diagonals Stride±1), including cells not yet playable.
func winningCells(d, mask uint64) uint64 {
	// Vertical: three discs directly below.
	r := (d << 1) & (d << 2) & (d << 3)
	for _, s := range [3]uint{Stride, Stride - 1, Stride + 1} {
		two := (d << s) & (d << (2 * s)) // two behind
		r |= two & (d << (3 * s))        // three behind
		r |= two & (d >> s)              // two behind, one ahead
		two = (d >> s) & (d >> (2 * s))  // two ahead
		r |= two & (d << s)              // one behind, two ahead
		r |= two & (d >> (3 * s))        // three ahead
	}
	return r & (boardMask ^ mask)
}

// FromColumns replays a list of columns (0-6) from the empty board. It fails
// on a full column and on a move after four in a row.
func FromColumns(cols []int) (Position, error) {
	var p Position
	for i, c := range cols {
		if c < 0 || c >= Cols || !p.CanPlay(c) {
			return Position{}, fmt.Errorf("%w: move %d: column %d cannot be played", ErrBadPosition, i+1, c)
		}
		if p.IsWinningMove(c) && i != len(cols)-1 {
			return Position{}, fmt.Errorf("%w: move %d: the game ended at move %d", ErrBadPosition, i+2, i+1)
		}
		p = p.Play(c)
	}
	return p, nil
}

// FromState converts a connect4 state, which must not be terminal.
func FromState(s game.State) (Position, error) {
	st, ok := s.(*connect4.State)
	if !ok {
		return Position{}, fmt.Errorf("%w: %T", ErrNotConnect4, s)
	}
	if st.Terminal() {
		return Position{}, ErrTerminal
	}
	var discs [2]uint64
	n := 0
	for i := 0; i < Cells; i++ {
		seat, _ := st.Cell(i)
		if seat < 0 {
			continue
		}
		r, c := i/Cols, i%Cols
		discs[seat] |= 1 << (c*Stride + Rows - 1 - r)
		n++
	}
	toMove := st.ToMove()
	return Position{cur: discs[toMove], mask: discs[0] | discs[1], moves: n}, nil
}

// String renders the board like connect4.State.String, with the side to
// move as x when an even number of discs has been played.
func (p Position) String() string {
	var b []byte
	me, them := byte('x'), byte('o')
	if p.moves%2 == 1 {
		me, them = them, me
	}
	for r := Rows - 1; r >= 0; r-- {
		for c := 0; c < Cols; c++ {
			bit := uint64(1) << (c*Stride + r)
			switch {
			case p.cur&bit != 0:
				b = append(b, me)
			case p.mask&bit != 0:
				b = append(b, them)
			default:
				b = append(b, '.')
			}
		}
		b = append(b, '\n')
	}
	return string(b)
}
