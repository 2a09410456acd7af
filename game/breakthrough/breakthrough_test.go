package breakthrough_test

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/breakthrough"
	"github.com/simpipe/simpipe/game/gametest"
	"github.com/simpipe/simpipe/internal/openspiel"
)

// perft is the published table (shared/conformance/README.md).
var perft = []uint64{1, 22, 484, 11132, 256036}

func TestPerft(t *testing.T) {
	depth := len(perft) - 1
	if testing.Short() {
		depth = 3
	}
	for d := 0; d <= depth; d++ {
		if got := game.Perft(breakthrough.Game{}.NewState(), d); got != perft[d] {
			t.Errorf("perft(%d) = %d, want %d", d, got, perft[d])
		}
	}
}

func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("breakthrough.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = openspiel.Replay(pt, breakthrough.Game{}.NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(a) },
		CompareStrings: true,
		CompareText:    true,
	})
	if err != nil {
		t.Error(err)
	}
}

// TestAgainstNaiveRules plays random games and checks, after every move,
// the bitboard move generator and result against a square-by-square reading
// of the rules on the board that Cell reports.
func TestAgainstNaiveRules(t *testing.T) {
	var rng game.RNG
	wins := [2]int{}
	captureWins := 0
	for i := 0; i < 2000; i++ {
		rng.Seed(11, uint64(i))
		s := breakthrough.Game{}.NewState()
		for n := 0; ; n++ {
			b := s.(game.BoardState)
			winner, allTaken := naiveWinner(b)
			if s.Terminal() != (winner >= 0) {
				t.Fatalf("game %d move %d: terminal %v, naive winner %d\n%s", i, n, s.Terminal(), winner, s)
			}
			if s.Terminal() {
				if s.Winners() != game.SeatSet(winner) {
					t.Fatalf("game %d: winners %v, naive %d\n%s", i, s.Winners(), winner, s)
				}
				wins[winner]++
				if allTaken {
					captureWins++
				}
				break
			}
			legal := s.Legal(nil)
			got := slices.Sorted(slices.Values(legal))
			want := naiveLegal(b, s.ToMove())
			if !slices.Equal(got, want) {
				t.Fatalf("game %d move %d: legal %v, naive %v\n%s", i, n, got, want, s)
			}
			s.Apply(legal[rng.IntN(len(legal))])
		}
	}
	if wins[0] == 0 || wins[1] == 0 {
		t.Errorf("wins by seat %v: one seat never wins", wins)
	}
	t.Logf("wins by seat %v, %d by capturing every piece", wins, captureWins)
}

// naiveLegal lists OpenSpiel's action numbers for seat, sorted.
func naiveLegal(b game.BoardState, seat int) []game.Move {
	var out []game.Move
	for r := 0; r < 8; r++ {
		for c := 0; c < 8; c++ {
			if p, _ := b.Cell(r*8 + c); p != seat {
				continue
			}
			dr := 1
			if seat == 1 {
				dr = -1
			}
			for dc := -1; dc <= 1; dc++ {
				r2, c2 := r+dr, c+dc
				if r2 < 0 || r2 >= 8 || c2 < 0 || c2 >= 8 {
					continue
				}
				target, _ := b.Cell(r2*8 + c2)
				capture := 0
				switch {
				case target == seat:
					continue
				case target >= 0 && dc == 0:
					continue
				case target >= 0:
					capture = 1
				}
				dir := dc + 1 + 3*seat
				out = append(out, game.Move(((r*8+c)*6+dir)*2+capture))
			}
		}
	}
	slices.Sort(out)
	return out
}

// naiveWinner returns the seat that has reached its far row or taken every
// opposing piece, or -1, and whether the win was by capture.
func naiveWinner(b game.BoardState) (int, bool) {
	var count [2]int
	for i := 0; i < 64; i++ {
		p, _ := b.Cell(i)
		if p < 0 {
			continue
		}
		count[p]++
		if p == 0 && i >= 56 || p == 1 && i < 8 {
			return p, false
		}
	}
	for p := range 2 {
		if count[1-p] == 0 {
			return p, true
		}
	}
	return -1, false
}

func TestMoveString(t *testing.T) {
	s := breakthrough.Game{}.NewState()
	if got := s.MoveString(124); got != "c7d6" {
		t.Errorf("action 124 = %q, want c7d6", got)
	}
}

func BenchmarkRandomPlayout(b *testing.B) {
	gametest.BenchmarkRandomPlayouts(b, breakthrough.Game{})
}

func FuzzPlay(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3})
	f.Add([]byte{7})
	f.Add([]byte{255, 0, 128, 17, 3, 99})
	f.Fuzz(func(t *testing.T, choices []byte) {
		gametest.PlayChoices(t, breakthrough.Game{}, choices, 300)
	})
}

func TestReplays(t *testing.T) {
	gametest.Replays(t, breakthrough.Game{}, []game.Player{ai.Random{}, ai.Random{}}, 0)
}

func TestDef(t *testing.T) {
	var r game.Registry
	r.MustRegister(breakthrough.Def)
	g, err := r.New("breakthrough")
	if err != nil {
		t.Fatal(err)
	}
	if g.Spec() != "breakthrough" || g.Players() != 2 {
		t.Errorf("spec %q, players %d", g.Spec(), g.Players())
	}
	st := g.Structure()
	if st.Topology != game.Square || st.Cells() != 64 {
		t.Errorf("structure %+v", st)
	}
	s := g.NewState().(game.BoardState)
	for i := 0; i < 64; i++ {
		want := -1
		switch {
		case i < 16:
			want = 0
		case i >= 48:
			want = 1
		}
		if seat, _ := s.Cell(i); seat != want {
			t.Errorf("cell %d holds seat %d, want %d", i, seat, want)
		}
	}
}
