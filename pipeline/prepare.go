package pipeline

import (
	"errors"
	"fmt"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Defaults for a new run's settings.
const (
	DefaultPlayers    = "random"
	DefaultSeed       = 1
	DefaultMaxActions = 10000
	DefaultChunk      = 256
)

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
}

// Prepare creates the run described by s in an empty db, or checks s against
// the run db holds: given settings must equal the stored ones, except Games,
// which may grow the run. It returns the run's config.
func Prepare(db *store.DB, reg *game.Registry, s Settings) (*store.Config, error) {
	cfg, err := db.Config()
	switch {
	case errors.Is(err, store.ErrNoRun):
		return create(db, reg, s)
	case err != nil:
		return nil, err
	}
	if err := checkResume(cfg, reg, s); err != nil {
		return nil, err
	}
	if s.Games != nil && *s.Games > cfg.Games {
		if err := db.ExtendRun(*s.Games); err != nil {
			return nil, err
		}
		return db.Config()
	}
	return cfg, nil
}

func create(db *store.DB, reg *game.Registry, s Settings) (*store.Config, error) {
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
	lineup, err := ai.ParseLineup(deref(s.Players, DefaultPlayers), g)
	if err != nil {
		return nil, err
	}
	cfg := store.Config{
		Game:       g.Spec(),
		Players:    lineup.String(),
		Seats:      g.Players(),
		Seed:       deref(s.Seed, DefaultSeed),
		Games:      *s.Games,
		MaxActions: deref(s.MaxActions, DefaultMaxActions),
		ChunkSize:  deref(s.Chunk, DefaultChunk),
		MoveBits:   g.MoveBits(),
	}
	if cfg.MaxActions < 0 {
		return nil, fmt.Errorf("--max-actions %d is negative", cfg.MaxActions)
	}
	if cfg.ChunkSize < 1 || cfg.ChunkSize > 1<<20 {
		return nil, fmt.Errorf("--chunk %d is outside 1..%d", cfg.ChunkSize, 1<<20)
	}
	if err := db.CreateRun(cfg); err != nil {
		return nil, err
	}
	return db.Config()
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
		lineup, err := ai.ParseLineup(*s.Players, g)
		if err != nil {
			return err
		}
		if lineup.String() != cfg.Players {
			return conflict("--players", lineup.String(), "players", cfg.Players)
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

func conflict(flag string, given any, name string, stored any) error {
	return fmt.Errorf("%s %v %w: its %s is %v", flag, given, ErrConflict, name, stored)
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
