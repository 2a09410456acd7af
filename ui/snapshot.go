package ui

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// Snapshot is what the dashboard shows of one DB at one moment; the page's
// script renders it (as JSON, through server-sent events).
type Snapshot struct {
	Index int    `json:"i"`
	Path  string `json:"path"`
	// State is "live" (a process runs it and serves its live status),
	// "stopped", "busy" (a process holds it without a live status) or
	// "error".
	State string `json:"state"`
	Error string `json:"error,omitempty"`
	// Live, for a live DB.
	PID           int     `json:"pid,omitempty"`
	Uptime        string  `json:"uptime,omitempty"`
	Workers       int     `json:"workers,omitempty"`
	GamesPerSec   float64 `json:"games_per_sec"`
	ETA           string  `json:"eta,omitempty"`
	Commits       uint64  `json:"commits"`
	CommitsPerSec float64 `json:"commits_per_sec"`
	Stopping      bool    `json:"stopping,omitempty"`
	// Stages: the live run's stage, or every stage of a stopped DB.
	Stages []StageSnapshot `json:"stages"`
	// Failures are failed games with their error and stack: the last ones
	// of a live run, or the first MaxFailures of a stopped DB's stages.
	// In an event, null means "unchanged since the last event".
	Failures []Failure `json:"failures"`
	// Bytes is a stopped DB's file size.
	Bytes int64 `json:"bytes,omitempty"`
}

// StageSnapshot is one stage's progress.
type StageSnapshot struct {
	Name        string `json:"name"`
	Game        string `json:"game"`
	Players     string `json:"players,omitempty"`
	GamesTotal  uint64 `json:"games_total"`
	GamesDone   uint64 `json:"games_done"` // with a result: done or failed
	Failed      uint64 `json:"failed"`
	JobsTotal   uint64 `json:"jobs_total"`
	JobsPending uint64 `json:"jobs_pending"`
	JobsFlight  int64  `json:"jobs_in_flight"`
	JobsDone    uint64 `json:"jobs_done"`
	JobsFailed  uint64 `json:"jobs_failed"`
}

// Failure is one failed game.
type Failure struct {
	Stage    string `json:"stage"`
	Job      uint64 `json:"job"`
	Game     uint64 `json:"game"`
	Attempts uint32 `json:"attempts"`
	Error    string `json:"error"`
	Stack    string `json:"stack"`
}

// MaxFailures bounds Snapshot.Failures of a stopped DB.
const MaxFailures = 20

// openTimeout is how long the dashboard waits for a DB's lock: a run that
// starts holds it, and the dashboard then reads the live socket instead.
const openTimeout = 200 * time.Millisecond

// writeOpenTimeout is how long a retry waits for the lock of a stopped DB
// (an inspect may be reading it).
const writeOpenTimeout = 2 * time.Second

// liveTimeout bounds one live-socket exchange.
const liveTimeout = time.Second

// liveSnapshot turns a live status into a snapshot (without its commit
// rate: see rate).
func liveSnapshot(i int, path string, st *pipeline.LiveStatus) *Snapshot {
	s := &Snapshot{Index: i, Path: path, State: "live", PID: st.PID, Uptime: st.Uptime, Workers: st.Workers,
		GamesPerSec: st.GamesPerSec, Commits: st.Commits, Stopping: st.Stopping, Failures: []Failure{}}
	if st.GamesPerSec > 0 && st.GamesDone < st.GamesTotal {
		left := time.Duration(float64(st.GamesTotal-st.GamesDone) / st.GamesPerSec * float64(time.Second))
		s.ETA = left.Round(time.Second).String()
	}
	stage := st.Stage
	if stage == "" {
		stage = store.DefaultStage
	}
	ss := StageSnapshot{Name: stage, Game: st.Game, GamesTotal: st.GamesTotal, GamesDone: st.GamesDone, Failed: st.Failed,
		JobsTotal: st.Jobs, JobsFlight: st.JobsInFlight, JobsDone: st.JobsDone, JobsFailed: st.JobsFailed}
	if used := st.JobsDone + st.JobsFailed + uint64(max(st.JobsInFlight, 0)); st.Jobs >= used {
		ss.JobsPending = st.Jobs - used
	}
	s.Stages = []StageSnapshot{ss}
	for _, f := range st.RecentFailures {
		s.Failures = append(s.Failures, Failure{Stage: stage, Job: f.Job, Game: f.Game, Attempts: f.Attempts, Error: f.Error, Stack: f.Stack})
	}
	return s
}

// stoppedSnapshot reads a DB that no process runs: it opens the file
// read-only, reads every stage's progress and the first failures, and
// closes it.
func stoppedSnapshot(i int, path string) (*Snapshot, error) {
	db, err := store.Open(path, &store.Options{ReadOnly: true, Timeout: openTimeout})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	s := &Snapshot{Index: i, Path: path, State: "stopped", Bytes: db.Size(), Stages: []StageSnapshot{}, Failures: []Failure{}}
	stages, err := db.Stages()
	if err != nil {
		return nil, err
	}
	for _, name := range stages {
		st := db.Stage(name)
		cfg, err := st.Config()
		if errors.Is(err, store.ErrNoRun) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", name, err)
		}
		agg, err := st.Aggregate()
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", name, err)
		}
		ss := StageSnapshot{Name: name, Game: cfg.Game, Players: cfg.Players, GamesTotal: cfg.Games, GamesDone: agg.Finished(),
			Failed: agg.Failed, JobsTotal: cfg.Jobs, JobsDone: agg.JobsDone, JobsFailed: agg.JobsFailed}
		if cfg.Jobs >= agg.JobsDone+agg.JobsFailed {
			ss.JobsPending = cfg.Jobs - agg.JobsDone - agg.JobsFailed
		}
		s.Stages = append(s.Stages, ss)
		if agg.JobsFailed == 0 || len(s.Failures) >= MaxFailures {
			continue
		}
		err = st.Jobs(func(id uint64, rec *store.JobRecord) bool {
			if rec.State != store.FailedJob {
				return true
			}
			for _, f := range rec.Failures {
				if len(s.Failures) >= MaxFailures {
					return false
				}
				s.Failures = append(s.Failures, Failure{Stage: name, Job: id, Game: f.Index, Attempts: f.Attempts, Error: f.Error, Stack: f.Stack})
			}
			return true
		})
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", name, err)
		}
	}
	return s, nil
}

// fileStamp identifies a version of a file: a stopped DB whose stamp has
// not changed need not be read again.
type fileStamp struct {
	size  int64
	mtime time.Time
}

func stampOf(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{fi.Size(), fi.ModTime()}, nil
}

// rate measures commits per second over a sliding window of samples.
type rate struct {
	pid     int
	samples []sample
}

type sample struct {
	at      time.Time
	commits uint64
}

// rateWindow is how far back rate looks.
const rateWindow = 3 * time.Second

// add records a sample of process pid and returns the rate over the window.
func (r *rate) add(pid int, at time.Time, commits uint64) float64 {
	if pid != r.pid {
		r.pid, r.samples = pid, r.samples[:0]
	}
	r.samples = append(r.samples, sample{at, commits})
	for len(r.samples) > 2 && at.Sub(r.samples[0].at) > rateWindow {
		r.samples = r.samples[1:]
	}
	first := r.samples[0]
	if dt := at.Sub(first.at).Seconds(); dt > 0 && commits >= first.commits {
		return float64(commits-first.commits) / dt
	}
	return 0
}
