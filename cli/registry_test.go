package cli

import (
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/internal/testgames"
)

// registry is what the test binary knows: the built-in and the test games.
func registry() *game.Registry {
	r := builtin.Registry()
	testgames.Register(r)
	return r
}
