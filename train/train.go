// Package train runs simpipe's self-play training loop. Each iteration is a
// checkpointed pipeline stage in the training DB, played with the model fitted
// after the iteration before (the first with the base players); after it the
// trainer replays the stored games, computes candidate features at sampled
// positions, analyses them, keeps the strongest and fits a logistic model of
// the outcome. With a yardstick (Settings.Yardstick) each stored model is
// then measured against that fixed opponent by an eval stage of the same DB.
// Every step is a pure function of the DB's contents, so a training run
// killed at any point and resumed produces the same ai.json and yardstick
// results, byte for byte.
package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/analysis"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/ai/fit"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// Defaults for Config.
const (
	DefaultPlayers     = "mcts:iterations=200"
	DefaultSkipPlies   = 2
	DefaultMaxSamples  = 200_000
	DefaultTopFeatures = 24
	DefaultWindow      = 2
)

// ErrSettings is returned when the DB holds a training run with other
// settings.
var ErrSettings = errors.New("contradicts the stored training run")

// Settings fix what a training run computes. They are stored in the DB at
// the first iteration; a resumed run must give the same (Iterations may
// grow).
type Settings struct {
	Game              string `json:"game"`
	Iterations        int    `json:"iterations"`
	GamesPerIteration uint64 `json:"games_per_iteration"`
	// Players play the first iteration; later iterations play Guided with
	// file= the previous iteration's model.
	Players    string `json:"players"`
	Guided     string `json:"guided"`
	Seed       uint64 `json:"seed"`
	MaxActions int    `json:"max_actions"`
	// SkipPlies opening plies are not sampled: they say little about the
	// outcome.
	SkipPlies int `json:"skip_plies"`
	// MaxSamples bounds the positions a fit keeps (and so its memory).
	MaxSamples int `json:"max_samples"`
	// TopFeatures is how many of the strongest candidate features the model
	// keeps.
	TopFeatures int `json:"top_features"`
	// Window is how many iterations' games (this one and earlier) a fit
	// reads.
	Window int `json:"window"`
	// Model is ModelLinear or ModelNTuple; empty picks DefaultModel (or,
	// resuming, the stored kind). Settings stored before n-tuples have none
	// and are linear.
	Model string `json:"model,omitempty"`
	// Lambda, Alpha and NTupleWeights set an n-tuple run (see ntuple.go):
	// the TD(λ) parameter (1: outcome targets), the step size and the
	// weights budget of the generated network.
	Lambda float64 `json:"lambda,omitempty"`
	Alpha  float64 `json:"alpha,omitempty"`
	// AlphaDecay, when not 0 or 1, scales the step size per iteration:
	// iteration k learns with Alpha·AlphaDecay^(k-1).
	AlphaDecay    float64 `json:"alpha_decay,omitempty"`
	NTupleWeights int     `json:"ntuple_weights,omitempty"`
	// NTupleTables is TablesShared (one set of tables every seat reads) or
	// TablesSeat (one set per seat, NTupleWeights in all); empty picks
	// DefaultTables (or, resuming, the stored choice; settings stored
	// before seat tables have none and are shared).
	NTupleTables string `json:"ntuple_tables,omitempty"`
	// NTupleWalk is the length of the generated network's random walks
	// (ntuple.GenerateWalks): 3 to 8 cells, or 0 for lengths 3 to 8 mixed.
	NTupleWalk int `json:"ntuple_walk,omitempty"`
	// Yardstick, when not empty, is the opponent (a player spec) every
	// iteration's model is measured against once it is stored:
	// YardstickGames games (paired, seats swapped) of YardstickPlayer with
	// file= the model, seeded by YardstickSeed, as an eval stage of the DB.
	// A DB trained without a yardstick may be given one later.
	Yardstick       string `json:"yardstick,omitempty"`
	YardstickGames  uint64 `json:"yardstick_games,omitempty"`
	YardstickPlayer string `json:"yardstick_player,omitempty"`
}

// Options are how a training run is executed; they never change results.
type Options struct {
	Workers int
	Retries int
	Version string // simpipe version, recorded in the model
	Log     io.Writer
	// Progress, if not nil, is reset for and updated by each iteration.
	Progress *pipeline.Progress
}

// StageName returns the stage of iteration k (from 1).
func StageName(k int) string { return fmt.Sprintf("train-%03d", k) }

func modelKey(k int) string    { return fmt.Sprintf("train/model/%03d", k) }
func analysisKey(k int) string { return fmt.Sprintf("train/analysis/%03d", k) }

const settingsKey = "train/settings"

// Run trains g (built from s.Game) in db, resuming whatever is there, and
// returns the model of the last iteration.
func Run(ctx context.Context, db *store.DB, g game.Game, s Settings, opts Options) (*ai.Model, error) {
	s.Game = g.Spec()
	stored, err := storedSettings(db)
	if err != nil {
		return nil, err
	}
	if err := resolveKind(g, &s, stored); err != nil {
		return nil, err
	}
	if err := resolveYardstick(g, &s); err != nil {
		return nil, err
	}
	if err := checkSettings(db, &s); err != nil {
		return nil, err
	}
	if s.Model == ModelNTuple {
		if err := storeInitialModel(db, g, s); err != nil {
			return nil, err
		}
	}
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	var model *ai.Model
	for k := 1; k <= s.Iterations; k++ {
		if model, err = storedModel(db, k); err != nil {
			return nil, err
		}
		if model != nil {
			if err := measure(ctx, db, g, s, k, opts, log); err != nil {
				return nil, err
			}
			continue
		}
		fmt.Fprintf(log, "iteration %d/%d: playing %d games (%s)\n", k, s.Iterations, s.GamesPerIteration, players(s, k))
		if err := play(ctx, db, g, s, k, opts); err != nil {
			return nil, err
		}
		if s.Model == ModelNTuple {
			if model, err = learnNTuple(db, g, s, k, opts.Version, log); err != nil {
				return nil, err
			}
		} else {
			fmt.Fprintf(log, "iteration %d/%d: fitting\n", k, s.Iterations)
			if model, err = fitIteration(db, g, s, k, opts.Version); err != nil {
				return nil, err
			}
			t := model.Training
			fmt.Fprintf(log, "iteration %d/%d: %d features, %d samples, log loss %.4f train / %.4f held out\n",
				k, s.Iterations, len(model.Features), t.Samples, t.TrainLogLoss, t.HeldOutLogLoss)
		}
		if err := measure(ctx, db, g, s, k, opts, log); err != nil {
			return nil, err
		}
	}
	return model, nil
}

// checkSettings stores s in a new training DB or checks it against the
// stored settings.
func checkSettings(db *store.DB, s *Settings) error {
	raw, err := db.Get(settingsKey)
	if err != nil {
		return err
	}
	if raw == nil {
		b, _ := json.Marshal(s)
		return db.Put(settingsKey, b)
	}
	var old Settings
	if err := json.Unmarshal(raw, &old); err != nil {
		return fmt.Errorf("%w: training settings: %v", store.ErrCorrupt, err)
	}
	if old.Model == "" {
		old.Model = ModelLinear // stored before model kinds
	}
	if old.Model == ModelNTuple && old.NTupleTables == "" {
		old.NTupleTables = TablesShared // stored before seat tables
	}
	cmp := old
	cmp.Iterations = s.Iterations // iterations may grow
	if old.Yardstick == "" {
		// A yardstick may be added: it measures models, never changes them.
		cmp.Yardstick, cmp.YardstickGames, cmp.YardstickPlayer = s.Yardstick, s.YardstickGames, s.YardstickPlayer
	}
	if cmp != *s {
		a, _ := json.Marshal(s)
		b, _ := json.Marshal(old)
		return fmt.Errorf("training settings %s %w: %s", a, ErrSettings, b)
	}
	if s.Iterations != old.Iterations || s.Yardstick != old.Yardstick {
		b, _ := json.Marshal(s)
		return db.Put(settingsKey, b)
	}
	return nil
}

// players returns iteration k's lineup spec.
func players(s Settings, k int) string {
	if k == 1 && s.Players != "" {
		return s.Players
	}
	return withModel(s.Guided, "iteration-"+fmt.Sprint(k-1))
}

// dbModels resolves "iteration-K" references to models fitted earlier.
func dbModels(db *store.DB) ai.ModelSource {
	return func(ref string) ([]byte, error) {
		var k int
		if _, err := fmt.Sscanf(ref, "iteration-%d", &k); err != nil {
			return nil, fmt.Errorf("unknown model %q", ref)
		}
		b, err := db.Get(modelKey(k))
		if err == nil && b == nil {
			err = fmt.Errorf("iteration %d has no model yet", k)
		}
		return b, err
	}
}

func play(ctx context.Context, db *store.DB, g game.Game, s Settings, k int, opts Options) error {
	lineup := players(s, k)
	seed := s.Seed + uint64(k) - 1
	games := s.GamesPerIteration
	stage := db.Stage(StageName(k))
	def, err := pipeline.Prepare(stage, nil, pipeline.Settings{
		Game: g, Players: &lineup, Seed: &seed, Games: &games, MaxActions: &s.MaxActions,
		Models: dbModels(db),
	})
	if err != nil {
		return err
	}
	if opts.Progress != nil {
		*opts.Progress = pipeline.Progress{}
	}
	return pipeline.Run(ctx, stage, def, pipeline.Options{Workers: opts.Workers, Retries: opts.Retries, Progress: opts.Progress})
}

func storedModel(db *store.DB, k int) (*ai.Model, error) {
	b, err := db.Get(modelKey(k))
	if err != nil || b == nil {
		return nil, err
	}
	return ai.ParseModel(b)
}

// fitIteration fits iteration k's model on the games of the last Window
// iterations and stores it with its analysis.
func fitIteration(db *store.DB, g game.Game, s Settings, k int, version string) (*ai.Model, error) {
	cands := features.Generate(g)
	set, err := features.Compile(g, cands)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cands))
	for i, f := range cands {
		names[i] = f.Name
	}
	first := max(1, k-s.Window+1)
	// Sample about MaxSamples positions over the window's games.
	var states uint64
	for j := first; j <= k; j++ {
		agg, err := db.Stage(StageName(j)).Aggregate()
		if err != nil {
			return nil, err
		}
		states += agg.LengthSum
	}
	// Each sampled position gives one sample per seat.
	sampler := fit.Sampler{Seed: s.Seed, Every: states*uint64(g.Players())/uint64(max(1, s.MaxSamples)) + 1}
	data := fit.NewData(len(cands))
	acc := analysis.New(names)      // deciding seats: what the report shows
	allSeats := analysis.New(names) // every seat: what the fit sees, and so selects on
	var values []int32
	digests, err := eachWindowGame(db, first, k, func(j int, i uint64, e store.GameEntry) {
		key := uint64(j)<<40 | i // unique across iterations
		values = sampleGame(g, set, e, key, s.SkipPlies, sampler, data, acc, allSeats, values)
	})
	if err != nil {
		return nil, err
	}
	an := acc.Result()
	top := allSeats.Result().Top(s.TopFeatures, 1)
	if len(top) == 0 {
		return nil, fmt.Errorf("iteration %d: no feature varies over %d sampled positions", k, data.Len())
	}
	keep := make([]int, len(top))
	for i, f := range top {
		keep[i] = f.Index
	}
	res, err := fit.Fit(project(data, keep), fit.Options{Split: fit.Split{Seed: s.Seed}})
	if err != nil {
		return nil, fmt.Errorf("iteration %d: %w", k, err)
	}
	m := &ai.Model{Game: g.Spec(), Weights: res.Weights, Intercept: res.Intercept, Training: &ai.TrainingInfo{
		SimpipeVersion: version, Iterations: k, GamesPerIter: s.GamesPerIteration, Digests: digests,
		Samples: res.TrainSamples, TrainLogLoss: res.TrainLogLoss, HeldOutLogLoss: res.HeldOutLogLoss,
		HeldOutSamples: res.HeldOutSamples,
	}}
	for _, i := range keep {
		m.Features = append(m.Features, cands[i])
	}
	anJSON, err := json.Marshal(an)
	if err != nil {
		return nil, err
	}
	if err := db.Put(analysisKey(k), anJSON); err != nil {
		return nil, err
	}
	// Store the model last: its presence marks the iteration finished.
	if err := db.Put(modelKey(k), m.Canonical()); err != nil {
		return nil, err
	}
	return m, nil
}

// sampleGame replays one stored game and adds its sampled positions. The
// analysis sees each position from the deciding seat's point of view; the
// fit sees it from every seat's, because players evaluate positions after
// their own move, when the opponent is to move. (Hidden-information games
// are seen through each seat's view.)
func sampleGame(g game.Game, set *features.Set, e store.GameEntry, key uint64, skip int, sampler fit.Sampler,
	data *fit.Data, acc, allSeats *analysis.Accumulator, values []int32) []int32 {
	st := g.NewState()
	hidden, _ := st.(game.HiddenState)
	seats := g.Players()
	for ply, m := range e.Moves {
		mover := st.ToMove()
		if mover != game.Chance && ply >= skip && sampler.Keep(key, ply) {
			for seat := 0; seat < seats; seat++ {
				view := st
				if hidden != nil {
					view = hidden.View(seat)
				}
				values = set.Values(view, seat, values[:0])
				o := analysis.Outcome(e.Winners.ResultFor(seat)) // the same half points
				data.Add(key, values, o.Score())
				allSeats.Add(key, values, o)
				if seat == mover {
					acc.Add(key, values, o)
				}
			}
		}
		st.Apply(m)
	}
	return values
}

// project returns the data restricted to the features at keep.
func project(d *fit.Data, keep []int) *fit.Data {
	out := fit.NewData(len(keep))
	row := make([]int32, len(keep))
	d.Each(func(game uint64, values []int32, target float64) {
		for i, k := range keep {
			row[i] = values[k]
		}
		out.Add(game, row, target)
	})
	return out
}
