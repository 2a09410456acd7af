package solve

import (
	"math/bits"

	"github.com/simpipe/simpipe/game"
)

// Player is a perfect connect-four player: it chooses uniformly at random
// among the value-preserving moves (a winning move of a won position, a
// drawing move of a drawn one, any move of a lost one), not necessarily the
// fastest win. It is slow early in the game (seconds per move before ply 10)
// and is meant for tests and yardsticks.
type Player struct {
	Solver *Solver
}

var _ game.Player = Player{}

// Choose returns a random value-preserving move of s, a connect4 state. It
// panics on a state of another game.
func (p Player) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	pos, err := FromState(s)
	if err != nil {
		panic(err)
	}
	_, keep := p.Solver.Preserving(pos)
	return game.Move(nthBit(keep, rng.IntN(bits.OnesCount8(keep))))
}
