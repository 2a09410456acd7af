package gameproc

import (
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"sync"

	"github.com/simpipe/simpipe/game"
)

// Game is a game played by game processes. It is safe for concurrent use.
// Each State made by NewState is bound to a process when it first needs one,
// and its clones share it: a new process while the game has fewer than
// MaxProcs live ones, else the live one with the fewest live sessions. A
// simulator keeps its state for its whole life (Reset between games), so
// each simulator gets a process of its own; a process that serves several
// goroutines' states answers them one request at a time.
type Game struct {
	spec   string
	entry  Entry
	params game.Params
	d      desc

	mu    sync.Mutex
	procs []*proc // live processes; the first may wait unbound from init
}

// MaxProcs bounds the processes of one Game. Defaults to the number of
// CPUs, at least 2.
var MaxProcs = max(runtime.GOMAXPROCS(0), 2)

var _ game.Game = (*Game)(nil)

// desc is what init says about the game.
type desc struct {
	players, moveBits int
	structure         game.Structure
}

func (g *Game) Spec() string              { return g.spec }
func (g *Game) Players() int              { return g.d.players }
func (g *Game) MoveBits() int             { return g.d.moveBits }
func (g *Game) Structure() game.Structure { return g.d.structure }

// init sends init to p (or a new process) and sets g's description from its
// reply; p goes to the pool.
func (g *Game) init(p *proc) error {
	var err error
	if p == nil {
		if p, _, err = start(g.spec, g.entry); err != nil {
			return err
		}
	}
	var d desc
	if err := p.try(func() { d = g.initProc(p) }); err != nil {
		return err
	}
	g.d = d
	g.put(p)
	return nil
}

// initProc sends init with g's parameters to p and returns its reply.
func (g *Game) initProc(p *proc) desc {
	p.begin("init")
	names := make([]string, 0, len(g.params))
	for n := range g.params {
		names = append(names, n)
	}
	sort.Strings(names)
	p.req = append(p.req, `,"params":{`...)
	for i, n := range names {
		if i > 0 {
			p.req = append(p.req, ',')
		}
		k, _ := json.Marshal(n)
		p.req = append(p.req, k...)
		p.req = append(p.req, ':')
		p.req = fmt.Appendf(p.req, "%d", g.params[n])
	}
	p.req = append(p.req, '}')
	var r initReply
	p.roundTrip("init", &r)
	switch {
	case r.Players < 1 || r.Players > game.MaxPlayers:
		p.fail(fmt.Sprintf("init: %d players, want 1 to %d", r.Players, game.MaxPlayers))
	case r.MoveBits < 1 || r.MoveBits > 64:
		p.fail(fmt.Sprintf("init: move_bits %d, want 1 to 64", r.MoveBits))
	case r.Structure == nil:
		p.fail(`init: no "structure"`)
	case r.Structure.Hidden && p.version < 2:
		p.fail(fmt.Sprintf("init: hidden information needs protocol version 2 (views and determinizations); the process speaks %d", p.version))
	}
	return desc{players: r.Players, moveBits: r.MoveBits, structure: *r.Structure}
}

// get returns the process for a new session: a new one while there are
// fewer than MaxProcs, else the live one with the fewest sessions. It
// panics with a *ProcessError when a process cannot start or describes
// another game.
func (g *Game) get() *proc {
	g.mu.Lock()
	live := g.procs[:0]
	for _, p := range g.procs {
		if !p.dead.Load() {
			live = append(live, p)
		}
	}
	g.procs = live
	var best *proc
	for _, p := range live {
		if best == nil || p.sessions.Load() < best.sessions.Load() {
			best = p
		}
	}
	if best != nil && (best.sessions.Load() == 0 || len(live) >= MaxProcs) {
		best.sessions.Add(1)
		g.mu.Unlock()
		return best
	}
	g.mu.Unlock()
	p, _, err := start(g.spec, g.entry)
	if err != nil {
		if pe, ok := err.(*ProcessError); ok {
			panic(pe)
		}
		panic(&ProcessError{Game: g.spec, What: err.Error()})
	}
	if d := g.initProc(p); !reflect.DeepEqual(d, g.d) {
		p.fail(fmt.Sprintf("init: a new process describes the game differently: %+v, first %+v", d, g.d))
	}
	p.sessions.Add(1)
	g.put(p)
	return p
}

// put adds p to the game's processes.
func (g *Game) put(p *proc) {
	g.mu.Lock()
	g.procs = append(g.procs, p)
	g.mu.Unlock()
}

// NewState returns the initial position. No process is involved until the
// state is asked something.
func (g *Game) NewState() game.State {
	s := newState(&session{g: g})
	return g.wrap(s)
}

// wrap returns s as the game's State type: chance games' states are
// game.ChanceState and hidden-information games' game.HiddenState, others
// are not, as players check.
func (g *Game) wrap(s *State) game.State {
	switch st := g.d.structure; {
	case st.Chance && st.Hidden:
		return &ChanceHiddenState{s}
	case st.Chance:
		return &ChanceState{s}
	case st.Hidden:
		return &HiddenState{s}
	}
	return s
}
