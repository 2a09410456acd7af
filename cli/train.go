package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/internal/atomicfile"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
	"github.com/simpipe/simpipe/train"
)

type trainCmd struct {
	DB                string  `name:"db" required:"" help:"Training DB: every iteration's games, models and analyses; created when missing, resumed when present." placeholder:"FILE"`
	Game              string  `required:"" help:"Game spec." placeholder:"SPEC"`
	Iterations        int     `required:"" help:"Training iterations (self-play stage, then fit)."`
	GamesPerIteration uint64  `name:"games-per-iteration" required:"" help:"Games played in each iteration." placeholder:"N"`
	Model             string  `default:"auto" enum:"auto,ntuple,linear" help:"Model kind: ntuple (n-tuple network learned by TD(λ), for board games) or linear (logistic model over generated features); auto: ntuple for games with a board and no hidden information, linear for the others (or, resuming, the stored kind)."`
	Players           string  `help:"Players of the first iteration (default: mcts:iterations=200 for linear; for ntuple the guided player on the untrained network)." placeholder:"SPEC"`
	Guided            string  `help:"Players of later iterations; file= the previous iteration's model is added (default: mcts:iterations=200 for linear, greedy:explore=10 for ntuple)." placeholder:"SPEC"`
	Seed              uint64  `default:"1" help:"Seed; iteration k plays with seed+k-1."`
	MaxActions        int     `name:"max-actions" default:"10000" help:"Cap on actions per game."`
	SkipPlies         int     `name:"skip-plies" default:"2" help:"Opening plies not sampled for the fit."`
	MaxSamples        int     `name:"max-samples" default:"200000" help:"Positions sampled per fit (bounds its memory)."`
	TopFeatures       int     `name:"top-features" default:"24" help:"Strongest candidate features kept in the model."`
	Window            int     `default:"2" help:"Iterations of games each fit reads (this one and earlier ones)."`
	Lambda            float64 `default:"0.5" help:"ntuple: TD(λ) parameter, 0..1 (1: learn from game outcomes only)."`
	Alpha             float64 `default:"0.5" help:"ntuple: learning rate (per position, shared among the weights it reads)."`
	AlphaDecay        float64 `name:"alpha-decay" default:"1" help:"ntuple: factor on the learning rate per iteration: iteration k learns with alpha·decay^(k-1); 1: a constant rate."`
	NTupleWeights     int     `name:"ntuple-weights" default:"65536" help:"ntuple: weights of the generated network (4 bytes each in ai.json, before base64)."`
	NTupleTables      string  `name:"ntuple-tables" default:"auto" enum:"auto,shared,seat" help:"ntuple: shared (one set of tables, every seat's position read as mine/theirs) or seat (one set per seat, the weights split among them); auto: seat for two-seat games won by connecting edges (hex), shared for the others (or, resuming, the stored choice)."`
	NTupleWalk        int     `name:"ntuple-walk" default:"0" help:"ntuple: cells of each random-walk tuple of the generated network, 3..8; 0: lengths 3 to 8 mixed. Long walks put the weights into fewer, wider tuples (connect four: 8)."`
	Yardstick         string  `help:"Opponent every iteration's model is measured against once stored, e.g. mcts:iterations=200: paired games in an eval stage of the DB, the same games for every iteration; one line per iteration (score, Wilson 95 %), stored for 'simpipe report'. Default: none; may be added to an existing training DB." placeholder:"SPEC"`
	YardstickGames    uint64  `name:"yardstick-games" default:"200" help:"Games per iteration against --yardstick (pairs with seats swapped)."`
	YardstickPlayer   string  `name:"yardstick-player" default:"greedy" help:"How the iteration's model plays against --yardstick (file= the model is added), e.g. ai:iterations=200,cutoff=0."`
	Output            string  `short:"o" required:"" help:"Where to write the final model (ai.json)." placeholder:"FILE"`
	Workers           int     `default:"0" help:"Simulator goroutines (0: one per CPU)."`
	Retries           int     `default:"2" help:"Replays of a game that panics."`
	Progress          string  `default:"auto" enum:"auto,bar,log,none" help:"Progress display."`
}

func (c *trainCmd) Validate() error {
	switch {
	case c.Iterations < 1 || c.Iterations > 999:
		return fmt.Errorf("--iterations %d is outside 1..999", c.Iterations)
	case c.GamesPerIteration < 1 || c.GamesPerIteration > maxGames:
		return fmt.Errorf("--games-per-iteration %d is outside 1..%d", c.GamesPerIteration, uint64(maxGames))
	case c.MaxActions < 0:
		return fmt.Errorf("--max-actions %d is negative", c.MaxActions)
	case c.SkipPlies < 0 || c.MaxSamples < 100 || c.TopFeatures < 1 || c.Window < 0:
		return errors.New("--skip-plies and --window must be >= 0, --max-samples >= 100, --top-features >= 1")
	case c.YardstickGames < 1 || c.YardstickGames > maxGames:
		return fmt.Errorf("--yardstick-games %d is outside 1..%d", c.YardstickGames, uint64(maxGames))
	case c.Lambda < 0 || c.Lambda > 1 || c.Alpha <= 0 || c.NTupleWeights < 1000 || c.NTupleWeights > 1<<22:
		return errors.New("--lambda must be in 0..1, --alpha > 0, --ntuple-weights in 1000..4194304")
	case c.AlphaDecay <= 0 || c.AlphaDecay > 1:
		return fmt.Errorf("--alpha-decay %v is outside (0, 1]", c.AlphaDecay)
	case c.NTupleWalk != 0 && (c.NTupleWalk < 3 || c.NTupleWalk > 8):
		return fmt.Errorf("--ntuple-walk %d is outside 3..8 (0: lengths 3 to 8 mixed)", c.NTupleWalk)
	}
	return resolveWorkers(&c.Workers)
}

func (c *trainCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	g, err := reg.New(c.Game)
	if err != nil {
		return usageErr(err)
	}
	if c.Players != "" {
		if _, err := ai.ParseLineup(c.Players, g); err != nil {
			return usageErr(err)
		}
	}
	kind := c.Model
	if kind == "auto" {
		kind = ""
	}
	tables := c.NTupleTables
	if tables == "auto" {
		tables = ""
	}
	if dir := filepath.Dir(c.Output); dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return usageErr(fmt.Errorf("-o %s: directory %s does not exist", c.Output, dir))
		}
	}
	db, err := store.Open(c.DB, nil)
	if err != nil {
		return openErr(err)
	}
	defer db.Close()
	noteRecovery(s, db)
	prog := &pipeline.Progress{}
	rep := startProgress(c.Progress, s.err, prog, 0)
	model, err := train.Run(ctx, db, g, train.Settings{
		Game: c.Game, Iterations: c.Iterations, GamesPerIteration: c.GamesPerIteration,
		Players: c.Players, Guided: c.Guided, Seed: c.Seed, MaxActions: c.MaxActions,
		SkipPlies: c.SkipPlies, MaxSamples: c.MaxSamples, TopFeatures: c.TopFeatures, Window: c.Window,
		Model: kind, Lambda: c.Lambda, Alpha: c.Alpha, AlphaDecay: c.AlphaDecay, NTupleWeights: c.NTupleWeights,
		NTupleTables: tables, NTupleWalk: c.NTupleWalk,
		Yardstick: c.Yardstick, YardstickGames: c.YardstickGames, YardstickPlayer: c.YardstickPlayer,
	}, train.Options{Workers: c.Workers, Retries: c.Retries, Version: Version, Log: s.err, Progress: prog})
	rep.stop()
	switch {
	case errors.Is(err, pipeline.ErrInterrupted):
		fmt.Fprintf(s.err, "%s: interrupted; run the same command again to resume the training\n", progName)
		return &exitErr{exitInterrupted, nil}
	case errors.Is(err, train.ErrSettings), errors.Is(err, pipeline.ErrConflict), errors.Is(err, ai.ErrBadPlayers):
		return usageErr(err)
	case err != nil:
		return err
	}
	if err := atomicfile.WriteFile(c.Output, model.Canonical()); err != nil {
		return err
	}
	if model.NTuple != nil {
		fmt.Fprintf(s.out, "wrote %s: n-tuple network of %d tuples (%d weights), learned from %d positions, held-out log loss %.4f\n",
			c.Output, len(model.NTuple.Tuples), len(model.NTuple.Weights), model.Training.Samples, model.Training.HeldOutLogLoss)
		return nil
	}
	fmt.Fprintf(s.out, "wrote %s: %d features, trained on %d positions, held-out log loss %.4f\n",
		c.Output, len(model.Features), model.Training.Samples, model.Training.HeldOutLogLoss)
	return nil
}
