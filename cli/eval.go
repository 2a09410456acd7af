package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

type evalCmd struct {
	AI         string `name:"ai" required:"" help:"Trained model (ai.json) of the candidate." placeholder:"FILE"`
	Player     string `default:"ai" help:"Candidate player kind and its budget, e.g. 'ai:iterations=200' or 'greedy'; file= is added from --ai." placeholder:"SPEC"`
	Vs         string `name:"vs" required:"" help:"Opponent player spec for every other seat, e.g. random or mcts:iterations=200." placeholder:"SPEC"`
	Games      uint64 `required:"" help:"Games to play, rounded up to a multiple of the seats (pairs with seats swapped for two players)." placeholder:"N"`
	Seed       uint64 `default:"1" help:"Seed of the evaluation's games."`
	SPRT       string `name:"sprt" help:"Sequential test 'elo0,elo1,alpha,beta' (e.g. 0,50,0.05,0.05): stop as soon as it decides." placeholder:"SPEC"`
	DB         string `name:"db" help:"Checkpoint DB for the evaluation's games (resumable). Default: a temporary file, removed at the end." placeholder:"FILE"`
	MaxActions *int   `name:"max-actions" help:"Cap on actions per game. Default 10000." placeholder:"N"`
	Workers    int    `default:"0" help:"Simulator goroutines (0: one per CPU)."`
	JSON       bool   `help:"Print one JSON object."`
	Progress   string `default:"auto" enum:"auto,bar,log,none" help:"Progress display."`
}

func (c *evalCmd) Validate() error {
	if c.Games < 1 || c.Games > maxGames {
		return fmt.Errorf("--games %d is outside 1..%d", c.Games, uint64(maxGames))
	}
	if err := resolveWorkers(&c.Workers); err != nil {
		return err
	}
	_, err := c.sprt()
	return err
}

func (c *evalCmd) sprt() (*eval.SPRT, error) {
	if c.SPRT == "" {
		return nil, nil
	}
	parts := strings.Split(c.SPRT, ",")
	if len(parts) != 4 {
		return nil, fmt.Errorf("--sprt %q: want elo0,elo1,alpha,beta", c.SPRT)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, fmt.Errorf("--sprt %q: %q is not a number", c.SPRT, p)
		}
		v[i] = f
	}
	if v[0] >= v[1] || v[2] <= 0 || v[2] >= 0.5 || v[3] <= 0 || v[3] >= 0.5 {
		return nil, fmt.Errorf("--sprt %q: want elo0 < elo1 and 0 < alpha, beta < 0.5", c.SPRT)
	}
	return &eval.SPRT{Elo0: v[0], Elo1: v[1], Alpha: v[2], Beta: v[3]}, nil
}

// candidate returns the candidate's player spec with file= added.
func (c *evalCmd) candidate() string {
	if strings.Contains(c.Player, ":") {
		return c.Player + ",file=" + c.AI
	}
	return c.Player + ":file=" + c.AI
}

func (c *evalCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	raw, err := os.ReadFile(c.AI)
	if err != nil {
		return usageErr(err)
	}
	model, err := ai.ParseModel(raw)
	if err != nil {
		return usageErr(fmt.Errorf("%s: %w", c.AI, err))
	}
	g, err := reg.New(model.Game)
	if err != nil {
		return usageErr(fmt.Errorf("%s: %w", c.AI, err))
	}
	sprt, _ := c.sprt()
	cfg := eval.Config{Game: g, Candidate: c.candidate(), Opponent: c.Vs, Seed: c.Seed, Games: c.Games,
		MaxActions: c.MaxActions, SPRT: sprt, Workers: c.Workers}
	if _, err := ai.ParseLineup(cfg.Lineup(), g); err != nil {
		return usageErr(err)
	}

	path := c.DB
	if path == "" {
		dir, err := os.MkdirTemp("", "simpipe-eval")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "eval.db")
	}
	db, err := store.Open(path, nil)
	if err != nil {
		return openErr(err)
	}
	defer db.Close()
	noteRecovery(s, db)

	prog := &pipeline.Progress{}
	rep := startProgress(c.Progress, s.err, prog, 0)
	report, err := eval.Run(ctx, db, cfg, prog)
	rep.stop()
	interrupted := errors.Is(err, pipeline.ErrInterrupted)
	if err != nil && !interrupted {
		if errors.Is(err, pipeline.ErrConflict) || errors.Is(err, ai.ErrBadPlayers) {
			return usageErr(err)
		}
		return err
	}
	if c.JSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		printEval(s, report)
	}
	if interrupted {
		if c.DB == "" {
			fmt.Fprintf(s.err, "%s: interrupted; without --db the evaluation's games are not kept\n", progName)
		} else {
			fmt.Fprintf(s.err, "%s: interrupted; run the same command again to resume\n", progName)
		}
		return &exitErr{exitInterrupted, nil}
	}
	return nil
}

func printEval(s *streams, r eval.Report) {
	w := s.out
	fmt.Fprintf(w, "%s vs %s on %s\n", r.Candidate, r.Opponent, r.Game)
	fmt.Fprintf(w, "games %d: %d wins, %d draws, %d losses\n", r.Games, r.Wins, r.Draws, r.Losses)
	fmt.Fprintf(w, "score %.4f (Wilson 95%%: %.4f .. %.4f)\n", r.Score, r.WilsonLow, r.WilsonHigh)
	fmt.Fprintf(w, "elo %+.1f (95%%: %+.1f .. %+.1f)\n", r.Elo, r.EloLow, r.EloHigh)
	if r.SPRT != nil {
		fmt.Fprintf(w, "sprt: llr %.3f (bounds %.3f, %.3f): %s", r.SPRT.LLR, r.SPRT.Lower, r.SPRT.Upper, r.SPRT.Decision)
		if r.Stopped {
			fmt.Fprint(w, ", stopped early")
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "stage %s, results_digest %s\n", r.Stage, r.ResultsDigest)
}
