package ai

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/simpipe/simpipe/game"
)

var greedyKind = Kind{
	Name:  "greedy",
	Doc:   "one-ply lookahead on a trained model (file=ai.json); explore=P plays a random move P % of the time, temp=T samples moves by their values",
	Model: RequiredModel,
	Params: []game.Param{
		{Name: "explore", Doc: "percent of moves played at random (ε-greedy), for self-play training", Default: 0, Min: 0, Max: 100},
		{Name: "temp", Doc: "softmax exploration for self-play training: a move is played with probability proportional to exp(value / temp), temp in hundredths; 0: always the best", Default: 0, Min: 0, Max: 10_000},
	},
	// Specs stored before explore= and temp= existed name no parameters.
	quiet: []string{"explore", "temp"},
	New: func(g game.Game, a Args) (game.Player, error) {
		p, err := NewGreedy(g, a.Model)
		if err != nil {
			return nil, err
		}
		p.Explore = a.Ints["explore"]
		p.Temp = float64(a.Ints["temp"]) / 100
		return p, nil
	},
}

// greedyChanceDepth is how many chance nodes in a row Greedy averages over
// after a move (Pig's roll is one) before it evaluates the position as it
// stands.
const greedyChanceDepth = 2

// Greedy plays the move whose resulting position the model rates best for
// the deciding seat: a one-ply search. A move that ends the game scores its
// true result (win 1, draw 0.5, loss 0, a win shared by k seats 1/k), which
// outranks any estimate since the evaluator stays strictly inside (0, 1). A
// move followed by chance scores the weighted mean over the outcomes. Exact
// ties are broken with the rng.
//
// With Explore = P > 0 it plays, P % of the time, a uniformly random legal
// move instead, drawn from the rng like every other choice. With Temp > 0
// it samples the move instead of taking the best, each with probability
// proportional to exp(value/Temp): exploration that rarely throws away a
// won position, so the games it plays (and TD learns from) stay close to
// its greedy ones.
//
// Greedy refuses hidden-information games: it is shown a View, which cannot
// play moves forward. A Greedy keeps scratch memory and is used by one
// goroutine, like every Player.
type Greedy struct {
	// Explore is the percentage of moves played at random (0..100).
	Explore int
	// Temp, when > 0, is the temperature of softmax exploration.
	Temp float64

	eval   *modelEvaluator
	copies stateCopier
	best   []int                          // scratch: indices of the best moves
	vals   []float64                      // scratch: the moves' values
	queued []bool                         // scratch: the moves batch-scored
	scored []float64                      // scratch: the batch's values
	legal  [greedyChanceDepth][]game.Move // scratch per chance level
	weight [greedyChanceDepth][]uint32    // scratch per chance level
}

var _ game.Player = (*Greedy)(nil)

// NewGreedy returns a greedy player for g guided by m.
func NewGreedy(g game.Game, m *Model) (*Greedy, error) {
	name, _, _ := strings.Cut(g.Spec(), ":")
	switch {
	case m == nil:
		return nil, errors.New("greedy: needs a model (file=ai.json)")
	case g.Structure().Hidden:
		return nil, fmt.Errorf("greedy: %s has hidden information; use mcts", name)
	}
	e, err := m.evaluator(g)
	if err != nil {
		return nil, fmt.Errorf("greedy: %w", err)
	}
	return &Greedy{eval: e, copies: newStateCopier(g.NewState())}, nil
}

// Choose returns the legal move with the best one-ply value for the seat
// to move in s; s itself is not modified.
func (p *Greedy) Choose(s game.State, legal []game.Move, rng *game.RNG) game.Move {
	if len(legal) == 1 {
		return legal[0]
	}
	if p.Explore > 0 && rng.IntN(100) < p.Explore {
		return legal[rng.IntN(len(legal))]
	}
	seat := s.ToMove()
	// The values of the positions after each move, those the model scores
	// queued and scored in one batch (each exactly as Evaluate scores it).
	p.vals, p.queued = resize(p.vals, len(legal)), resize(p.queued, len(legal))
	waiting := false
	for i, m := range legal {
		c := p.copies.copy(0, s)
		c.Apply(m)
		_, chance := c.(game.ChanceState)
		p.queued[i] = !c.Terminal() && !(chance && c.ToMove() == game.Chance)
		if p.queued[i] {
			p.eval.queue(c, seat)
			waiting = true
		} else {
			p.vals[i] = p.value(c, seat, 0)
		}
	}
	if waiting {
		p.scored = p.eval.flush(p.scored[:0])
	}
	p.best = p.best[:0]
	var best float64
	next := 0
	for i := range legal {
		v := p.vals[i]
		if p.queued[i] {
			v = p.scored[next]
			next++
			p.vals[i] = v
		}
		switch {
		case len(p.best) == 0 || v > best:
			best = v
			p.best = append(p.best[:0], i)
		case v == best:
			p.best = append(p.best, i)
		}
	}
	if p.Temp > 0 {
		return legal[p.sample(best, rng)]
	}
	if len(p.best) == 1 {
		return legal[p.best[0]]
	}
	return legal[p.best[rng.IntN(len(p.best))]]
}

// sample returns a move's index drawn with probability proportional to
// exp((value-best)/Temp), from the values in p.vals.
func (p *Greedy) sample(best float64, rng *game.RNG) int {
	total := 0.0
	for i, v := range p.vals {
		p.vals[i] = math.Exp((v - best) / p.Temp)
		total += p.vals[i]
	}
	r := rng.Float64() * total
	for i, w := range p.vals {
		if r < w {
			return i
		}
		r -= w
	}
	return p.best[0] // r rounded past the last weight
}

// value rates st for seat; depth counts the chance nodes already averaged.
func (p *Greedy) value(st game.State, seat, depth int) float64 {
	if st.Terminal() {
		w := st.Winners()
		switch {
		case w == 0:
			return 0.5
		case w.Has(seat):
			return 1 / float64(w.Len())
		}
		return 0
	}
	cs, ok := st.(game.ChanceState)
	if !ok || st.ToMove() != game.Chance || depth >= greedyChanceDepth {
		return p.eval.Evaluate(st, seat)
	}
	// Children reuse this level's scratch; deeper levels use their own.
	p.legal[depth] = cs.Legal(p.legal[depth][:0])
	p.weight[depth] = cs.ChanceWeights(p.weight[depth][:0])
	var sum, total float64
	for i, m := range p.legal[depth] {
		c := st.Clone()
		c.Apply(m)
		w := float64(p.weight[depth][i])
		sum += w * p.value(c, seat, depth+1)
		total += w
	}
	if total == 0 {
		return p.eval.Evaluate(st, seat)
	}
	return sum / total
}
