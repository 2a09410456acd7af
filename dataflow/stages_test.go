package dataflow

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/tictactoe"
	"github.com/simpipe/simpipe/store"
)

// TestSinkStopsSourceOnCommitError: when a commit fails, the sink reports
// the error, cancels upstream and keeps draining its input, so nothing
// blocks.
func TestSinkStopsSourceOnCommitError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := store.Config{Game: "tictactoe", Players: "random,random", Seats: 2, Games: 40, ChunkSize: 10, MoveBits: 4}
	if err := db.Stage("run").CreateRun(cfg); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := store.Open(path, &store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	var cause error
	sink := NewCheckpointSink(ro.Stage("run"), SinkOptions{
		Interval: time.Millisecond,
		Cancel:   func(err error) { cause = err },
	})
	for id := uint64(0); id < 4; id++ { // more results arrive after the failure
		sink.In() <- store.JobResult{Job: store.Job{ID: id, First: id * 10, Count: 10}}
		time.Sleep(5 * time.Millisecond)
	}
	close(sink.In())
	done := make(chan struct{})
	go func() { sink.AwaitCompletion(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the sink did not finish after a failed commit")
	}
	if sink.Err() == nil || cause == nil || !errors.Is(cause, sink.Err()) {
		t.Fatalf("sink error %v, cancel cause %v", sink.Err(), cause)
	}
}

// blocking is tic-tac-toe whose games with an x in the centre block until
// the test ends, as a deadlocked game would.
type blocking struct {
	tictactoe.Game
	release chan struct{}
}

func (g blocking) NewState() game.State {
	return &blockingState{State: g.Game.NewState().(*tictactoe.State), release: g.release}
}

type blockingState struct {
	*tictactoe.State
	release chan struct{}
}

func (s *blockingState) Apply(m game.Move) {
	if m == 4 && s.ToMove() == 0 {
		<-s.release
	}
	s.State.Apply(m)
}

// TestWatchdogRecordsHungGames: games that stop making progress are
// recorded as failed with the watchdog's reason, and the job's other games
// are played and kept.
func TestWatchdogRecordsHungGames(t *testing.T) {
	release := make(chan struct{})
	defer close(release) // lets the abandoned goroutines finish
	g := blocking{release: release}
	lineup, err := ai.ParseLineup("random", g)
	if err != nil {
		t.Fatal(err)
	}
	cfg := SimConfig{Game: g, Lineup: lineup, Seed: 3, MoveBits: 4, GameTimeout: 30 * time.Millisecond}
	pool := make(chan *simulator, 1)
	pool <- &simulator{cfg: cfg}
	r := watchJob(store.Job{ID: 0, First: 0, Count: 30}, pool, cfg)
	if len(r.Failures) == 0 || len(r.Failures) == 30 {
		t.Fatalf("%d of 30 games failed; want some (the ones that play the centre as x)", len(r.Failures))
	}
	for _, f := range r.Failures {
		if f.Attempts != 1 || !strings.Contains(f.Error, "did not finish within 30ms") {
			t.Fatalf("failure %+v", f)
		}
	}
	c, err := store.DecodeChunk(r.Record)
	if err != nil || len(c.Raw) != 30 {
		t.Fatalf("record: %v, %d games", err, len(c.Raw))
	}
	failed := 0
	for i := range c.Raw {
		if c.Entry(i).Status == store.Failed {
			failed++
		}
	}
	if failed != len(r.Failures) || r.Delta.Failed != uint64(failed) || r.Delta.GamesDone != uint64(30-failed) {
		t.Fatalf("record has %d failed games, result %d failures, delta %+v", failed, len(r.Failures), r.Delta)
	}
	if len(pool) != 1 {
		t.Fatal("the pool lost its simulator")
	}
}

// TestSinkCommitNamesItsJobs: every commit tells its hook which jobs it
// held, in the order received, a duplicate result included; together the
// commits name every result the sink received, once.
func TestSinkCommitNamesItsJobs(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "s.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	g := tictactoe.Game{}
	cfg := store.Config{Game: g.Spec(), Players: "random,random", Seats: 2, Games: 40, ChunkSize: 10, MoveBits: g.MoveBits()}
	stage := db.Stage("run")
	if err := stage.CreateRun(cfg); err != nil {
		t.Fatal(err)
	}
	lineup, err := ai.ParseLineup("random", g)
	if err != nil {
		t.Fatal(err)
	}
	sim := NewSimulate(SimConfig{Game: g, Lineup: lineup, Seed: 1, MoveBits: cfg.MoveBits}, 1)
	var commits []Commit
	sink := NewCheckpointSink(stage, SinkOptions{Interval: time.Hour, MaxGames: 20,
		OnCommit: func(c Commit) { commits = append(commits, c) }})
	go func() {
		for v := range sim.Out() {
			sink.In() <- v
		}
		close(sink.In())
	}()
	for _, id := range []uint64{0, 1, 2, 2, 3} { // job 2's result comes twice
		sim.In() <- store.Job{ID: id, First: id * 10, Count: 10}
	}
	close(sim.In())
	sink.AwaitCompletion()
	if err := sink.Err(); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	var dups uint64
	for _, c := range commits {
		if uint64(len(c.Jobs)) != c.CommitStats.Jobs+c.Duplicates {
			t.Errorf("commit of %d jobs and %d duplicates names %d jobs", c.CommitStats.Jobs, c.Duplicates, len(c.Jobs))
		}
		for _, j := range c.Jobs {
			ids = append(ids, j.ID)
		}
		dups += c.Duplicates
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []uint64{0, 1, 2, 2, 3}) || dups != 1 || len(commits) < 2 {
		t.Fatalf("%d commits named jobs %v with %d duplicates; want 0, 1, 2, 2, 3 with 1", len(commits), ids, dups)
	}
}
