package ai

import (
	"slices"

	"github.com/simpipe/simpipe/game"
)

// Explainer is implemented by players that can show how they rate each legal
// move, for debugging an AI and for 'simpipe move --json'. Greedy and Random
// implement it; searches (mcts, ai, ab) are explained through RootStatser.
type Explainer interface {
	game.Player
	// Explain returns the move Choose would return from the same position
	// and rng state, and a score for every move of legal, in legal's order.
	// It may draw from rng differently than Choose.
	Explain(s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore)
}

// MoveScore is how a player rates one legal move.
type MoveScore struct {
	Move game.Move
	// Value is the player's estimate of the deciding seat's expected score
	// (win 1, draw ½, loss 0) after the move: the model's one-ply value for
	// Greedy, the root move's MoveStat.Value for a search (0 for a move the
	// search never tried). For Random it is the probability of choosing
	// the move, 1/len(legal).
	Value float64
	// Visits is how many search iterations went through the move; 0 for
	// players that do not search by iterations.
	Visits int
	// Prior is the search's prior of the move (PUCT), 0 without one.
	Prior float64
}

// Explain returns p's move and, when p is an Explainer or a RootStatser,
// its scores of the legal moves; for other players only the move (from
// Choose) and nil.
func Explain(p game.Player, s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	switch e := p.(type) {
	case Explainer:
		return e.Explain(s, legal, rng)
	case RootStatser:
		return explainSearch(p, e, s, legal, rng)
	}
	return p.Choose(s, legal, rng), nil
}

// explainSearch chooses with p and reads the root's statistics. Searches
// return a forced move at once, so it lists that move twice: the search
// itself lists the moves of s, and the scores then say how the position
// stands. A move with several root entries (open loop) gets their
// visit-weighted mean.
func explainSearch(p game.Player, r RootStatser, s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	choices := legal
	if len(legal) == 1 {
		choices = []game.Move{legal[0], legal[0]}
	}
	mv := p.Choose(s, choices, rng)
	scores := make([]MoveScore, len(legal))
	for i, l := range legal {
		scores[i].Move = l
	}
	sums := make([]float64, len(legal))
	for _, st := range r.RootStats(nil) {
		i := slices.Index(legal, st.Move)
		if i < 0 {
			continue
		}
		sc := &scores[i]
		sc.Prior += st.Prior
		if st.Visits == 0 { // alpha-beta: a score, not a mean
			sc.Value = st.Value
			continue
		}
		sc.Visits += st.Visits
		sums[i] += st.Value * float64(st.Visits)
	}
	for i := range scores {
		if scores[i].Visits > 0 {
			scores[i].Value = sums[i] / float64(scores[i].Visits)
		}
	}
	return mv, scores
}

var _ Explainer = Random{}

// Explain returns Random's move with the same probability 1/len(legal) for
// every move.
func (r Random) Explain(s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	scores := make([]MoveScore, len(legal))
	for i, m := range legal {
		scores[i] = MoveScore{Move: m, Value: 1 / float64(len(legal))}
	}
	return r.Choose(s, legal, rng), scores
}
