package ai

import "github.com/simpipe/simpipe/game"

// Random picks a legal move uniformly at random.
type Random struct{}

var _ game.Player = Random{}

// Uniform marks Random as a uniform draw over the legal moves, so that Play
// may let a game.Sampler state draw the move directly.
func (Random) Uniform() {}

var _ game.UniformPlayer = Random{}

// Choose returns a uniformly random element of legal.
func (Random) Choose(_ game.State, legal []game.Move, rng *game.RNG) game.Move {
	return legal[rng.IntN(len(legal))]
}
