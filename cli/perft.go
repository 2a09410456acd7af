package cli

import (
	"fmt"
	"time"

	"github.com/simpipe/simpipe/game"
)

type perftCmd struct {
	Game   string `required:"" help:"Game spec, e.g. checkers." placeholder:"SPEC"`
	Depth  int    `required:"" help:"Depth in plies (chance outcomes count as plies and each outcome as a branch)."`
	Divide bool   `help:"Print the count below each first move."`
}

func (c *perftCmd) Run(reg *game.Registry, s *streams) error {
	if c.Depth < 0 || c.Depth > 30 {
		return usageErr(fmt.Errorf("--depth %d is outside 0..30", c.Depth))
	}
	g, err := reg.New(c.Game)
	if err != nil {
		return usageErr(err)
	}
	start := time.Now()
	st := g.NewState()
	var total uint64
	if c.Divide && c.Depth > 0 {
		moves, counts := game.Divide(st, c.Depth)
		for i, m := range moves {
			fmt.Fprintf(s.out, "%-12s %d\n", st.MoveString(m), counts[i])
			total += counts[i]
		}
		fmt.Fprintln(s.out)
	} else {
		total = game.Perft(st, c.Depth)
	}
	el := time.Since(start)
	fmt.Fprintf(s.out, "perft(%d) = %d\n", c.Depth, total)
	fmt.Fprintf(s.err, "%s, %.0f leaves/s\n", el.Round(time.Millisecond), float64(total)/el.Seconds())
	return nil
}
