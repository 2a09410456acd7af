// Command nim is simpipe with one more game: the built-in games plus Nim,
// with every command of simpipe (run, inspect, show, train, eval, ...).
package main

import (
	"os"

	"example.com/nim"
	"github.com/simpipe/simpipe/cli"
	"github.com/simpipe/simpipe/game/builtin"
)

func main() {
	reg := builtin.Registry()
	reg.MustRegister(nim.Def)
	os.Exit(cli.Main(reg, os.Args[1:]))
}
