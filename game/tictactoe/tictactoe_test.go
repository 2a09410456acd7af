package tictactoe_test

import (
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/game/tictactoe"
	"github.com/simpipe/simpipe/internal/openspiel"
)

// perft is the published table (shared/conformance/README.md).
var perft = []uint64{1, 9, 72, 504, 3024, 15120, 54720, 148176, 200448, 127872}

func TestPerft(t *testing.T) {
	for d, want := range perft {
		if got := game.Perft(tictactoe.Game{}.NewState(), d); got != want {
			t.Errorf("perft(%d) = %d, want %d", d, got, want)
		}
	}
}

// TestCompleteGames counts every possible game and how it ends: 255,168
// games, 131,184 won by x, 77,904 by o, 46,080 drawn.
func TestCompleteGames(t *testing.T) {
	var total, xWins, oWins, draws int
	var walk func(s game.State)
	walk = func(s game.State) {
		if s.Terminal() {
			total++
			switch w := s.Winners(); {
			case w == 0:
				draws++
			case w.Has(0):
				xWins++
			default:
				oWins++
			}
			return
		}
		for _, m := range s.Legal(nil) {
			c := s.Clone()
			c.Apply(m)
			walk(c)
		}
	}
	walk(tictactoe.Game{}.NewState())
	if total != 255168 || xWins != 131184 || oWins != 77904 || draws != 46080 {
		t.Errorf("games %d (x %d, o %d, draws %d), want 255168 (131184, 77904, 46080)", total, xWins, oWins, draws)
	}
}

func TestRender(t *testing.T) {
	s := tictactoe.Game{}.NewState()
	for _, m := range []game.Move{4, 0, 8} {
		s.Apply(m)
	}
	if got, want := s.String(), "o..\n.x.\n..x"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if got := s.MoveString(2); got != "o(0,2)" {
		t.Errorf("MoveString(2) = %q", got)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, tictactoe.Game{})
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("tic_tac_toe.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = openspiel.Replay(pt, tictactoe.Game{}.NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
		CompareStrings: true,
		CompareText:    true,
	})
	if err != nil {
		t.Error(err)
	}
}

func FuzzPlay(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{4, 4, 4})
	f.Fuzz(func(t *testing.T, choices []byte) {
		gametest.PlayChoices(t, tictactoe.Game{}, choices, 20)
	})
}

func TestReplays(t *testing.T) {
	gametest.Replays(t, tictactoe.Game{}, []game.Player{ai.Random{}, ai.Random{}}, 0)
}
