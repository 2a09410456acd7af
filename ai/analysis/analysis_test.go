package analysis

import (
	"encoding/json"
	"flag"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

var seedFlag = flag.Uint64("seed", 0, "seed of the randomized tests (0: pick one)")

type state struct {
	game   uint64
	values []int32
	o      Outcome
}

// tiny is a hand-made dataset of four games. Features: f0 boolean, f1 a
// count, f2 a copy of f0 (for the tie-break), f3 constant 5.
var tiny = []state{
	{0, []int32{1, 2, 1, 5}, Win},
	{0, []int32{0, 1, 0, 5}, Loss},
	{0, []int32{1, 3, 1, 5}, Win},
	{1, []int32{0, 0, 0, 5}, Loss},
	{1, []int32{0, 1, 0, 5}, Draw},
	{2, []int32{1, 1, 1, 5}, Loss},
	{2, []int32{1, 2, 1, 5}, Win},
	{3, []int32{0, 0, 0, 5}, Draw},
}

var tinyFeatures = []string{"f0", "f1", "f2", "f3"}

func feed(states []state) *Result {
	a := New(tinyFeatures)
	for _, s := range states {
		a.Add(s.game, s.values, s.o)
	}
	return a.Result()
}

func near(t testing.TB, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.10g, want %.10g ± %g", name, got, want, tol)
	}
}

func TestAccumulatorTiny(t *testing.T) {
	r := feed(tiny)
	// 8 states in 4 games; outcomes W L W L D L W D: 3 wins, 2 draws, 3 losses.
	if r.States != 8 || r.Games != 4 || r.Wins != 3 || r.Draws != 2 || r.Losses != 3 {
		t.Fatalf("totals %+v", r)
	}

	t.Run("Boolean", func(t *testing.T) {
		f := r.Features[0]
		if !f.Boolean || f.Min != 0 || f.Max != 1 || f.Name != "f0" {
			t.Errorf("f0 header %+v", f)
		}
		// True: game 0 (W, W), game 2 (L, W) → 4 states, 2 games, 3-0-1.
		// False: game 0 (L), game 1 (L, D), game 3 (D) → 4 states, 3 games, 0-2-2.
		wantTrue := Class{States: 4, Games: 2, Wins: 3, Draws: 0, Losses: 1, WinRate: 0.75, Score: 0.75}
		wantFalse := Class{States: 4, Games: 3, Wins: 0, Draws: 2, Losses: 2, WinRate: 0, Score: 0.25}
		if f.True != wantTrue {
			t.Errorf("true class %+v, want %+v", f.True, wantTrue)
		}
		if f.False != wantFalse {
			t.Errorf("false class %+v, want %+v", f.False, wantFalse)
		}
		// Draws split half and half: a = 3, b = 1, c = 0 + 1 = 1, d = 2 + 1 = 3;
		// phi = (3·3 − 1·1) / sqrt(4·4·4·4) = 8/16 = 0.5.
		near(t, "phi", f.Phi, 0.5, 1e-15)
		// r with y = 1, ½, 0: x = 1 0 1 0 0 1 1 0, y = 1 0 1 0 ½ 0 1 ½; means ½, ½.
		// Σdx·dy = true (¼+¼+¼−¼) + false (¼+¼+0+0) = 1; Σdx² = 8·¼ = 2;
		// Σdy² = 6·¼ + 2·0 = 1.5; r = 1/sqrt(3) = 0.5773503.
		near(t, "r", f.R, 1/math.Sqrt(3), 1e-15)
		near(t, "strength", f.Strength, 0.5, 1e-15)
		// min(true games 2, false games 3).
		if f.SupportGames != 2 {
			t.Errorf("support %d, want 2", f.SupportGames)
		}
	})

	t.Run("Count", func(t *testing.T) {
		f := r.Features[1]
		if f.Boolean || f.Min != 0 || f.Max != 3 || f.Phi != 0 {
			t.Errorf("f1 header %+v", f)
		}
		// x = 2 1 3 0 1 1 2 0 (mean 1.25), y = 1 0 1 0 ½ 0 1 ½ (mean ½).
		// dx = .75 −.25 1.75 −1.25 −.25 −.25 .75 −1.25, dy = ½ −½ ½ −½ 0 −½ ½ 0;
		// Σdx·dy = .375+.125+.875+.625+0+.125+.375+0 = 2.5;
		// Σdx² = .5625+.0625+3.0625+1.5625+.0625+.0625+.5625+1.5625 = 7.5; Σdy² = 1.5;
		// r = 2.5 / sqrt(11.25) = sqrt(5)/3 = 0.7453560.
		near(t, "r", f.R, math.Sqrt(5)/3, 1e-15)
		near(t, "strength", f.Strength, math.Sqrt(5)/3, 1e-15)
		// Nonzero: games 0 (W L W), 1 (D), 2 (L W) → 6 states, 3 games, 3-1-2.
		// Zero: game 1 (L), game 3 (D) → 2 states, 2 games, 0-1-1.
		if got := f.True; got.States != 6 || got.Games != 3 || got.Wins != 3 || got.Draws != 1 || got.Losses != 2 {
			t.Errorf("nonzero class %+v", got)
		}
		if got := f.False; got.States != 2 || got.Games != 2 || got.Wins != 0 || got.Draws != 1 || got.Losses != 1 {
			t.Errorf("zero class %+v", got)
		}
		if f.SupportGames != 4 {
			t.Errorf("support %d, want all 4 games", f.SupportGames)
		}
	})

	t.Run("Constant", func(t *testing.T) {
		f := r.Features[3]
		if f.Boolean || f.Min != 5 || f.Max != 5 || f.R != 0 || f.Strength != 0 {
			t.Errorf("f3 %+v", f)
		}
		if f.True.States != 8 || f.True.Games != 4 || f.False.States != 0 || f.False.Games != 0 {
			t.Errorf("f3 classes %+v %+v", f.True, f.False)
		}
	})

	t.Run("Top", func(t *testing.T) {
		idx := func(fs []Feature) []int {
			var out []int
			for _, f := range fs {
				out = append(out, f.Index)
			}
			return out
		}
		// f1 (0.745) first, then the tied copies f0, f2 (0.5) by index, then f3 (0).
		if got := idx(r.Top(0, 0)); !reflect.DeepEqual(got, []int{1, 0, 2, 3}) {
			t.Errorf("Top(all) = %v", got)
		}
		if got := idx(r.Top(2, 0)); !reflect.DeepEqual(got, []int{1, 0}) {
			t.Errorf("Top(2) = %v", got)
		}
		// f0 and f2 have support 2 games: excluded at 3.
		if got := idx(r.Top(10, 3)); !reflect.DeepEqual(got, []int{1, 3}) {
			t.Errorf("Top(10, 3 games) = %v", got)
		}
		if got := r.Top(5, 5); len(got) != 0 {
			t.Errorf("Top(5, 5 games) = %v, want none", idx(got))
		}
	})

	t.Run("JSON", func(t *testing.T) {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var back Result
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(&back, r) {
			t.Errorf("JSON round trip changed the result:\n%s", b)
		}
	})
}

func TestAccumulatorEmpty(t *testing.T) {
	r := New(tinyFeatures).Result()
	if r.States != 0 || r.Games != 0 {
		t.Errorf("empty: %+v", r)
	}
	for _, f := range r.Features {
		if f.Boolean || f.Strength != 0 || f.SupportGames != 0 {
			t.Errorf("empty feature %+v", f)
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Error(err)
	}
}

// TestAccumulatorGameOrder checks that the result depends only on which
// games are fed, not on their order, as long as each game's states stay
// together.
func TestAccumulatorGameOrder(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(rand.Uint32())
	}
	t.Logf("seed %d (rerun with -seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	const nGames = 300
	games := make([][]state, nGames)
	for g := range games {
		for range 1 + rng.IntN(12) {
			v := []int32{int32(rng.IntN(2)), int32(rng.IntN(9)) - 2, int32(rng.IntN(2)), 5}
			o := Outcome(rng.IntN(3))
			if v[0] == 1 && rng.IntN(3) == 0 {
				o = Win // give f0 a real association
			}
			games[g] = append(games[g], state{uint64(g), v, o})
		}
	}
	flatten := func(order []int) []state {
		var out []state
		for _, g := range order {
			out = append(out, games[g]...)
		}
		return out
	}
	inOrder := make([]int, nGames)
	for i := range inOrder {
		inOrder[i] = i
	}
	want := feed(flatten(inOrder))
	for range 3 {
		got := feed(flatten(rng.Perm(nGames)))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled games give a different result:\n%+v\nwant\n%+v", got, want)
		}
	}
	if want.Games != nGames {
		t.Errorf("games = %d, want %d", want.Games, nGames)
	}
	// The same game index split into two runs counts twice: the documented
	// contiguity requirement.
	a := New(tinyFeatures)
	a.Add(9, tiny[0].values, Win)
	a.Add(8, tiny[1].values, Win)
	a.Add(9, tiny[2].values, Win)
	if g := a.Result().Games; g != 3 {
		t.Errorf("non-contiguous game counted %d runs, want 3", g)
	}
}

func TestAddPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func(a *Accumulator)
	}{
		{"WrongLength", func(a *Accumulator) { a.Add(0, []int32{1}, Win) }},
		{"BadOutcome", func(a *Accumulator) { a.Add(0, []int32{0, 0, 0, 0}, Outcome(3)) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			c.f(New(tinyFeatures))
		})
	}
}
