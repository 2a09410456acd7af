package ai

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"sort"

	"github.com/simpipe/simpipe/game"
)

var abKind = Kind{
	Name: "ab",
	Doc:  "alpha-beta (negamax, transposition table, iterative deepening to a node budget), optionally scored by file=ai.json; two-seat perfect-information games",
	Params: []game.Param{
		{Name: "nodes", Doc: "positions generated per move (the node budget)", Default: 20000, Min: 1, Max: 100_000_000},
	},
	Model: OptionalModel,
	New: func(g game.Game, a Args) (game.Player, error) {
		var ev Evaluator
		if a.Model != nil {
			e, err := a.Model.Evaluator(g)
			if err != nil {
				return nil, fmt.Errorf("ab: model evaluator: %w", err)
			}
			ev = e
		}
		return NewAlphaBeta(g, a.Ints["nodes"], ev)
	},
}

// ErrNotTwoSeatPerfect is returned by NewAlphaBeta for a game that has not
// exactly two seats, or has chance nodes or hidden information.
var ErrNotTwoSeatPerfect = errors.New("ab: alpha-beta needs a two-seat game without chance or hidden information")

// PositionHasher may be implemented by a game's states to give alpha-beta's
// transposition table an exact key: equal hashes must mean positions with
// the same future (legal moves, results). States without it are hashed
// from game.BoardState — every cell's seat and piece, the seat to move and
// any game.QuantityState quantities — which identifies the position in
// every board game built in except for counters the board does not show
// (checkers' quiet-move count for its draw rule). Without either, the
// table is not used.
type PositionHasher interface {
	PositionHash() uint64
}

// Scores, from the point of view of the seat to move: a true win is worth
// abWin, a loss -abWin, a draw 0; an evaluator's probability p is mapped to
// 2p-1, strictly inside (-1, 1), so true results dominate every estimate.
const abWin = 1000

// AlphaBeta is a negamax alpha-beta player for two-seat perfect-information
// games: iterative deepening, one ply at a time, until the next depth would
// generate more positions than the node budget allows (or the root is
// proven won or lost, or the whole game tree was searched); it then plays
// the best move of the deepest completed depth. A node is one generated
// position (a move applied to a copy), so the budget bounds the work,
// never the wall clock.
//
// Leaves at the depth limit are scored by the Evaluator when there is one,
// else as 0, a draw. Moves are ordered: the transposition table's best move
// first, then moves that win at once, then, with an evaluator and two or
// more plies to go, by the model's value of the position they lead to. The
// root's moves are shuffled with the rng once per Choose, so ties between
// equal moves fall to the game's rng; everything else is deterministic.
// The transposition table is emptied at every Choose, so a choice depends
// on the position and the rng alone. An AlphaBeta keeps scratch memory and
// must be used by one goroutine at a time.
type AlphaBeta struct {
	budget int
	ev     Evaluator
	cells  int
	zob    []uint64 // per (cell, seat, piece) key
	pieces int

	nodes   int  // generated in this Choose
	depth   int  // deepest depth completed in this Choose
	aborted bool // the budget ran out during the current depth
	leaves  bool // the current depth scored a leaf by the depth limit
	tt      []ttEntry
	gen     uint32
	plies   [][]abChild // scratch per ply
	legal   []game.Move
	stats   []MoveStat
}

var (
	_ game.Player = (*AlphaBeta)(nil)
	_ RootStatser = (*AlphaBeta)(nil)
)

type abChild struct {
	move  game.Move
	st    game.State
	order float64
}

type ttEntry struct {
	key   uint64
	score float64
	move  game.Move
	gen   uint32
	depth int16
	bound uint8 // ttExact, ttLower, ttUpper
	leafy bool  // the search below scored leaves by the depth limit
}

const (
	ttExact uint8 = iota + 1
	ttLower
	ttUpper
)

// NewAlphaBeta returns an alpha-beta player for g that generates at most
// nodes positions per move, scoring leaves with ev (nil: neutral). It fails
// with ErrNotTwoSeatPerfect for other games.
func NewAlphaBeta(g game.Game, nodes int, ev Evaluator) (*AlphaBeta, error) {
	if nodes < 1 {
		return nil, fmt.Errorf("ab: node budget %d, want at least 1", nodes)
	}
	st := g.NewState()
	_, chance := st.(game.ChanceState)
	_, hidden := st.(game.HiddenState)
	s := g.Structure()
	if g.Players() != 2 || chance || hidden || s.Chance || s.Hidden {
		return nil, fmt.Errorf("%w; %s is not one", ErrNotTwoSeatPerfect, g.Spec())
	}
	ab := &AlphaBeta{budget: nodes, ev: ev}
	if _, ok := st.(PositionHasher); !ok {
		if _, ok := st.(game.BoardState); ok {
			ab.cells, ab.pieces = s.Cells(), max(len(s.Pieces), 1)
			ab.zob = make([]uint64, ab.cells*2*ab.pieces+2+game.MaxPlayers*len(s.Quantities))
			x := uint64(0x9e3779b97f4a7c15)
			for i := range ab.zob {
				x = splitmix(x)
				ab.zob[i] = x
			}
		}
	}
	if _, ok := st.(PositionHasher); ok || ab.zob != nil {
		ab.tt = make([]ttEntry, 1<<min(max(bits.Len(uint(nodes)), 10), 20))
	}
	return ab, nil
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// hash returns st's transposition key and whether it has one.
func (ab *AlphaBeta) hash(st game.State) (uint64, bool) {
	if h, ok := st.(PositionHasher); ok {
		return h.PositionHash(), true
	}
	if ab.zob == nil {
		return 0, false
	}
	bs := st.(game.BoardState)
	var h uint64
	for i := range ab.cells {
		if seat, piece := bs.Cell(i); seat >= 0 {
			h ^= ab.zob[(i*2+seat&1)*ab.pieces+min(piece, ab.pieces-1)]
		}
	}
	base := ab.cells * 2 * ab.pieces
	h ^= ab.zob[base+st.ToMove()&1]
	if q, ok := st.(game.QuantityState); ok {
		nq := (len(ab.zob) - base - 2) / game.MaxPlayers
		for s := range 2 {
			for k := range nq {
				h ^= splitmix(ab.zob[base+2+s*nq+k] + uint64(q.Quantity(s, k)))
			}
		}
	}
	return h, true
}

// Choose searches s to the deepest depth the node budget allows and returns
// the best move found.
func (ab *AlphaBeta) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	ab.stats, ab.depth = ab.stats[:0], 0
	if len(legal) == 1 {
		return legal[0]
	}
	ab.nodes = 0
	ab.gen++
	root := ab.plyScratch(0)
	if len(legal) > ab.budget {
		return legal[rng.IntN(len(legal))]
	}
	for _, m := range legal {
		c := s.Clone()
		c.Apply(m)
		root = append(root, abChild{move: m, st: c})
	}
	ab.nodes = len(root)
	ab.plies[0] = root
	for i := len(root) - 1; i > 0; i-- { // Fisher-Yates: ties go to the rng
		j := rng.IntN(i + 1)
		root[i], root[j] = root[j], root[i]
	}
	seat := s.ToMove()
	var prevBest game.Move
	hasPrev := false
	scores := make([]float64, len(root))
	for depth := 1; ; depth++ {
		ab.aborted, ab.leaves = false, false
		alpha := math.Inf(-1)
		bi := -1
		for i := range root {
			v := ab.childValue(root[i].st, seat, depth-1, alpha, math.Inf(1), 1)
			if ab.aborted {
				break
			}
			scores[i] = v
			if v > alpha {
				alpha, bi = v, i
			}
		}
		if ab.aborted {
			break
		}
		// Keep this depth's order for the next: best first, the rest by
		// score (bounds below alpha keep their relative order).
		for i := range root {
			root[i].order = scores[i]
		}
		root[0], root[bi] = root[bi], root[0]
		scores[0], scores[bi] = scores[bi], scores[0]
		sort.SliceStable(root[1:], func(i, j int) bool { return root[1+i].order > root[1+j].order })
		ab.stats = ab.stats[:0]
		for i := range root {
			ab.stats = append(ab.stats, MoveStat{Move: root[i].move, Value: (max(-1, min(1, root[i].order/abWinOr1(root[i].order))) + 1) / 2})
		}
		if alpha <= -abWin && hasPrev {
			// Lost whatever we do: play the best move of the depth before,
			// which at least holds out against a shallower opponent.
			ab.depth = depth
			return stayLegal(prevBest, legal)
		}
		prevBest, hasPrev, ab.depth = root[0].move, true, depth
		if alpha >= abWin || !ab.leaves {
			break // proven, or the whole tree searched
		}
	}
	if !hasPrev { // not even depth 1 fitted the budget
		return root[0].move
	}
	return stayLegal(prevBest, legal)
}

// abWinOr1 scales a score for MoveStat.Value: proven results by abWin,
// estimates by 1.
func abWinOr1(v float64) float64 {
	if math.Abs(v) > 1 {
		return abWin
	}
	return 1
}

// stayLegal returns m if legal lists it, else legal[0]: a view may list
// moves the caller's legal lacks.
func stayLegal(m game.Move, legal []game.Move) game.Move {
	for _, l := range legal {
		if l == m {
			return m
		}
	}
	return legal[0]
}

// Depth returns the deepest depth, in plies, the last Choose completed (0
// when it had one move or the budget did not allow one ply).
func (ab *AlphaBeta) Depth() int { return ab.depth }

// RootStats reports the root's moves after the last Choose, best first,
// with their scores at the deepest completed depth as values in [0, 1]
// (1 a proven win, 0 a proven loss); moves pruned by alpha-beta carry an
// upper bound. It appends nothing when no depth was completed.
func (ab *AlphaBeta) RootStats(dst []MoveStat) []MoveStat { return append(dst, ab.stats...) }

// childValue returns the value for seat of st, reached by seat's move, with
// depth plies left; (alpha, beta) is seat's window.
func (ab *AlphaBeta) childValue(st game.State, seat, depth int, alpha, beta float64, ply int) float64 {
	if st.Terminal() {
		return terminalScore(st, seat)
	}
	if st.ToMove() == seat { // the same seat moves again
		return ab.negamax(st, depth, alpha, beta, ply)
	}
	return -ab.negamax(st, depth, -beta, -alpha, ply)
}

func terminalScore(st game.State, seat int) float64 {
	w := st.Winners()
	switch {
	case w == 0 || w.Len() > 1:
		return 0
	case w.Has(seat):
		return abWin
	}
	return -abWin
}

// negamax returns the value of non-terminal st for its seat to move, with
// depth plies left, failing soft within (alpha, beta).
func (ab *AlphaBeta) negamax(st game.State, depth int, alpha, beta float64, ply int) float64 {
	seat := st.ToMove()
	if depth <= 0 {
		ab.leaves = true
		if ab.ev == nil {
			return 0
		}
		return 2*ab.ev.Evaluate(st, seat) - 1
	}
	key, hashed := ab.hash(st)
	var ttMove game.Move
	hasTTMove := false
	var e *ttEntry
	if hashed {
		e = &ab.tt[key&uint64(len(ab.tt)-1)]
		if e.gen == ab.gen && e.key == key {
			ttMove, hasTTMove = e.move, true
			if int(e.depth) >= depth {
				switch {
				case e.bound == ttExact,
					e.bound == ttLower && e.score >= beta,
					e.bound == ttUpper && e.score <= alpha:
					ab.leaves = ab.leaves || e.leafy
					return e.score
				}
			}
		}
	}
	ab.legal = st.Legal(ab.legal[:0])
	if ab.nodes+len(ab.legal) > ab.budget {
		ab.aborted = true
		return 0
	}
	ab.nodes += len(ab.legal)
	kids := ab.plyScratch(ply)
	for _, m := range ab.legal {
		c := st.Clone()
		c.Apply(m)
		var o float64
		switch {
		case hasTTMove && m == ttMove:
			o = 4
		case c.Terminal():
			o = 2 + terminalScore(c, seat)/abWin // wins 3, draws 2, losses 1
		case ab.ev != nil && depth >= 2:
			o = ab.ev.Evaluate(c, seat)
		}
		kids = append(kids, abChild{move: m, st: c, order: o})
	}
	ab.plies[ply] = kids
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].order > kids[j].order })
	a0 := alpha
	outer := ab.leaves
	ab.leaves = false
	best, bestMove := math.Inf(-1), kids[0].move
	for i := range kids {
		v := ab.childValue(kids[i].st, seat, depth-1, alpha, beta, ply+1)
		if ab.aborted {
			return 0
		}
		if v > best {
			best, bestMove = v, kids[i].move
		}
		alpha = max(alpha, v)
		if alpha >= beta {
			break
		}
	}
	clear(kids) // drop the states for the collector
	leafy := ab.leaves
	ab.leaves = outer || leafy
	if hashed {
		bound := ttExact
		switch {
		case best <= a0:
			bound = ttUpper
		case best >= beta:
			bound = ttLower
		}
		*e = ttEntry{key: key, score: best, move: bestMove, gen: ab.gen, depth: int16(depth), bound: bound, leafy: leafy}
	}
	return best
}

// plyScratch returns the empty child list of ply, reusing its memory.
func (ab *AlphaBeta) plyScratch(ply int) []abChild {
	for len(ab.plies) <= ply {
		ab.plies = append(ab.plies, nil)
	}
	return ab.plies[ply][:0]
}
