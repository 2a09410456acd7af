package solve

import (
	"fmt"

	"github.com/simpipe/simpipe/game"
)

// DefaultTableBits is the log2 of the transposition table's entries when
// New is given 0: 2^23 entries of 8 bytes, 64 MiB.
const DefaultTableBits = 23

// columnOrder is the order in which moves are tried before sorting by
// threats: centre first, then outwards, left before right.
var columnOrder = [Cols]int{3, 2, 4, 1, 5, 0, 6}

// Solver computes exact connect-four values. It keeps its transposition
// table between calls, so solving positions of one game in turn is much
// cheaper than solving each with a fresh Solver. A Solver is not safe for
// concurrent use; its results never depend on what it solved before.
type Solver struct {
	tt    *table
	nodes uint64
}

// New returns a solver whose table has 2^tableBits entries (8 bytes each);
// 0 means DefaultTableBits.
func New(tableBits uint) *Solver {
	if tableBits == 0 {
		tableBits = DefaultTableBits
	}
	if tableBits < 10 || tableBits > 30 {
		panic(fmt.Sprintf("solve: table size 2^%d out of range 2^10..2^30", tableBits))
	}
	return &Solver{tt: newTable(tableBits)}
}

// Nodes returns the number of positions searched since the solver was made
// or last Reset.
func (s *Solver) Nodes() uint64 { return s.nodes }

// Reset empties the transposition table and the node count.
func (s *Solver) Reset() { s.tt.reset(); s.nodes = 0 }

// WinScore is the score of a win for the side to move by a disc dropped
// when n discs are on the board: 22 minus the number of discs the winner has
// then played, so a faster win scores higher (18 for a win with the fourth
// disc, 1 for a win with the 21st).
func WinScore(n int) int { return (Cells + 1 - n) / 2 }

// Solve returns the exact score of p for the side to move: positive when it
// wins, WinScore of the winning disc's ply under perfect play by both sides
// (faster wins score higher, slower losses score higher), 0 for a draw,
// negative when it loses. p must not be a finished game.
func (s *Solver) Solve(p Position) int { return s.solve(p, -Cells/2, (Cells+1)/2) }

// Weak returns the sign of Solve(p): 1 win, 0 draw, -1 loss for the side to
// move. It searches only the windows around 0, which is much cheaper.
func (s *Solver) Weak(p Position) int { return sign(s.solve(p, -1, 1)) }

// Exceeds reports whether Solve(p) > v with a single null-window search,
// which is cheap when v is far from 0 (only fast wins or fast losses are
// looked for). p must not be a finished game.
func (s *Solver) Exceeds(p Position, v int) bool {
	if p.CanWinNext() {
		return WinScore(p.moves) > v
	}
	return s.negamax(p, v, v+1) > v
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// solve narrows [lo, hi], which must contain the score or the score's side
// of it, by null-window searches until they meet. The test points favour
// small absolute scores first (half of lo or hi), which are wins and losses
// found at shallow depth, as iterative deepening would.
func (s *Solver) solve(p Position, lo, hi int) int {
	if p.CanWinNext() {
		return WinScore(p.moves)
	}
	lo = max(lo, -(Cells-p.moves)/2)
	hi = min(hi, (Cells-1-p.moves)/2)
	for lo < hi {
		med := lo + (hi-lo)/2
		if med <= 0 && lo/2 < med {
			med = lo / 2
		} else if med >= 0 && hi/2 > med {
			med = hi / 2
		}
		if r := s.negamax(p, med, med+1); r <= med {
			hi = r
		} else {
			lo = r
		}
	}
	return lo
}

// negamax returns a score v of p within the window (alpha, beta): the exact
// score if it lies inside, otherwise an upper bound ≤ alpha or a lower bound
// ≥ beta. The side to move must have no winning move; the children it
// searches never let the opponent win at once, which keeps that true below.
func (s *Solver) negamax(p Position, alpha, beta int) int {
	s.nodes++
	next := p.nonLosing()
	if next == 0 { // every move lets the opponent win
		return -(Cells - p.moves) / 2
	}
	if p.moves >= Cells-2 { // we play one cell, the opponent the last, no win
		return 0
	}
	// The opponent cannot win with its next disc, nor we with this one.
	if lo := -(Cells - 2 - p.moves) / 2; alpha < lo {
		alpha = lo
		if alpha >= beta {
			return alpha
		}
	}
	if hi := (Cells - 1 - p.moves) / 2; beta > hi {
		beta = hi
		if alpha >= beta {
			return beta
		}
	}
	key := p.canonicalKey()
	if v, lower, ok := s.tt.get(key); ok {
		if lower {
			if alpha < v {
				alpha = v
				if alpha >= beta {
					return alpha
				}
			}
		} else if beta > v {
			beta = v
			if alpha >= beta {
				return beta
			}
		}
	}
	var order moveList
	for _, c := range columnOrder {
		if m := next & columnMask(c); m != 0 {
			order.add(m, p.threats(m))
		}
	}
	for i := 0; i < order.n; i++ {
		v := -s.negamax(p.playBit(order.bit[i]), -beta, -alpha)
		if v >= beta {
			s.tt.putLower(key, v)
			return v
		}
		alpha = max(alpha, v)
	}
	s.tt.putUpper(key, alpha)
	return alpha
}

// moveList holds up to seven moves sorted by descending score; equal scores
// keep the order they were added in.
type moveList struct {
	bit   [Cols]uint64
	score [Cols]int
	n     int
}

func (l *moveList) add(bit uint64, score int) {
	i := l.n
	for ; i > 0 && l.score[i-1] < score; i-- {
		l.bit[i], l.score[i] = l.bit[i-1], l.score[i-1]
	}
	l.bit[i], l.score[i] = bit, score
	l.n++
}

// MoveScores returns the score, for the side to move, of every legal column
// of p (the score of the position after it, from the mover's side) and a
// bit set of the legal columns; with weak, the scores are signs only. p
// must not be a finished game.
func (s *Solver) MoveScores(p Position, weak bool) (scores [Cols]int, legal uint8) {
	for c := 0; c < Cols; c++ {
		if !p.CanPlay(c) {
			continue
		}
		legal |= 1 << c
		switch {
		case p.IsWinningMove(c):
			scores[c] = WinScore(p.moves)
		case p.moves == Cells-1:
			scores[c] = 0
		case weak:
			scores[c] = -s.Weak(p.Play(c))
		default:
			scores[c] = -s.Solve(p.Play(c))
		}
		if weak {
			scores[c] = sign(scores[c])
		}
	}
	return scores, legal
}

// MoveValue is a legal move with its score for the side to move.
type MoveValue struct {
	Move  game.Move
	Score int
}

// Analysis is the value of a position and of each of its legal moves.
type Analysis struct {
	// Score is the position's score for the side to move, the best of
	// Moves' scores (signs only for a weak analysis).
	Score int
	// Moves are the legal moves in connect4's order, left to right.
	Moves []MoveValue
}

// Preserving returns the moves whose score equals Score in sign: the
// winning moves of a won position, the drawing moves of a drawn one, every
// move of a lost one.
func (a Analysis) Preserving() []game.Move {
	var out []game.Move
	for _, m := range a.Moves {
		if sign(m.Score) == sign(a.Score) {
			out = append(out, m.Move)
		}
	}
	return out
}

// Analyze values a simpipe connect4 state, which must not be terminal, and
// each of its legal moves; with weak, the scores are signs only (1 win, 0
// draw, -1 loss), which is much cheaper early in the game.
func (s *Solver) Analyze(st game.State, weak bool) (Analysis, error) {
	p, err := FromState(st)
	if err != nil {
		return Analysis{}, err
	}
	scores, legal := s.MoveScores(p, weak)
	a := Analysis{Score: -Cells}
	for _, m := range st.Legal(nil) {
		if legal&(1<<m) == 0 {
			return Analysis{}, fmt.Errorf("%w: state lists column %d, which is full", ErrBadPosition, m)
		}
		a.Moves = append(a.Moves, MoveValue{Move: m, Score: scores[m]})
		a.Score = max(a.Score, scores[m])
	}
	return a, nil
}

// Preserving returns the value of p for the side to move (1 win, 0 draw,
// -1 loss) and the set of columns that keep it: the winning moves of a won
// position, the drawing moves of a drawn one, every legal move of a lost
// one. It needs one null-window search per column to find the wins and, in
// a position without one, one more to tell draws from losses, which is
// cheaper than a weak MoveScores. p must not be a finished game.
func (s *Solver) Preserving(p Position) (value int, keep uint8) {
	var legal, wins uint8
	for c := 0; c < Cols; c++ {
		if !p.CanPlay(c) {
			continue
		}
		legal |= 1 << c
		// The mover wins by c when the child scores at most -1 for the
		// opponent.
		if p.IsWinningMove(c) || !s.Exceeds(p.Play(c), -1) {
			wins |= 1 << c
		}
	}
	if wins != 0 {
		return 1, wins
	}
	var draws uint8
	for c := 0; c < Cols; c++ {
		// No move wins, so every child scores at least 0 for the
		// opponent; exactly 0 is a draw.
		if legal&(1<<c) != 0 && (p.moves == Cells-1 || !s.Exceeds(p.Play(c), 0)) {
			draws |= 1 << c
		}
	}
	if draws != 0 {
		return 0, draws
	}
	return -1, legal
}
