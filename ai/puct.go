package ai

import (
	"fmt"
	"math"
	"slices"

	"github.com/simpipe/simpipe/game"
)

// puctParams are the ai kind's integer parameters; the defaults are the
// strongest configuration measured (see the README's Players).
var puctParams = []game.Param{
	{Name: "iterations", Doc: "search iterations per move", Default: 200, Min: 1, Max: 1_000_000},
	{Name: "c", Doc: "PUCT exploration constant c_puct in hundredths (100 = 1.0)", Default: 100, Min: 0, Max: 100_000},
	{Name: "cutoff", Doc: "with rollout > 0: random moves (chance outcomes not counted) played from a new leaf before the model scores it", Default: 10, Min: 0, Max: 10_000},
	{Name: "temp", Doc: "prior temperature in hundredths: priors are softmax(afterstate value / temp)", Default: 10, Min: 1, Max: 100_000},
	{Name: "expand", Doc: "visits a node needs before its moves are scored and it grows children; until then a visit scores it as a leaf", Default: 1, Min: 1, Max: 1_000_000},
	{Name: "rollout", Doc: "percent weight of a rollout in a new leaf's value, the rest from the model", Default: 50, Min: 0, Max: 100},
	{Name: "solver", Doc: "1: prove wins, losses and draws in the tree (two-seat games without chance or hidden information) and play by them; 0: plain PUCT", Default: 0, Min: 0, Max: 1},
}

var aiKind = Kind{
	Name:   "ai",
	Doc:    "a trained AI: PUCT search with priors and leaf values from file=ai.json",
	Params: puctParams,
	// Specs stored before solver= existed name no solver; off by default
	// (it measured no stronger), they keep their meaning.
	quiet: []string{"solver"},
	Model: RequiredModel,
	New: func(g game.Game, a Args) (game.Player, error) {
		ev, err := a.Model.Evaluator(g)
		if err != nil {
			return nil, fmt.Errorf("ai: model evaluator: %w", err)
		}
		return NewPUCT(g, ev, PUCTConfig{
			Iterations: a.Ints["iterations"],
			C:          float64(a.Ints["c"]) / 100,
			Temp:       float64(a.Ints["temp"]) / 100,
			Rollout:    float64(a.Ints["rollout"]) / 100,
			Cutoff:     a.Ints["cutoff"],
			Expand:     a.Ints["expand"],
			Solver:     a.Ints["solver"] != 0,
		})
	},
}

// PUCT is an AlphaZero-style tree search guided by an Evaluator. Every
// Choose runs a fixed number of iterations from the given position, each of
// which
//
//   - selects a path down the tree by PUCT, Q + c·P·sqrt(N)/(1+n): Q is the
//     child's mean reward for the seat that chose it (before its first visit,
//     the model's value of the position it leads to), P its prior, N the
//     visits of its available siblings, n its own visits;
//   - expands the node it stops at once that node has had expand visits
//     (the root at once): every legal move gets a child whose afterstate —
//     the position after the move — is scored once, by its true result when
//     the game ends there, else by the model from the mover's point of view.
//     The priors are a softmax of those values at temperature temp, so a
//     winning move gets nearly all of the prior and a losing one nearly none.
//     These model calls are most of the search's cost: about the branching
//     factor per expansion, made in one batch when the evaluator can (an
//     n-tuple model reads the node's board once and each child's as a
//     change to it, and sums the children's tables side by side);
//   - scores a leaf (a node not yet expanded) by its afterstate value (no
//     further model call in a two-seat game, every seat's normalized value
//     otherwise), mixed with weight rollout with a random rollout from the
//     leaf that plays cutoff decisions and then asks the model (once, for
//     the seat to move, in a two-seat game);
//   - adds each seat's reward to the nodes that seat moved into.
//
// True results outrank every estimate, since an Evaluator stays strictly
// inside (0, 1). With PUCTConfig.Solver (the ai kind's solver=1) they are
// also proven up the tree in two-seat games without chance or hidden
// information, as MCTS-Solver does: a decided line is not searched again,
// a move proven lost is not chosen while another remains, and a proven win
// is played. Rewards and open-loop handling of chance and hidden
// information (determinization of the deciding seat's view) are those of
// MCTS, which documents them: a child is identified by its seat and move,
// and only children legal in the current iteration compete.
//
// Choose returns the most visited move at the root, ties going to the higher
// mean (with the solver, as PUCTConfig.Solver says). All randomness comes from the RNG passed to Choose. A PUCT keeps its
// tree memory between calls and must be used by one goroutine at a time.
type PUCT struct {
	playout
	iterations int
	c          float64
	temp       float64
	mix        float64 // weight of the rollout in a leaf's value, in [0, 1]
	cutoff     int
	expand     uint32
	openLoop   bool
	solver     bool // two seats, closed loop, PUCTConfig.Solver
	copies     stateCopier

	nodes []pnode // the tree, root at 0; reused between calls
	path  []int32
	slot  []int32 // legal index -> child node
	stats []MoveStat
	leafV [game.MaxPlayers]float64
	// batch is ev when it scores a node's children faster together; vals
	// and queued are the children's values and which wait for it.
	batch  batchEvaluator
	vals   []float64
	queued []bool
	scored []float64
}

var _ game.Player = (*PUCT)(nil)

// pnode is one PUCT tree node: the move that led to it, the statistics of
// the seat that made that move, and the model's afterstate value and prior.
type pnode struct {
	move    game.Move
	w       float64 // summed rewards of seat
	visits  uint32
	value   float32 // afterstate value for seat: the true result, or the model's
	prior   float32 // unnormalized prior, exp((value-1)/temp)
	child   int32   // first child, 0 for none
	sibling int32   // next child of the same parent, 0 for none
	idx     int32   // index of move in the parent's legal list when created
	seat    int8    // seat that played move; -1 at the root
	// solved: value is seat's game-theoretic result, proven by the tree
	// (a terminal afterstate, or children that decide the node).
	solved bool
}

// PUCTConfig holds a PUCT player's parameters.
type PUCTConfig struct {
	// Iterations per move, at least 1.
	Iterations int
	// C is the exploration constant c_puct (rewards lie in [0, 1]).
	C float64
	// Temp is the prior temperature, > 0: priors are softmax(value/Temp)
	// over the moves' afterstate values.
	Temp float64
	// Rollout is the weight, in [0, 1], of a random rollout in a new leaf's
	// value; the model gives the rest. 0 never rolls out.
	Rollout float64
	// Cutoff is the rollout's length in decisions before the model scores
	// the position (chance outcomes not counted), as MCTS's cutoff.
	Cutoff int
	// Expand is the number of visits a node needs before it is expanded
	// (its moves scored by the model, which is most of a search's cost);
	// until then every visit scores it as a leaf. 0 means 1.
	Expand int
	// Solver proves results in the tree, as MCTS-Solver (Winands,
	// Björnsson and Saito 2008) does, in two-seat games without chance or
	// hidden information (elsewhere it does nothing): a terminal afterstate
	// is solved, and a node is solved once one of its moves is a proven win
	// for the seat to move there, or all of its moves are solved (its value
	// is then the best of theirs). An iteration that reaches a solved node
	// below the root backs up its exact result instead of going on; the
	// search never selects a move proven lost while another remains; and
	// Choose plays a proven win (an immediate one first), else the most
	// visited move that is not proven lost.
	Solver bool
}

// NewPUCT returns a PUCT player for g guided by ev (which must not be nil).
// It fails for a hidden-information game whose views do not implement
// game.Determinizer.
func NewPUCT(g game.Game, ev Evaluator, cfg PUCTConfig) (*PUCT, error) {
	switch {
	case ev == nil:
		return nil, fmt.Errorf("puct: needs a model")
	case cfg.Iterations < 1:
		return nil, fmt.Errorf("puct: %d iterations, want at least 1", cfg.Iterations)
	case !(cfg.C >= 0) || math.IsInf(cfg.C, 0):
		return nil, fmt.Errorf("puct: exploration constant %v, want a finite c >= 0", cfg.C)
	case !(cfg.Temp > 0) || math.IsInf(cfg.Temp, 0):
		return nil, fmt.Errorf("puct: temperature %v, want a finite temp > 0", cfg.Temp)
	case !(cfg.Rollout >= 0 && cfg.Rollout <= 1):
		return nil, fmt.Errorf("puct: rollout weight %v, want 0..1", cfg.Rollout)
	case cfg.Cutoff < 0:
		return nil, fmt.Errorf("puct: cutoff %d, want at least 0", cfg.Cutoff)
	}
	chance, hidden, err := searchable(g)
	if err != nil {
		return nil, err
	}
	batch, _ := ev.(batchEvaluator)
	if hidden {
		batch = nil // seatValue shows each seat its view
	}
	return &PUCT{
		batch:      batch,
		playout:    playout{players: g.Players(), ev: ev, complement: true},
		iterations: cfg.Iterations,
		c:          cfg.C,
		temp:       cfg.Temp,
		mix:        cfg.Rollout,
		cutoff:     cfg.Cutoff,
		expand:     uint32(max(cfg.Expand, 1)),
		openLoop:   chance || hidden,
		solver:     cfg.Solver && g.Players() == 2 && !chance && !hidden,
		copies:     newStateCopier(g.NewState()),
	}, nil
}

// Choose searches from s and returns the most visited legal move.
func (p *PUCT) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	p.nodes = append(p.nodes[:0], pnode{seat: -1})
	if len(legal) == 1 {
		return legal[0]
	}
	det, _ := s.(game.Determinizer)
	for range p.iterations {
		var st game.State
		if det != nil {
			st = det.Determinize(rng)
		} else {
			st = p.copies.copy(0, s)
		}
		p.iterate(st, rng)
	}
	if p.solver {
		return stayLegal(p.bestProven(legal[0]), legal)
	}
	p.stats = p.RootStats(p.stats[:0])
	return stayLegal(mostVisited(p.stats, legal[0]), legal)
}

// bestProven returns the root's move by the solver's rules: an immediate
// win, else a proven win (the most visited), else, when the root is solved,
// the most visited of the moves that keep its value, else the most visited
// move not proven lost; ties go to the higher mean, then to the first
// child. def is returned when the root has no children.
func (p *PUCT) bestProven(def game.Move) game.Move {
	root := &p.nodes[0]
	best, bestRank, bestN, bestQ := def, -1, uint32(0), 0.0
	for c := root.child; c != 0; c = p.nodes[c].sibling {
		ch := &p.nodes[c]
		rank := 1 // unproven
		switch {
		case ch.solved && ch.value >= 1 && ch.child == 0:
			rank = 4 // wins at once
		case ch.solved && ch.value >= 1:
			rank = 3
		case root.solved && ch.solved && ch.value == root.value:
			rank = 2 // keeps a proven draw or, in a lost position, the loss
		case ch.solved && ch.value <= 0:
			rank = 0
		}
		q := ch.q()
		if rank > bestRank || rank == bestRank && (ch.visits > bestN || ch.visits == bestN && q > bestQ) {
			best, bestRank, bestN, bestQ = ch.move, rank, ch.visits, q
		}
	}
	return best
}

// q is the node's mean reward for its seat, or its afterstate value before
// the first visit; for a solved node, its proven result.
func (n *pnode) q() float64 {
	if n.visits == 0 || n.solved {
		return float64(n.value)
	}
	return n.w / float64(n.visits)
}

// iterate runs one iteration on st, a fresh copy (or determinization) of
// the root position.
func (p *PUCT) iterate(st game.State, rng *game.RNG) {
	p.path = append(p.path[:0], 0)
	cur := int32(0)
	for {
		if cur != 0 && p.nodes[cur].solved {
			p.backupSolved(cur)
			return
		}
		p.legal = st.Legal(p.legal[:0])
		if len(p.legal) == 0 {
			p.backup(p.result(st))
			return
		}
		seat := st.ToMove()
		if seat == game.Chance {
			p.applyChance(st, rng)
			continue
		}
		if cur != 0 && p.nodes[cur].visits < p.expand {
			p.backup(p.leaf(st, cur, rng))
			return
		}
		// slot[i] is the child for legal[i] and this seat; the moves
		// without one get theirs now, each scored once.
		p.slot = resize(p.slot, len(p.legal))
		for c := p.nodes[cur].child; c != 0; c = p.nodes[c].sibling {
			ch := &p.nodes[c]
			if int(ch.seat) != seat {
				continue
			}
			i := int(ch.idx)
			if i >= len(p.legal) || p.legal[i] != ch.move {
				if !p.openLoop {
					panic("puct: a closed-loop node's legal moves changed")
				}
				i = indexOf(p.legal, ch.move)
			}
			if i >= 0 {
				p.slot[i] = c
			}
		}
		// A node's children come all at once (closed loop), and may
		// solve it; backupSolved solves the nodes above.
		grow := p.solver && slices.Contains(p.slot, 0)
		if p.batch != nil {
			p.addChildren(cur, st, seat)
		} else {
			for i, c := range p.slot {
				if c == 0 {
					p.slot[i] = p.addChild(cur, st, i, seat)
				}
			}
		}
		if grow && p.solve(cur) && cur != 0 {
			p.backupSolved(cur)
			return
		}
		cur = p.selectPUCT()
		st.Apply(p.nodes[cur].move)
		p.path = append(p.path, cur)
	}
}

// selectPUCT returns the child in p.slot with the highest PUCT score, the
// first in legal order on a tie.
func (p *PUCT) selectPUCT() int32 {
	var visits uint64
	var priors float64
	for _, c := range p.slot {
		visits += uint64(p.nodes[c].visits)
		priors += float64(p.nodes[c].prior)
	}
	explore := p.c * math.Sqrt(float64(max(visits, 1))) / priors
	best, bestU := int32(0), math.Inf(-1)
	lost, lostU := int32(0), math.Inf(-1)
	for _, c := range p.slot {
		ch := &p.nodes[c]
		u := ch.q() + explore*float64(ch.prior)/float64(1+ch.visits)
		switch {
		case ch.solved && ch.value <= 0:
			if u > lostU { // proven lost: only if every move is
				lost, lostU = c, u
			}
		case u > bestU:
			best, bestU = c, u
		}
	}
	if best == 0 {
		return lost
	}
	return best
}

// addChild appends a child of parent for legal[i], played by seat from st,
// with its afterstate value and prior, and returns it.
func (p *PUCT) addChild(parent int32, st game.State, i, seat int) int32 {
	mv := p.legal[i]
	after := p.copies.copy(1, st)
	after.Apply(mv)
	if after.Terminal() {
		c := p.newChild(parent, i, seat, p.terminalValue(after, seat))
		p.nodes[c].solved = p.solver
		return c
	}
	return p.newChild(parent, i, seat, min(p.seatValue(after, seat), 1))
}

// addChildren gives every legal move without a child in p.slot its child,
// in legal order, as addChild does, but with the model's values of the
// afterstates computed together by p.batch.
func (p *PUCT) addChildren(parent int32, st game.State, seat int) {
	p.vals, p.queued = resize(p.vals, len(p.legal)), resize(p.queued, len(p.legal))
	if !slices.Contains(p.slot, 0) {
		return
	}
	p.batch.near(st, seat)
	waiting := false
	for i, c := range p.slot {
		if c != 0 {
			continue
		}
		after := p.copies.copy(1, st)
		after.Apply(p.legal[i])
		p.queued[i] = !after.Terminal()
		if p.queued[i] {
			p.batch.queue(after, seat)
			waiting = true
		} else {
			p.vals[i] = p.terminalValue(after, seat)
		}
	}
	if waiting {
		p.scored = p.batch.flush(p.scored[:0])
	}
	next := 0
	for i, c := range p.slot {
		if c != 0 {
			continue
		}
		v := p.vals[i]
		if p.queued[i] {
			v = p.scored[next]
			next++
			if !(v >= 0) { // as seatValue
				v = 0
			}
			v = min(v, 1)
		}
		p.slot[i] = p.newChild(parent, i, seat, v)
		p.nodes[p.slot[i]].solved = p.solver && !p.queued[i]
	}
}

// terminalValue is seat's result in the terminal position after.
func (p *PUCT) terminalValue(after game.State, seat int) float64 {
	w := after.Winners()
	switch {
	case w.Has(seat):
		return 1 / float64(w.Len())
	case w == 0 && p.players > 1:
		return 1 / float64(p.players)
	}
	return 0
}

// newChild appends a child of parent for legal[i], played by seat, with
// afterstate value v, and returns it.
func (p *PUCT) newChild(parent int32, i, seat int, v float64) int32 {
	c := int32(len(p.nodes))
	pn := &p.nodes[parent]
	p.nodes = append(p.nodes, pnode{
		move:    p.legal[i],
		value:   float32(v),
		prior:   float32(math.Exp((v - 1) / p.temp)),
		sibling: pn.child,
		idx:     int32(i),
		seat:    int8(seat),
	})
	p.nodes[parent].child = c // append may have moved the arena
	return c
}

// leaf returns the rewards of st, the non-terminal position at the new leaf
// node n: the model's value mixed with a rollout's.
func (p *PUCT) leaf(st game.State, n int32, rng *game.RNG) *[game.MaxPlayers]float64 {
	if p.mix >= 1 {
		return p.rollout(st, rng, p.cutoff)
	}
	if p.players == 2 {
		s, v := int(p.nodes[n].seat), float64(p.nodes[n].value)
		p.leafV[s], p.leafV[1-s] = v, 1-v
	} else {
		p.leafV = *p.evaluate(st)
	}
	if p.mix > 0 {
		r := p.rollout(st, rng, p.cutoff)
		for s := range p.players {
			p.leafV[s] = (1-p.mix)*p.leafV[s] + p.mix*r[s]
		}
	}
	return &p.leafV
}

// solve marks n solved when its children decide it, as PUCTConfig.Solver
// describes, and reports whether n is solved. The root's value is then the
// result of the seat to move there, every other node's that of its seat. n is closed-loop and
// expanded, so its children are every legal move, all of one seat.
func (p *PUCT) solve(n int32) bool {
	nd := &p.nodes[n]
	if nd.solved || nd.child == 0 {
		return nd.solved
	}
	best, all, mover := float32(-1), true, int8(0)
	for c := nd.child; c != 0; c = p.nodes[c].sibling {
		ch := &p.nodes[c]
		mover = ch.seat
		if !ch.solved {
			all = false
			continue
		}
		best = max(best, ch.value)
	}
	if !all && best < 1 {
		return false
	}
	if nd.seat >= 0 && nd.seat != mover {
		best = 1 - best // two seats, rewards summing to 1
	}
	nd.solved, nd.value = true, best
	return true
}

// backupSolved ends an iteration at the solved node n, the last on the
// path: every node gets n's proven result as its reward, and the nodes
// above n are solved in turn while their children decide them.
func (p *PUCT) backupSolved(n int32) {
	if s := p.nodes[n].seat; s >= 0 {
		v := float64(p.nodes[n].value)
		p.leafV[s], p.leafV[1-s] = v, 1-v
	} else {
		// The root: no seat moved into it, and its rewards are not kept.
		p.leafV[0], p.leafV[1] = 0.5, 0.5
	}
	p.backup(&p.leafV)
	for i := len(p.path) - 2; i >= 0 && p.solve(p.path[i]); i-- {
	}
}

// backup adds reward to every node on the path, each from the point of view
// of the seat that moved into it.
func (p *PUCT) backup(reward *[game.MaxPlayers]float64) {
	for _, i := range p.path {
		n := &p.nodes[i]
		n.visits++
		if n.seat >= 0 {
			n.w += reward[n.seat]
		}
	}
}
