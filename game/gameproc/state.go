package gameproc

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"strconv"
	"sync/atomic"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/internal/jsonw"
)

// session is the process of one NewState and its clones, bound when first
// needed and handed back to the pool by a runtime cleanup when the session
// is unreachable.
type session struct {
	g       *Game
	cell    *procCell
	rootPos *pos
	memo    map[string]*pos // positions by memoKey
	keyBuf  []byte
}

// procCell holds a session's process for its cleanup, which runs on another
// goroutine.
type procCell struct {
	p    atomic.Pointer[proc]
	root *ref // holds the initial position
}

// proc returns the session's process, binding one and creating the initial
// position on first use.
func (ses *session) proc() *proc {
	if p := ses.cell.p.Load(); p != nil {
		return p
	}
	p := ses.g.get()
	p.begin("new")
	var r stateReply
	p.roundTrip("new", &r)
	if msg := r.S.check(&ses.g.d); msg != "" {
		p.fail("new: " + msg)
	}
	ses.cell.root = &ref{}
	p.hold(ses.cell.root, p.newHandle(r.H))
	ses.rootPos = &pos{info: *r.S}
	ses.cell.p.Store(p)
	runtime.AddCleanup(ses, func(c *procCell) {
		p := c.p.Load()
		p.drop(c.root)
		p.sessions.Add(-1)
	}, ses.cell)
	return p
}

// pos is what is known of one position; clones at the same position share it.
type pos struct {
	info
	text  *string
	cells []int
	qty   []int
	views *[game.MaxPlayers]*pos // what is known of each seat's view, in hidden-information games
	// described is set on a view's pos once the process described it
	// (view); a true position's info is always known.
	described bool
}

// view returns what is known of seat's view of the position, or nil.
func (at *pos) view(seat int) *pos {
	if at.views == nil {
		return nil
	}
	return at.views[seat]
}

// State is a position held by a game process. Apply and Clone cost no round
// trip: moves wait until a question (Legal, ToMove, ...) is asked, and a
// clone shares its original's process state until one of them moves on.
type State struct {
	ses     *session
	r       *ref        // r.h: the process state the position starts from; nil: the initial position
	pending []game.Move // moves applied since r.h
	pos     *pos        // the position, when known (pending is empty)
}

// ChanceState is the State of a game with chance nodes.
type ChanceState struct{ *State }

var (
	_ game.State         = (*State)(nil)
	_ game.BoardState    = (*State)(nil)
	_ game.QuantityState = (*State)(nil)
	_ game.Playouter     = (*State)(nil)
	_ game.ChanceState   = (*ChanceState)(nil)
)

func newState(ses *session) *State {
	if ses.cell == nil {
		ses.cell = &procCell{}
	}
	s := &State{ses: ses, r: &ref{}}
	cell := ses.cell
	runtime.AddCleanup(s, func(r *ref) {
		if p := cell.p.Load(); p != nil {
			p.drop(r)
		}
	}, s.r)
	return s
}

// flush makes the position's info known: from the session's memo of
// positions the process described, or by sending the pending moves.
func (s *State) flush() *proc {
	p := s.ses.proc()
	if s.pos != nil {
		return p
	}
	if len(s.pending) == 0 && s.r.h == nil {
		s.pos = s.ses.rootPos
		return p
	}
	if pos := s.ses.memo[string(s.memoKey())]; pos != nil {
		s.pos = pos // the moves stay pending: nothing to send yet
		return p
	}
	return s.sync(p)
}

// synced is flush that also sends the pending moves, for the requests
// that name the position's handle.
func (s *State) synced() *proc {
	return s.sync(s.flush())
}

// sync sends the pending moves to the process.
func (s *State) sync(p *proc) *proc {
	if len(s.pending) == 0 {
		return p
	}
	key := string(s.memoKey())
	p.begin("apply")
	fork := s.base(p)
	p.req = append(p.req, `,"moves":`...)
	p.req = jsonw.AppendInts(p.req, s.pending)
	var r stateReply
	p.roundTrip("apply", &r)
	s.moved(p, fork, &r, "apply")
	s.ses.remember(key, s.pos)
	return p
}

// memoKey names the position: the version of the process state it starts
// from and the pending moves.
func (s *State) memoKey() []byte {
	h := s.r.h
	if h == nil {
		h = s.ses.cell.root.h
	}
	b := binary.LittleEndian.AppendUint64(s.ses.keyBuf[:0], uint64(h.version))
	for _, m := range s.pending {
		b = binary.LittleEndian.AppendUint64(b, uint64(m))
	}
	s.ses.keyBuf = b
	return b
}

// remember records what the process said about a position. The memo lets
// a search that comes back to a position (MCTS does, until every move of a
// node is tried) know its legal moves without a round trip.
func (ses *session) remember(key string, known *pos) {
	if ses.memo == nil || len(ses.memo) >= 1<<16 {
		ses.memo = make(map[string]*pos)
	}
	ses.memo[key] = known
}

// base adds the handle to change and whether to fork it to the request:
// a handle held by another State (or the initial position) is cloned.
func (s *State) base(p *proc) (fork bool) {
	h := s.r.h
	if h == nil {
		h = s.ses.cell.root.h
	}
	p.field("h", h.id)
	if h.refs.Load() > 1 || s.r.h == nil {
		p.req = append(p.req, `,"fork":true`...)
		return true
	}
	return false
}

// moved records the reply to a request that changed the position.
func (s *State) moved(p *proc, fork bool, r *stateReply, what string) {
	if msg := r.S.check(&s.ses.g.d); msg != "" {
		p.fail(what + ": " + msg)
	}
	if fork {
		if r.H <= 0 {
			p.fail(what + `: no new handle "h" for a fork`)
		}
		p.hold(s.r, p.newHandle(r.H))
	} else {
		s.r.h.version = p.versions.Add(1) // changed in place
	}
	s.pending = s.pending[:0]
	s.pos = &pos{info: *r.S}
	if p.live.Load() > 1<<18 {
		runtime.GC() // dead States' handles come back only through cleanups
	}
}

// handleID returns the handle of the current position, which must be known.
func (s *State) handleID() int64 {
	if s.r.h == nil {
		return s.ses.cell.root.h.id
	}
	return s.r.h.id
}

func (s *State) Reset() {
	if p := s.ses.cell.p.Load(); p != nil {
		p.hold(s.r, nil)
	}
	s.pending = s.pending[:0]
	s.pos = s.ses.rootPos
}

func (s *State) ToMove() int    { s.flush(); return s.pos.ToMove }
func (s *State) Terminal() bool { s.flush(); return s.pos.Terminal }
func (s *State) Winners() game.Seats {
	s.flush()
	return s.pos.winners
}

func (s *State) Legal(dst []game.Move) []game.Move {
	s.flush()
	return append(dst, s.pos.Legal...)
}

func (s *State) Apply(m game.Move) {
	s.pending = append(s.pending, m)
	s.pos = nil
}

// ChanceWeights appends the weights the process gave with the position.
func (s *ChanceState) ChanceWeights(dst []uint32) []uint32 { return s.chanceWeights(dst) }

func (s *State) chanceWeights(dst []uint32) []uint32 {
	s.flush()
	if s.pos.ToMove != game.Chance {
		return dst
	}
	return append(dst, s.pos.Weights...)
}

func (s *State) Clone() game.State { return s.ses.g.wrap(s.clone()) }

// clone is Clone without the wrapping.
func (s *State) clone() *State {
	c := newState(s.ses)
	c.pending = append(c.pending, s.pending...)
	c.pos = s.pos
	if h := s.r.h; h != nil {
		c.r.h = h
		h.refs.Add(1)
	}
	return c
}

// noSeat asks about the true position, not a seat's view of it.
const noSeat = -1

// ask sends op about the current position, or about seat's view of it
// (seat >= 0), with the move when withMove, and returns the reply.
func (s *State) ask(p *proc, op string, seat int, withMove bool, m game.Move) *textReply {
	p.begin(op)
	p.field("h", s.handleID())
	if seat >= 0 {
		p.field("seat", int64(seat))
	}
	if withMove {
		p.field("move", int64(m))
	}
	var r textReply
	p.roundTrip(op, &r)
	return &r
}

func (s *State) MoveString(m game.Move) string { return s.moveText(s.synced(), noSeat, m) }

func (s *State) moveText(p *proc, seat int, m game.Move) string {
	r := s.ask(p, "move_text", seat, true, m)
	if r.Text == nil || *r.Text == "" {
		p.fail(`move_text: no "text"`)
	}
	return *r.Text
}

func (s *State) String() string { p := s.synced(); return s.text(p, s.pos, noSeat) }

// text returns the text of the position or of seat's view, at, asking the
// process the first time.
func (s *State) text(p *proc, at *pos, seat int) string {
	if at.text == nil {
		r := s.ask(p, "text", seat, false, 0)
		if r.Text == nil {
			p.fail(`text: no "text"`)
		}
		at.text = r.Text
	}
	return *at.text
}

// Cell reports cell i as the process's cells request lists it.
func (s *State) Cell(i int) (seat, piece int) { p := s.synced(); return s.cell(p, s.pos, noSeat, i) }

func (s *State) cell(p *proc, at *pos, seat, i int) (int, int) {
	if at.cells == nil {
		r := s.ask(p, "cells", seat, false, 0)
		if want := 2 * s.ses.g.d.structure.Cells(); len(r.Cells) != want {
			p.fail(fmt.Sprintf("cells: %d numbers, want %d (seat and piece of each cell)", len(r.Cells), want))
		}
		at.cells = r.Cells
	}
	return at.cells[2*i], at.cells[2*i+1]
}

// Quantity reports quantity q of seat as the process's quantities request
// lists it.
func (s *State) Quantity(seat, q int) int {
	p := s.synced()
	return s.quantity(p, s.pos, noSeat, seat, q)
}

func (s *State) quantity(p *proc, at *pos, viewer, seat, q int) int {
	nq := len(s.ses.g.d.structure.Quantities)
	if at.qty == nil {
		r := s.ask(p, "quantities", viewer, false, 0)
		if want := s.ses.g.d.players * nq; len(r.Quantities) != want {
			p.fail(fmt.Sprintf("quantities: %d numbers, want %d", len(r.Quantities), want))
		}
		at.qty = r.Quantities
	}
	return at.qty[seat*nq+q]
}

// playoutWords is how many random words a playout request carries at
// least; a process's requests carry as many as its longest playout used,
// plus a few, so that a playout is one round trip without shipping many
// words it does not use.
const playoutWords = 16

// words adds "words": the next n outputs of rng, which it leaves as it is.
func (p *proc) words(rng *game.RNG, n int) {
	p.req = append(p.req, `"words":[`...)
	tmp := *rng
	for i := range n {
		if i > 0 {
			p.req = append(p.req, ',')
		}
		p.req = append(p.req, '"')
		p.req = strconv.AppendUint(p.req, tmp.Uint64(), 16)
		p.req = append(p.req, '"')
	}
	p.req = append(p.req, ']')
}

// PlayUniform plays to the end between uniform players in as few round
// trips as the random words allow: the process draws as game.Play does from
// words of rng, says how many it used, and rng skips that many.
func (s *State) PlayUniform(rng *game.RNG, maxActions int, sc *game.Scratch) game.Outcome {
	p := s.ses.proc()
	moves := sc.Moves[:0]
	words := max(playoutWords, int(p.wordsSeen.Load())+4)
	used := 0
	for {
		key := string(s.memoKey())
		p.begin("playout")
		fork := s.base(p)
		if len(s.pending) > 0 {
			p.req = append(p.req, `,"start":true`...)
		}
		p.req = append(p.req, `,"moves":`...)
		p.req = jsonw.AppendInts(p.req, s.pending)
		if maxActions > 0 {
			p.field("max_actions", int64(maxActions-len(moves)))
		}
		p.req = append(p.req, ',')
		p.words(rng, words)
		var r stateReply
		p.roundTrip("playout", &r)
		if r.Used < 0 || r.Used > words {
			p.fail(fmt.Sprintf("playout: used %d of %d words", r.Used, words))
		}
		if r.Start != nil && len(s.pending) > 0 {
			if msg := r.Start.check(&s.ses.g.d); msg != "" {
				p.fail("playout: start: " + msg)
			}
			s.ses.remember(key, &pos{info: *r.Start})
		}
		s.moved(p, fork, &r, "playout")
		moves = append(moves, r.Played...)
		for range r.Used {
			rng.Uint64()
		}
		used += r.Used
		if s.pos.Terminal || r.Done {
			break
		}
		if maxActions > 0 && len(moves) >= maxActions {
			p.fail("playout: played past max_actions without done")
		}
		if len(r.Played) == 0 {
			words *= 2
		}
	}
	if used > int(p.wordsSeen.Load()) {
		p.wordsSeen.Store(int32(min(used, 1<<12)))
	}
	sc.Moves = moves
	if !s.pos.Terminal {
		return game.Outcome{Moves: moves}
	}
	return game.Outcome{Moves: moves, Winners: s.pos.winners, Completed: true}
}

// batchReply is the reply to playouts.
type batchReply struct {
	Error string `json:"error"`
	Games []struct {
		Played   []game.Move `json:"played"`
		Used     int         `json:"used"`
		Done     bool        `json:"done"`
		Terminal bool        `json:"terminal"`
		Winners  []int       `json:"winners"`
	} `json:"games"`
}

func (r *batchReply) failure() string { return r.Error }

// PlayUniformBatch plays len(rngs) games from the initial position in one
// round trip: game i draws from words of rngs[i]. A game whose words ran
// out is played again alone through PlayUniform.
func (s *State) PlayUniformBatch(rngs []*game.RNG, maxActions int, out []game.Outcome) []game.Outcome {
	p := s.ses.proc()
	words := max(playoutWords, int(p.wordsSeen.Load())+4)
	p.begin("playouts")
	if maxActions > 0 {
		p.field("max_actions", int64(maxActions))
	}
	p.req = append(p.req, `,"games":[`...)
	for i, r := range rngs {
		if i > 0 {
			p.req = append(p.req, ',')
		}
		p.req = append(p.req, '{')
		p.words(r, words)
		p.req = append(p.req, '}')
	}
	p.req = append(p.req, ']')
	var r batchReply
	p.roundTrip("playouts", &r)
	if len(r.Games) != len(rngs) {
		p.fail(fmt.Sprintf("playouts: %d games in the reply, %d asked", len(r.Games), len(rngs)))
	}
	d := &s.ses.g.d
	for i, gr := range r.Games {
		if !gr.Done {
			rng := *rngs[i]
			var sc game.Scratch
			s.Reset()
			out = append(out, s.PlayUniform(&rng, maxActions, &sc))
			continue
		}
		if gr.Used < 0 || gr.Used > words {
			p.fail(fmt.Sprintf("playouts: game %d used %d of %d words", i, gr.Used, words))
		}
		if gr.Used > int(p.wordsSeen.Load()) {
			p.wordsSeen.Store(int32(min(gr.Used, 1<<12)))
		}
		if !gr.Terminal {
			if maxActions <= 0 || len(gr.Played) != maxActions {
				p.fail(fmt.Sprintf("playouts: game %d done after %d moves, neither over nor at max_actions", i, len(gr.Played)))
			}
			out = append(out, game.Outcome{Moves: gr.Played})
			continue
		}
		in := info{Terminal: true, Winners: gr.Winners}
		if msg := in.check(d); msg != "" {
			p.fail(fmt.Sprintf("playouts: game %d: %s", i, msg))
		}
		out = append(out, game.Outcome{Moves: gr.Played, Winners: in.winners, Completed: true})
	}
	return out
}

var _ game.BatchPlayouter = (*State)(nil)
