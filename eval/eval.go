// Package eval measures a player against an opponent: games in groups with
// the seats rotated (pairs with seats swapped for two players), both sides
// under the same budget, played and checkpointed by the pipeline like any
// run, and summarised with a Wilson interval, an Elo difference and,
// optionally, a sequential probability ratio test that stops early.
package eval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/simpipe/simpipe/ai/stats"
	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// Tally counts the candidate's results. A game counts as a win when the
// candidate is the only winner, a loss when it is not among the winners,
// and a draw otherwise (a draw, a shared win, or a game stopped by the
// max-actions cap).
type Tally struct {
	Wins, Draws, Losses int
}

// Games returns the number of games counted.
func (t Tally) Games() int { return t.Wins + t.Draws + t.Losses }

// Count tallies the candidate's results in a stage whose lineup puts the
// candidate first and rotates seats. Failed games are not counted.
func Count(stage *store.Stage) (Tally, error) {
	cfg, err := stage.Config()
	if err != nil {
		return Tally{}, err
	}
	if !cfg.RotateSeats {
		return Tally{}, errors.New("eval: stage does not rotate seats")
	}
	var t Tally
	n := uint64(cfg.Seats)
	err = stage.Results(func(c *store.Chunk) error {
		for i := range c.Len() {
			if c.Status(i) == store.Failed {
				continue
			}
			idx := c.First + uint64(i)
			seat := int((n - idx%n) % n) // the seat the candidate took
			switch c.ResultFor(i, seat) {
			case game.Win:
				t.Wins++
			case game.Draw:
				t.Draws++
			default:
				t.Losses++
			}
		}
		return nil
	})
	return t, err
}

// SPRT configures a sequential probability ratio test.
type SPRT struct {
	Elo0, Elo1, Alpha, Beta float64
}

// Report is an evaluation's result. Its JSON keys are a stable interface.
type Report struct {
	Candidate  string  `json:"candidate"`
	Opponent   string  `json:"opponent"`
	Game       string  `json:"game"`
	Stage      string  `json:"stage"`
	Games      int     `json:"games"`
	Wins       int     `json:"wins"`
	Draws      int     `json:"draws"`
	Losses     int     `json:"losses"`
	Score      float64 `json:"score"`
	WilsonLow  float64 `json:"wilson_low"`
	WilsonHigh float64 `json:"wilson_high"`
	Elo        float64 `json:"elo"`
	EloLow     float64 `json:"elo_low"`
	EloHigh    float64 `json:"elo_high"`
	// SPRT is present when a test was asked for.
	SPRT *stats.SPRTResult `json:"sprt,omitempty"`
	// Stopped is true when the SPRT decided before every game was played.
	Stopped       bool   `json:"stopped_early"`
	ResultsDigest string `json:"results_digest"`
}

// Summarise turns a tally into a report.
func Summarise(t Tally, sprt *SPRT) Report {
	r := Report{Games: t.Games(), Wins: t.Wins, Draws: t.Draws, Losses: t.Losses}
	if r.Games > 0 {
		r.Score = stats.Score(t.Wins, t.Draws, t.Losses)
		r.WilsonLow, r.WilsonHigh = stats.Wilson(t.Wins, t.Draws, t.Losses, stats.Z95)
		r.Elo = clampElo(stats.Elo(r.Score))
		lo, hi := stats.EloInterval(t.Wins, t.Draws, t.Losses)
		r.EloLow, r.EloHigh = clampElo(lo), clampElo(hi)
	}
	if sprt != nil {
		res := stats.SPRT(t.Wins, t.Draws, t.Losses, sprt.Elo0, sprt.Elo1, sprt.Alpha, sprt.Beta)
		r.SPRT = &res
	}
	return r
}

// maxElo stands in for an infinite Elo difference (a score of 0 or 1),
// which JSON cannot carry.
const maxElo = 9999

func clampElo(e float64) float64 {
	if math.IsNaN(e) {
		return 0
	}
	return math.Max(-maxElo, math.Min(maxElo, e))
}

// Config describes an evaluation.
type Config struct {
	Game       game.Game
	Candidate  string // player spec of the candidate (one seat)
	Opponent   string // player spec of every other seat
	Seed       uint64
	Games      uint64 // rounded up to a multiple of the seats
	MaxActions *int
	Models     func(ref string) ([]byte, error)
	SPRT       *SPRT
	Workers    int
}

// Lineup returns the lineup spec: the candidate, then the opponent in
// every other seat.
func (c *Config) Lineup() string {
	specs := []string{c.Candidate}
	for i := 1; i < c.Game.Players(); i++ {
		specs = append(specs, c.Opponent)
	}
	return strings.Join(specs, ",")
}

// StageName names the evaluation's stage after what decides its games (game,
// lineup, models, seed), so that the same evaluation resumes and a different
// one gets a stage of its own in the same DB.
func StageName(game, lineup string, models map[string]string, seed uint64) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", game, lineup, seed)
	for _, ref := range slices.Sorted(maps.Keys(models)) {
		fmt.Fprintf(h, "%s\x00%s\x00", ref, models[ref])
	}
	return "eval-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Run plays (or resumes) the evaluation in db and returns its report. With
// an SPRT it stops issuing games as soon as the test decides. It returns
// pipeline.ErrInterrupted, with the report so far, when ctx is cancelled.
func Run(ctx context.Context, db *store.DB, c Config, prog *pipeline.Progress) (Report, error) {
	n := uint64(c.Game.Players())
	games := (c.Games + n - 1) / n * n
	lineup := c.Lineup()
	settings := pipeline.Settings{Game: c.Game, Players: &lineup, Seed: &c.Seed, Games: &games,
		MaxActions: c.MaxActions, RotateSeats: true, Models: c.Models}
	models, err := pipeline.LineupModels(settings)
	if err != nil {
		return Report{}, err
	}
	stage := db.Stage(StageName(c.Game.Spec(), lineup, models, c.Seed))
	def, err := pipeline.Prepare(stage, nil, settings)
	if err != nil {
		return Report{}, err
	}
	cfg := def.Config
	report := func(stopped bool) (Report, error) {
		t, err := Count(stage)
		if err != nil {
			return Report{}, err
		}
		r := Summarise(t, c.SPRT)
		r.Candidate, r.Opponent, r.Game, r.Stage, r.Stopped = c.Candidate, c.Opponent, cfg.Game, stage.Name(), stopped
		d, err := stage.Digest()
		r.ResultsDigest = hex.EncodeToString(d[:])
		return r, err
	}
	decided := func() bool {
		if c.SPRT == nil {
			return false
		}
		t, err := Count(stage)
		return err == nil && Summarise(t, c.SPRT).SPRT.Decision != stats.Continue
	}
	if decided() {
		return report(true)
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stoppedBySPRT atomic.Bool
	opts := pipeline.Options{Workers: c.Workers, Progress: prog}
	if c.SPRT != nil {
		// Called on the sink's goroutine after each commit: the test sees
		// only committed games, so a resumed evaluation decides the same.
		opts.Sink.OnCommit = func(dataflow.Commit) {
			if !stoppedBySPRT.Load() && decided() {
				stoppedBySPRT.Store(true)
				cancel()
			}
		}
	}
	err = pipeline.Run(runCtx, stage, def, opts)
	switch {
	case errors.Is(err, pipeline.ErrInterrupted) && stoppedBySPRT.Load() && ctx.Err() == nil:
		return report(true)
	case err != nil:
		r, rerr := report(false)
		if rerr != nil {
			return r, rerr
		}
		return r, err
	}
	return report(false)
}
