package ai_test

import (
	"math"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
)

func modelTestGame(t testing.TB, spec string) game.Game {
	t.Helper()
	g, err := builtin.Registry().New(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// handModel returns a model for g over its generated features with the
// given weights by feature name (every other weight 0).
func handModel(t testing.TB, g game.Game, intercept float64, weights map[string]float64) *ai.Model {
	t.Helper()
	m := &ai.Model{Game: g.Spec(), Features: features.Generate(g), Intercept: intercept}
	m.Weights = make([]float64, len(m.Features))
	found := 0
	for i, f := range m.Features {
		if w, ok := weights[f.Name]; ok {
			m.Weights[i] = w
			found++
		}
	}
	if found != len(weights) {
		t.Fatalf("some of %v are not features of %s", weights, g.Spec())
	}
	return m
}

func TestModelEvaluatorExact(t *testing.T) {
	g := modelTestGame(t, "tictactoe")
	m := handModel(t, g, -1, map[string]float64{"center.mine": 2, "corner.mine": 0.5})
	e, err := m.Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	near := func(got, want float64) bool { return math.Abs(got-want) < 1e-15 }
	sig := func(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
	if got := e.Evaluate(st, 0); !near(got, sig(-1)) {
		t.Errorf("start: %v, want sigmoid(-1)", got)
	}
	st.Apply(4) // x takes the centre
	st.Apply(0) // o a corner
	if got := e.Evaluate(st, 0); !near(got, sig(1)) {
		t.Errorf("x after the centre: %v, want sigmoid(1)", got)
	}
	if got := e.Evaluate(st, 1); !near(got, sig(-0.5)) {
		t.Errorf("o after a corner: %v, want sigmoid(-0.5)", got)
	}
}

// TestModelEvaluatorMonotone checks that a positive weight on material makes
// the evaluation rise with each piece the seat adds and fall with the
// opponent's.
func TestModelEvaluatorMonotone(t *testing.T) {
	g := modelTestGame(t, "connect4")
	m := handModel(t, g, 0, map[string]float64{"material.disc.diff": 0.7})
	e, err := m.Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	prev := e.Evaluate(st, 0)
	if prev != 0.5 {
		t.Fatalf("start: %v, want 0.5", prev)
	}
	for i, col := range []game.Move{3, 3, 4, 4, 2, 2} {
		st.Apply(col)
		v := e.Evaluate(st, 0)
		if up := i%2 == 0; up && v <= prev || !up && v >= prev {
			t.Fatalf("move %d: %v after %v", i, v, prev)
		}
		if w := e.Evaluate(st, 1); math.Abs(v+w-1) > 1e-12 {
			t.Fatalf("seats' values %v and %v do not add up to 1", v, w)
		}
		prev = v
	}
}

func TestModelEvaluatorBounds(t *testing.T) {
	g := modelTestGame(t, "connect4")
	m := handModel(t, g, 0, map[string]float64{"mobility.mine": 1000})
	e, err := m.Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	st := g.NewState()
	if v := e.Evaluate(st, 0); v >= 1 || v <= 0.5 {
		t.Errorf("huge positive logit gives %v, want below 1", v)
	}
	e, err = handModel(t, g, -1e6, nil).Evaluator(g)
	if err != nil {
		t.Fatal(err)
	}
	if v := e.Evaluate(st, 0); v <= 0 {
		t.Errorf("huge negative logit gives %v, want above 0", v)
	}
}

func TestModelEvaluatorErrors(t *testing.T) {
	g := modelTestGame(t, "connect4")
	m := handModel(t, g, 0, nil)
	m.Game = "tictactoe"
	if _, err := m.Evaluator(g); err == nil || !strings.Contains(err.Error(), "trained for tictactoe") {
		t.Errorf("wrong game: %v", err)
	}
	m = handModel(t, g, 0, nil)
	m.Features[0].Kind = "nope"
	if _, err := m.Evaluator(g); err == nil || !strings.Contains(err.Error(), "unknown kind") {
		t.Errorf("bad feature: %v", err)
	}
	m = handModel(t, g, 0, nil)
	m.Weights = m.Weights[1:]
	if _, err := m.Evaluator(g); err == nil {
		t.Error("missing weight accepted")
	}
}

func BenchmarkModelEvaluate(b *testing.B) {
	for _, spec := range []string{"connect4", "checkers", "hex"} {
		b.Run(spec, func(b *testing.B) {
			g := modelTestGame(b, spec)
			e, err := handModel(b, g, 0.1, nil).Evaluator(g)
			if err != nil {
				b.Fatal(err)
			}
			st := g.NewState()
			b.ReportAllocs()
			for b.Loop() {
				e.Evaluate(st, 0)
			}
		})
	}
}
