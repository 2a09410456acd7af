package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/simpipe/simpipe/export"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/internal/atomicfile"
	"golang.org/x/term"
)

// exportCmd writes a stage's games as rows for data tools.
//
// Rows, one per stored game in game-index order (games not played yet have
// no row): index, seed (the run seed), status (completed, incomplete or
// failed), completed, length (actions, chance outcomes included), winners
// (seats; empty for a draw, an incomplete or a failed game) and moves (in
// the game's notation; empty for a failed game). With --features, one row
// per non-chance decision of every completed or incomplete game instead:
// game, ply, seat (the seat to move), one integer column per candidate
// feature of the trainer (features.Generate, computed on the seat's view)
// and outcome (the seat's score 1, 0.5 or 0; null for an incomplete game).
//
// List columns are JSON arrays in JSONL and CSV (move notation may hold
// commas and spaces) and LIST columns in Parquet. A DB whose run is live
// cannot be exported: the run holds bbolt's exclusive lock, and a copy of
// the file taken meanwhile would not be consistent.
type exportCmd struct {
	File     string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Format   string `required:"" enum:"jsonl,csv,parquet" placeholder:"jsonl|csv|parquet" help:"Output format: jsonl, csv or parquet. Lists (winners, moves) are JSON arrays in jsonl and csv, LIST columns in parquet."`
	Output   string `short:"o" default:"-" help:"Output file, written to a temporary file and renamed when complete; '-' is standard output (parquet only when it is not a terminal)." placeholder:"OUT"`
	Features bool   `help:"One row per non-chance decision with the trainer's candidate features and the outcome of the seat to move, instead of one row per game."`
	Stage    string `default:"run" help:"Stage to export: 'run' for simpipe run, or a training or evaluation stage (see 'simpipe inspect')."`
}

func (c *exportCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	db, err := openReadOnly(s, c.File, func(error) error {
		return usageErr(fmt.Errorf("%s: the run is live (another %s holds the DB); stop it or wait for it to finish, then export", c.File, progName))
	})
	if err != nil {
		return err
	}
	defer db.Close()
	stage, cfg, err := stageConfig(db, c.File, c.Stage)
	if err != nil {
		return err
	}
	g, err := reg.New(cfg.Game)
	if err != nil {
		return err
	}
	out, err := c.open(s)
	if err != nil {
		return err
	}
	opts := export.Options{Format: export.Format(c.Format), Features: c.Features, Meta: map[string]string{
		"simpipe.version": Version, "simpipe.game": cfg.Game, "simpipe.players": cfg.Players,
		"simpipe.stage": c.Stage, "simpipe.seed": strconv.FormatUint(cfg.Seed, 10),
	}}
	_, err = export.Write(ctx, stage, g, cfg, out.w, opts)
	if err == nil {
		err = out.commit()
	}
	if err != nil {
		out.abort()
		if ctx.Err() != nil {
			return &exitErr{exitInterrupted, errors.New("export interrupted" + out.note())}
		}
		return err
	}
	return nil
}

// output is where the rows go: standard output, or a temporary file beside
// the target renamed over it once complete, so that OUT never holds a
// partial export.
type output struct {
	w    io.Writer
	f    *atomicfile.File // nil for standard output
	path string
}

func (c *exportCmd) open(s *streams) (*output, error) {
	if c.Output == "-" {
		if f, ok := s.out.(*os.File); ok && c.Format == "parquet" && term.IsTerminal(int(f.Fd())) {
			return nil, usageErr(errors.New("parquet is binary: give -o FILE or redirect standard output"))
		}
		return &output{w: s.out}, nil
	}
	if fi, err := os.Stat(c.Output); err == nil && fi.IsDir() {
		return nil, usageErr(fmt.Errorf("%s: is a directory", c.Output))
	}
	f, err := atomicfile.Create(c.Output)
	if err != nil {
		return nil, usageErr(fmt.Errorf("cannot write %s: %w", c.Output, unwrapPath(err)))
	}
	return &output{w: f, f: f, path: c.Output}, nil
}

// unwrapPath drops the temporary file's name from a path error.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// commit makes the written file the output.
func (o *output) commit() error {
	if o.f == nil {
		return nil
	}
	err := o.f.Commit()
	o.f = nil
	var le *os.LinkError
	switch {
	case errors.As(err, &le): // the rename: OUT cannot be replaced
		return usageErr(fmt.Errorf("cannot write %s: %w", o.path, le.Err))
	case err != nil:
		return fmt.Errorf("write %s: %w", o.path, err)
	}
	return nil
}

// abort removes the temporary file, if any.
func (o *output) abort() {
	if o.f != nil {
		o.f.Abort()
	}
}

func (o *output) note() string {
	if o.path == "" {
		return ""
	}
	return "; " + o.path + " was not written"
}
