package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/cluster"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/metrics"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// Limits on numbers a user may give, so that a typo cannot ask for a DB of
// billions of job records.
const (
	maxGames   = 1 << 36
	maxWorkers = 1024
	maxRetries = 100
)

type runCmd struct {
	DB          string        `name:"db" required:"" help:"Checkpoint database file: created when missing, resumed when present." placeholder:"FILE"`
	Game        *string       `help:"Game spec, e.g. connect4 or hex:size=7 (see 'simpipe games'). Required for a new run." placeholder:"SPEC"`
	Games       *uint64       `help:"Number of games. Required for a new run; a larger number extends a stored run." placeholder:"N"`
	Seed        *uint64       `help:"Run seed; every game's randomness derives from (seed, game index). Default 1." placeholder:"S"`
	Players     *string       `help:"Player per seat, separated by '+' (or commas), or one for all seats. Default random." placeholder:"SPEC"`
	MaxActions  *int          `name:"max-actions" help:"Cap on actions per game; a game that hits it is recorded as incomplete. 0 means no cap. Default 10000." placeholder:"N"`
	Chunk       *int          `help:"Games per job; a job's games commit together. Default: as many as take about 20 ms, at most 4096." placeholder:"N"`
	Workers     int           `default:"0" help:"Simulator goroutines (0: one per CPU). May differ between resumes."`
	Retries     int           `default:"2" help:"Times a failing game is replayed before it is recorded as failed."`
	Progress    string        `default:"auto" enum:"auto,bar,log,none" help:"Progress display: a bar on a terminal, log lines otherwise (auto), or none."`
	GameTimeout time.Duration `name:"game-timeout" default:"30m" help:"A game still running after this long is recorded as failed (a hung game) and the run goes on; 0 disables the watchdog."`
	JSON        bool          `help:"Print the final summary as one JSON object."`
	MaxDBSize   int64         `name:"max-db-size" help:"Stop with an error before the DB file grows beyond this many bytes (0: no limit)." placeholder:"BYTES"`
	NATS        string        `name:"nats" help:"Play the games on workers ('simpipe worker') over the NATS JetStream server at this URL; 'embedded' starts a server in this process on a free loopback port, with a worker of --workers simulators." placeholder:"URL"`
	Lease       time.Duration `default:"2m" help:"With --nats: how long a job may go without a result; a worker silent this long loses its jobs to others, and a job refused or lost is published again."`
	natsAuth    `embed:""`
	MetricsAddr string `name:"metrics-addr" help:"Serve Prometheus metrics at http://ADDR/metrics while the run lasts, e.g. :9090 (port 0 picks a free port)." placeholder:"ADDR"`
}

func (c *runCmd) Validate() error {
	switch {
	case c.Retries < 0 || c.Retries > maxRetries:
		return fmt.Errorf("--retries %d is outside 0..%d", c.Retries, maxRetries)
	case c.Games != nil && (*c.Games < 1 || *c.Games > maxGames):
		return fmt.Errorf("--games %d is outside 1..%d", *c.Games, uint64(maxGames))
	case c.MaxActions != nil && *c.MaxActions < 0:
		return fmt.Errorf("--max-actions %d is negative", *c.MaxActions)
	case c.GameTimeout < 0:
		return fmt.Errorf("--game-timeout %s is negative", c.GameTimeout)
	case c.MaxDBSize < 0:
		return fmt.Errorf("--max-db-size %d is negative", c.MaxDBSize)
	case c.Lease < 100*time.Millisecond:
		return fmt.Errorf("--lease %s is shorter than 100ms", c.Lease)
	case c.natsAuth.set() && (c.NATS == "" || c.NATS == "embedded"):
		return fmt.Errorf("--token-file and --tls-* go with --nats URL")
	case c.Chunk != nil && (*c.Chunk < 1 || *c.Chunk > 1<<20):
		return fmt.Errorf("--chunk %d is outside 1..%d", *c.Chunk, 1<<20)
	}
	return resolveWorkers(&c.Workers)
}

// resolveWorkers turns the default 0 into one worker per CPU and checks the
// range.
func resolveWorkers(w *int) error {
	if *w == 0 {
		*w = runtime.NumCPU()
	}
	if *w < 1 || *w > maxWorkers {
		return fmt.Errorf("--workers %d is outside 1..%d (0: one per CPU)", *w, maxWorkers)
	}
	return nil
}

func (c *runCmd) Run(ctx context.Context, reg *game.Registry, s *streams) error {
	// Check everything that needs no DB before creating a file. The game
	// is built here, once, and handed on.
	var g game.Game
	if c.Game != nil {
		var err error
		if g, err = reg.New(*c.Game); err != nil {
			return usageErr(err)
		}
		if c.Players != nil {
			if _, err := ai.ParseLineup(*c.Players, g); err != nil {
				return usageErr(err)
			}
		}
	}
	_, statErr := os.Stat(c.DB)
	if errors.Is(statErr, fs.ErrNotExist) && (c.Game == nil || c.Games == nil) {
		return usageErr(fmt.Errorf("%s does not exist; a new run needs --game and --games", c.DB))
	}
	var metricsLn net.Listener // bound before the DB is touched: a busy address changes nothing
	if c.MetricsAddr != "" {
		ln, err := metrics.Listen(c.MetricsAddr)
		if err != nil {
			return usageErr(err)
		}
		defer ln.Close()
		metricsLn = ln
	}
	db, err := store.Open(c.DB, &store.Options{MaxSize: int(c.MaxDBSize)})
	if err != nil {
		return openErr(err)
	}
	defer db.Close()
	noteRecovery(s, db)
	stage := db.Stage(store.DefaultStage)

	def, err := pipeline.Prepare(stage, reg, pipeline.Settings{
		Game: g, Players: c.Players, Seed: c.Seed, Games: c.Games,
		MaxActions: c.MaxActions, Chunk: c.Chunk,
	})
	if err != nil {
		if errors.Is(statErr, fs.ErrNotExist) {
			db.Close()
			os.Remove(c.DB) // do not leave an empty DB behind a refused run
		}
		return usageErr(err)
	}
	cfg := def.Config

	sess, err := pipeline.StartSession(stage, def, pipeline.SessionOptions{DBPath: c.DB, Workers: c.Workers, Metrics: metricsLn,
		OnStop: func() {
			fmt.Fprintf(s.err, "\n%s: stop requested (simpipe ui): finishing the games in flight and committing them\n", progName)
		}})
	if err != nil {
		return err
	}
	defer sess.Close() // before db.Close: scrapes read the DB
	if err := sess.LiveErr(); err != nil {
		fmt.Fprintf(s.err, "%s: warning: no live status for inspect: %v\n", progName, err)
	}
	if url := sess.MetricsURL(); url != "" {
		fmt.Fprintf(s.err, "%s: metrics on %s\n", progName, url)
	}

	fmt.Fprintf(s.err, "%s: %s: %s, %d games, seed %d, players %s, %d workers\n", progName, c.DB, cfg.Game, cfg.Games, cfg.Seed, ai.DisplayLineup(cfg.Players), c.Workers)
	var exec pipeline.Executor = pipeline.Local{Workers: c.Workers, Retries: c.Retries, GameTimeout: c.GameTimeout}
	stopNATS := func() {}
	if c.NATS != "" {
		co, stop, err := c.natsExecutor(reg, def, db, s)
		if err != nil {
			return err
		}
		exec, stopNATS = co, sync.OnceFunc(stop)
		defer stopNATS()
	}
	rep := startProgress(c.Progress, s.err, sess.Progress(), sess.StartDone())
	sum, runErr := sess.Run(ctx, exec)
	if co, ok := exec.(*cluster.Coordinator); ok {
		if st := co.Stats(); st.RunID != "" {
			fmt.Fprintf(s.err, "%s: coordinator: run %s: published %d job messages (%d again after their lease), ignored %d duplicate results, refused %d result messages\n", progName, st.RunID, st.Published, st.Republished, st.Duplicates, st.Refused)
		}
		stopNATS()
	}
	rep.stop()

	switch {
	case errors.Is(runErr, pipeline.ErrInterrupted):
		if sum.Agg != nil {
			fmt.Fprintf(s.err, "%s: interrupted: %d of %d games are saved; run the same command again to resume\n", progName, sum.Agg.Finished(), cfg.Games)
		}
		return &exitErr{exitInterrupted, nil}
	case errors.Is(runErr, store.ErrNoSpace):
		return &exitErr{exitNoSpace, fmt.Errorf("%w; the DB is consistent: make room (or raise --max-db-size) and run the same command again", runErr)}
	case runErr != nil:
		return runErr
	}
	agg, el, played, d := sum.Agg, sum.Elapsed, sum.Played, sum.Digest
	if c.JSON {
		enc := json.NewEncoder(s.out)
		enc.SetIndent("", "  ")
		err = enc.Encode(runSummary{
			GamesTotal: cfg.Games, GamesDone: agg.GamesDone, Completed: agg.GamesDone - agg.Incomplete,
			Incomplete: agg.Incomplete, Failed: agg.Failed, Played: played, Seconds: el.Seconds(),
			GamesPerSec: float64(played) / el.Seconds(), ResultsDigest: hex.EncodeToString(d[:]),
		})
		if err != nil {
			return err
		}
	} else {
		fmt.Fprintf(s.out, "done: %d games (%d completed, %d incomplete, %d failed); played %d in %s (%.0f games/s)\nresults_digest: %x\n",
			agg.Finished(), agg.GamesDone-agg.Incomplete, agg.Incomplete, agg.Failed,
			played, el.Round(time.Millisecond), float64(played)/el.Seconds(), d)
	}
	if agg.Failed > 0 {
		fmt.Fprintf(s.err, "%s: %d games failed on every attempt; see '%s inspect %s'\n", progName, agg.Failed, progName, c.DB)
		return &exitErr{exitGamesFailed, nil}
	}
	return nil
}

// runSummary is run --json's output; its keys are a stable interface.
type runSummary struct {
	GamesTotal    uint64  `json:"games_total"`
	GamesDone     uint64  `json:"games_done"`
	Completed     uint64  `json:"completed"`
	Incomplete    uint64  `json:"incomplete"`
	Failed        uint64  `json:"failed"`
	Played        uint64  `json:"played"`
	Seconds       float64 `json:"seconds"`
	GamesPerSec   float64 `json:"games_per_sec"`
	ResultsDigest string  `json:"results_digest"`
}

// message returns err's text as the command line says it: the settings that
// libraries name in their typed errors become the flags that set them, and
// an unknown game points to the games command.
func message(err error) string {
	msg := err.Error()
	replace := func(lib, cli string) { msg = strings.Replace(msg, lib, cli, 1) }
	var conflict *pipeline.ConflictError
	if errors.As(err, &conflict) {
		shown := *conflict
		if shown.Setting == "players" { // lineups print with the seat separator
			shown.Given, shown.Stored = ai.DisplayLineup(fmt.Sprint(shown.Given)), ai.DisplayLineup(fmt.Sprint(shown.Stored))
		}
		replace(conflict.Error(), "--"+shown.Error())
	}
	var bad *pipeline.SettingError
	if errors.As(err, &bad) {
		m := "--" + bad.Error()
		if bad.Raise != "" {
			m += "; raise --" + bad.Raise
		}
		replace(bad.Error(), m)
	}
	var missing *pipeline.MissingError
	if errors.As(err, &missing) {
		m := "a new run needs --" + missing.Setting
		if missing.Setting == "game" {
			m += fmt.Sprintf(" (see '%s games')", progName)
		}
		replace(missing.Error(), m)
	}
	var unknown *game.UnknownGameError
	if errors.As(err, &unknown) {
		replace(unknown.Error(), fmt.Sprintf("%s (see '%s games')", unknown.Error(), progName))
	}
	return msg
}

// openErr classifies a store.Open error: a busy, foreign or incompatible
// file is refused (exit 2); anything else is unexpected.
func openErr(err error) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return usageErr(fmt.Errorf("%w (another %s is running on it; '%s inspect' shows its progress)", err, progName, progName))
	case errors.Is(err, store.ErrNotSimpipe), errors.Is(err, store.ErrSchemaVersion), errors.Is(err, store.ErrCorrupt),
		errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return usageErr(err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return usageErr(err)
	}
	return err
}
