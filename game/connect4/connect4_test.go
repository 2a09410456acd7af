package connect4_test

import (
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/connect4"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/internal/openspiel"
)

// perft is the published table (shared/conformance/README.md).
var perft = []uint64{1, 7, 49, 343, 2401, 16807, 117649, 823536, 5673234}

func TestPerft(t *testing.T) {
	depth := len(perft) - 1
	if testing.Short() {
		depth = 6
	}
	for d := 0; d <= depth; d++ {
		if got := game.Perft(connect4.Game{}.NewState(), d); got != perft[d] {
			t.Errorf("perft(%d) = %d, want %d", d, got, perft[d])
		}
	}
}

func TestWinsAndFullBoard(t *testing.T) {
	cases := []struct {
		name  string
		moves []game.Move
		want  game.Seats
	}{
		{"vertical", []game.Move{0, 1, 0, 1, 0, 1, 0}, game.SeatSet(0)},
		{"horizontal", []game.Move{0, 0, 1, 1, 2, 2, 3}, game.SeatSet(0)},
		{"diagonal up", []game.Move{0, 1, 1, 2, 2, 3, 2, 3, 3, 6, 3}, game.SeatSet(0)},
		{"diagonal down", []game.Move{6, 5, 5, 4, 4, 3, 4, 3, 3, 0, 3}, game.SeatSet(0)},
		{"o wins", []game.Move{0, 1, 0, 1, 0, 1, 6, 1}, game.SeatSet(1)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := connect4.Game{}.NewState()
			for i, m := range tc.moves {
				if s.Terminal() {
					t.Fatalf("terminal before move %d", i)
				}
				s.Apply(m)
			}
			if !s.Terminal() || s.Winners() != tc.want {
				t.Fatalf("terminal %v winners %v, want %v\n%s", s.Terminal(), s.Winners(), tc.want, s)
			}
		})
	}
}

// TestAgainstNaiveRules plays random games and checks the bitboard's verdict
// after every move against a direct scan of the rendered board.
func TestAgainstNaiveRules(t *testing.T) {
	var rng game.RNG
	draws := 0
	for i := 0; i < 5000; i++ {
		rng.Seed(7, uint64(i))
		s := connect4.Game{}.NewState()
		n := 0
		for !s.Terminal() {
			legal := s.Legal(nil)
			s.Apply(legal[rng.IntN(len(legal))])
			n++
			want := naiveWinner(s.(game.BoardState))
			full := n == 42
			if s.Terminal() != (want >= 0 || full) {
				t.Fatalf("game %d move %d: terminal %v, naive winner %d\n%s", i, n, s.Terminal(), want, s)
			}
			if s.Terminal() && want >= 0 && s.Winners() != game.SeatSet(want) {
				t.Fatalf("game %d: winners %v, naive %d\n%s", i, s.Winners(), want, s)
			}
		}
		if s.Winners() == 0 {
			draws++
		}
	}
	if draws == 0 {
		t.Error("5000 random games without a single draw: full-board draws are never reached")
	}
}

// naiveWinner scans every cell and direction for four of one seat.
func naiveWinner(b game.BoardState) int {
	at := func(r, c int) int {
		if r < 0 || r >= 6 || c < 0 || c >= 7 {
			return -1
		}
		seat, _ := b.Cell(r*7 + c)
		return seat
	}
	for r := 0; r < 6; r++ {
		for c := 0; c < 7; c++ {
			p := at(r, c)
			if p < 0 {
				continue
			}
			for _, d := range [][2]int{{0, 1}, {1, 0}, {1, 1}, {1, -1}} {
				k := 1
				for k < 4 && at(r+k*d[0], c+k*d[1]) == p {
					k++
				}
				if k == 4 {
					return p
				}
			}
		}
	}
	return -1
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, connect4.Game{})
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("connect_four.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = openspiel.Replay(pt, connect4.Game{}.NewState(), openspiel.Adapter{
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
	f.Add([]byte{3, 3, 3, 3, 3, 3, 3})
	f.Fuzz(func(t *testing.T, choices []byte) {
		gametest.PlayChoices(t, connect4.Game{}, choices, 100)
	})
}

func TestReplays(t *testing.T) {
	gametest.Replays(t, connect4.Game{}, []game.Player{ai.Random{}, ai.Random{}}, 0)
}
