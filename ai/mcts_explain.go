package ai

import "github.com/simpipe/simpipe/game"

var _ Explainer = (*MCTS)(nil)

// Explain searches like Choose and returns its move with the root's
// statistics: each legal move's visits and mean reward for the seat to move.
// Unlike Choose it searches a forced move too (Choose returns it at once),
// so that the scores say how the position stands.
func (m *MCTS) Explain(s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	var mv game.Move
	if len(legal) == 1 {
		// Choose searches whenever it has a choice; the search itself
		// lists the moves of s, so listing the one move twice only
		// defeats the shortcut.
		mv = m.Choose(s, []game.Move{legal[0], legal[0]}, rng)
	} else {
		mv = m.Choose(s, legal, rng)
	}
	scores := make([]MoveScore, len(legal))
	for i, l := range legal {
		scores[i].Move = l
	}
	// Sum over children in case a move has several (one per seat in open
	// loop, though the root's seat never changes).
	sums := make([]float64, len(legal))
	m.rootChildren(func(c game.Move, visits uint32, w float64) {
		if i := indexOf(legal, c); i >= 0 {
			scores[i].Visits += int(visits)
			sums[i] += w
		}
	})
	for i := range scores {
		if scores[i].Visits > 0 {
			scores[i].Value = sums[i] / float64(scores[i].Visits)
		}
	}
	return mv, scores
}
