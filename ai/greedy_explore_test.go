package ai_test

import (
	"slices"
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
		"greedy:temp=0,file=m.json":     "greedy:file=m.json,greedy:file=m.json",
		"greedy:temp=5,file=m.json":     "greedy:temp=5,file=m.json,greedy:temp=5,file=m.json",
	} {
		l, err := ai.ParseLineupWith(spec, g, src)
		if err != nil {
			t.Fatal(err)
		}
		if l.String() != want {
			t.Errorf("%s: canonical %q, want %q", spec, l.String(), want)
		}
	}
	// temp= is in hundredths of the value scale.
	l, err := ai.ParseLineupWith("greedy:temp=5,explore=7,file=m.json", g, src)
	if err != nil {
		t.Fatal(err)
	}
	players, err := l.Players()
	if err != nil {
		t.Fatal(err)
	}
	if p := players[0].(*ai.Greedy); p.Temp != 0.05 || p.Explore != 7 {
		t.Errorf("greedy:temp=5,explore=7 made Temp %v, Explore %d; want 0.05 and 7", p.Temp, p.Explore)
	}
	// The moves that differ from the greedy choice: none at 0 %, some at
	// 30 %, and the same ones for the same rng.
	play := func(explore int, temp float64, seed uint64) (moves []game.Move, differ int) {
		p, err := ai.NewGreedy(g, m)
		if err != nil {
			t.Fatal(err)
		}
		ref, _ := ai.NewGreedy(g, m)
		p.Explore, p.Temp = explore, temp
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
	// temp: a sharp softmax (0.01) keeps nearly every greedy move, a flat
	// one (100) nearly none.
	total := [4]int{}
	for seed := uint64(0); seed < 20; seed++ {
		for k, c := range []struct {
			explore int
			temp    float64
		}{{0, 0}, {30, 0}, {0, 0.01}, {0, 100}} {
			a, d := play(c.explore, c.temp, seed)
			b, _ := play(c.explore, c.temp, seed)
			total[k] += d
			if !slices.Equal(a, b) {
				t.Fatalf("seed %d: explore=%d temp=%v replays differently", seed, c.explore, c.temp)
			}
		}
	}
	// Ties are broken with the rng too, so some greedy moves differ
	// between two rngs at 0 %; exploring must add many more.
	if total[1] < total[0]+20 || total[3] < total[0]+40 || total[2] > (total[0]+total[1])/2 {
		t.Errorf("moves unlike the reference: %d greedy, %d at explore=30, %d at temp 0.01, %d at temp 100", total[0], total[1], total[2], total[3])
	}
	t.Logf("moves unlike the reference over 20 games: %d greedy, %d at explore=30, %d at temp 0.01, %d at temp 100", total[0], total[1], total[2], total[3])
}
