package ai

import (
	"fmt"
	"reflect"

	"github.com/simpipe/simpipe/game"
)

// playout is what the tree searches (MCTS, PUCT) share: scoring terminal
// and cut-off positions as reward vectors, sampling chance outcomes and
// random rollouts, with the scratch memory they reuse.
type playout struct {
	players int
	ev      Evaluator // nil: no model
	// complement, in a two-seat game, scores a position with one model
	// call, for the seat to move, and gives the other seat the rest
	// (PUCT); MCTS asks for both seats and normalizes.
	complement bool
	legal      []game.Move
	weights    []uint32
	reward     [game.MaxPlayers]float64
	scratch    game.Scratch // rollouts through a game.Playouter
}

// searchable reports whether g's states have chance nodes or hidden
// information, and fails for a hidden-information game whose views cannot
// be determinized.
func searchable(g game.Game) (chance, hidden bool, err error) {
	st := g.NewState()
	_, chance = st.(game.ChanceState)
	h, hidden := st.(game.HiddenState)
	if hidden {
		if _, ok := h.View(0).(game.Determinizer); !ok {
			return false, false, fmt.Errorf("%w: %s", ErrNoDeterminizer, g.Spec())
		}
	}
	return chance, hidden, nil
}

// rollout plays st on at random and returns every seat's reward. With
// evalAfter >= 0 (and an evaluator) it stops after that many decisions
// (chance outcomes do not count) and the evaluator scores the position.
func (p *playout) rollout(st game.State, rng *game.RNG, evalAfter int) *[game.MaxPlayers]float64 {
	if po, ok := st.(game.Playouter); ok && (p.ev == nil || evalAfter < 0) {
		// The same draws as the loop below in one call (a game process
		// plays it in one round trip); a rollout of maxRollout actions
		// scores as a draw, as below.
		if out := po.PlayUniform(rng, maxRollout, &p.scratch); out.Completed && len(out.Moves) < maxRollout {
			return p.result(st)
		}
		return p.draw()
	}
	decisions := 0
	for actions := 0; actions < maxRollout; actions++ {
		p.legal = st.Legal(p.legal[:0])
		if len(p.legal) == 0 {
			return p.result(st)
		}
		if st.ToMove() == game.Chance {
			p.applyChance(st, rng)
			continue
		}
		if evalAfter >= 0 && decisions >= evalAfter {
			return p.evaluate(st)
		}
		st.Apply(p.legal[rng.IntN(len(p.legal))])
		decisions++
	}
	return p.draw()
}

// applyChance samples a chance outcome of st, whose Legal is in p.legal.
func (p *playout) applyChance(st game.State, rng *game.RNG) {
	cs, ok := st.(game.ChanceState)
	if !ok {
		panic("mcts: chance node in a state without ChanceWeights")
	}
	p.weights = cs.ChanceWeights(p.weights[:0])
	st.Apply(p.legal[rng.Weighted(p.weights)])
}

// result returns the rewards of a terminal position.
func (p *playout) result(st game.State) *[game.MaxPlayers]float64 {
	w := st.Winners()
	if w == 0 {
		return p.draw()
	}
	share := 1 / float64(w.Len())
	for s := range p.players {
		p.reward[s] = 0
		if w.Has(s) {
			p.reward[s] = share
		}
	}
	return &p.reward
}

// draw returns the rewards of a draw: 1/n each, or 0 for a single seat,
// which cannot share a draw with anyone.
func (p *playout) draw() *[game.MaxPlayers]float64 {
	share := 1 / float64(p.players)
	if p.players == 1 {
		share = 0
	}
	for s := range p.players {
		p.reward[s] = share
	}
	return &p.reward
}

// evaluate scores a non-terminal position with the evaluator, normalizing
// the seats' win probabilities to sum to 1. A hidden-information game's
// position is shown to each seat as that seat's view, as in real play.
func (p *playout) evaluate(st game.State) *[game.MaxPlayers]float64 {
	if s := st.ToMove(); p.complement && p.players == 2 && s >= 0 && s < 2 {
		v := min(p.seatValue(st, s), 1)
		p.reward[s], p.reward[1-s] = v, 1-v
		return &p.reward
	}
	sum := 0.0
	for s := range p.players {
		v := p.seatValue(st, s)
		p.reward[s] = v
		sum += v
	}
	if p.players > 1 && sum > 0 {
		for s := range p.players {
			p.reward[s] /= sum
		}
	}
	return &p.reward
}

// seatValue returns the evaluator's value of st for seat, shown seat's
// view in a hidden-information game; NaN and negative values count 0.
func (p *playout) seatValue(st game.State, seat int) float64 {
	var v float64
	if h, ok := st.(game.HiddenState); ok {
		v = p.ev.Evaluate(h.View(seat), seat)
	} else {
		v = p.ev.Evaluate(st, seat)
	}
	if !(v >= 0) { // NaN too
		return 0
	}
	return v
}

// stateCopier copies states into reused memory instead of cloning them:
// through game.Copier for the states that implement it, else by a plain
// value copy for the games whose states are pointers to structs without
// pointers (for those a value copy is a complete, independent copy). It
// saves an allocation per copy (6 KB for Hex 7×7). Other states are cloned.
type stateCopier struct {
	flat    bool
	copier  bool
	scratch [2]game.State
}

func newStateCopier(st game.State) stateCopier {
	t := reflect.TypeOf(st)
	_, copier := st.(game.Copier)
	flat := !copier && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && pointerFree(t.Elem())
	c := stateCopier{flat: flat, copier: copier}
	if flat || copier {
		c.scratch = [2]game.State{st.Clone(), st.Clone()}
	}
	return c
}

// copy returns a copy of src in scratch slot i (valid until the next copy
// into i), or a clone.
func (c *stateCopier) copy(i int, src game.State) game.State {
	switch {
	case c.copier:
		if c.scratch[i].(game.Copier).CopyFrom(src) {
			return c.scratch[i]
		}
	case c.flat && reflect.TypeOf(src) == reflect.TypeOf(c.scratch[i]):
		reflect.ValueOf(c.scratch[i]).Elem().Set(reflect.ValueOf(src).Elem())
		return c.scratch[i]
	}
	return src.Clone()
}

// pointerFree reports whether values of t hold no pointers, slices, maps,
// interfaces, strings, channels or functions.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return pointerFree(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}
