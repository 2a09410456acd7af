package ai

import "github.com/simpipe/simpipe/game"

// Random picks a legal move uniformly at random.
type Random struct{}

var _ game.Player = Random{}

// Choose returns a uniformly random element of legal.
func (Random) Choose(_ game.State, legal []game.Move, rng *game.RNG) game.Move {
	return legal[rng.IntN(len(legal))]
}
