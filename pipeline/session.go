package pipeline

import (
	"context"
	"net"
	"os"
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
}

// StartSession starts the live status and the metrics of a run of def in
// stage. A live status that cannot be served is not fatal: LiveErr says why.
func StartSession(stage *store.Stage, def *Definition, opts SessionOptions) (*Session, error) {
	agg, err := stage.Aggregate()
	if err != nil {
		return nil, err
	}
	s := &Session{stage: stage, def: def, opts: opts, prog: &Progress{}, start: time.Now(), startDone: agg.Finished()}
	startProgress(s.prog, def, agg) // for a display started before Run
	liveCtx, stop := context.WithCancel(context.Background())
	s.stopLive = stop
	s.liveErr = ServeLive(liveCtx, opts.DBPath, s.liveStatus)
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
	return LiveStatus{
		PID: os.Getpid(), DB: s.opts.DBPath, GamesTotal: s.prog.Total.Load(), GamesDone: done,
		Failed: s.prog.Failed.Load(), JobsInFlight: s.prog.InFlight.Load(), Workers: s.opts.Workers,
		GamesPerSec: float64(done-s.startDone) / el.Seconds(), Uptime: el.Round(time.Second).String(),
	}
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
	if s.metrics != nil {
		hook := sink.OnCommit
		sink.OnCommit = func(c dataflow.Commit) {
			s.metrics.OnCommit(c)
			if hook != nil {
				hook(c)
			}
		}
	}
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
