package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

type inspectCmd struct {
	File     string `arg:"" help:"Checkpoint database file." placeholder:"FILE"`
	Stage    string `default:"run" help:"Stage to show: 'run' for simpipe run, or a training or evaluation stage (listed in the report)."`
	JSON     bool   `help:"Print one JSON object (stable keys, for scripts)."`
	Failures int    `default:"10" help:"Show at most this many failed games."`
}

// inspectReport is inspect's output. Its JSON keys are a stable interface.
type inspectReport struct {
	Live          *pipeline.LiveStatus `json:"live,omitempty"`
	Stage         string               `json:"stage,omitempty"`
	Stages        []string             `json:"stages,omitempty"`
	Config        *store.Config        `json:"config,omitempty"`
	SchemaVersion int                  `json:"schema_version"`
	GamesTotal    uint64               `json:"games_total"`
	GamesDone     uint64               `json:"games_done"`
	JobsByState   map[string]uint64    `json:"jobs_by_state"`
	WinsBySeat    []uint64             `json:"wins_by_seat"`
	Draws         uint64               `json:"draws"`
	Incomplete    uint64               `json:"incomplete"`
	Failed        uint64               `json:"failed"`
	Length        *lengthStats         `json:"length,omitempty"`
	Failures      []failureOut         `json:"failures"`
	ResultsDigest string               `json:"results_digest"`
	FileBytes     int64                `json:"file_bytes"`
}

type lengthStats struct {
	Mean float64 `json:"mean"`
	Min  uint64  `json:"min"`
	Max  uint64  `json:"max"`
}

type failureOut struct {
	Game     uint64 `json:"game"`
	Job      uint64 `json:"job"`
	Attempts uint32 `json:"attempts"`
	Error    string `json:"error"`
	Stack    string `json:"stack,omitempty"`
}

func (c *inspectCmd) Run(s *streams) error {
	db, err := openReadOnly(s, c.File, func(lockErr error) error {
		// A run holds the file: ask it for live progress instead of waiting.
		live, qerr := pipeline.QueryLive(c.File, time.Second)
		if qerr != nil {
			return openErr(lockErr)
		}
		return c.print(s, &inspectReport{Live: live, GamesTotal: live.GamesTotal, GamesDone: live.GamesDone,
			Failed: live.Failed, JobsByState: map[string]uint64{"in_flight": uint64(live.JobsInFlight)}})
	})
	if db == nil {
		return err // nil after a live status was printed
	}
	defer db.Close()
	stage, cfg, err := stageConfig(db, c.File, c.Stage)
	if err != nil {
		return err
	}
	rep, err := c.report(db, stage, cfg)
	if err != nil {
		return err
	}
	return c.print(s, rep)
}

func (c *inspectCmd) report(db *store.DB, stage *store.Stage, cfg *store.Config) (*inspectReport, error) {
	stages, err := db.Stages()
	if err != nil {
		return nil, err
	}
	agg, err := stage.Aggregate()
	if err != nil {
		return nil, err
	}
	schema, err := db.Schema()
	if err != nil {
		return nil, err
	}
	rep := &inspectReport{
		Config: cfg, SchemaVersion: schema, GamesTotal: cfg.Games,
		GamesDone: agg.GamesDone, Draws: agg.Draws, Incomplete: agg.Incomplete, Failed: agg.Failed,
		WinsBySeat: agg.WinsBySeat[:cfg.Seats], JobsByState: map[string]uint64{},
		Failures: []failureOut{}, FileBytes: db.Size(), Stage: stage.Name(), Stages: stages,
	}
	for _, st := range store.JobStates {
		rep.JobsByState[st.String()] = 0
	}
	err = stage.Jobs(func(id uint64, rec *store.JobRecord) bool {
		rep.JobsByState[rec.State.String()]++
		if rec.State == store.FailedJob {
			for _, f := range rec.Failures {
				if len(rep.Failures) < c.Failures {
					rep.Failures = append(rep.Failures, failureOut{f.Index, id, f.Attempts, f.Error, f.Stack})
				}
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	if agg.GamesDone > 0 {
		rep.Length = &lengthStats{float64(agg.LengthSum) / float64(agg.GamesDone), agg.LengthMin, agg.LengthMax}
	}
	d, err := stage.Digest()
	if err != nil {
		return nil, err
	}
	rep.ResultsDigest = hex.EncodeToString(d[:])
	return rep, nil
}

func (c *inspectCmd) print(s *streams, rep *inspectReport) error {
	if c.JSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	w := s.out
	if rep.Live != nil {
		l := rep.Live
		fmt.Fprintf(w, "live run (pid %d, %d workers, up %s)\ngames:    %d/%d done (%.1f%%), %d failed, %.0f games/s\njobs:     %d in flight\n",
			l.PID, l.Workers, l.Uptime, l.GamesDone, l.GamesTotal, 100*float64(l.GamesDone)/float64(max(l.GamesTotal, 1)),
			l.Failed, l.GamesPerSec, l.JobsInFlight)
		fmt.Fprintln(w, "(the full report and digest are available once the run stops)")
		return nil
	}
	cfg := rep.Config
	if len(rep.Stages) > 1 {
		fmt.Fprintf(w, "stage:      %s (stages: %s)\n", rep.Stage, strings.Join(rep.Stages, ", "))
	}
	fmt.Fprintf(w, "game:       %s\nplayers:    %s\nseed:       %d\ngames:      %d (%d per job)\nmax-actions: %d\n",
		cfg.Game, ai.DisplayLineup(cfg.Players), cfg.Seed, cfg.Games, cfg.ChunkSize, cfg.MaxActions)
	var states []string
	for _, st := range store.JobStates {
		states = append(states, fmt.Sprintf("%s %d", st, rep.JobsByState[st.String()]))
	}
	fmt.Fprintf(w, "jobs:       %s\n", strings.Join(states, ", "))
	fmt.Fprintf(w, "done:       %d of %d games (%.1f%%)\n", rep.GamesDone, rep.GamesTotal, 100*float64(rep.GamesDone)/float64(max(rep.GamesTotal, 1)))
	completed := rep.GamesDone - rep.Incomplete
	for seat, n := range rep.WinsBySeat {
		fmt.Fprintf(w, "wins seat %d: %d (%.1f%% of completed)\n", seat, n, pct(n, completed))
	}
	fmt.Fprintf(w, "draws:      %d (%.1f%%)\nincomplete: %d\nfailed:     %d\n", rep.Draws, pct(rep.Draws, completed), rep.Incomplete, rep.Failed)
	if rep.Length != nil {
		fmt.Fprintf(w, "length:     mean %.2f, min %d, max %d actions\n", rep.Length.Mean, rep.Length.Min, rep.Length.Max)
	}
	for _, f := range rep.Failures {
		fmt.Fprintf(w, "failed game %d (job %d, %d attempts): %s\n", f.Game, f.Job, f.Attempts, f.Error)
	}
	fmt.Fprintf(w, "file:       %d bytes\nresults_digest: %s\n", rep.FileBytes, rep.ResultsDigest)
	return nil
}

func pct(n, of uint64) float64 {
	if of == 0 {
		return 0
	}
	return 100 * float64(n) / float64(of)
}
