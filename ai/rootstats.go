package ai

import "github.com/simpipe/simpipe/game"

// MoveStat is what a search found for one legal move at the root.
type MoveStat struct {
	Move game.Move
	// Visits is the number of iterations through the move (0 for
	// alpha-beta).
	Visits int
	// Value is the mover's mean reward through the move, in [0, 1] (win 1,
	// draw 1/seats); for an unvisited PUCT move, the model's value of its
	// afterstate; for alpha-beta, the move's score at the deepest completed
	// depth.
	Value float64
	// Prior is the PUCT prior, summing to 1 over the root's moves; 0 for
	// searches without priors.
	Prior float64
}

// RootStatser is implemented by players that can report, after Choose,
// the statistics of the root's moves (for `move --json`, debugging, and
// tests). The stats are valid until the next Choose.
type RootStatser interface {
	// RootStats appends one MoveStat per root move the last Choose
	// searched, in no promised order but a deterministic one, to dst and
	// returns it. It appends nothing when Choose had a single legal move.
	RootStats(dst []MoveStat) []MoveStat
}

var (
	_ RootStatser = (*MCTS)(nil)
	_ RootStatser = (*PUCT)(nil)
)

// RootStats reports the root's children after the last Choose: visits and
// mean reward of the mover. Moves never expanded are missing.
func (m *MCTS) RootStats(dst []MoveStat) []MoveStat {
	if len(m.nodes) == 0 {
		return dst
	}
	for c := m.nodes[0].child; c != 0; c = m.nodes[c].sibling {
		n := &m.nodes[c]
		dst = append(dst, MoveStat{Move: n.move, Visits: int(n.visits), Value: n.w / float64(max(n.visits, 1))})
	}
	return dst
}

// RootStats reports the root's children after the last Choose: visits,
// mean reward of the mover (the model's afterstate value if unvisited) and
// normalized prior. In an open-loop game the root's children may include
// moves of several determinizations; the priors are normalized over all.
func (p *PUCT) RootStats(dst []MoveStat) []MoveStat {
	if len(p.nodes) == 0 {
		return dst
	}
	start := len(dst)
	var sum float64
	for c := p.nodes[0].child; c != 0; c = p.nodes[c].sibling {
		n := &p.nodes[c]
		dst = append(dst, MoveStat{Move: n.move, Visits: int(n.visits), Value: n.q(), Prior: float64(n.prior)})
		sum += float64(n.prior)
	}
	for i := start; i < len(dst); i++ {
		dst[i].Prior /= sum
	}
	return dst
}

// mostVisited returns the move of stats with the most visits, ties going
// to the higher value and then to the first, or def when stats is empty.
func mostVisited(stats []MoveStat, def game.Move) game.Move {
	best, bestN, bestQ := def, -1, 0.0
	for _, s := range stats {
		if s.Visits > bestN || s.Visits == bestN && s.Value > bestQ {
			best, bestN, bestQ = s.Move, s.Visits, s.Value
		}
	}
	return best
}
