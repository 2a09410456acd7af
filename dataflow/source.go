package dataflow

import (
	"context"
	"sync"

	"github.com/reugn/go-streams"
	"github.com/simpipe/simpipe/store"
)

// sourcePage is how many job records the source reads per read transaction.
const sourcePage = 256

// JobSource emits every pending job of a stage once, in ID order, as
// store.Job values. It stops early, closing its output, when its context is
// cancelled; jobs not emitted stay pending for the next run.
type JobSource struct {
	stage   *store.Stage
	out     chan any
	onIssue func(store.Job)

	mu  sync.Mutex
	err error // guarded by mu; written by the source goroutine
}

var _ streams.Source = (*JobSource)(nil)

// NewJobSource starts reading the stage. onIssue, if not nil, is called from the
// source goroutine just before a job is handed downstream.
func NewJobSource(ctx context.Context, stage *store.Stage, onIssue func(store.Job)) *JobSource {
	s := &JobSource{stage: stage, out: make(chan any), onIssue: onIssue}
	go s.run(ctx)
	return s
}

func (s *JobSource) run(ctx context.Context) {
	defer close(s.out)
	from := uint64(0)
	for {
		jobs, next, err := s.stage.PendingJobs(from, sourcePage)
		if err != nil {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			return
		}
		if next == from {
			return // no more job records
		}
		from = next
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			if s.onIssue != nil {
				s.onIssue(j)
			}
			select {
			case s.out <- j:
			case <-ctx.Done():
				return
			}
		}
	}
}

// Err returns the error that ended the source early, if any.
func (s *JobSource) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Out returns the output channel; the source closes it when done.
func (s *JobSource) Out() <-chan any { return s.out }

// Via streams the jobs into f and returns f.
func (s *JobSource) Via(f streams.Flow) streams.Flow {
	go func() {
		for j := range s.out {
			f.In() <- j
		}
		close(f.In())
	}()
	return f
}
