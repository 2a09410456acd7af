package ai

import "github.com/simpipe/simpipe/game"

var _ Explainer = (*Greedy)(nil)

// Explain returns Greedy's move and the one-ply value of every legal move
// for the seat to move: the true result for a move that ends the game, the
// chance-weighted mean after a move followed by chance, the model's value
// otherwise. The move is Choose's, so ties are broken as Choose breaks them.
func (p *Greedy) Explain(s game.State, legal []game.Move, rng *game.RNG) (game.Move, []MoveScore) {
	seat := s.ToMove()
	scores := make([]MoveScore, len(legal))
	for i, m := range legal {
		c := s.Clone()
		c.Apply(m)
		scores[i] = MoveScore{Move: m, Value: p.value(c, seat, 0)}
	}
	return p.Choose(s, legal, rng), scores
}
