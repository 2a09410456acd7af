package dataflow

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"

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
	// GameTimeout, when positive, is how long a game may run without
	// finishing before the watchdog records it as failed and moves on.
	GameTimeout time.Duration
	// RotateSeats plays game i with the lineup rotated by i mod seats (seat
	// s is taken by the lineup's player (s+i) mod seats) and seeds it with
	// game index i/seats, so each group of seats consecutive games replays
	// the same random stream with every player in every seat. Evaluations
	// use it to play games in pairs with seats swapped.
	RotateSeats bool
}

// NewSimulate returns a flow that turns store.Job values into
// store.JobResult values on workers goroutines. Results leave in completion
// order; every result names its job. With a GameTimeout, each job is watched
// (see watch.go).
func NewSimulate(cfg SimConfig, workers int) *flow.Map[store.Job, store.JobResult] {
	pool := make(chan *simulator, workers)
	for i := 0; i < workers; i++ {
		pool <- &simulator{cfg: cfg}
	}
	return flow.NewMap(func(j store.Job) store.JobResult {
		if cfg.GameTimeout > 0 {
			return watchJob(j, pool, cfg)
		}
		s := <-pool
		defer func() { pool <- s }()
		acc := newJobAcc(j, cfg.MoveBits)
		s.playFrom(j, 0, acc, nil)
		return acc.result()
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
	batch   []game.RNG     // the RNGs of a batch of games (playBatch)
	rngs    []*game.RNG    // pointers into batch
	outs    []game.Outcome // a batch's outcomes
}

// jobAcc accumulates one job's results. One goroutine owns it at a time: a
// simulator while it plays, the watchdog after it abandons one.
type jobAcc struct {
	r   store.JobResult
	enc store.ChunkEncoder
}

func newJobAcc(j store.Job, moveBits int) *jobAcc {
	a := &jobAcc{r: store.JobResult{Job: j}}
	a.enc.Reset(j.First, moveBits)
	return a
}

func (a *jobAcc) add(entry store.GameEntry, attempts uint32, failure *store.GameFailure) {
	a.r.Attempts = max(a.r.Attempts, attempts)
	if failure != nil {
		a.r.Failures = append(a.r.Failures, *failure)
	}
	a.r.Delta.AddGame(entry)
	a.enc.Add(entry)
}

func (a *jobAcc) result() store.JobResult {
	a.r.Record = a.enc.AppendRecord(getRecordBuf())
	return a.r
}

// recordBufs recycles results records once they are committed: a run
// produces tens of megabytes of them a second, and reusing them keeps the
// garbage collector (and its write barriers) out of the simulators' way.
var recordBufs sync.Pool

func getRecordBuf() []byte {
	if b, ok := recordBufs.Get().(*[]byte); ok {
		return (*b)[:0]
	}
	return nil
}

// putRecordBuf returns a record's buffer for reuse; the caller must not use
// the record afterwards.
func putRecordBuf(b []byte) {
	if cap(b) > 0 && cap(b) <= 1<<22 {
		recordBufs.Put(&b)
	}
}

// jobGames returns the number of games job j plays.
func jobGames(j store.Job) int {
	if j.Only != nil {
		return len(j.Only)
	}
	return int(j.Count)
}

// jobGame returns the index of the k-th game job j plays.
func jobGame(j store.Job, k int) uint64 {
	if j.Only != nil {
		return j.Only[k]
	}
	return j.First + uint64(k)
}

// playFrom plays job j's games from position from on, adding them to acc.
// With a guard, each game is added only while the guard is not abandoned,
// and the guard's position advances after every game.
func (s *simulator) playFrom(j store.Job, from int, acc *jobAcc, g *guard) {
	for k := from; k < jobGames(j); k++ {
		if n := s.playBatch(j, k); n > 0 {
			for i := range n {
				if g != nil && !g.claim() {
					return
				}
				acc.add(entryOf(s.outs[i]), 1, nil)
				if g != nil {
					g.release(k + i + 1)
				}
			}
			k += n - 1
			continue
		}
		entry, attempts, failure := s.playGame(jobGame(j, k))
		if g != nil && !g.claim() {
			return // the watchdog gave up on this job's goroutine
		}
		acc.add(entry, attempts, failure)
		if g != nil {
			g.release(k + 1)
		}
	}
}

// batchGames is how many games playBatch plays in one call.
const batchGames = 64

// playBatch plays games k, k+1, ... of job j in one call when the state is
// a game.BatchPlayouter (a game process) and every player is uniform, and
// returns how many it played into s.outs; 0 means play game k alone. A
// panic (a failed game process) gives 0 too: the games are then played one
// by one, with their retries, on a new state.
func (s *simulator) playBatch(j store.Job, k int) (n int) {
	if s.cfg.RotateSeats || s.state == nil || !game.AllUniform(s.seated) {
		return 0
	}
	bp, ok := s.state.(game.BatchPlayouter)
	if !ok {
		return 0
	}
	n = min(jobGames(j)-k, batchGames)
	if len(s.batch) < n {
		s.batch = make([]game.RNG, batchGames)
		s.rngs = make([]*game.RNG, batchGames)
		for i := range s.batch {
			s.rngs[i] = &s.batch[i]
		}
	}
	for i := range n {
		s.batch[i].Seed(s.cfg.Seed, jobGame(j, k+i))
	}
	defer func() {
		if recover() != nil {
			s.state, s.players, s.seated, n = nil, nil, nil, 0
		}
	}()
	s.outs = bp.PlayUniformBatch(s.rngs[:n], s.cfg.MaxActions, s.outs[:0])
	return n
}

// entryOf returns the stored entry of a played game.
func entryOf(out game.Outcome) store.GameEntry {
	status := store.Completed
	if !out.Completed {
		status = store.Incomplete
	}
	return store.GameEntry{Status: status, Winners: out.Winners, Moves: out.Moves}
}

// playGame plays game index, retrying a game that panics. The returned
// entry's moves alias the simulator's scratch until the next game.
func (s *simulator) playGame(index uint64) (store.GameEntry, uint32, *store.GameFailure) {
	var lastErr, lastStack string
	for attempt := 1; attempt <= s.cfg.Retries+1; attempt++ {
		out, stack, err := s.tryGame(index)
		if err == nil {
			return entryOf(out), uint32(attempt), nil
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
		s.seated = s.players // rotated games get their own slice below
		if s.cfg.RotateSeats {
			s.seated = make([]game.Player, len(s.players))
		}
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
	}
	s.rng.Seed(s.cfg.Seed, seeded)
	return game.Play(s.state, s.seated, &s.rng, s.cfg.MaxActions, &s.scratch), "", nil
}
