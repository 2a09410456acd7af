package ai_test

import (
	"math"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
)

// TestExplainMatchesChoose: on positions of random games, every Explainer
// returns the move its Choose returns from the same RNG state, with one score
// per legal move in legal's order; MCTS's visits add up to its iterations,
// Random's probabilities to 1, and Greedy's chosen move has the best value.
func TestExplainMatchesChoose(t *testing.T) {
	const iterations = 60
	for _, tc := range []struct{ game, player string }{
		{"tictactoe", "random"},
		{"tictactoe", "greedy:file=testdata/tictactoe.json"},
		{"tictactoe", "mcts:iterations=60"},
		{"tictactoe", "ai:iterations=60,file=testdata/tictactoe.json"},
		{"connect4", "mcts:iterations=60"},
		{"pig", "mcts:iterations=60"},    // open loop over dice
		{"gofish", "mcts:iterations=60"}, // determinized views
		{"pig", "random"},
		{"connect4", "ab:nodes=500"},
	} {
		t.Run(tc.game+"/"+tc.player, func(t *testing.T) {
			g := mctsGame(t, tc.game)
			explainer, err := ai.NewPlayer(g, tc.player)
			if err != nil {
				t.Fatal(err)
			}
			chooser, err := ai.NewPlayer(g, tc.player)
			if err != nil {
				t.Fatal(err)
			}
			rng := game.NewRNG(5, 0)
			positions := 0
			for i := range uint64(4) {
				st := g.NewState()
				for ply := 0; ply < 40; ply++ {
					legal := st.Legal(nil)
					if len(legal) == 0 {
						break
					}
					if st.ToMove() == game.Chance {
						st.Apply(legal[rng.Weighted(st.(game.ChanceState).ChanceWeights(nil))])
						continue
					}
					seen := st
					if h, ok := st.(game.HiddenState); ok {
						seen = h.View(st.ToMove())
					}
					r1, r2 := *game.NewRNG(9, i*100+uint64(ply)), *game.NewRNG(9, i*100+uint64(ply))
					want := chooser.Choose(seen, legal, &r1)
					got, scores := ai.Explain(explainer, seen, legal, &r2)
					if got != want {
						t.Fatalf("game %d ply %d: Explain chose %s, Choose %s\n%s", i, ply, st.MoveString(got), st.MoveString(want), st)
					}
					checkScores(t, tc.player, st, legal, got, scores, iterations)
					positions++
					st.Apply(legal[rng.IntN(len(legal))])
				}
			}
			if positions < 10 {
				t.Fatalf("only %d positions explained", positions)
			}
		})
	}
}

func checkScores(t *testing.T, player string, st game.State, legal []game.Move, chosen game.Move, scores []ai.MoveScore, iterations int) {
	t.Helper()
	if len(scores) != len(legal) {
		t.Fatalf("%d scores for %d legal moves", len(scores), len(legal))
	}
	visits, prob, best := 0, 0.0, math.Inf(-1)
	for i, s := range scores {
		if s.Move != legal[i] {
			t.Fatalf("score %d is for %s, legal[%d] is %s", i, st.MoveString(s.Move), i, st.MoveString(legal[i]))
		}
		if s.Value < 0 || s.Value > 1 {
			t.Fatalf("%s: value %v outside [0, 1]", st.MoveString(s.Move), s.Value)
		}
		visits += s.Visits
		prob += s.Value
		best = max(best, s.Value)
	}
	chosenValue := scores[indexOf(legal, chosen)].Value
	switch player[:2] {
	case "mc", "ai":
		if visits != iterations {
			t.Fatalf("visits add up to %d, want %d: %+v", visits, iterations, scores)
		}
	case "ra":
		if math.Abs(prob-1) > 1e-9 {
			t.Fatalf("probabilities add up to %v", prob)
		}
	case "gr", "ab": // the chosen move has the best value
		if chosenValue != best {
			t.Fatalf("chose %s of value %v, best is %v: %+v", st.MoveString(chosen), chosenValue, best, scores)
		}
	}
}

func indexOf(legal []game.Move, m game.Move) int {
	for i, l := range legal {
		if l == m {
			return i
		}
	}
	return -1
}

// TestExplainGreedyValues: a move that wins scores 1, and the others score
// the model's values of their positions.
func TestExplainGreedyValues(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	p, err := ai.NewPlayer(g, "greedy:file=testdata/tictactoe.json")
	if err != nil {
		t.Fatal(err)
	}
	// x x .
	// o o .
	// . . .   x to move: (0,2) wins.
	st := position(t, g, 0, 3, 1, 4)
	legal := st.Legal(nil)
	mv, scores := p.(ai.Explainer).Explain(st, legal, game.NewRNG(1, 0))
	if mv != 2 || scores[0].Value != 1 || scores[0].Move != 2 {
		t.Fatalf("chose %d, scores %+v; want (0,2) with value 1", mv, scores)
	}
	for _, s := range scores[1:] {
		if s.Value <= 0 || s.Value >= 1 {
			t.Fatalf("non-final move %d valued %v, want a model estimate in (0, 1)", s.Move, s.Value)
		}
	}
}

// TestExplainForcedMCTS: with one legal move MCTS still searches, so the
// move's value tells how the position stands.
func TestExplainForcedMCTS(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	m := newMCTS(t, g, 50, nil, 0)
	st := position(t, g, 0, 1, 2, 4, 3, 5, 7, 6) // one empty cell left: (2,2)
	legal := st.Legal(nil)
	if len(legal) != 1 {
		t.Fatalf("%d legal moves", len(legal))
	}
	mv, scores := ai.Explain(m, st, legal, game.NewRNG(1, 0))
	if mv != legal[0] || len(scores) != 1 || scores[0].Visits != 50 {
		t.Fatalf("got %d %+v", mv, scores)
	}
}

// TestNewPlayer refuses a spec with one player per seat.
func TestNewPlayer(t *testing.T) {
	g := mctsGame(t, "tictactoe")
	if _, err := ai.NewPlayer(g, "mcts:iterations=5,random"); err == nil {
		t.Fatal("two seats' players accepted")
	}
	if _, err := ai.NewPlayer(g, "random,random"); err != nil {
		t.Fatal(err)
	}
	if _, err := ai.NewPlayer(g, "greedy"); err == nil {
		t.Fatal("greedy without a model accepted")
	}
}
