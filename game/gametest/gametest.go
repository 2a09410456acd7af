// Package gametest checks that a game implementation keeps the promises of
// the game package's interfaces. Game packages call it from their tests and
// fuzz targets.
package gametest

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/game"
)

// PlayChoices plays g from the start, choosing at each step
// legal[choices[i] % len(legal)] (and cycling through choices when they run
// out), for at most maxActions moves, and fails t on the first broken
// invariant: a non-terminal state without legal moves, a terminal state with
// some, a duplicate legal move, a move code wider than MoveBits, chance
// weights that do not match the outcomes, a Clone that shares memory with its
// original, or winners outside the seats.
func PlayChoices(t testing.TB, g game.Game, choices []byte, maxActions int) {
	t.Helper()
	st := g.NewState()
	var legal []game.Move
	for n := 0; n < maxActions && !st.Terminal(); n++ {
		legal = st.Legal(legal[:0])
		if len(legal) == 0 {
			t.Fatalf("move %d: not terminal but no legal moves\n%s", n, st)
		}
		seat := st.ToMove()
		if seat != game.Chance && (seat < 0 || seat >= g.Players()) {
			t.Fatalf("move %d: ToMove %d outside 0..%d", n, seat, g.Players()-1)
		}
		if seat == game.Chance {
			cs, ok := st.(game.ChanceState)
			if !ok {
				t.Fatalf("move %d: chance node without ChanceWeights", n)
			}
			w := cs.ChanceWeights(nil)
			if len(w) != len(legal) || slices.Contains(w, 0) {
				t.Fatalf("move %d: chance weights %v for %d outcomes", n, w, len(legal))
			}
		}
		seen := make(map[game.Move]bool, len(legal))
		for _, m := range legal {
			if seen[m] {
				t.Fatalf("move %d: legal move %d listed twice", n, m)
			}
			seen[m] = true
			if bits := g.MoveBits(); bits < 64 && uint64(m)>>uint(bits) != 0 {
				t.Fatalf("move %d: code %d wider than MoveBits %d", n, m, bits)
			}
			_ = st.MoveString(m)
		}
		c := 0
		if len(choices) > 0 {
			c = int(choices[n%len(choices)])
		}
		m := legal[c%len(legal)]
		before := st.String()
		clone := st.Clone()
		clone.Apply(m)
		if st.String() != before {
			t.Fatalf("move %d: applying %s to a clone changed the original\n%s", n, st.MoveString(m), st)
		}
		st.Apply(m)
		if st.String() != clone.String() || st.Terminal() != clone.Terminal() {
			t.Fatalf("move %d: clone and original differ after the same move", n)
		}
	}
	_ = st.String()
	if st.Terminal() {
		if len(st.Legal(nil)) != 0 {
			t.Fatalf("terminal state lists legal moves\n%s", st)
		}
		w := st.Winners()
		for seat := g.Players(); seat < 8; seat++ {
			if w.Has(seat) {
				t.Fatalf("winner %d is not a seat of a %d-player game", seat, g.Players())
			}
		}
	}
}

// Replays checks that Play is a pure function of (seed, index): the same
// seed and index give the same moves and winners, from a fresh state and
// from a reset one.
func Replays(t testing.TB, g game.Game, players []game.Player, maxActions int) {
	t.Helper()
	st := g.NewState()
	var sc game.Scratch
	for i := uint64(0); i < 20; i++ {
		a := game.Play(g.NewState(), players, game.NewRNG(42, i), maxActions, &sc)
		first := slices.Clone(a.Moves)
		st.Reset()
		b := game.Play(st, players, game.NewRNG(42, i), maxActions, &sc)
		if !slices.Equal(first, b.Moves) || a.Winners != b.Winners || a.Completed != b.Completed {
			t.Fatalf("game %d does not replay: %v vs %v", i, first, b.Moves)
		}
	}
}

// randomPlayer picks uniformly among the legal moves, as ai.Random does
// (kept here so that game packages' tests need not import the AI layer).
type randomPlayer struct{}

func (randomPlayer) Choose(_ game.State, legal []game.Move, rng *game.RNG) game.Move {
	return legal[rng.IntN(len(legal))]
}

func (randomPlayer) Uniform() {}

// BenchmarkRandomPlayouts plays random games of g through game.Play, reusing
// one state (Reset) and one scratch as a simulator does, and reports
// games/s and plies/game. A game package's benchmark is one call.
func BenchmarkRandomPlayouts(b *testing.B, g game.Game) {
	st := g.NewState()
	players := make([]game.Player, g.Players())
	for i := range players {
		players[i] = randomPlayer{}
	}
	var rng game.RNG
	var sc game.Scratch
	plies := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st.Reset()
		rng.Seed(1, uint64(i))
		plies += len(game.Play(st, players, &rng, 0, &sc).Moves)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "games/s")
	b.ReportMetric(float64(plies)/float64(b.N), "plies/game")
}
