package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/store"
)

// ErrInterrupted is returned by Execute and Run when their context was
// cancelled before every job finished. The store is consistent and the run
// can be resumed.
var ErrInterrupted = errors.New("run interrupted")

// Progress holds live counters of a run (see dataflow.Progress).
type Progress = dataflow.Progress

// Options configures Execute and Run.
type Options struct {
	// Workers is the number of simulator goroutines of Run's Local
	// executor (at least 1).
	Workers int
	// Retries is how many times Run's simulators replay a failing game
	// before it is recorded as failed.
	Retries int
	// GameTimeout, when positive, has Run's simulators record a game that
	// runs longer as failed and go on (see dataflow.SimConfig.GameTimeout).
	GameTimeout time.Duration
	// Sink tunes commit grouping; its OnCommit, if set, is called after
	// every commit, once Progress is updated. Its Cancel is the executor's.
	Sink dataflow.SinkOptions
	// Progress, if not nil, receives live counters; Execute updates it.
	Progress *Progress
}

// Executor plays the pending jobs of a run: on simulators of this process
// (Local) or on workers elsewhere (package cluster's Coordinator).
type Executor interface {
	// Execute plays x's pending jobs and commits their results through a
	// sink made with x.NewSink, until no job is pending or ctx is cancelled;
	// then it lets the results in flight commit and returns nil. It returns
	// the first error that stopped it (a commit's, a read's). It keeps
	// x.Progress.InFlight; the lifecycle keeps the other counters.
	Execute(ctx context.Context, x *Execution) error
}

// Execution is one executor's turn at a run, handed to it by Execute.
type Execution struct {
	Def      *Definition
	Stage    *store.Stage
	Progress *Progress
	sink     dataflow.SinkOptions
}

// NewSink starts the run's checkpoint sink. Each commit updates Progress,
// reaches the lifecycle's hooks (Options.Sink.OnCommit: metrics, an
// evaluation's stopping test) and then then, the executor's own hook (nil
// for none). cancel, if not nil, is called with the error of a failed
// commit, so that the executor stops issuing work that cannot be saved.
func (x *Execution) NewSink(cancel context.CancelCauseFunc, then func(dataflow.Commit)) *dataflow.CheckpointSink {
	opts := x.sink
	hook, prog := opts.OnCommit, x.Progress
	opts.Cancel = cancel
	opts.OnCommit = func(c dataflow.Commit) {
		prog.Done.Store(c.Finished)
		prog.Failed.Store(c.Failed)
		prog.Played.Add(c.Games)
		prog.Commits.Add(1)
		prog.CommitNano.Store(int64(c.Duration))
		if hook != nil {
			hook(c)
		}
		if then != nil {
			then(c)
		}
	}
	return dataflow.NewCheckpointSink(x.Stage, opts)
}

// Execute is the run lifecycle every executor runs under: it sets up the
// progress counters from the stored aggregate, has exec play the pending
// jobs of the stage's run def, and tells an
// interruption from the end of the run. It returns ErrInterrupted if ctx was
// cancelled before the last job finished, or the error that stopped exec.
func Execute(ctx context.Context, stage *store.Stage, def *Definition, exec Executor, opts Options) error {
	prog := opts.Progress
	if prog == nil {
		prog = &Progress{}
	}
	agg, err := stage.Aggregate()
	if err != nil {
		return err
	}
	startProgress(prog, def, agg)
	x := &Execution{Def: def, Stage: stage, Progress: prog, sink: opts.Sink}
	if err := exec.Execute(ctx, x); err != nil {
		return err
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

// startProgress sets the counters of a run of def starting from agg.
func startProgress(prog *Progress, def *Definition, agg *store.Aggregate) {
	prog.Total.Store(def.Config.Games)
	prog.Done.Store(agg.Finished())
	prog.Failed.Store(agg.Failed)
}

// Run plays every pending job of the stage's run def on opts.Workers
// simulators of this process: Execute with a Local executor.
func Run(ctx context.Context, stage *store.Stage, def *Definition, opts Options) error {
	return Execute(ctx, stage, def, Local{Workers: opts.Workers, Retries: opts.Retries, GameTimeout: opts.GameTimeout}, opts)
}

// Local is the executor that plays a run in this process: a JobSource
// reading the pending jobs, a Simulate flow of Workers simulators and the
// run's CheckpointSink.
type Local struct {
	// Workers is the number of simulator goroutines (at least 1).
	Workers int
	// Retries and GameTimeout are the simulators' (see dataflow.SimConfig).
	Retries     int
	GameTimeout time.Duration
}

var _ Executor = Local{}

// Execute implements Executor.
func (l Local) Execute(ctx context.Context, x *Execution) error {
	if l.Workers < 1 {
		return fmt.Errorf("pipeline: %d workers", l.Workers)
	}
	// The source stops on the caller's cancellation or on a commit error;
	// the flow and sink always drain what was issued.
	srcCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	prog := x.Progress
	src := dataflow.NewJobSource(srcCtx, x.Stage, func(store.Job) { prog.InFlight.Add(1) })
	sim := dataflow.NewSimulate(x.Def.SimConfig(l.Retries, l.GameTimeout), l.Workers)
	sink := x.NewSink(cancel, func(c dataflow.Commit) { prog.InFlight.Add(-int64(len(c.Jobs))) })
	src.Via(sim).To(sink)

	if err := sink.Err(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if err := src.Err(); err != nil {
		return fmt.Errorf("read jobs: %w", err)
	}
	return nil
}
