package ai_test

import (
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

func TestGreedyExplore(t *testing.T) {
	g := modelTestGame(t, "connect4")
	m := connect4Model(t, g)
	raw := m.Canonical()
	src := func(string) ([]byte, error) { return raw, nil }
	for spec, want := range map[string]string{
		"greedy:file=m.json":            "greedy:file=m.json,greedy:file=m.json", // as stored before explore=
		"greedy:explore=0,file=m.json":  "greedy:file=m.json,greedy:file=m.json",
		"greedy:explore=15,file=m.json": "greedy:explore=15,file=m.json,greedy:explore=15,file=m.json",
	} {
		l, err := ai.ParseLineupWith(spec, g, src)
		if err != nil {
			t.Fatal(err)
		}
		if l.String() != want {
			t.Errorf("%s: canonical %q, want %q", spec, l.String(), want)
		}
	}
	// The moves that differ from the greedy choice: none at 0 %, some at
	// 30 %, and the same ones for the same rng.
	play := func(explore int, seed uint64) (moves []game.Move, differ int) {
		p, err := ai.NewGreedy(g, m)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := ai.NewGreedy(g, m)
		p.Explore = explore
		rng, refRNG := game.NewRNG(seed, 0), game.NewRNG(seed, 1)
		st := g.NewState()
		for !st.Terminal() {
			legal := st.Legal(nil)
			mv := p.Choose(st, legal, rng)
			if mv != ref.Choose(st, legal, refRNG) {
				differ++
			}
			moves = append(moves, mv)
			st.Apply(mv)
		}
		return moves, differ
	}
	total := [2]int{}
	for seed := uint64(0); seed < 20; seed++ {
		_, d0 := play(0, seed)
		a, d30 := play(30, seed)
		b, _ := play(30, seed)
		total[0] += d0
		total[1] += d30
		if len(a) != len(b) {
			t.Fatalf("seed %d: explore=30 replays differently", seed)
		}
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("seed %d: explore=30 replays differently", seed)
			}
		}
	}
	// Ties are broken with the rng too, so some greedy moves differ
	// between two rngs at 0 %; exploring must add many more.
	if total[1] < total[0]+20 {
		t.Errorf("moves unlike the reference: %d at explore=0, %d at explore=30", total[0], total[1])
	}
	t.Logf("moves unlike the reference over 20 games: %d at explore=0, %d at explore=30", total[0], total[1])
}
