package gametest

import (
	"fmt"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/store"
)

// Options tunes RunWith. Zero fields take their defaults.
type Options struct {
	// Games is the number of random games each check plays. Default 100,
	// or 25 under go test -short (the race-detector run, say).
	Games int
	// MaxActions caps every random game, chance outcomes included; a game
	// still going after that many actions fails the Terminates check.
	// Default 100000.
	MaxActions int
	// Seed seeds the random games: game i of a check plays with
	// game.NewRNG(Seed, i), so a failure names a game that replays.
	// Default 1.
	Seed uint64
}

func (o Options) withDefaults() Options {
	if o.Games <= 0 {
		o.Games = 100
		if testing.Short() {
			o.Games = 25
		}
	}
	if o.MaxActions <= 0 {
		o.MaxActions = 100000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Run checks that g keeps every promise of the game package's interfaces,
// the promises simpipe's pipeline, store, players and feature generation
// rely on. It plays random games and runs one subtest per check, in this
// order:
//
//   - Structure: Spec, Players, MoveBits and Structure are in range, and the
//     states implement what the Structure announces (BoardState for a
//     board, QuantityState for quantities, HiddenState when Hidden), with
//     Cell values inside the seats and pieces.
//   - Legal: every state that is not terminal lists legal moves and every
//     terminal one lists none; no move is listed twice; Legal appends to
//     its argument and lists the same moves when called again; ToMove is a
//     seat or game.Chance.
//   - Chance: chance nodes implement game.ChanceState, with one positive
//     weight per outcome, and Structure().Chance is set.
//   - Sampler (states implementing game.Sampler; skipped otherwise):
//     SampleMove draws only moves Legal lists, and over 40 draws per legal
//     move, at every fifth ply of a few games, the counts pass a loose
//     chi-square test of uniformity.
//   - Terminates: random games end within Options.MaxActions actions.
//   - Winners: the winners of terminal states are seats of the game.
//   - Clone: a clone equals its original; applying a move to a clone leaves
//     the original (String, Legal, ToMove, Terminal, Cell and Quantity)
//     unchanged, applying it to the original leaves an earlier clone
//     unchanged, and both end in the same position.
//   - Reset: Reset returns a played state, or a clone of it, to the
//     position NewState gives, without touching the original.
//   - Encoding: every move fits in MoveBits; played games stored with
//     store.ChunkEncoder decode (store.DecodeChunk) to the same moves,
//     winners and status; replaying the decoded moves from NewState reaches
//     the same final position and winners.
//   - MoveString: the legal moves of a state have non-empty, distinct names.
//   - Replay: game.Play with the same seed gives the same moves and winners
//     from NewState and from a Reset state.
//   - Hidden (states implementing game.HiddenState): the view of the seat to
//     move has the true state's Legal; a view that is a game.Determinizer
//     samples states whose view of that seat is the view again (a view
//     that shows other hands or the deck order changes across samples), its
//     samples are not always the true position (a view that carries the
//     true position hands it out), and determinizing the view of a sample
//     with the same rng gives the same state as determinizing the view
//     (Determinize depends on the view alone, not on the hidden part of
//     the position the view came from).
//   - Features: features.Generate lists features for a game with a board or
//     quantities, features.Compile accepts them, and Set.Values gives one
//     value per feature on random positions, views included, without
//     changing the state.
//
// A failing check reports the first failure of each kind with the game, the
// ply and the position, then how many more times it happened. Run on a
// built-in game takes well under two seconds.
func Run(t *testing.T, g game.Game) {
	t.Helper()
	run(stdT{t}, g, Options{})
}

// RunWith is Run with options, for games whose random playouts are long or
// to explore more games or another seed.
func RunWith(t *testing.T, g game.Game, o Options) {
	t.Helper()
	run(stdT{t}, g, o)
}

// tester is the part of *testing.T that Run uses. Its Run takes a
// func(tester), so that the planted-bug tests can run the checks against a
// recorder instead of failing for real.
type tester interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skipf(format string, args ...any)
	Run(name string, f func(tester)) bool
}

// stdT adapts *testing.T to tester.
type stdT struct{ *testing.T }

func (t stdT) Run(name string, f func(tester)) bool {
	return t.T.Run(name, func(t *testing.T) { f(stdT{t}) })
}

// check is one subtest of Run.
type check struct {
	name string
	f    func(c *checker, g game.Game, o Options)
}

var checks = []check{
	{"Structure", checkStructure},
	{"Legal", checkLegal},
	{"Chance", checkChance},
	{"Sampler", checkSampler},
	{"Terminates", checkTerminates},
	{"Winners", checkWinners},
	{"Clone", checkClone},
	{"Reset", checkReset},
	{"Encoding", checkEncoding},
	{"MoveString", checkMoveString},
	{"Replay", checkReplay},
	{"Hidden", checkHidden},
	{"Features", checkFeatures},
}

func run(t tester, g game.Game, o Options) {
	t.Helper()
	o = o.withDefaults()
	for _, ch := range checks {
		t.Run(ch.name, func(t tester) {
			c := &checker{t: t, count: map[string]int{}, first: map[string]string{}}
			defer c.finish()
			ch.f(c, g, o)
		})
	}
}

// checker reports one check's failures: the first of each kind (each format
// string) in full, then how many repeats there were, so that a bug met at
// every ply makes one message, not thousands.
type checker struct {
	t     tester
	count map[string]int
	kinds []string
	first map[string]string // kind → the gist of its first message
}

func (c *checker) failf(format string, args ...any) {
	c.t.Helper()
	if c.count[format]++; c.count[format] == 1 {
		msg := fmt.Sprintf(format, args...)
		c.kinds = append(c.kinds, format)
		c.first[format] = gist(msg)
		c.t.Errorf("%s", msg)
	}
}

// gist shortens a message to its first clause, without the position.
func gist(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg, _, _ = strings.Cut(msg, ": ")
	msg, _, _ = strings.Cut(msg, ", at game ")
	return msg
}

// finish reports repeated failures and turns a panic of the game into a
// failure with its stack.
func (c *checker) finish() {
	if r := recover(); r != nil {
		c.t.Errorf("panic: %v\n%s", r, debug.Stack())
	}
	for _, k := range c.kinds {
		if n := c.count[k]; n > 1 {
			c.t.Errorf("%d more failures like: %s", n-1, c.first[k])
		}
	}
}

// pos is a position of a random game, as the walk shows it to a check.
type pos struct {
	seed        uint64
	game, ply   int
	st          game.State
	legal       []game.Move // st.Legal; empty at the end
	move        game.Move   // the move played next, when legal is not empty
	moves       []game.Move // the moves that led here
	end, capped bool        // no legal moves; or MaxActions reached
}

// String names the position for failure messages.
func (p *pos) String() string {
	return fmt.Sprintf("game %d (seed %d), ply %d, position:\n%s", p.game, p.seed, p.ply, indent(p.st.String()))
}

// walk plays games random games of g, game i with game.NewRNG(seed, i), and
// calls visit at every position, the last one included (end or capped).
// Decisions are uniform; chance outcomes follow their weights when the
// weights are usable and are uniform otherwise. walk only relies on Legal,
// so that it survives the bugs the checks look for.
func walk(g game.Game, o Options, games int, visit func(p *pos)) {
	var legal []game.Move
	var weights []uint32
	for i := range games {
		rng := game.NewRNG(o.Seed, uint64(i))
		st := g.NewState()
		p := &pos{seed: o.Seed, game: i, st: st}
		for {
			legal = st.Legal(legal[:0])
			p.legal = legal
			p.end = len(legal) == 0
			p.capped = !p.end && len(p.moves) >= o.MaxActions
			if p.end || p.capped {
				visit(p)
				break
			}
			k := -1
			if st.ToMove() == game.Chance {
				if cs, ok := st.(game.ChanceState); ok {
					weights = cs.ChanceWeights(weights[:0])
					if len(weights) == len(legal) && !slices.Contains(weights, 0) {
						k = rng.Weighted(weights)
					}
				}
			}
			if k < 0 {
				k = rng.IntN(len(legal))
			}
			p.move = legal[k]
			visit(p)
			st.Apply(p.move)
			p.moves = append(p.moves, p.move)
			p.ply++
		}
	}
}

func checkStructure(c *checker, g game.Game, o Options) {
	if g.Spec() == "" {
		c.failf("Spec() is empty")
	}
	if n := g.Players(); n < 1 || n > game.MaxPlayers {
		c.t.Fatalf("Players() = %d, want 1..%d", n, game.MaxPlayers)
	}
	if b := g.MoveBits(); b < 1 || b > 64 {
		c.failf("MoveBits() = %d, want 1..64", b)
	}
	s := g.Structure()
	st := g.NewState()
	if st == nil {
		c.t.Fatalf("NewState() returned nil")
	}
	_, board := st.(game.BoardState)
	_, qty := st.(game.QuantityState)
	_, hidden := st.(game.HiddenState)
	switch {
	case s.Topology != game.NoBoard && (s.Rows <= 0 || s.Cols <= 0):
		c.failf("Structure has a %s board of %d×%d cells", s.Topology, s.Rows, s.Cols)
	case s.Topology != game.NoBoard && !board:
		c.failf("Structure has a %s board but the states (%T) do not implement game.BoardState", s.Topology, st)
	}
	if len(s.Quantities) > 0 && !qty {
		c.failf("Structure has quantities %v but the states (%T) do not implement game.QuantityState", s.Quantities, st)
	}
	if hidden != s.Hidden {
		c.failf("Structure().Hidden is %v but the states (%T) implementing game.HiddenState is %v", s.Hidden, st, hidden)
	}
	if a, b := st.String(), g.NewState().String(); a != b {
		c.failf("two NewState() calls give different positions:\n%s\nand\n%s", indent(a), indent(b))
	}
	if !board || s.Topology == game.NoBoard {
		return
	}
	walk(g, o, min(o.Games, 10), func(p *pos) {
		bs := p.st.(game.BoardState)
		for i := range s.Cells() {
			seat, piece := bs.Cell(i)
			if seat < -1 || seat >= g.Players() {
				c.failf("Cell(%d) = seat %d, want -1 (empty) or a seat 0..%d, at %v", i, seat, g.Players()-1, p)
			}
			if seat >= 0 && len(s.Pieces) > 0 && (piece < 0 || piece >= len(s.Pieces)) {
				c.failf("Cell(%d) = piece %d, want an index into Structure().Pieces %v, at %v", i, piece, s.Pieces, p)
			}
		}
	})
}

func checkLegal(c *checker, g game.Game, o Options) {
	var again []game.Move
	walk(g, o, o.Games, func(p *pos) {
		st := p.st
		if p.end {
			if !st.Terminal() {
				c.failf("not terminal but Legal lists no moves, at %v", p)
			}
			return
		}
		if st.Terminal() {
			c.failf("terminal but Legal lists %d moves %v, at %v", len(p.legal), p.legal, p)
		}
		if seat := st.ToMove(); seat != game.Chance && (seat < 0 || seat >= g.Players()) {
			c.failf("ToMove() = %d, want a seat 0..%d or game.Chance, at %v", seat, g.Players()-1, p)
		}
		seen := make(map[game.Move]bool, len(p.legal))
		for _, m := range p.legal {
			if seen[m] {
				c.failf("move %d listed twice in Legal %v, at %v", m, p.legal, p)
			}
			seen[m] = true
		}
		const mark = game.Move(1<<64 - 1)
		again = st.Legal(append(again[:0], mark))
		switch {
		case again[0] != mark:
			c.failf("Legal(dst) overwrote dst instead of appending to it, at %v", p)
		case !slices.Equal(again[1:], p.legal):
			c.failf("Legal lists %v, then %v: the order must be fixed for a position, at %v", p.legal, again[1:], p)
		}
	})
}

// checkSampler checks a game.Sampler's draws at some positions: every draw
// is a legal move, and over 40 draws per move the counts pass a loose
// chi-square test of uniformity (a bias towards some moves, or moves never
// drawn, fails it).
func checkSampler(c *checker, g game.Game, o Options) {
	if _, ok := g.NewState().(game.Sampler); !ok {
		c.t.Skipf("%s's states do not implement game.Sampler", g.Spec())
		return
	}
	rng := game.NewRNG(o.Seed, 1<<40)
	walk(g, o, min(o.Games, 10), func(p *pos) {
		if p.end || p.capped || p.ply%5 != 0 || p.st.ToMove() == game.Chance {
			return
		}
		sp := p.st.(game.Sampler)
		index := make(map[game.Move]int, len(p.legal))
		for i, m := range p.legal {
			index[m] = i
		}
		counts := make([]float64, len(p.legal))
		draws := 40 * len(p.legal)
		for range draws {
			m := sp.SampleMove(rng)
			i, ok := index[m]
			if !ok {
				c.failf("SampleMove drew %d, which Legal does not list (%v), at %v", m, p.legal, p)
				return
			}
			counts[i]++
		}
		chi := 0.0
		for _, n := range counts {
			chi += (n - 40) * (n - 40) / 40
		}
		// Mean df = len-1, sd = sqrt(2 df): 6 sd above the mean is far beyond
		// chance for a uniform draw.
		if df := float64(len(p.legal) - 1); df > 0 && chi > df+6*math.Sqrt(2*df)+10 {
			c.failf("SampleMove is not uniform over %d moves (chi-square %.1f; counts %v), at %v", len(p.legal), chi, counts, p)
		}
	})
}

func checkChance(c *checker, g game.Game, o Options) {
	var w []uint32
	nodes := 0
	walk(g, o, o.Games, func(p *pos) {
		if p.end || p.st.ToMove() != game.Chance {
			return
		}
		nodes++
		cs, ok := p.st.(game.ChanceState)
		if !ok {
			c.failf("chance node, but the state (%T) does not implement game.ChanceState, at %v", p.st, p)
			return
		}
		w = cs.ChanceWeights(w[:0])
		if len(w) != len(p.legal) {
			c.failf("ChanceWeights gives %d weights %v for %d outcomes %v, at %v", len(w), w, len(p.legal), p.legal, p)
		} else if slices.Contains(w, 0) {
			c.failf("ChanceWeights %v has a zero weight, at %v", w, p)
		}
	})
	if nodes > 0 && !g.Structure().Chance {
		c.failf("the game has chance nodes but Structure().Chance is false")
	}
}

func checkTerminates(c *checker, g game.Game, o Options) {
	walk(g, o, o.Games, func(p *pos) {
		if p.capped {
			c.failf("random game did not end within %d actions (Options.MaxActions), at %v", o.MaxActions, p)
		}
	})
}

func checkWinners(c *checker, g game.Game, o Options) {
	walk(g, o, o.Games, func(p *pos) {
		if !p.end || !p.st.Terminal() {
			return
		}
		if w := p.st.Winners(); w>>uint(g.Players()) != 0 {
			c.failf("Winners() = %v, not seats of a %d-player game, at %v", w, g.Players(), p)
		}
	})
}

// snapshot is what can be observed of a state through the interfaces.
type snapshot struct {
	str      string
	legal    []game.Move
	terminal bool
	toMove   int
	cells    [][2]int
	qty      []int
}

func snap(g game.Game, st game.State) snapshot {
	s := snapshot{str: st.String(), legal: st.Legal(nil), terminal: st.Terminal()}
	if !s.terminal {
		s.toMove = st.ToMove()
	}
	gs := g.Structure()
	if bs, ok := st.(game.BoardState); ok && gs.Topology != game.NoBoard {
		s.cells = make([][2]int, 0, gs.Cells())
		for i := range gs.Cells() {
			seat, piece := bs.Cell(i)
			s.cells = append(s.cells, [2]int{seat, piece})
		}
	}
	if qs, ok := st.(game.QuantityState); ok {
		s.qty = make([]int, 0, g.Players()*len(gs.Quantities))
		for seat := range g.Players() {
			for q := range gs.Quantities {
				s.qty = append(s.qty, qs.Quantity(seat, q))
			}
		}
	}
	return s
}

// diff describes the first difference between a (before) and b (now), or
// returns "" when they are equal.
func (a *snapshot) diff(b *snapshot, g game.Game) string {
	switch {
	case a.str != b.str:
		return fmt.Sprintf("String() was\n%s\nnow\n%s", indent(a.str), indent(b.str))
	case !slices.Equal(a.legal, b.legal):
		return fmt.Sprintf("Legal() was %v, now %v", a.legal, b.legal)
	case a.terminal != b.terminal:
		return fmt.Sprintf("Terminal() was %v, now %v", a.terminal, b.terminal)
	case a.toMove != b.toMove:
		return fmt.Sprintf("ToMove() was %d, now %d", a.toMove, b.toMove)
	}
	for i := range a.cells {
		if a.cells[i] != b.cells[i] {
			return fmt.Sprintf("Cell(%d) was %v, now %v", i, a.cells[i], b.cells[i])
		}
	}
	nq := max(len(g.Structure().Quantities), 1)
	for i := range a.qty {
		if a.qty[i] != b.qty[i] {
			return fmt.Sprintf("Quantity(%d, %d) was %d, now %d", i/nq, i%nq, a.qty[i], b.qty[i])
		}
	}
	return ""
}

func checkClone(c *checker, g game.Game, o Options) {
	// At each ply: pre is the position, before a clone left untouched and
	// after a clone to which the ply's move was applied. The walk then
	// applies the move to the original, and the next visit compares.
	var pre snapshot
	var before, after game.State
	var last string // the move applied, for messages
	walk(g, o, o.Games, func(p *pos) {
		st := p.st
		now := snap(g, st)
		if p.ply > 0 {
			if d := pre.diff(ptr(snap(g, before)), g); d != "" {
				c.failf("applying %s to the original changed a clone taken before: %s\nat %v", last, d, p)
			}
			if d := now.diff(ptr(snap(g, after)), g); d != "" {
				c.failf("the same move %s applied to a state and to its clone gave different positions (original → clone): %s\nat %v", last, d, p)
			}
		}
		pre = now
		before, after = st.Clone(), st.Clone()
		if d := pre.diff(ptr(snap(g, after)), g); d != "" {
			c.failf("a clone differs from its original (original → clone): %s\nat %v", d, p)
			return
		}
		if p.end || p.capped {
			after.Reset()
			if d := pre.diff(ptr(snap(g, st)), g); d != "" {
				c.failf("Reset on a clone changed the original: %s\nat %v", d, p)
			}
			return
		}
		last = moveName(st, p.move)
		after.Apply(p.move)
		if d := pre.diff(ptr(snap(g, st)), g); d != "" {
			c.failf("applying %s to a clone changed the original (Clone shares memory?): %s\nat %v", last, d, p)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func checkReset(c *checker, g game.Game, o Options) {
	initial := snap(g, g.NewState())
	walk(g, o, o.Games, func(p *pos) {
		if p.ply%7 != 3 && !p.end && !p.capped {
			return
		}
		pre := snap(g, p.st)
		cl := p.st.Clone()
		cl.Reset()
		if d := initial.diff(ptr(snap(g, cl)), g); d != "" {
			c.failf("Reset does not return to the initial position (NewState → Reset): %s\nafter %v", d, p)
		}
		if d := pre.diff(ptr(snap(g, p.st)), g); d != "" {
			c.failf("Reset on a clone changed the original: %s\nat %v", d, p)
		}
	})
}

func checkEncoding(c *checker, g game.Game, o Options) {
	bits := g.MoveBits()
	if bits < 1 || bits > 64 {
		c.t.Fatalf("MoveBits() = %d, want 1..64", bits)
	}
	type played struct {
		entry store.GameEntry
		final string
	}
	var games []played
	walk(g, o, o.Games, func(p *pos) {
		for _, m := range p.legal {
			if bits < 64 && uint64(m)>>uint(bits) != 0 {
				c.failf("move %s does not fit in MoveBits() = %d bits, at %v", moveName(p.st, m), bits, p)
			}
		}
		if !p.end && !p.capped {
			return
		}
		e := store.GameEntry{Status: store.Incomplete, Moves: slices.Clone(p.moves)}
		if p.end {
			e.Status, e.Winners = store.Completed, p.st.Winners()
		}
		games = append(games, played{e, p.st.String()})
	})
	var enc store.ChunkEncoder
	enc.Reset(0, bits)
	for _, pg := range games {
		enc.Add(pg.entry)
	}
	chunk, err := store.DecodeChunk(enc.Bytes())
	if err != nil {
		c.t.Fatalf("store.DecodeChunk of the played games: %v", err)
	}
	if len(chunk.Raw) != len(games) {
		c.t.Fatalf("stored %d games, decoded %d", len(games), len(chunk.Raw))
	}
	var legal []game.Move
	for i, pg := range games {
		want := pg.entry
		got, err := store.DecodeEntry(chunk.Raw[i], chunk.MoveBits)
		if err != nil {
			c.failf("store.DecodeEntry of game %d: %v", i, err)
			continue
		}
		if got.Status != want.Status || got.Winners != want.Winners {
			c.failf("stored game %d decodes as %v with winners %v, want %v with winners %v", i, got.Status, got.Winners, want.Status, want.Winners)
		}
		if !slices.Equal(got.Moves, want.Moves) {
			c.failf("stored game %d decodes to different moves: %s (is every move code below 2^MoveBits = 2^%d?)", i, firstDiff(want.Moves, got.Moves), bits)
			continue
		}
		// A stored game must replay from its moves alone (simpipe show,
		// training, export do so).
		st := g.NewState()
		ok := true
		for ply, m := range got.Moves {
			legal = st.Legal(legal[:0])
			if !slices.Contains(legal, m) {
				c.failf("replaying stored game %d (seed %d): move %d at ply %d is not legal there (legal %v): the game is not a function of its moves; position:\n%s", i, o.Seed, m, ply, legal, indent(st.String()))
				ok = false
				break
			}
			st.Apply(m)
		}
		if !ok {
			continue
		}
		if st.String() != pg.final {
			c.failf("replaying stored game %d (seed %d) from its moves ends in a different position:\n%s\nplayed:\n%s", i, o.Seed, indent(st.String()), indent(pg.final))
		} else if want.Status == store.Completed && st.Winners() != want.Winners {
			c.failf("replaying stored game %d (seed %d) from its moves gives winners %v, played %v", i, o.Seed, st.Winners(), want.Winners)
		}
	}
}

func firstDiff(want, got []game.Move) string {
	for i := range min(len(want), len(got)) {
		if want[i] != got[i] {
			return fmt.Sprintf("ply %d was %d, decoded %d", i, want[i], got[i])
		}
	}
	return fmt.Sprintf("%d moves played, %d decoded", len(want), len(got))
}

func checkMoveString(c *checker, g game.Game, o Options) {
	names := map[string]game.Move{}
	walk(g, o, o.Games, func(p *pos) {
		clear(names)
		for _, m := range p.legal {
			s := p.st.MoveString(m)
			if s == "" {
				c.failf("MoveString(%d) is empty, at %v", m, p)
				continue
			}
			if prev, dup := names[s]; dup {
				c.failf("moves %d and %d are both written %q, at %v", prev, m, s, p)
			}
			names[s] = m
		}
	})
}

// randomPlayers returns a uniform random player per seat.
func randomPlayers(g game.Game) []game.Player {
	ps := make([]game.Player, g.Players())
	for i := range ps {
		ps[i] = randomPlayer{}
	}
	return ps
}

func checkReplay(c *checker, g game.Game, o Options) {
	players := randomPlayers(g)
	reused := g.NewState()
	var sc game.Scratch
	for i := range uint64(o.Games) {
		a := game.Play(g.NewState(), players, game.NewRNG(o.Seed, i), o.MaxActions, &sc)
		first := slices.Clone(a.Moves)
		reused.Reset() // reused holds the previous game's final position
		b := game.Play(reused, players, game.NewRNG(o.Seed, i), o.MaxActions, &sc)
		if !slices.Equal(first, b.Moves) || a.Winners != b.Winners || a.Completed != b.Completed {
			diff := firstDiff(first, b.Moves)
			if slices.Equal(first, b.Moves) {
				diff = fmt.Sprintf("winners %v, then %v", a.Winners, b.Winners)
			}
			c.failf("game %d with game.NewRNG(%d, %d) does not replay (from NewState, then from a Reset state): %s. All randomness must come from the RNG passed to Play: no math/rand, clock, map order or package-level counters", i, o.Seed, i, diff)
		}
	}
}

func checkHidden(c *checker, g game.Game, o Options) {
	if _, ok := g.NewState().(game.HiddenState); !ok {
		c.t.Skipf("the states do not implement game.HiddenState")
	}
	sampled, truth, same := 0, 0, 0
	walk(g, o, o.Games, func(p *pos) {
		h := p.st.(game.HiddenState)
		if p.end {
			return
		}
		pre := snap(g, p.st)
		for seat := range g.Players() {
			if v := h.View(seat); v == nil {
				c.failf("View(%d) returned nil, at %v", seat, p)
				return
			}
		}
		if d := pre.diff(ptr(snap(g, p.st)), g); d != "" {
			c.failf("View changed the state: %s\nat %v", d, p)
		}
		seat := p.st.ToMove()
		if seat == game.Chance {
			return
		}
		v := h.View(seat)
		if vl := v.Legal(nil); !slices.Equal(vl, p.legal) {
			c.failf("View(%d).Legal() = %v, but the true state's Legal() = %v: a player must see its own moves, at %v", seat, vl, p.legal, p)
		}
		det, ok := v.(game.Determinizer)
		if !ok {
			return
		}
		vs := v.String()
		var states [2]string
		var samples [2]game.HiddenState
		rngFor := func(k int) *game.RNG { return game.NewRNG(o.Seed+1+uint64(k), uint64(p.game)<<32|uint64(p.ply)) }
		for k := range states {
			d := det.Determinize(rngFor(k))
			if v.String() != vs {
				c.failf("Determinize changed the view it samples from, at %v", p)
			}
			dh, ok := d.(game.HiddenState)
			if !ok {
				c.failf("Determinize returned a %T, which does not implement game.HiddenState, at %v", d, p)
				return
			}
			if dv := dh.View(seat).String(); dv != vs {
				c.failf("View(%d) of a determinized state differs from the view it was sampled from: the view shows something a determinization deals anew (another seat's hand, the deck order?), or Determinize ignores what the view knows.\nview:\n%s\nview of the sample:\n%s\nat %v", seat, indent(vs), indent(dv), p)
			}
			if dl := d.Legal(nil); !slices.Equal(dl, p.legal) {
				c.failf("a determinized state's Legal() = %v, the true state's %v, at %v", dl, p.legal, p)
			}
			states[k] = d.String()
			samples[k] = dh
		}
		// The second sample is a position the seat cannot tell from the
		// true one, so determinizing its view with the first rng must give
		// the first sample again.
		if again, ok := samples[1].View(seat).(game.Determinizer); ok {
			if d := again.Determinize(rngFor(0)).String(); d != states[0] {
				c.failf("Determinize of the view of another position the seat cannot tell from this one, with the same rng, gives a different state: Determinize depends on more than the view (the true hands?).\nfrom the view here:\n%s\nfrom the view of a sample:\n%s\nat %v", indent(states[0]), indent(d), p)
			}
		}
		sampled++
		if states[0] == p.st.String() && states[1] == p.st.String() {
			truth++
		}
		if states[0] == states[1] {
			same++
		}
	})
	const enough = 20
	switch {
	case sampled < enough:
	case truth == sampled:
		c.failf("Determinize returned the true position at all %d positions sampled: it must deal the hidden part from its rng, not copy it (the view holds hidden information)", sampled)
	case same == sampled:
		c.failf("Determinize returned the same state for two different rngs at all %d positions sampled: it must deal the hidden part from its rng", sampled)
	}
}

func checkFeatures(c *checker, g game.Game, o Options) {
	s := g.Structure()
	fs := features.Generate(g)
	if len(fs) == 0 && (s.Topology != game.NoBoard && s.Cells() > 0 || len(s.Quantities) > 0) {
		c.failf("features.Generate lists no features for a game with a board or quantities")
	}
	set, err := features.Compile(g, fs)
	if err != nil {
		c.t.Fatalf("features.Compile of the generated features: %v", err)
	}
	var vals, again []int32
	walk(g, o, min(o.Games, 20), func(p *pos) {
		pre := snap(g, p.st)
		h, hidden := p.st.(game.HiddenState)
		for seat := range g.Players() {
			st := p.st
			if hidden {
				st = h.View(seat)
			}
			vals = set.Values(st, seat, vals[:0])
			if len(vals) != len(fs) {
				c.failf("Values gives %d values for %d features, at %v", len(vals), len(fs), p)
				return
			}
			again = set.Values(st, seat, again[:0])
			if !slices.Equal(vals, again) {
				c.failf("Values for seat %d gives %v, then %v on the same position, at %v", seat, vals, again, p)
			}
		}
		if d := pre.diff(ptr(snap(g, p.st)), g); d != "" {
			c.failf("computing features changed the state: %s\nat %v", d, p)
		}
	})
}

// moveName renders m with st.MoveString, or its code if that panics.
func moveName(st game.State, m game.Move) (s string) {
	defer func() {
		if recover() != nil {
			s = fmt.Sprintf("code %d", m)
		}
	}()
	return fmt.Sprintf("%s (code %d)", st.MoveString(m), m)
}

// indent indents text by a tab so that positions stand out in messages.
func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	return "\t" + strings.ReplaceAll(s, "\n", "\n\t")
}
