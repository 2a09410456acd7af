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

// ErrConflict is matched (errors.Is) by a ConflictError.
var ErrConflict = errors.New("contradicts the stored run")

// ConflictError is returned by Prepare when a given setting contradicts the
// stored run. Setting names the setting the way Settings' documentation
// does ("game", "players", "seed", "max-actions", "chunk", "games"); a
// command line maps it to its own flag.
type ConflictError struct {
	Setting string
	Given   any
	Stored  any
	// Reason explains the conflict when "its <Setting> is <Stored>" would
	// not (a changed model file, a shrinking run).
	Reason string
}

func (e *ConflictError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s %v %v%s", e.Setting, e.Given, ErrConflict, e.Reason)
	}
	return fmt.Sprintf("%s %v %v: its %s is %v", e.Setting, e.Given, ErrConflict, e.Setting, e.Stored)
}

// Is reports whether target is ErrConflict.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// SettingError is returned by Prepare for a setting a new or extended run
// cannot take. Its message reads "<Setting> <Value> <Problem>".
type SettingError struct {
	Setting string
	Value   any
	Problem string
	// Raise, when not empty, names the setting whose increase would make
	// Value acceptable.
	Raise string
}

func (e *SettingError) Error() string { return fmt.Sprintf("%s %v %s", e.Setting, e.Value, e.Problem) }

// MissingError is returned by Prepare when a new run lacks a setting it
// needs ("game" or "games").
type MissingError struct{ Setting string }

func (e *MissingError) Error() string { return "a new run needs its " + e.Setting }

// Settings are a run's settings as a user gave them; nil means not given.
// The settings' names in errors are game, players, seed, games, max-actions
// and chunk.
type Settings struct {
	// Game is the game, built by the caller (once) from its spec.
	Game       game.Game
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
func LineupModels(s Settings) (map[string]string, error) {
	if s.Game == nil {
		return nil, &MissingError{Setting: "game"}
	}
	lineup, err := ai.ParseLineupWith(deref(s.Players, DefaultPlayers), s.Game, s.models())
	if err != nil {
		return nil, err
	}
	return storedModels(lineup), nil
}

// Prepare creates the run described by s in a new stage, or checks s against
// the run the stage holds: given settings must equal the stored ones, except
// Games, which may grow the run. It returns the run resolved (see Resolve).
// The game is built with reg only when s.Game is nil and the stage holds a
// run, so that a command builds its game once.
func Prepare(stage *store.Stage, reg *game.Registry, s Settings) (*Definition, error) {
	cfg, err := stage.Config()
	switch {
	case errors.Is(err, store.ErrNoRun):
		return create(stage, s)
	case err != nil:
		return nil, err
	}
	if s.Game != nil && s.Game.Spec() != cfg.Game {
		return nil, &ConflictError{Setting: "game", Given: s.Game.Spec(), Stored: cfg.Game}
	}
	g := s.Game
	if g == nil {
		if g, err = reg.New(cfg.Game); err != nil {
			return nil, err
		}
	}
	if err := checkResume(cfg, g, s); err != nil {
		return nil, err
	}
	if s.Games != nil && *s.Games > cfg.Games {
		if jobs := *s.Games / uint64(cfg.ChunkSize); jobs > MaxJobs {
			return nil, &SettingError{Setting: "games", Value: *s.Games,
				Problem: fmt.Sprintf("in the run's chunks of %d makes %d jobs, more than %d", cfg.ChunkSize, jobs, MaxJobs)}
		}
		if err := stage.ExtendRun(*s.Games); err != nil {
			return nil, err
		}
		if cfg, err = stage.Config(); err != nil {
			return nil, err
		}
	}
	return ResolveGame(cfg, g)
}

func create(stage *store.Stage, s Settings) (*Definition, error) {
	if s.Game == nil {
		return nil, &MissingError{Setting: "game"}
	}
	if s.Games == nil {
		return nil, &MissingError{Setting: "games"}
	}
	g := s.Game
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
		return nil, &SettingError{Setting: "max-actions", Value: cfg.MaxActions, Problem: "is negative"}
	}
	if cfg.ChunkSize < 1 || cfg.ChunkSize > 1<<20 {
		return nil, &SettingError{Setting: "chunk", Value: cfg.ChunkSize, Problem: fmt.Sprintf("is outside 1..%d", 1<<20)}
	}
	if jobs := cfg.Games / uint64(cfg.ChunkSize); jobs > MaxJobs {
		return nil, &SettingError{Setting: "games", Value: cfg.Games, Raise: "chunk",
			Problem: fmt.Sprintf("in chunks of %d makes %d jobs, more than %d", cfg.ChunkSize, jobs, MaxJobs)}
	}
	if err := stage.CreateRun(cfg); err != nil {
		return nil, err
	}
	stored, err := stage.Config()
	if err != nil {
		return nil, err
	}
	// Resolved like any stored run: the players read their models from the
	// copies stored with it, never again from the files.
	return ResolveGame(stored, g)
}

// checkResume checks the given settings other than the game against the
// stored run, whose game is g.
func checkResume(cfg *store.Config, g game.Game, s Settings) error {
	if s.Players != nil {
		lineup, err := ai.ParseLineupWith(*s.Players, g, s.models())
		if err != nil {
			return err
		}
		if err := checkLineup(cfg, lineup, *s.Players); err != nil {
			return err
		}
	}
	if s.Seed != nil && *s.Seed != cfg.Seed {
		return &ConflictError{Setting: "seed", Given: *s.Seed, Stored: cfg.Seed}
	}
	if s.MaxActions != nil && *s.MaxActions != cfg.MaxActions {
		return &ConflictError{Setting: "max-actions", Given: *s.MaxActions, Stored: cfg.MaxActions}
	}
	if s.Chunk != nil && *s.Chunk != cfg.ChunkSize {
		return &ConflictError{Setting: "chunk", Given: *s.Chunk, Stored: cfg.ChunkSize}
	}
	if s.Games != nil && *s.Games < cfg.Games {
		return &ConflictError{Setting: "games", Given: *s.Games, Stored: cfg.Games,
			Reason: fmt.Sprintf(", which has %d games (a run can grow, not shrink)", cfg.Games)}
	}
	return nil
}

func checkLineup(cfg *store.Config, lineup *ai.Lineup, given string) error {
	if lineup.String() != cfg.Players {
		return &ConflictError{Setting: "players", Given: lineup.String(), Stored: cfg.Players}
	}
	for ref, m := range storedModels(lineup) { // map order: only decides which conflict is named
		if cfg.Models[ref] != m {
			return &ConflictError{Setting: "players", Given: given, Stored: cfg.Players,
				Reason: fmt.Sprintf(": the model in %s changed since the run started", ref)}
		}
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

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
