package stages

import (
	"fmt"
	"runtime/debug"

	"github.com/reugn/go-streams/flow"
	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// SimConfig is what every simulator needs to play a run's games.
type SimConfig struct {
	Game       game.Game
	Lineup     *ai.Lineup
	Seed       uint64
	MaxActions int
	MoveBits   int
	// Retries is how many times a failing game is played again before it
	// is recorded as failed.
	Retries int
	// RotateSeats plays game i with the lineup rotated by i mod seats (seat
	// s is taken by the lineup's player (s+i) mod seats) and seeds it with
	// game index i/seats, so each group of seats consecutive games replays
	// the same random stream with every player in every seat. Evaluations
	// use it to play games in pairs with seats swapped.
	RotateSeats bool
}

// SeatOf returns the seat that lineup player p takes in game i.
func (c *SimConfig) SeatOf(p int, i uint64) int {
	if !c.RotateSeats {
		return p
	}
	n := c.Game.Players()
	return (p + n - int(i%uint64(n))) % n
}

// NewSimulate returns a flow that turns store.Job values into
// store.JobResult values on workers goroutines. Results leave in completion
// order; every result names its job.
func NewSimulate(cfg SimConfig, workers int) *flow.Map[store.Job, store.JobResult] {
	pool := make(chan *simulator, workers)
	for i := 0; i < workers; i++ {
		pool <- &simulator{cfg: cfg}
	}
	return flow.NewMap(func(j store.Job) store.JobResult {
		s := <-pool
		defer func() { pool <- s }()
		return s.playJob(j)
	}, workers)
}

// simulator is one worker's scratch memory, used by one goroutine at a time.
type simulator struct {
	cfg     SimConfig
	state   game.State
	players []game.Player // the lineup's players, by lineup position
	seated  []game.Player // players by seat for the current game
	rng     game.RNG
	scratch game.Scratch
	enc     store.ChunkEncoder
}

func (s *simulator) playJob(j store.Job) store.JobResult {
	r := store.JobResult{Job: j}
	s.enc.Reset(j.First, s.cfg.MoveBits)
	play := func(index uint64) {
		entry, attempts, failure := s.playGame(index)
		r.Attempts = max(r.Attempts, attempts)
		if failure != nil {
			r.Failures = append(r.Failures, *failure)
		}
		r.Delta.AddGame(entry)
		s.enc.Add(entry)
	}
	if j.Only != nil {
		for _, idx := range j.Only {
			play(idx)
		}
	} else {
		for i := uint64(0); i < uint64(j.Count); i++ {
			play(j.First + i)
		}
	}
	r.Record = s.enc.Bytes()
	return r
}

// playGame plays game index, retrying a game that panics. The returned
// entry's moves alias the simulator's scratch until the next game.
func (s *simulator) playGame(index uint64) (store.GameEntry, uint32, *store.GameFailure) {
	var lastErr, lastStack string
	for attempt := 1; attempt <= s.cfg.Retries+1; attempt++ {
		out, stack, err := s.tryGame(index)
		if err == nil {
			status := store.Completed
			if !out.Completed {
				status = store.Incomplete
			}
			return store.GameEntry{Status: status, Winners: out.Winners, Moves: out.Moves}, uint32(attempt), nil
		}
		lastErr, lastStack = err.Error(), stack
		s.state, s.players, s.seated = nil, nil, nil // may be broken: rebuild
	}
	attempts := uint32(s.cfg.Retries + 1)
	return store.GameEntry{Status: store.Failed}, attempts,
		&store.GameFailure{Index: index, Attempts: attempts, Error: lastErr, Stack: lastStack}
}

// tryGame plays one game, turning a panic into an error with its stack.
func (s *simulator) tryGame(index uint64) (out game.Outcome, stack string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err, stack = fmt.Errorf("panic: %v", p), string(debug.Stack())
		}
	}()
	if s.state == nil {
		s.state = s.cfg.Game.NewState()
		if s.players, err = s.cfg.Lineup.Players(); err != nil {
			return out, "", err
		}
		s.seated = make([]game.Player, len(s.players))
	} else {
		s.state.Reset()
	}
	seeded := index
	if s.cfg.RotateSeats {
		n := uint64(len(s.players))
		for seat := range s.seated {
			s.seated[seat] = s.players[(uint64(seat)+index)%n]
		}
		seeded = index / n
	} else {
		copy(s.seated, s.players)
	}
	s.rng.Seed(s.cfg.Seed, seeded)
	return game.Play(s.state, s.seated, &s.rng, s.cfg.MaxActions, &s.scratch), "", nil
}
