// Command simpipe plays, checkpoints, trains on and inspects batches of
// self-play games. The commands live in package cli; this binary registers
// the built-in games (and, built with -tags testgames, the misbehaving test
// games) and runs it.
package main

import (
	"os"

	"github.com/simpipe/simpipe/cli"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
)

func main() {
	os.Exit(cli.Main(registry(), os.Args[1:]))
}

// registry returns the games this binary knows.
func registry() *game.Registry {
	r := builtin.Registry()
	registerTestGames(r)
	return r
}
