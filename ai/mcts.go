package ai

import (
	"errors"
	"fmt"
	"math"

	"github.com/simpipe/simpipe/game"
)

// mctsParams are the integer parameters shared by the mcts and ai kinds.
var mctsParams = []game.Param{
	{Name: "iterations", Doc: "playouts per move", Default: 200, Min: 1, Max: 1_000_000},
	{Name: "c", Doc: "UCB1 exploration constant in hundredths (50 = 0.5)", Default: 50, Min: 0, Max: 10_000},
	{Name: "cutoff", Doc: "with a model: random moves (chance outcomes not counted) played past the new node before the model scores the position; 0 scores the new node", Default: 10, Min: 0, Max: 10_000},
}

var mctsKind = Kind{
	Name:   "mcts",
	Doc:    "UCT Monte Carlo tree search with an iteration budget, optionally guided by file=ai.json",
	Params: mctsParams,
	Model:  OptionalModel,
	New:    newMCTSPlayer,
}

var aiKind = Kind{
	Name:   "ai",
	Doc:    "a trained AI: MCTS guided by file=ai.json",
	Params: mctsParams,
	Model:  RequiredModel,
	New:    newMCTSPlayer,
}

func newMCTSPlayer(g game.Game, a Args) (game.Player, error) {
	var ev Evaluator
	if a.Model != nil {
		e, err := a.Model.Evaluator(g)
		if err != nil {
			return nil, fmt.Errorf("mcts: model evaluator: %w", err)
		}
		ev = e
	}
	return NewMCTS(g, a.Ints["iterations"], float64(a.Ints["c"])/100, ev, a.Ints["cutoff"])
}

// ErrNoDeterminizer is returned by NewMCTS for a hidden-information game
// whose views cannot be determinized.
var ErrNoDeterminizer = errors.New("mcts: hidden-information game without a game.Determinizer view")

// maxRollout bounds a rollout, in actions, for games that could otherwise
// cycle; a rollout that hits it scores as a draw.
const maxRollout = 1 << 16

// MCTS is a UCT Monte Carlo tree search player. Every Choose runs a fixed
// number of iterations from the given position, each of which
//
//   - selects a path down the tree by UCB1, mean reward + c·sqrt(ln N / n),
//     with the mean from the point of view of the seat that chose the move;
//     the kinds' default c = 0.5 beat sqrt(2) and 1.0 at connect4 and hex
//     (rewards lie in [0, 1], so the textbook sqrt(2) over-explores);
//   - expands one untried move of the node it stops at, chosen at random;
//   - plays random moves from there to the end of the game or, with an
//     Evaluator, for cutoff decisions, after which the evaluator scores the
//     position for every seat;
//   - adds each seat's reward to the nodes that seat moved into.
//
// Rewards: a winner gets 1/k when k seats share the win, a loser 0, and a
// draw gives every seat 1/n (0.5 each for two seats); a single-seat game
// without a winner scores 0. Evaluator probabilities are normalized to sum to
// 1 over the seats, the same scale.
//
// Games with chance nodes or hidden information are searched open loop:
// chance outcomes are sampled with their ChanceWeights whenever the search
// meets them and are not tree nodes, so a node stands for a sequence of
// decisions. The moves legal there, and even the seat to move, then differ
// between iterations; a child is identified by the seat and its move, only
// children legal in the current iteration compete, and UCB1 counts how often
// a child was available in place of the parent's visits (as in
// information-set MCTS). For hidden information each iteration runs on a
// fresh determinization of the deciding seat's view (game.Determinizer),
// which is single-observer information-set MCTS.
//
// Choose returns the most visited move at the root, ties going to the higher
// mean. All randomness comes from the RNG passed to Choose, so the same
// position and RNG state give the same move. An MCTS keeps its tree memory
// between calls and must be used by one goroutine at a time.
type MCTS struct {
	iterations int
	c          float64
	ev         Evaluator
	cutoff     int
	players    int
	// openLoop is set for games with chance nodes or hidden information,
	// where a node's legal moves and seat to move vary between iterations.
	openLoop bool
	hidden   bool

	nodes   []node // the tree, root at 0; reused between calls
	path    []int32
	legal   []game.Move
	weights []uint32
	slot    []int32 // legal index -> child node, open-loop scratch
	mark    []bool  // legal index -> has a child, closed-loop scratch
	reward  [game.MaxPlayers]float64
	scratch game.Scratch // rollouts through a game.Playouter
}

var _ game.Player = (*MCTS)(nil)

// node is one tree node: the move that led to it and the statistics of the
// seat that made that move. Children form a linked list in the arena.
type node struct {
	move    game.Move
	w       float64 // summed rewards of seat
	visits  uint32
	avail   uint32 // iterations in which the node could be selected (open loop)
	child   int32  // first child, 0 for none (the root is nobody's child)
	sibling int32  // next child of the same parent, 0 for none
	kids    int32
	nLegal  int32 // moves legal at the node, -1 until known (closed loop)
	idx     int32 // index of move in the parent's legal list when created
	seat    int8  // seat that played move; -1 at the root
}

// NewMCTS returns an MCTS player for g that runs iterations iterations per
// move with exploration constant c. With a non-nil ev, rollouts stop after
// cutoff decisions (chance outcomes do not count) and ev scores the position
// instead. It fails for a hidden-information game whose views do not
// implement game.Determinizer.
func NewMCTS(g game.Game, iterations int, c float64, ev Evaluator, cutoff int) (*MCTS, error) {
	if iterations < 1 {
		return nil, fmt.Errorf("mcts: %d iterations, want at least 1", iterations)
	}
	if c < 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return nil, fmt.Errorf("mcts: exploration constant %v, want a finite c >= 0", c)
	}
	if cutoff < 0 {
		return nil, fmt.Errorf("mcts: cutoff %d, want at least 0", cutoff)
	}
	st := g.NewState()
	_, chance := st.(game.ChanceState)
	h, hidden := st.(game.HiddenState)
	if hidden {
		if _, ok := h.View(0).(game.Determinizer); !ok {
			return nil, fmt.Errorf("%w: %s", ErrNoDeterminizer, g.Spec())
		}
	}
	return &MCTS{
		iterations: iterations,
		c:          c,
		ev:         ev,
		cutoff:     cutoff,
		players:    g.Players(),
		openLoop:   chance || hidden,
		hidden:     hidden,
	}, nil
}

// Choose searches from s and returns the most visited legal move.
func (m *MCTS) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	if len(legal) == 1 {
		return legal[0]
	}
	det, _ := s.(game.Determinizer)
	m.nodes = append(m.nodes[:0], node{child: 0, nLegal: -1, seat: -1})
	for range m.iterations {
		var st game.State
		if det != nil {
			st = det.Determinize(rng)
		} else {
			st = s.Clone()
		}
		if m.openLoop {
			m.iterateOpen(st, rng)
		} else {
			m.iterateClosed(st, rng)
		}
	}
	best, bestN, bestQ := legal[0], int64(-1), 0.0
	for c := m.nodes[0].child; c != 0; c = m.nodes[c].sibling {
		n := &m.nodes[c]
		q := n.w / float64(max(n.visits, 1))
		if int64(n.visits) > bestN || int64(n.visits) == bestN && q > bestQ {
			best, bestN, bestQ = n.move, int64(n.visits), q
		}
	}
	for _, l := range legal {
		if l == best {
			return best
		}
	}
	return legal[0] // the view listed moves the caller's legal lacks: stay legal
}

// iterateClosed runs one iteration on a game without chance or hidden
// information, where a node's position, and so its legal moves in their
// fixed order, is the same every time.
func (m *MCTS) iterateClosed(st game.State, rng *game.RNG) {
	m.path = append(m.path[:0], 0)
	cur := int32(0)
	for {
		n := &m.nodes[cur]
		if n.nLegal < 0 {
			m.legal = st.Legal(m.legal[:0])
			n.nLegal = int32(len(m.legal))
		} else if n.kids < n.nLegal {
			m.legal = st.Legal(m.legal[:0])
		}
		if n.nLegal == 0 {
			m.backup(m.result(st))
			return
		}
		if n.kids < n.nLegal {
			// Expand a random untried move; children keep their legal
			// index, so marking the tried ones costs one pass.
			m.mark = resize(m.mark, len(m.legal))
			for c := n.child; c != 0; c = m.nodes[c].sibling {
				m.mark[m.nodes[c].idx] = true
			}
			k := rng.IntN(int(n.nLegal - n.kids))
			i := 0
			for ; m.mark[i] || k > 0; i++ {
				if !m.mark[i] {
					k--
				}
			}
			seat := st.ToMove()
			st.Apply(m.legal[i])
			m.addChild(cur, m.legal[i], int32(i), seat)
			m.backup(m.rollout(st, rng))
			return
		}
		cur = m.selectUCB(cur)
		st.Apply(m.nodes[cur].move)
		m.path = append(m.path, cur)
	}
}

// iterateOpen runs one iteration open loop: chance outcomes are sampled as
// they come, and a node's legal moves and seat to move may differ from the
// last time it was visited.
func (m *MCTS) iterateOpen(st game.State, rng *game.RNG) {
	m.path = append(m.path[:0], 0)
	cur := int32(0)
	for {
		m.legal = st.Legal(m.legal[:0])
		if len(m.legal) == 0 {
			m.backup(m.result(st))
			return
		}
		seat := st.ToMove()
		if seat == game.Chance {
			m.applyChance(st, rng)
			continue
		}
		// slot[i] is the child for legal[i] and this seat, or 0.
		m.slot = resize(m.slot, len(m.legal))
		tried := 0
		for c := m.nodes[cur].child; c != 0; c = m.nodes[c].sibling {
			ch := &m.nodes[c]
			if int(ch.seat) != seat {
				continue
			}
			i := int(ch.idx)
			if i >= len(m.legal) || m.legal[i] != ch.move {
				i = indexOf(m.legal, ch.move)
			}
			if i >= 0 {
				m.slot[i] = c
				tried++
			}
		}
		if tried < len(m.legal) {
			k := rng.IntN(len(m.legal) - tried)
			i := 0
			for ; m.slot[i] != 0 || k > 0; i++ {
				if m.slot[i] == 0 {
					k--
				}
			}
			mv := m.legal[i]
			st.Apply(mv)
			m.addChild(cur, mv, int32(i), seat)
			m.nodes[len(m.nodes)-1].avail = 1
			m.backup(m.rollout(st, rng))
			return
		}
		// Every legal move has a child: UCB1 over those, with availability
		// counts in place of the parent's visits.
		best, bestU := int32(0), math.Inf(-1)
		for _, c := range m.slot {
			ch := &m.nodes[c]
			ch.avail++
			u := ch.w/float64(ch.visits) + m.c*math.Sqrt(math.Log(float64(ch.avail))/float64(ch.visits))
			if u > bestU {
				best, bestU = c, u
			}
		}
		cur = best
		st.Apply(m.nodes[cur].move)
		m.path = append(m.path, cur)
	}
}

// selectUCB returns the child of parent with the highest UCB1 score; every
// child has been visited, since it was created by a finished iteration.
func (m *MCTS) selectUCB(parent int32) int32 {
	p := &m.nodes[parent]
	explore := m.c * math.Sqrt(math.Log(float64(p.visits)))
	best, bestU := int32(0), math.Inf(-1)
	for c := p.child; c != 0; c = m.nodes[c].sibling {
		ch := &m.nodes[c]
		n := float64(ch.visits)
		u := ch.w/n + explore/math.Sqrt(n)
		if u > bestU {
			best, bestU = c, u
		}
	}
	return best
}

// addChild appends a child of parent for move (legal index idx) played by
// seat and puts it on the path.
func (m *MCTS) addChild(parent int32, move game.Move, idx int32, seat int) {
	c := int32(len(m.nodes))
	p := &m.nodes[parent]
	m.nodes = append(m.nodes, node{move: move, sibling: p.child, nLegal: -1, idx: idx, seat: int8(seat)})
	p = &m.nodes[parent] // append may have moved the arena
	p.child = c
	p.kids++
	m.path = append(m.path, c)
}

// rollout plays st on at random and returns every seat's reward.
func (m *MCTS) rollout(st game.State, rng *game.RNG) *[game.MaxPlayers]float64 {
	if po, ok := st.(game.Playouter); ok && m.ev == nil {
		// The same draws as the loop below in one call (a game process
		// plays it in one round trip); a rollout of maxRollout actions
		// scores as a draw, as below.
		if out := po.PlayUniform(rng, maxRollout, &m.scratch); out.Completed && len(out.Moves) < maxRollout {
			return m.result(st)
		}
		return m.draw()
	}
	decisions := 0
	for actions := 0; actions < maxRollout; actions++ {
		m.legal = st.Legal(m.legal[:0])
		if len(m.legal) == 0 {
			return m.result(st)
		}
		if st.ToMove() == game.Chance {
			m.applyChance(st, rng)
			continue
		}
		if m.ev != nil && decisions >= m.cutoff {
			return m.evaluate(st)
		}
		st.Apply(m.legal[rng.IntN(len(m.legal))])
		decisions++
	}
	return m.draw()
}

// applyChance samples a chance outcome of st, whose Legal is in m.legal.
func (m *MCTS) applyChance(st game.State, rng *game.RNG) {
	cs, ok := st.(game.ChanceState)
	if !ok {
		panic("mcts: chance node in a state without ChanceWeights")
	}
	m.weights = cs.ChanceWeights(m.weights[:0])
	st.Apply(m.legal[rng.Weighted(m.weights)])
}

// result returns the rewards of a terminal position.
func (m *MCTS) result(st game.State) *[game.MaxPlayers]float64 {
	w := st.Winners()
	if w == 0 {
		return m.draw()
	}
	share := 1 / float64(w.Len())
	for s := range m.players {
		m.reward[s] = 0
		if w.Has(s) {
			m.reward[s] = share
		}
	}
	return &m.reward
}

// draw returns the rewards of a draw: 1/n each, or 0 for a single seat,
// which cannot share a draw with anyone.
func (m *MCTS) draw() *[game.MaxPlayers]float64 {
	share := 1 / float64(m.players)
	if m.players == 1 {
		share = 0
	}
	for s := range m.players {
		m.reward[s] = share
	}
	return &m.reward
}

// evaluate scores a non-terminal position with the evaluator, normalizing
// the seats' win probabilities to sum to 1. A hidden-information game's
// position is shown to each seat as that seat's view, as in real play.
func (m *MCTS) evaluate(st game.State) *[game.MaxPlayers]float64 {
	h, _ := st.(game.HiddenState)
	sum := 0.0
	for s := range m.players {
		var p float64
		if h != nil {
			p = m.ev.Evaluate(h.View(s), s)
		} else {
			p = m.ev.Evaluate(st, s)
		}
		if !(p >= 0) { // NaN too
			p = 0
		}
		m.reward[s] = p
		sum += p
	}
	if m.players > 1 && sum > 0 {
		for s := range m.players {
			m.reward[s] /= sum
		}
	}
	return &m.reward
}

// backup adds reward to every node on the path, each from the point of view
// of the seat that moved into it.
func (m *MCTS) backup(reward *[game.MaxPlayers]float64) {
	for _, i := range m.path {
		n := &m.nodes[i]
		n.visits++
		if n.seat >= 0 {
			n.w += reward[n.seat]
		}
	}
}

// resize returns s with length n, every element zero, reusing its memory.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	s = s[:n]
	clear(s)
	return s
}

func indexOf(legal []game.Move, mv game.Move) int {
	for i, l := range legal {
		if l == mv {
			return i
		}
	}
	return -1
}

// rootChildren calls f with the move, visits and summed reward of every
// child of the last search's root (for mcts_explain.go).
func (m *MCTS) rootChildren(f func(mv game.Move, visits uint32, w float64)) {
	for c := m.nodes[0].child; c != 0; c = m.nodes[c].sibling {
		f(m.nodes[c].move, m.nodes[c].visits, m.nodes[c].w)
	}
}
