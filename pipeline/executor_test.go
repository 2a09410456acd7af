package pipeline_test

import (
	"context"
	"errors"
	"testing"

	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
)

// recording is an executor that plays up to max pending jobs through the
// run's sink, noting what the lifecycle handed it and what its commits
// said.
type recording struct {
	max                   int
	startDone, startTotal uint64
	commits, jobs         int
}

func (r *recording) Execute(ctx context.Context, x *pipeline.Execution) error {
	r.startDone, r.startTotal = x.Progress.Done.Load(), x.Progress.Total.Load()
	if r.max == 0 {
		return nil
	}
	jobs, _, err := x.Stage.PendingJobs(0, r.max)
	if err != nil {
		return err
	}
	sim := dataflow.NewSimulate(x.Def.SimConfig(0, 0), 2)
	sink := x.NewSink(nil, func(c dataflow.Commit) { r.commits++; r.jobs += len(c.Jobs) })
	go func() {
		for _, j := range jobs {
			sim.In() <- j
		}
		close(sim.In())
	}()
	for v := range sim.Out() {
		sink.In() <- v
	}
	close(sink.In())
	sink.AwaitCompletion()
	return sink.Err()
}

// TestExecuteLifecycle: Execute hands any executor progress counters set
// from the stored aggregate, updates them at each of the executor's
// commits, and tells a run stopped short (ErrInterrupted, on a cancelled
// context) from a finished one.
func TestExecuteLifecycle(t *testing.T) {
	_, stage := newStage(t)
	def, err := pipeline.Prepare(stage, nil, pipeline.Settings{Game: mustGame(t, builtin.Registry(), "tictactoe"), Games: ptr[uint64](4000), Chunk: ptr(100)})
	if err != nil {
		t.Fatal(err)
	}
	prog := &pipeline.Progress{}
	rec := &recording{max: 20}
	if err := pipeline.Execute(context.Background(), stage, def, rec, pipeline.Options{Progress: prog}); err != nil {
		t.Fatal(err)
	}
	if rec.startDone != 0 || rec.startTotal != 4000 || rec.jobs != 20 || rec.commits == 0 {
		t.Fatalf("executor saw %+v", rec)
	}
	if prog.Done.Load() != 2000 || prog.Played.Load() != 2000 || prog.Commits.Load() != uint64(rec.commits) {
		t.Fatalf("progress done %d, played %d, commits %d", prog.Done.Load(), prog.Played.Load(), prog.Commits.Load())
	}
	// Half the run is left: a cancelled turn that leaves it is an
	// interruption; one that finishes it is not.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := pipeline.Execute(ctx, stage, def, &recording{}, pipeline.Options{}); !errors.Is(err, pipeline.ErrInterrupted) {
		t.Fatalf("cancelled turn with jobs left: %v, want ErrInterrupted", err)
	}
	rec = &recording{max: 1000}
	if err := pipeline.Execute(ctx, stage, def, rec, pipeline.Options{}); err != nil || rec.startDone != 2000 {
		t.Fatalf("cancelled turn that finished the run (from %d): %v", rec.startDone, err)
	}
}
