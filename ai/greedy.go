package ai

import (
	"errors"

	"github.com/simpipe/simpipe/game"
)

// greedyKind is being written: see the closing note of the AI issue.
var greedyKind = Kind{
	Name:  "greedy",
	Doc:   "one-ply lookahead on a trained model (file=ai.json)",
	Model: RequiredModel,
	New: func(game.Game, Args) (game.Player, error) {
		return nil, errors.New("greedy: not implemented yet")
	},
}
