package dataflow

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/simpipe/simpipe/store"
)

// Guard states.
const (
	guardRunning   = iota // the simulator is playing a game
	guardAdding           // the simulator is adding a finished game to the job
	guardAbandoned        // the watchdog gave up on the simulator
)

// guard is shared by a job's simulator goroutine and its watchdog.
type guard struct {
	state atomic.Int32
	next  atomic.Int64 // position in the job of the next game to play
}

// claim lets the simulator add a finished game, unless it was abandoned.
func (g *guard) claim() bool { return g.state.CompareAndSwap(guardRunning, guardAdding) }

// release records that the game before position next was added.
func (g *guard) release(next int) {
	g.next.Store(int64(next))
	g.state.Store(guardRunning)
}

// abandon takes the job's results away from the simulator, waiting out a
// game being added.
func (g *guard) abandon() {
	for !g.state.CompareAndSwap(guardRunning, guardAbandoned) {
		runtime.Gosched()
	}
}

// watchJob plays job j on simulators from pool, each in a goroutine of its
// own, and watches that games keep finishing. A game that runs longer than
// timeout is recorded as failed (attempts 1: a hang is not retried, it would
// only hang again) and the job goes on with a fresh simulator from the next
// game. Go cannot stop a goroutine: the stuck one is abandoned with its
// simulator, keeps its CPU or memory until it returns or the process exits,
// and its late result, if any, is dropped.
func watchJob(j store.Job, pool chan *simulator, cfg SimConfig) store.JobResult {
	timeout := cfg.GameTimeout
	acc := newJobAcc(j, cfg.MoveBits)
	tick := max(timeout/4, time.Millisecond)
	for from := 0; from < jobGames(j); {
		s := <-pool
		g := &guard{}
		g.next.Store(int64(from))
		done := make(chan struct{})
		go func(start int) { // start, not from: the loop moves from on
			defer close(done)
			s.playFrom(j, start, acc, g)
		}(from)
		stuck := watch(g, done, timeout, tick)
		if !stuck {
			pool <- s
			break
		}
		g.abandon()
		pool <- &simulator{cfg: cfg} // replaces the abandoned one
		k := int(g.next.Load())
		if k >= jobGames(j) {
			break // it finished just as the watchdog gave up
		}
		idx := jobGame(j, k)
		acc.add(store.GameEntry{Status: store.Failed}, 1, &store.GameFailure{
			Index: idx, Attempts: 1,
			Error: fmt.Sprintf("watchdog: game %d did not finish within %s; its goroutine was abandoned", idx, timeout),
		})
		from = k + 1
	}
	return acc.result()
}

// watch waits for done and reports true if no game finished for timeout.
func watch(g *guard, done <-chan struct{}, timeout, tick time.Duration) bool {
	t := time.NewTicker(tick)
	defer t.Stop()
	last, since := g.next.Load(), time.Now()
	for {
		select {
		case <-done:
			return false
		case now := <-t.C:
			if n := g.next.Load(); n != last {
				last, since = n, now
			} else if now.Sub(since) >= timeout {
				return true
			}
		}
	}
}
