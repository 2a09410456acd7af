package dataflow

import (
	"context"
	"sync"
	"time"

	"github.com/reugn/go-streams"
	"github.com/simpipe/simpipe/store"
)

// Defaults for SinkOptions.
const (
	DefaultCommitInterval = 200 * time.Millisecond
	DefaultCommitGames    = 1 << 20
)

// SinkOptions tunes how CheckpointSink groups commits.
type SinkOptions struct {
	// Interval bounds how long a finished job waits before it is committed,
	// and so how much work a crash can lose. DefaultCommitInterval if zero.
	Interval time.Duration
	// MaxGames commits early once a batch holds this many games.
	// DefaultCommitGames if zero.
	MaxGames uint64
	// OnCommit, if not nil, is called on the sink's commit goroutine after
	// every successful commit with what the commit held.
	OnCommit func(Commit)
	// Cancel is called with the error when a commit fails, so that the
	// source stops issuing work that could not be saved.
	Cancel context.CancelCauseFunc
}

// Commit is what one commit of a CheckpointSink held.
type Commit struct {
	store.CommitStats
	// Duration is how long the commit took.
	Duration time.Duration
	// Jobs are the jobs of the results the commit held, in the order the
	// sink received them, those counted as duplicates included, so that a
	// caller can settle each result (acknowledge its message, free its
	// slot) without keeping its own copy of the sink's order. The slice is
	// the hook's to keep.
	Jobs []store.Job
}

// CheckpointSink receives store.JobResult values and commits them to the
// store in batches: a batch is committed when Interval has passed since its
// first result, when it holds MaxGames games, and once more when the input
// closes. Receiving and committing run on separate goroutines, so
// simulators keep going while a batch is being written.
type CheckpointSink struct {
	stage *store.Stage
	opts  SinkOptions
	in    chan any
	done  chan struct{}

	mu  sync.Mutex
	err error // guarded by mu; the first commit error
}

var _ streams.Sink = (*CheckpointSink)(nil)

// NewCheckpointSink starts a sink committing to the stage.
func NewCheckpointSink(stage *store.Stage, opts SinkOptions) *CheckpointSink {
	if opts.Interval <= 0 {
		opts.Interval = DefaultCommitInterval
	}
	if opts.MaxGames == 0 {
		opts.MaxGames = DefaultCommitGames
	}
	s := &CheckpointSink{stage: stage, opts: opts, in: make(chan any), done: make(chan struct{})}
	batches := make(chan []store.JobResult) // unbuffered: at most one batch waits
	go s.receive(batches)
	go s.commit(batches)
	return s
}

// In returns the input channel; upstream closes it.
func (s *CheckpointSink) In() chan<- any { return s.in }

// AwaitCompletion blocks until every received result is committed (or a
// commit failed).
func (s *CheckpointSink) AwaitCompletion() { <-s.done }

// Err returns the first commit error.
func (s *CheckpointSink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// receive gathers results into batches and hands each to the committer.
// Only this goroutine touches batch.
func (s *CheckpointSink) receive(batches chan<- []store.JobResult) {
	defer close(batches)
	var batch []store.JobResult
	var games uint64
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	flush := func() {
		if len(batch) > 0 {
			batches <- batch
			batch, games = nil, 0
		}
		timer.Stop()
	}
	for {
		select {
		case v, ok := <-s.in:
			if !ok {
				flush()
				return
			}
			r := v.(store.JobResult)
			if len(batch) == 0 {
				timer.Reset(s.opts.Interval)
			}
			batch = append(batch, r)
			games += r.Delta.Finished()
			if games >= s.opts.MaxGames {
				flush()
			}
		case <-timer.C:
			flush()
		}
	}
}

// commit writes batches. After a failure it drains the remaining batches
// without writing, so nothing upstream blocks.
func (s *CheckpointSink) commit(batches <-chan []store.JobResult) {
	defer close(s.done)
	for batch := range batches {
		if s.Err() != nil {
			continue
		}
		start := time.Now()
		st, err := s.stage.Commit(batch)
		// bbolt has copied the records into its pages (or given up on
		// them): their buffers can be reused.
		jobs := make([]store.Job, len(batch))
		for i := range batch {
			jobs[i] = batch[i].Job
			putRecordBuf(batch[i].Record)
			batch[i].Record = nil
		}
		if err != nil {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			if s.opts.Cancel != nil {
				s.opts.Cancel(err)
			}
			continue
		}
		if s.opts.OnCommit != nil {
			s.opts.OnCommit(Commit{CommitStats: st, Duration: time.Since(start), Jobs: jobs})
		}
	}
}
