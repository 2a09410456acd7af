package ai

import (
	"errors"

	"github.com/simpipe/simpipe/game"
)

// mctsKind and aiKind are being written: see the closing note of the AI issue.
var mctsKind = Kind{
	Name:   "mcts",
	Doc:    "UCT Monte Carlo tree search with an iteration budget, optionally guided by file=ai.json",
	Params: []game.Param{{Name: "iterations", Doc: "playouts per move", Default: 200, Min: 1, Max: 1_000_000}},
	Model:  OptionalModel,
	New: func(game.Game, Args) (game.Player, error) {
		return nil, errors.New("mcts: not implemented yet")
	},
}

var aiKind = Kind{
	Name:   "ai",
	Doc:    "a trained AI: MCTS guided by file=ai.json",
	Params: []game.Param{{Name: "iterations", Doc: "playouts per move", Default: 200, Min: 1, Max: 1_000_000}},
	Model:  RequiredModel,
	New: func(game.Game, Args) (game.Player, error) {
		return nil, errors.New("ai: not implemented yet")
	},
}
