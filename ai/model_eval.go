package ai

import (
	"fmt"
	"math"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
)

// evalMaxLogit bounds the logit before the sigmoid, so that Evaluate stays
// strictly inside (0, 1) as Evaluator promises and a true win (1) found by a
// search always outranks an estimate.
const evalMaxLogit = 30

// Evaluator compiles m's features (and n-tuple network) for g and returns
// an evaluator of sigmoid(Intercept + Σ Weights[i]·value[i] + the n-tuple
// sum): the seat's expected score (a draw counts one half in training). g
// must be the game the model was trained for.
//
// An n-tuple model of a two-seat game is learned on afterstates, the
// positions just after the seat's own move; it rates a position where the
// seat is to move as 1 minus the opponent's value, so the two seats' values
// sum to 1. The evaluator keeps scratch memory, so it must be used by one
// goroutine; call Evaluator once per worker.
func (m *Model) Evaluator(g game.Game) (Evaluator, error) {
	return m.evaluator(g)
}

func (m *Model) evaluator(g game.Game) (*modelEvaluator, error) {
	if m.Game != g.Spec() {
		return nil, fmt.Errorf("model was trained for %s, not %s", m.Game, g.Spec())
	}
	if len(m.Weights) != len(m.Features) {
		return nil, fmt.Errorf("model has %d features and %d weights", len(m.Features), len(m.Weights))
	}
	set, err := features.Compile(g, m.Features)
	if err != nil {
		return nil, fmt.Errorf("model features: %w", err)
	}
	e := &modelEvaluator{
		set:       set,
		weights:   m.Weights,
		intercept: m.Intercept,
		vals:      make([]int32, 0, len(m.Features)),
	}
	if m.Kind == KindNTuple {
		if m.NTuple == nil {
			return nil, fmt.Errorf("n-tuple model without a network")
		}
		if sets := m.NTuple.Sets(); sets != 1 && sets != g.Players() {
			return nil, fmt.Errorf("n-tuple model has %d seat tables for %d seats", sets, g.Players())
		}
		if e.nt, err = ntuple.Compile(m.NTuple, g.Structure()); err != nil {
			return nil, err
		}
		e.complement = g.Players() == 2
	}
	return e, nil
}

// modelEvaluator is a Model compiled for one game and one goroutine.
type modelEvaluator struct {
	set       *features.Set
	weights   []float64
	intercept float64
	vals      []int32 // scratch
	nt        *ntuple.Eval
	// complement: rate a seat to move as 1 - the opponent's value.
	complement bool
	queued     []queuedEval // scratch of queue and flush
	sums       []float64
}

// queuedEval is a position queue has taken: its logit so far and whether
// it waits for a kept n-tuple sum.
type queuedEval struct {
	z          float64
	flip, kept bool
}

// batchEvaluator is implemented by evaluators that score several positions
// faster together than one by one: an n-tuple model, whose table sums then
// run side by side. PUCT scores a node's children so.
type batchEvaluator interface {
	Evaluator
	// near tells the evaluator that the positions queued next are one move
	// from st, to be scored for seat (an n-tuple model reads st's board and
	// each queued one as changes to it); it does not change a value.
	near(st game.State, seat int)
	// queue takes st, which the caller may change at once, to be scored for
	// seat.
	queue(st game.State, seat int)
	// flush appends to dst the value of every position queued since the
	// last flush, in queue order, each exactly what Evaluate returns.
	flush(dst []float64) []float64
}

var _ batchEvaluator = (*modelEvaluator)(nil)

func (e *modelEvaluator) near(st game.State, seat int) {
	if bs, ok := st.(game.BoardState); ok && e.nt != nil {
		e.nt.Read(bs, seat)
	}
}

func (e *modelEvaluator) queue(st game.State, seat int) {
	q := queuedEval{flip: e.complement && !st.Terminal() && st.ToMove() == seat}
	if q.flip {
		seat = 1 - seat
	}
	q.z = e.intercept
	if len(e.weights) > 0 {
		e.vals = e.set.Values(st, seat, e.vals)
		for i, v := range e.vals {
			q.z += e.weights[i] * float64(v)
		}
	}
	if e.nt != nil {
		if bs, ok := st.(game.BoardState); ok {
			e.nt.ReadKeep(bs, seat)
			q.kept = true
		}
	}
	e.queued = append(e.queued, q)
}

func (e *modelEvaluator) flush(dst []float64) []float64 {
	if e.nt != nil {
		e.sums = e.nt.SumKept(e.sums[:0])
	}
	next := 0
	for _, q := range e.queued {
		z := q.z
		if q.kept {
			z += e.sums[next]
			next++
		}
		v := logistic(max(-evalMaxLogit, min(evalMaxLogit, z)))
		if q.flip {
			v = 1 - v
		}
		dst = append(dst, v)
	}
	e.queued = e.queued[:0]
	return dst
}

var _ Evaluator = (*modelEvaluator)(nil)

// Evaluate returns seat's expected score from st, in (0, 1).
func (e *modelEvaluator) Evaluate(st game.State, seat int) float64 {
	if e.complement && !st.Terminal() && st.ToMove() == seat {
		return 1 - logistic(e.logit(st, 1-seat))
	}
	return logistic(e.logit(st, seat))
}

// logit returns the model's log-odds, clamped to ±evalMaxLogit.
func (e *modelEvaluator) logit(st game.State, seat int) float64 {
	z := e.intercept
	if len(e.weights) > 0 {
		e.vals = e.set.Values(st, seat, e.vals)
		for i, v := range e.vals {
			z += e.weights[i] * float64(v)
		}
	}
	if e.nt != nil {
		if bs, ok := st.(game.BoardState); ok {
			e.nt.Read(bs, seat)
			z += e.nt.Sum()
		}
	}
	return max(-evalMaxLogit, min(evalMaxLogit, z))
}

func logistic(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
