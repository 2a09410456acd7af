package pipeline

import (
	"context"
	"fmt"
	"net"
	"os"
	"sync"
	"time"

	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/metrics"
	"github.com/simpipe/simpipe/store"
)

// SessionOptions configures a Session.
type SessionOptions struct {
	// DBPath is the DB file: the live status is served on a socket beside
	// it (see ServeLive) and the metrics report its size.
	DBPath string
	// Workers is the number of simulators the live status reports.
	Workers int
	// Metrics, if not nil, is where the session serves Prometheus metrics
	// (see package metrics) until Close; the session owns the listener.
	Metrics net.Listener
	// Sink tunes commit grouping; its OnCommit, if set, is chained after
	// the session's (see Options.Sink).
	Sink dataflow.SinkOptions
	// OnStop, if not nil, is called (on the live socket's goroutine) when
	// a stop is requested over the live socket, before the run is stopped,
	// so that the command can say so as it does for Ctrl-C.
	OnStop func()
}

// Session is one command's run of a stage under the common lifecycle,
// whatever its executor: live status for other processes, metrics, the
// progress counters a display reads, and the summary at the end. Start it
// with StartSession, run it once with Run and Close it.
type Session struct {
	stage     *store.Stage
	def       *Definition
	opts      SessionOptions
	prog      *Progress
	start     time.Time
	startDone uint64
	stopLive  context.CancelFunc
	liveErr   error
	metrics   *metrics.Metrics
	server    *metrics.Server

	// mu guards the fields below, shared by Run's goroutine, the sink's
	// commit hook and the live socket's goroutines.
	mu        sync.Mutex
	cancelRun context.CancelFunc // set by Run while it runs
	stopping  bool               // a stop was requested (before or during Run)
	failures  []LiveFailure      // the last MaxRecentFailures failed games
	lastFail  uint64             // failed games at the last commit seen
}

// StartSession starts the live status and the metrics of a run of def in
// stage. A live status that cannot be served is not fatal: LiveErr says why.
func StartSession(stage *store.Stage, def *Definition, opts SessionOptions) (*Session, error) {
	agg, err := stage.Aggregate()
	if err != nil {
		return nil, err
	}
	s := &Session{stage: stage, def: def, opts: opts, prog: &Progress{}, start: time.Now(), startDone: agg.Finished(), lastFail: agg.Failed}
	startProgress(s.prog, def, agg) // for a display started before Run
	liveCtx, stop := context.WithCancel(context.Background())
	s.stopLive = stop
	s.liveErr = ServeLiveActions(liveCtx, opts.DBPath, s.liveStatus, map[string]LiveAction{
		"stop":  s.requestStop,
		"retry": s.retryFailed,
	})
	if opts.Metrics != nil {
		s.metrics = metrics.New(metrics.Source{Progress: s.prog, DBSize: func() int64 {
			fi, err := os.Stat(opts.DBPath)
			if err != nil {
				return 0
			}
			return fi.Size()
		}})
		s.server = s.metrics.Serve(opts.Metrics)
	}
	return s, nil
}

func (s *Session) liveStatus() LiveStatus {
	el := time.Since(s.start)
	done := s.prog.Done.Load()
	st := LiveStatus{
		PID: os.Getpid(), DB: s.opts.DBPath, GamesTotal: s.prog.Total.Load(), GamesDone: done,
		Failed: s.prog.Failed.Load(), JobsInFlight: s.prog.InFlight.Load(), Workers: s.opts.Workers,
		GamesPerSec: float64(done-s.startDone) / el.Seconds(), Uptime: el.Round(time.Second).String(),
		Game: s.def.Config.Game, Stage: s.stage.Name(), Jobs: s.def.Config.Jobs, Commits: s.prog.Commits.Load(),
	}
	if agg, err := s.stage.Aggregate(); err == nil {
		st.JobsDone, st.JobsFailed = agg.JobsDone, agg.JobsFailed
	}
	s.mu.Lock()
	st.Stopping = s.stopping
	st.RecentFailures = append([]LiveFailure(nil), s.failures...)
	s.mu.Unlock()
	return st
}

// requestStop is the live socket's stop action: it stops the run as the
// first Ctrl-C does (the games in flight finish and are committed; Run
// returns ErrInterrupted).
func (s *Session) requestStop() (string, error) {
	s.mu.Lock()
	already := s.stopping
	s.stopping = true
	cancel := s.cancelRun
	s.mu.Unlock()
	if already {
		return "the run is already stopping", nil
	}
	if s.opts.OnStop != nil {
		s.opts.OnStop()
	}
	if cancel != nil {
		cancel()
	}
	return "stopping: finishing the games in flight and committing them", nil
}

// retryFailed is the live socket's retry action: the failed jobs become
// pending again (store.Stage.Reissue, as 'simpipe retry --failed' does).
// This run plays those its job reading has not passed yet; the next run
// plays the others.
func (s *Session) retryFailed() (string, error) {
	n, err := s.stage.Reissue(nil)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "no failed jobs; nothing to retry", nil
	}
	return fmt.Sprintf("reissued %d failed jobs: this run replays those it has not reached yet, the next run the others", n), nil
}

// noteFailures keeps the failures of the commit's jobs when the commit
// added failed games. Called on the sink's commit goroutine.
func (s *Session) noteFailures(c dataflow.Commit) {
	s.mu.Lock()
	more := c.Failed > s.lastFail
	s.lastFail = c.Failed
	s.mu.Unlock()
	if !more {
		return
	}
	var found []LiveFailure
	for _, j := range c.Jobs {
		_, id, rec, err := s.stage.Game(j.First)
		if err != nil || rec == nil {
			continue
		}
		for _, f := range rec.Failures {
			found = append(found, LiveFailure{Job: id, Game: f.Index, Attempts: f.Attempts, Error: f.Error, Stack: f.Stack})
		}
	}
	s.mu.Lock()
	s.failures = append(s.failures, found...)
	if n := len(s.failures) - MaxRecentFailures; n > 0 {
		s.failures = append(s.failures[:0], s.failures[n:]...)
	}
	s.mu.Unlock()
}

// Progress returns the run's live counters, for a display.
func (s *Session) Progress() *Progress { return s.prog }

// StartDone returns the games that had a result when the session started.
func (s *Session) StartDone() uint64 { return s.startDone }

// LiveErr returns why the live status is not served, or nil.
func (s *Session) LiveErr() error { return s.liveErr }

// MetricsURL returns the URL of the metrics, or "" without them.
func (s *Session) MetricsURL() string {
	if s.server == nil {
		return ""
	}
	return s.server.URL()
}

// Summary is what a session's run did.
type Summary struct {
	// Total is the number of games in the run.
	Total uint64
	// Agg is the stored aggregate after the run; nil if it could not be
	// read.
	Agg *store.Aggregate
	// Played counts the games this session played and committed (replays
	// included), in Elapsed.
	Played  uint64
	Elapsed time.Duration
	// Digest is the results digest (see store.Stage.Digest), set when the
	// run finished.
	Digest [32]byte
}

// Run plays the run's pending jobs with exec (see Execute), stops the live
// status and returns the summary. On ErrInterrupted the summary holds the
// aggregate of what is saved.
func (s *Session) Run(ctx context.Context, exec Executor) (*Summary, error) {
	sink := s.opts.Sink
	hook := sink.OnCommit
	sink.OnCommit = func(c dataflow.Commit) {
		if s.metrics != nil {
			s.metrics.OnCommit(c)
		}
		s.noteFailures(c)
		if hook != nil {
			hook(c)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// A stop by signal shows in the live status too. (Run's own cancel at
	// its end sets it as well, once the socket is closed.)
	context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.stopping = true
		s.mu.Unlock()
	})
	s.mu.Lock()
	s.cancelRun = cancel
	if s.stopping {
		cancel() // stopped over the live socket before Run
	}
	s.mu.Unlock()
	runErr := Execute(ctx, s.stage, s.def, exec, Options{Sink: sink, Progress: s.prog})
	s.stopLive()
	sum := &Summary{Total: s.def.Config.Games, Played: s.prog.Played.Load(), Elapsed: time.Since(s.start)}
	agg, aggErr := s.stage.Aggregate()
	if aggErr == nil {
		sum.Agg = agg
	}
	switch {
	case runErr != nil:
		return sum, runErr
	case aggErr != nil:
		return sum, aggErr
	}
	d, err := s.stage.Digest()
	sum.Digest = d
	return sum, err
}

// Close stops the live status and the metrics server, waiting for scrapes
// in progress (they read the DB, so close the session before the DB). It
// may be called more than once.
func (s *Session) Close() {
	s.stopLive()
	if s.server != nil {
		s.server.Close()
		s.server = nil
	}
}
