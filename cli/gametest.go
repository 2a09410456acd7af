package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
)

type gametestCmd struct {
	Game  string `required:"" help:"Game spec, e.g. exec:connect4-py." placeholder:"SPEC"`
	Games int    `default:"100" help:"Random games each check plays."`
	Seed  uint64 `default:"1" help:"Seed of the random games: game i of a check plays with the RNG of (seed, i)."`
}

func (c *gametestCmd) Run(reg *game.Registry, s *streams) error {
	if c.Games < 1 {
		return usageErr(fmt.Errorf("--games %d, want at least 1", c.Games))
	}
	g, err := reg.New(c.Game)
	if err != nil {
		return usageErr(err)
	}
	failures := gametest.Check(g, gametest.Options{Games: c.Games, Seed: c.Seed})
	for _, f := range failures {
		fmt.Fprintln(s.out, strings.TrimRight(f, "\n"))
	}
	if len(failures) > 0 {
		return &exitErr{exitError, errors.New(g.Spec() + ": " + fmt.Sprint(len(failures)) + " conformance failures")}
	}
	fmt.Fprintf(s.out, "ok %s: every check passed on %d random games (seed %d)\n", g.Spec(), c.Games, c.Seed)
	return nil
}

func (*gametestCmd) Help() string {
	return `Runs the checks gametest.Run applies to Go games — legal moves, chance weights, termination, winners, clones that share nothing, Reset, the stored encoding, move names, replay determinism, features — on any game, game processes included, and prints each failure with the game, ply and position. Exit code 1 when a check fails.

Examples:
  simpipe gametest --game exec:connect4-py
  simpipe gametest --game exec:connect4-js --games 500 --seed 7`
}
