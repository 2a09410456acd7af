package pipeline

import (
	"fmt"
	"time"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/dataflow"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Definition is a run resolved once from its stored configuration: the game
// built, the lineup parsed with its stored models, and the settings that
// decide every game's result. Every executor (local simulators, the NATS
// coordinator and its workers), the trainer and the evaluator play from a
// Definition, so that nothing rebuilds the game from its spec again.
type Definition struct {
	// Config is the stored configuration the definition was resolved from.
	Config *store.Config
	Game   game.Game
	// Lineup holds the players by lineup position, their models resolved
	// from the stored copies.
	Lineup      *ai.Lineup
	Seed        uint64
	MaxActions  int
	MoveBits    int
	RotateSeats bool
}

// Resolve builds the definition of the run cfg describes, building its game
// with reg.
func Resolve(cfg *store.Config, reg *game.Registry) (*Definition, error) {
	g, err := reg.New(cfg.Game)
	if err != nil {
		return nil, err
	}
	return ResolveGame(cfg, g)
}

// ResolveGame is Resolve with the game already built from cfg.Game, for
// callers that built it before the run was stored or read.
func ResolveGame(cfg *store.Config, g game.Game) (*Definition, error) {
	if g.Spec() != cfg.Game {
		return nil, fmt.Errorf("pipeline: game %s given for a run of %s", g.Spec(), cfg.Game)
	}
	lineup, err := ai.ParseLineupWith(cfg.Players, g, cfg.ModelSource)
	if err != nil {
		return nil, err
	}
	return &Definition{
		Config: cfg, Game: g, Lineup: lineup, Seed: cfg.Seed, MaxActions: cfg.MaxActions,
		MoveBits: cfg.MoveBits, RotateSeats: cfg.RotateSeats,
	}, nil
}

// SimConfig returns what the simulators need to play the run's games, with
// the executor's retries and watchdog timeout (which never change a result
// that is stored as done).
func (d *Definition) SimConfig(retries int, gameTimeout time.Duration) dataflow.SimConfig {
	return dataflow.SimConfig{
		Game: d.Game, Lineup: d.Lineup, Seed: d.Seed, MaxActions: d.MaxActions, MoveBits: d.MoveBits,
		Retries: retries, GameTimeout: gameTimeout, RotateSeats: d.RotateSeats,
	}
}
