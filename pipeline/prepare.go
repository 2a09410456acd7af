package pipeline

import (
	"errors"
	"fmt"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Defaults for a new run's settings.
const (
	DefaultPlayers    = "random"
	DefaultSeed       = 1
	DefaultMaxActions = 10000
	// MaxChunk bounds the games per job that ChunkFor picks.
	MaxChunk = 4096
	// MaxJobs bounds the job records of a run, so that a typo in --games
	// cannot ask for billions of them.
	MaxJobs = 1 << 24
	// fallbackChunk is used when the first games cannot be timed.
	fallbackChunk = 64
)

// jobTarget is how long ChunkFor aims for one job to take: long enough that
// handing jobs between goroutines costs little, short enough that an
// interrupted run drains its jobs in flight quickly.
const jobTarget = 20 * time.Millisecond

// ErrConflict is returned by Prepare when a setting contradicts the stored
// run.
var ErrConflict = errors.New("contradicts the stored run")

// Settings are a run's settings as a user gave them; nil means not given.
type Settings struct {
	Game       *string
	Players    *string
	Seed       *uint64
	Games      *uint64
	MaxActions *int
	Chunk      *int
	// RotateSeats, for a new run, rotates the lineup over the seats game by
	// game (see store.Config.RotateSeats). It is fixed at creation.
	RotateSeats bool
	// Models resolves file= references of Players; ai.ModelFiles if nil.
	Models ai.ModelSource
}

func (s Settings) models() ai.ModelSource {
	if s.Models == nil {
		return ai.ModelFiles
	}
	return s.Models
}

// LineupModels returns the models s's players use, as a new run would
// store them (canonical JSON by reference).
func LineupModels(reg *game.Registry, s Settings) (map[string]string, error) {
	if s.Game == nil {
		return nil, errors.New("no game given")
	}
	g, err := reg.New(*s.Game)
	if err != nil {
		return nil, err
	}
	lineup, err := ai.ParseLineupWith(deref(s.Players, DefaultPlayers), g, s.models())
	if err != nil {
		return nil, err
	}
	return storedModels(lineup), nil
}

// Prepare creates the run described by s in a new stage, or checks s against
// the run the stage holds: given settings must equal the stored ones, except Games,
// which may grow the run. It returns the run's config.
func Prepare(stage *store.Stage, reg *game.Registry, s Settings) (*store.Config, error) {
	cfg, err := stage.Config()
	switch {
	case errors.Is(err, store.ErrNoRun):
		return create(stage, reg, s)
	case err != nil:
		return nil, err
	}
	if err := checkResume(cfg, reg, s); err != nil {
		return nil, err
	}
	if s.Games != nil && *s.Games > cfg.Games {
		if jobs := *s.Games / uint64(cfg.ChunkSize); jobs > MaxJobs {
			return nil, fmt.Errorf("--games %d in the run's chunks of %d makes %d jobs, more than %d", *s.Games, cfg.ChunkSize, jobs, MaxJobs)
		}
		if err := stage.ExtendRun(*s.Games); err != nil {
			return nil, err
		}
		return stage.Config()
	}
	return cfg, nil
}

func create(stage *store.Stage, reg *game.Registry, s Settings) (*store.Config, error) {
	if s.Game == nil {
		return nil, errors.New("a new run needs --game (see 'simpipe games')")
	}
	if s.Games == nil {
		return nil, errors.New("a new run needs --games")
	}
	g, err := reg.New(*s.Game)
	if err != nil {
		return nil, err
	}
	lineup, err := ai.ParseLineupWith(deref(s.Players, DefaultPlayers), g, s.models())
	if err != nil {
		return nil, err
	}
	cfg := store.Config{
		Game:        g.Spec(),
		Players:     lineup.String(),
		Seats:       g.Players(),
		Seed:        deref(s.Seed, DefaultSeed),
		Games:       *s.Games,
		MaxActions:  deref(s.MaxActions, DefaultMaxActions),
		MoveBits:    g.MoveBits(),
		Models:      storedModels(lineup),
		RotateSeats: s.RotateSeats,
	}
	if s.Chunk != nil {
		cfg.ChunkSize = *s.Chunk
	} else {
		cfg.ChunkSize = ChunkFor(g, lineup, cfg.Seed, cfg.MaxActions)
	}
	if cfg.MaxActions < 0 {
		return nil, fmt.Errorf("--max-actions %d is negative", cfg.MaxActions)
	}
	if cfg.ChunkSize < 1 || cfg.ChunkSize > 1<<20 {
		return nil, fmt.Errorf("--chunk %d is outside 1..%d", cfg.ChunkSize, 1<<20)
	}
	if jobs := cfg.Games / uint64(cfg.ChunkSize); jobs > MaxJobs {
		return nil, fmt.Errorf("--games %d in chunks of %d makes %d jobs, more than %d; raise --chunk", cfg.Games, cfg.ChunkSize, jobs, MaxJobs)
	}
	if err := stage.CreateRun(cfg); err != nil {
		return nil, err
	}
	return stage.Config()
}

func checkResume(cfg *store.Config, reg *game.Registry, s Settings) error {
	if s.Game != nil {
		g, err := reg.New(*s.Game)
		if err != nil {
			return err
		}
		if g.Spec() != cfg.Game {
			return conflict("--game", g.Spec(), "game", cfg.Game)
		}
	}
	if s.Players != nil {
		g, err := reg.New(cfg.Game)
		if err != nil {
			return err
		}
		lineup, err := ai.ParseLineupWith(*s.Players, g, s.models())
		if err != nil {
			return err
		}
		if lineup.String() != cfg.Players {
			return conflict("--players", lineup.String(), "players", cfg.Players)
		}
		for ref, m := range storedModels(lineup) { // map order: only decides which conflict is named
			if cfg.Models[ref] != m {
				return fmt.Errorf("--players %s %w: the model in %s changed since the run started", *s.Players, ErrConflict, ref)
			}
		}
	}
	if s.Seed != nil && *s.Seed != cfg.Seed {
		return conflict("--seed", *s.Seed, "seed", cfg.Seed)
	}
	if s.MaxActions != nil && *s.MaxActions != cfg.MaxActions {
		return conflict("--max-actions", *s.MaxActions, "max-actions", cfg.MaxActions)
	}
	if s.Chunk != nil && *s.Chunk != cfg.ChunkSize {
		return conflict("--chunk", *s.Chunk, "chunk", cfg.ChunkSize)
	}
	if s.Games != nil && *s.Games < cfg.Games {
		return fmt.Errorf("--games %d %w, which has %d games (a run can grow, not shrink)", *s.Games, ErrConflict, cfg.Games)
	}
	return nil
}

// ChunkFor picks the games per job for a new run: a power of two, 1 to
// MaxChunk, such that a job takes about jobTarget, estimated by timing the
// run's first few games. The chunk size groups games into jobs and commits;
// it never changes a game's result, so timing noise here is harmless.
func ChunkFor(g game.Game, lineup *ai.Lineup, seed uint64, maxActions int) (chunk int) {
	players, err := lineup.Players()
	if err != nil {
		return fallbackChunk
	}
	defer func() {
		if recover() != nil { // a game that panics is the simulators' business
			chunk = fallbackChunk
		}
	}()
	st := g.NewState()
	var rng game.RNG
	var sc game.Scratch
	start := time.Now()
	played := 0
	for played < 256 && time.Since(start) < jobTarget {
		st.Reset()
		rng.Seed(seed, uint64(played))
		game.Play(st, players, &rng, maxActions, &sc)
		played++
	}
	perGame := time.Since(start) / time.Duration(played)
	chunk = 1
	for chunk < MaxChunk && time.Duration(chunk*2)*perGame <= jobTarget {
		chunk *= 2
	}
	return chunk
}

func storedModels(l *ai.Lineup) map[string]string {
	if len(l.Models()) == 0 {
		return nil
	}
	out := make(map[string]string, len(l.Models()))
	for ref, b := range l.Models() {
		out[ref] = string(b)
	}
	return out
}

func conflict(flag string, given any, name string, stored any) error {
	return fmt.Errorf("%s %v %w: its %s is %v", flag, given, ErrConflict, name, stored)
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
