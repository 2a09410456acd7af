package gameproc

import (
	"fmt"

	"github.com/simpipe/simpipe/game"
)

// HiddenState is the State of a hidden-information game without chance
// nodes (protocol version 2).
type HiddenState struct{ *State }

// ChanceHiddenState is the State of a hidden-information game with chance
// nodes, such as a card game whose deals are chance outcomes.
type ChanceHiddenState struct{ *State }

var (
	_ game.HiddenState   = (*HiddenState)(nil)
	_ game.HiddenState   = (*ChanceHiddenState)(nil)
	_ game.ChanceState   = (*ChanceHiddenState)(nil)
	_ game.State         = (*View)(nil)
	_ game.BoardState    = (*View)(nil)
	_ game.QuantityState = (*View)(nil)
	_ game.Determinizer  = (*View)(nil)
)

// View returns what seat may know of the position. It costs no round trip:
// the view asks the process about the position on seat's behalf when it is
// asked something.
func (s *HiddenState) View(seat int) game.State { return s.view(seat) }

// View returns what seat may know of the position; see HiddenState.View.
func (s *ChanceHiddenState) View(seat int) game.State { return s.view(seat) }

// ChanceWeights appends the weights the process gave with the position.
func (s *ChanceHiddenState) ChanceWeights(dst []uint32) []uint32 {
	return s.chanceWeights(dst)
}

func (s *State) view(seat int) *View {
	if seat < 0 || seat >= s.ses.g.d.players {
		panic(fmt.Sprintf("gameproc: View(%d) of a %d-seat game", seat, s.ses.g.d.players))
	}
	return &View{st: s.clone(), seat: seat}
}

// View is one seat's view of a position of a hidden-information game
// process: what the process's view request says the seat may know. It
// holds the true position, as a clone does, but every question it asks
// the process names the seat, and the process answers from what the seat
// may know; the true position is never shown to a player (game.Play shows
// players views only).
//
// A View is for deciding, not for playing on: Legal lists what the
// process's view lists (the seat's moves when it is to move), Apply panics,
// and Determinize samples a true position consistent with the view from
// simpipe's RNG.
type View struct {
	st   *State // the true position; never moved on
	seat int
}

// slot returns what is known of the view, kept with the position (its
// info is valid once described is set), with the position's handle up to
// date in the process.
func (v *View) slot() (*proc, *pos) {
	p := v.st.synced()
	at := v.st.pos
	if at.views == nil {
		at.views = new([game.MaxPlayers]*pos)
	}
	if at.views[v.seat] == nil {
		at.views[v.seat] = &pos{}
	}
	return p, at.views[v.seat]
}

// info returns what is known of the view, asking the process the first
// time: {"op":"view","h":H,"seat":S}. The seat to move, the end and the
// winners are public: they must be the true position's.
func (v *View) info() *pos {
	v.st.flush()
	if vp := v.st.pos.view(v.seat); vp != nil && vp.described {
		return vp
	}
	p, at := v.slot()
	p.begin("view")
	p.field("h", v.st.handleID())
	p.field("seat", int64(v.seat))
	var r stateReply
	p.roundTrip("view", &r)
	if msg := r.S.checkView(&v.st.ses.g.d); msg != "" {
		p.fail(fmt.Sprintf("view of seat %d: %s", v.seat, msg))
	}
	truth := v.st.pos
	switch {
	case r.S.Terminal != truth.Terminal:
		p.fail(fmt.Sprintf("view of seat %d: terminal %v, the position's %v", v.seat, r.S.Terminal, truth.Terminal))
	case !truth.Terminal && r.S.ToMove != truth.ToMove:
		p.fail(fmt.Sprintf("view of seat %d: to_move %d, the position's %d", v.seat, r.S.ToMove, truth.ToMove))
	case truth.Terminal && r.S.winners != truth.winners:
		p.fail(fmt.Sprintf("view of seat %d: winners %v, the position's %v", v.seat, r.S.winners, truth.winners))
	}
	at.info, at.described = *r.S, true
	return at
}

// Seat returns the seat whose view this is.
func (v *View) Seat() int { return v.seat }

// Reset makes v the seat's view of the initial position.
func (v *View) Reset() { v.st.Reset() }

// ToMove, Terminal and Winners are public: the true position's, which
// simpipe usually knows without asking.
func (v *View) ToMove() int         { return v.st.ToMove() }
func (v *View) Terminal() bool      { return v.st.Terminal() }
func (v *View) Winners() game.Seats { return v.st.Winners() }

// Legal lists the moves the process's view lists: the true position's when
// the seat is to move.
func (v *View) Legal(dst []game.Move) []game.Move { return append(dst, v.info().Legal...) }

// Apply panics: what a move does depends on what the view does not know.
func (v *View) Apply(game.Move) { panic("gameproc: Apply on a View") }

func (v *View) Clone() game.State { return &View{st: v.st.clone(), seat: v.seat} }

// MoveString names m as the seat sees it: move_text with "seat".
func (v *View) MoveString(m game.Move) string {
	p := v.st.synced()
	return v.st.moveText(p, v.seat, m)
}

// String renders what the seat knows: text with "seat".
func (v *View) String() string {
	p, at := v.slot()
	return v.st.text(p, at, v.seat)
}

// Cell reports cell i as the seat sees it: cells with "seat".
func (v *View) Cell(i int) (seat, piece int) {
	p, at := v.slot()
	return v.st.cell(p, at, v.seat, i)
}

// Quantity reports quantity q of seat as the viewing seat sees it:
// quantities with "seat".
func (v *View) Quantity(seat, q int) int {
	p, at := v.slot()
	return v.st.quantity(p, at, v.seat, seat, q)
}

// maxDetWords bounds the random words of one determinize request.
const maxDetWords = 1 << 16

// Determinize returns a true position consistent with the view, which the
// process samples from the next outputs of rng:
// {"op":"determinize","h":H,"seat":S,"words":[...]}. The process draws from
// the words as from a game.RNG and says how many it used; rng skips that
// many, so a determinization takes the draws a Go game's Determinize would.
// If the words run out (done false) the request goes again with twice as
// many. The state lives in the view's process.
func (v *View) Determinize(rng *game.RNG) game.State {
	p := v.st.synced()
	n := max(playoutWords, int(p.detWords.Load())+4)
	for {
		p.begin("determinize")
		p.field("h", v.st.handleID())
		p.field("seat", int64(v.seat))
		p.req = append(p.req, ',')
		p.words(rng, n)
		var r detReply
		p.roundTrip("determinize", &r)
		if !r.Done {
			if n >= maxDetWords {
				p.fail(fmt.Sprintf("determinize: not done with %d words", n))
			}
			n *= 2
			continue
		}
		switch {
		case r.Used < 0 || r.Used > n:
			p.fail(fmt.Sprintf("determinize: used %d of %d words", r.Used, n))
		case r.H <= 0:
			p.fail(`determinize: no new handle "h"`)
		}
		if msg := r.S.check(&v.st.ses.g.d); msg != "" {
			p.fail("determinize: " + msg)
		}
		for range r.Used {
			rng.Uint64()
		}
		if r.Used > int(p.detWords.Load()) {
			p.detWords.Store(int32(min(r.Used, maxDetWords)))
		}
		d := newState(v.st.ses)
		p.hold(d.r, p.newHandle(r.H))
		d.pos = &pos{info: *r.S}
		return v.st.ses.g.wrap(d)
	}
}
