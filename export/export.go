// Package export turns a stage of a checkpoint DB into rows for data tools:
// JSON Lines, CSV or Parquet, one row per game or, with features, one row
// per recorded decision. It streams: rows are built while the stage's
// results are read in game-index order, so memory does not grow with the
// number of games.
package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Format is an output format.
type Format string

// Formats.
const (
	JSONL   Format = "jsonl"
	CSV     Format = "csv"
	Parquet Format = "parquet"
)

// ErrReplay is returned when a stored game cannot be replayed on the game's
// rules: the DB does not match the game it names.
var ErrReplay = errors.New("export: stored game does not replay")

// Options configure Write.
type Options struct {
	// Format of the output; JSONL when empty.
	Format Format
	// Features writes one row per non-chance decision with the trainer's
	// candidate features instead of one row per game.
	Features bool
	// Meta is written as key-value metadata where the format has it
	// (Parquet).
	Meta map[string]string
}

// Stats count what Write wrote.
type Stats struct {
	Games uint64 // games read from the stage
	Rows  uint64 // rows written
}

// GameRow is one game. Winners lists the winning seats (none for a draw, an
// incomplete or a failed game); Moves are in the game's notation and empty
// for a failed game.
type GameRow struct {
	Index   uint64
	Seed    uint64
	Status  store.Status
	Winners []int
	Moves   []string
}

// StateRow is one recorded decision: the position before move Ply of game
// Game, seen by Seat, the seat to move. Values are the candidate features in
// the order of features.Generate. Outcome is Seat's result (1 win, 0.5 draw
// or shared win, 0 loss) when HasOutcome, that is when the game completed.
type StateRow struct {
	Game       uint64
	Ply        int
	Seat       int
	Values     []int32
	Outcome    float64
	HasOutcome bool
}

// sink writes rows in one format. close flushes what is buffered and ends
// the output (the Parquet footer); it does not close the io.Writer.
type sink interface {
	game(r *GameRow) error
	state(r *StateRow) error
	close() error
}

func newSink(w io.Writer, opts Options, names []string) (sink, error) {
	switch opts.Format {
	case JSONL, "":
		return newJSONSink(w, opts.Features, names), nil
	case CSV:
		return newCSVSink(w, opts.Features, names)
	case Parquet:
		return newParquetSink(w, opts.Features, names, opts.Meta)
	}
	return nil, fmt.Errorf("export: unknown format %q", opts.Format)
}

// Write exports the stage's stored games of g (whose run is cfg) to w. It
// checks ctx between jobs and returns ctx's error when it is cancelled,
// having written part of the output.
func Write(ctx context.Context, stage *store.Stage, g game.Game, cfg *store.Config, w io.Writer, opts Options) (Stats, error) {
	var (
		names []string
		set   *features.Set
	)
	if opts.Features {
		fs := features.Generate(g)
		var err error
		if set, err = features.Compile(g, fs); err != nil {
			return Stats{}, err
		}
		names = ColumnNames(fs)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	out, err := newSink(bw, opts, names)
	if err != nil {
		return Stats{}, err
	}
	x := exporter{g: g, st: g.NewState(), set: set, sink: out, seed: cfg.Seed}
	x.hidden, _ = x.st.(game.HiddenState)
	err = stage.Results(func(c *store.Chunk) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for i, raw := range c.Raw {
			e, err := store.DecodeEntry(raw, c.MoveBits)
			if err != nil {
				return fmt.Errorf("game %d: %w", c.First+uint64(i), err)
			}
			x.stats.Games++
			if err := x.export(c.First+uint64(i), &e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return x.stats, err
	}
	if err := out.close(); err != nil {
		return x.stats, err
	}
	return x.stats, bw.Flush()
}

// exporter replays games into rows, reusing its buffers from game to game.
// It is used by one goroutine.
type exporter struct {
	g      game.Game
	st     game.State
	hidden game.HiddenState // st, when the game hides information
	set    *features.Set    // nil without features
	sink   sink
	seed   uint64
	legal  []game.Move
	grow   GameRow
	srow   StateRow
	stats  Stats
}

func (x *exporter) export(index uint64, e *store.GameEntry) error {
	if x.set == nil {
		r := &x.grow
		*r = GameRow{Index: index, Seed: x.seed, Status: e.Status, Winners: r.Winners[:0], Moves: r.Moves[:0]}
		for s := range 8 { // game.Seats has 8 bits
			if e.Winners.Has(s) {
				r.Winners = append(r.Winners, s)
			}
		}
		err := x.replay(index, e, func(ply int, m game.Move) error {
			r.Moves = append(r.Moves, x.st.MoveString(m))
			return nil
		})
		if err != nil {
			return err
		}
		x.stats.Rows++
		return x.sink.game(r)
	}
	if e.Status == store.Failed {
		return nil
	}
	r := &x.srow
	return x.replay(index, e, func(ply int, m game.Move) error {
		seat := x.st.ToMove()
		if seat == game.Chance {
			return nil
		}
		view := x.st
		if x.hidden != nil {
			view = x.hidden.View(seat)
		}
		r.Game, r.Ply, r.Seat = index, ply, seat
		r.Values = x.set.Values(view, seat, r.Values[:0])
		r.Outcome, r.HasOutcome = e.Winners.ResultFor(seat).Score(), e.Status == store.Completed
		x.stats.Rows++
		return x.sink.state(r)
	})
}

// replay plays e's moves from the start, calling visit before each one.
func (x *exporter) replay(index uint64, e *store.GameEntry, visit func(ply int, m game.Move) error) error {
	x.st.Reset()
	for ply, m := range e.Moves {
		if x.st.Terminal() {
			return fmt.Errorf("%w: game %d ends after %d of its %d moves", ErrReplay, index, ply, len(e.Moves))
		}
		x.legal = x.st.Legal(x.legal[:0])
		if !legal(x.legal, m) {
			return fmt.Errorf("%w: game %d: move %d (code %d) is not legal in the replayed position", ErrReplay, index, ply+1, m)
		}
		if err := visit(ply, m); err != nil {
			return err
		}
		x.st.Apply(m)
	}
	return nil
}

func legal(ms []game.Move, m game.Move) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// Fixed columns of the two row kinds, in output order. In feature rows the
// feature columns come between StateColumns and "outcome".
var (
	GameColumns  = []string{"index", "seed", "status", "completed", "length", "winners", "moves"}
	StateColumns = []string{"game", "ply", "seat"}
)

// ColumnNames returns the column name of each feature: its Name, made unique
// and distinct from the fixed columns by a "#N" suffix where needed (the
// generated names never need one).
func ColumnNames(fs []features.Feature) []string {
	used := map[string]bool{"outcome": true}
	for _, c := range StateColumns {
		used[c] = true
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		n := f.Name
		if n == "" {
			n = fmt.Sprintf("feature%d", i)
		}
		for base, k := n, 2; used[n]; k++ {
			n = fmt.Sprintf("%s#%d", base, k)
		}
		used[n] = true
		names[i] = n
	}
	return names
}
