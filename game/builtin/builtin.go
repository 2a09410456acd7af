// Package builtin registers the games that ship with simpipe.
package builtin

import (
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/breakthrough"
	"github.com/simpipe/simpipe/game/checkers"
	"github.com/simpipe/simpipe/game/connect4"
	"github.com/simpipe/simpipe/game/gameproc"
	"github.com/simpipe/simpipe/game/gofish"
	"github.com/simpipe/simpipe/game/hex"
	"github.com/simpipe/simpipe/game/othello"
	"github.com/simpipe/simpipe/game/pig"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// Register adds every built-in game to r, and the game processes of
// "exec:NAME" specs (game/gameproc).
func Register(r *game.Registry) {
	gameproc.Register(r)
	r.MustRegister(breakthrough.Def)
	r.MustRegister(checkers.Def)
	r.MustRegister(connect4.Def)
	r.MustRegister(gofish.Def)
	r.MustRegister(hex.Def)
	r.MustRegister(othello.Def)
	r.MustRegister(pig.Def)
	r.MustRegister(tictactoe.Def)
}

// Registry returns a new registry holding the built-in games.
func Registry() *game.Registry {
	r := &game.Registry{}
	Register(r)
	return r
}
