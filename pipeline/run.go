package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// ErrInterrupted is returned by Run when its context was cancelled before
// every job finished. The store is consistent and the run can be resumed.
var ErrInterrupted = errors.New("run interrupted")

// Options configures Run.
type Options struct {
	// Workers is the number of simulator goroutines (at least 1).
	Workers int
	// Retries is how many times a failing game is replayed before it is
	// recorded as failed.
	Retries int
	// GameTimeout, when positive, records a game that runs longer as failed
	// and goes on (see dataflow.SimConfig.GameTimeout).
	GameTimeout time.Duration
	// Sink tunes commit grouping; its Cancel and OnCommit are set by Run
	// (OnCommit is chained).
	Sink dataflow.SinkOptions
	// Progress, if not nil, receives live counters; Run updates it.
	Progress *Progress
}

// Progress holds live counters of a run, safe for concurrent reads. The run
// (Run, or the NATS coordinator) updates them at its start and after every
// commit.
//
// Done counts the games finished: with a committed result, completed,
// incomplete or failed (store.CommitStats.Finished, which is the stored
// Aggregate's GamesDone plus Failed: GamesDone leaves failed games out).
type Progress struct {
	Total      atomic.Uint64 // games in the run
	Done       atomic.Uint64 // games finished, earlier sessions included (see above)
	Played     atomic.Uint64 // games this process committed, finished (replays of reissued failed games included)
	Failed     atomic.Uint64 // games failed on every attempt, committed
	InFlight   atomic.Int64  // jobs issued and not yet committed
	Commits    atomic.Uint64
	CommitNano atomic.Int64 // duration of the last commit
}

// Run plays every pending job of the stage's run with the given registry and
// options. It returns ErrInterrupted if ctx was cancelled first, or the
// first store error.
func Run(ctx context.Context, stage *store.Stage, reg *game.Registry, opts Options) error {
	cfg, err := stage.Config()
	if err != nil {
		return err
	}
	g, err := reg.New(cfg.Game)
	if err != nil {
		return err
	}
	lineup, err := ai.ParseLineupWith(cfg.Players, g, cfg.ModelSource)
	if err != nil {
		return err
	}
	if opts.Workers < 1 {
		return fmt.Errorf("pipeline: %d workers", opts.Workers)
	}
	prog := opts.Progress
	if prog == nil {
		prog = &Progress{}
	}
	agg, err := stage.Aggregate()
	if err != nil {
		return err
	}
	prog.Total.Store(cfg.Games)
	prog.Done.Store(agg.GamesDone + agg.Failed)
	prog.Failed.Store(agg.Failed)

	// The source stops on the caller's cancellation or on a commit error;
	// the flow and sink always drain what was issued.
	srcCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sinkOpts := opts.Sink
	userOnCommit := sinkOpts.OnCommit
	sinkOpts.Cancel = cancel
	sinkOpts.OnCommit = func(st store.CommitStats, d time.Duration) {
		prog.Done.Store(st.Finished)
		prog.Failed.Store(st.Failed)
		prog.Played.Add(st.Games)
		prog.InFlight.Add(-int64(st.Jobs + st.Duplicates))
		prog.Commits.Add(1)
		prog.CommitNano.Store(int64(d))
		if userOnCommit != nil {
			userOnCommit(st, d)
		}
	}
	src := dataflow.NewJobSource(srcCtx, stage, func(store.Job) { prog.InFlight.Add(1) })
	sim := dataflow.NewSimulate(dataflow.SimConfig{
		Game: g, Lineup: lineup, Seed: cfg.Seed, MaxActions: cfg.MaxActions,
		MoveBits: cfg.MoveBits, Retries: opts.Retries, RotateSeats: cfg.RotateSeats, GameTimeout: opts.GameTimeout,
	}, opts.Workers)
	sink := dataflow.NewCheckpointSink(stage, sinkOpts)
	src.Via(sim).To(sink)

	if err := sink.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := src.Err(); err != nil {
		return fmt.Errorf("read jobs: %w", err)
	}
	if ctx.Err() != nil {
		// Cancelled: interrupted, unless the last job was already done.
		if pending, _, err := stage.PendingJobs(0, 1); err != nil || len(pending) > 0 {
			return ErrInterrupted
		}
	}
	if agg, err = stage.Aggregate(); err == nil {
		prog.Failed.Store(agg.Failed)
	}
	return err
}
