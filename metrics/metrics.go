// Package metrics exports a running simpipe's progress as Prometheus
// metrics over HTTP.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/simpipe/simpipe/dataflow"
)

// Metric names, a stable interface for dashboards and alerts.
const (
	NameGamesDone      = "simpipe_games_done_total"
	NameGamesCommitted = "simpipe_games_committed"
	NameGamesTotal     = "simpipe_games"
	NameGamesFailed    = "simpipe_games_failed"
	NameJobsInFlight   = "simpipe_jobs_in_flight"
	NameGamesPerSecond = "simpipe_games_per_second"
	NameCommitSeconds  = "simpipe_commit_duration_seconds"
	NameDBSize         = "simpipe_db_size_bytes"
)

// RateWindow is the span over which the games-per-second gauge is measured.
const RateWindow = 10 * time.Second

// rateSampleEvery is how often the rate gauge's sampler records progress.
const rateSampleEvery = time.Second

// Source says where the metrics come from. Progress is required; the
// functions are optional.
type Source struct {
	// Progress is the run's live counters (pipeline.Execute updates them).
	Progress *dataflow.Progress
	// DBSize returns the DB file's size in bytes; without it the size
	// gauge is not exported.
	DBSize func() int64
	// Failed returns the number of games failed on every attempt so far;
	// it defaults to Progress.Failed, which the run updates at every
	// commit.
	Failed func() uint64
}

// Metrics collects one run's metrics in its own registry. Create it with
// New, hook OnCommit into the checkpoint sink and expose it with Serve or
// Handler.
type Metrics struct {
	reg    *prometheus.Registry
	commit prometheus.Histogram

	// played counts the games this process committed, finished
	// (completed, incomplete or failed: store.CommitStats.Games, the same
	// count as Progress.Played); it feeds the done counter and the rate
	// gauge. Accessed atomically.
	played atomic.Uint64

	mu      sync.Mutex // guards samples
	samples []sample   // oldest first, spanning at most RateWindow
}

// sample is the value of played at one moment.
type sample struct {
	at    time.Time
	games uint64
}

// New registers the run's metrics, plus the Go runtime and process
// collectors, in a fresh registry.
func New(src Source) *Metrics {
	if src.Progress == nil {
		panic("metrics: nil Progress")
	}
	prog := src.Progress
	failed := src.Failed
	if failed == nil {
		failed = prog.Failed.Load
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: NameCommitSeconds,
			Help: "Duration of checkpoint commits (one bbolt transaction and fsync per batch of jobs).",
			// 0.5 ms to about 8 s.
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 15),
		}),
		samples: []sample{{at: time.Now()}},
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.commit,
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: NameGamesDone,
			Help: "Games whose result (completed, incomplete or failed) this process committed; rate() it for throughput.",
		}, func() float64 { return float64(m.played.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameGamesCommitted,
			Help: "Games of the run with a committed result (completed, incomplete or failed), including those of earlier sessions.",
		}, func() float64 { return float64(prog.Done.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameGamesTotal,
			Help: "Games in the run.",
		}, func() float64 { return float64(prog.Total.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameGamesFailed,
			Help: "Games of the run that failed on every attempt.",
		}, func() float64 { return float64(failed()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameJobsInFlight,
			Help: "Jobs issued to simulators and not yet committed.",
		}, func() float64 { return float64(prog.InFlight.Load()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameGamesPerSecond,
			Help: fmt.Sprintf("Games committed per second over the last %s.", RateWindow),
		}, m.rate),
	)
	if src.DBSize != nil {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: NameDBSize,
			Help: "Size of the checkpoint DB file in bytes.",
		}, func() float64 { return float64(src.DBSize()) }))
	}
	return m
}

// OnCommit records one checkpoint commit; its signature fits
// dataflow.SinkOptions.OnCommit. Duplicated results are not counted.
func (m *Metrics) OnCommit(c dataflow.Commit) {
	m.played.Add(c.Games)
	m.commit.Observe(c.Duration.Seconds())
}

// Handler returns the HTTP handler serving the metrics in the Prometheus
// exposition formats.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// record appends a sample of played and drops those older than RateWindow
// (keeping one at least RateWindow old, the rate's base).
func (m *Metrics) record(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.samples = append(m.samples, sample{now, m.played.Load()})
	i := 0
	for i+1 < len(m.samples) && now.Sub(m.samples[i+1].at) >= RateWindow {
		i++
	}
	m.samples = m.samples[i:]
}

// rate returns the games committed per second since the oldest sample.
func (m *Metrics) rate() float64 {
	now, games := time.Now(), m.played.Load()
	m.mu.Lock()
	base := m.samples[0]
	m.mu.Unlock()
	el := now.Sub(base.at).Seconds()
	if el <= 0 || games < base.games {
		return 0
	}
	return float64(games-base.games) / el
}

// Listen binds addr ("host:port"; port 0 picks a free one) for Serve. Bind
// first, before any work, so that a busy address is reported at once.
func Listen(addr string) (net.Listener, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	return l, nil
}

// Server serves a Metrics registry on a listener.
type Server struct {
	srv  *http.Server
	addr net.Addr
	stop context.CancelFunc
	done chan struct{} // closed when the HTTP server and sampler have exited
}

// Serve starts serving m at /metrics on l (which the server owns from now
// on) and sampling progress for the rate gauge, until Close.
func (m *Metrics) Serve(l net.Listener) *Server {
	mux := http.NewServeMux()
	mux.Handle("/metrics", m.Handler())
	ctx, stop := context.WithCancel(context.Background())
	s := &Server{
		srv:  &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
		addr: l.Addr(),
		stop: stop,
		done: make(chan struct{}),
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			// Accept failed for good; the run goes on without metrics.
			stop()
		}
	})
	wg.Go(func() {
		t := time.NewTicker(rateSampleEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				m.record(now)
			}
		}
	})
	go func() { wg.Wait(); close(s.done) }()
	return s
}

// Addr returns the address the server listens on.
func (s *Server) Addr() net.Addr { return s.addr }

// URL returns the metrics URL; an unspecified host (":9090") is shown as
// localhost.
func (s *Server) URL() string {
	host, port, err := net.SplitHostPort(s.addr.String())
	if err != nil {
		return "http://" + s.addr.String() + "/metrics"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/metrics"
}

// Close stops the server, waiting up to a second for scrapes in progress,
// so that no metric function runs after Close returns (they may read a DB
// that is about to close).
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = s.srv.Close()
	}
	s.stop()
	<-s.done
	return err
}
