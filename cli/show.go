package cli

import (
	"fmt"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

type showCmd struct {
	DB        string `name:"db" required:"" help:"Checkpoint database file." placeholder:"FILE"`
	GameIndex uint64 `name:"game-index" required:"" help:"Index of the game to replay." placeholder:"I"`
	Stage     string `default:"run" help:"Stage holding the game (see 'simpipe inspect')."`
}

func (c *showCmd) Run(reg *game.Registry, s *streams) error {
	db, err := openReadOnly(s, c.DB, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	stage, cfg, err := stageConfig(db, c.DB, c.Stage)
	if err != nil {
		return err
	}
	g, err := reg.New(cfg.Game)
	if err != nil {
		return err
	}
	entry, job, rec, err := stage.Game(c.GameIndex)
	if err != nil {
		return usageErr(err)
	}
	w := s.out
	fmt.Fprintf(w, "game %d of %s (job %d), seed %d, players %s\n", c.GameIndex, cfg.Game, job, cfg.Seed, ai.DisplayLineup(cfg.Players))
	switch {
	case entry == nil:
		return usageErr(fmt.Errorf("game %d has not been played yet (job %d is %s)", c.GameIndex, job, rec.State))
	case entry.Status == store.Failed:
		for _, f := range rec.Failures {
			if f.Index == c.GameIndex {
				fmt.Fprintf(w, "failed after %d attempts: %s\n%s", f.Attempts, f.Error, f.Stack)
			}
		}
		return nil
	}
	st := g.NewState()
	fmt.Fprintf(w, "\nstart:\n%s\n", indent(st.String()))
	for i, m := range entry.Moves {
		legal := st.Legal(nil)
		if !contains(legal, m) {
			return fmt.Errorf("stored move %d (code %d) is not legal in the replayed position; the DB does not match this game's rules", i+1, m)
		}
		who := "chance"
		if seat := st.ToMove(); seat != game.Chance {
			who = fmt.Sprintf("seat %d", seat)
		}
		fmt.Fprintf(w, "%d. %s: %s\n", i+1, who, st.MoveString(m))
		st.Apply(m)
		fmt.Fprintf(w, "%s\n", indent(st.String()))
	}
	if entry.Status == store.Incomplete {
		fmt.Fprintf(w, "incomplete: stopped by the cap of %d actions\n", cfg.MaxActions)
	} else {
		fmt.Fprintf(w, "result: %s\n", winnersText(entry.Winners))
	}
	return nil
}

func winnersText(w game.Seats) string {
	if w == 0 {
		return "draw"
	}
	return "won by seat " + w.String()
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func contains(ms []game.Move, m game.Move) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}
