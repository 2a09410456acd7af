package ai

import "github.com/simpipe/simpipe/game"

// Explainer is implemented by players that can show how they rate each legal
// move, for debugging an AI and for 'simpipe move --json'. Greedy, MCTS and
// Random implement it.
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
	// Greedy, the mean reward of the root child for MCTS (0 for a move the
	// search never tried). For Random it is the probability of choosing
	// the move, 1/len(legal).
	Value float64
	// Visits is how many search iterations went through the move; 0 for
	// players that do not search.
	Visits int
}

// Explain returns p's move and, when p is an Explainer, its scores of the
// legal moves; for other players only the move (from Choose) and nil.
func Explain(p game.Player, s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	if e, ok := p.(Explainer); ok {
		return e.Explain(s, legal, rng)
	}
	return p.Choose(s, legal, rng), nil
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
