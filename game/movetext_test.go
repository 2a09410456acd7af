package game_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/pig"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// TestParseMoveRoundTrip: in every position of random games of every
// built-in game, ParseMove reads back each legal move's MoveString, also
// upper-cased with spaces around, and refuses text no move has.
func TestParseMoveRoundTrip(t *testing.T) {
	reg := builtin.Registry()
	for _, d := range reg.Defs() {
		t.Run(d.Name, func(t *testing.T) {
			g, err := reg.New(d.Name)
			if err != nil {
				t.Fatal(err)
			}
			for i := range uint64(5) {
				rng := game.NewRNG(3, i)
				st := g.NewState()
				for ply := 0; ply < 400; ply++ {
					legal := st.Legal(nil)
					if len(legal) == 0 {
						break
					}
					for _, m := range legal {
						text := st.MoveString(m)
						for _, in := range []string{text, " " + text + "\t", strings.ToUpper(text)} {
							got, err := game.ParseMove(st, in)
							if err != nil || got != m {
								t.Fatalf("game %d ply %d: ParseMove(%q) = %d, %v; want %d\n%s", i, ply, in, got, err, m, st)
							}
						}
					}
					if _, err := game.ParseMove(st, "no-such-move"); !errors.Is(err, game.ErrUnknownMove) {
						t.Fatalf("game %d ply %d: unknown text gave %v", i, ply, err)
					}
					if st.ToMove() == game.Chance {
						w := st.(game.ChanceState).ChanceWeights(nil)
						st.Apply(legal[rng.Weighted(w)])
					} else {
						st.Apply(legal[rng.IntN(len(legal))])
					}
				}
			}
		})
	}
}

func TestParseMoveErrors(t *testing.T) {
	st := tictactoe.Game{}.NewState()
	_, err := game.ParseMove(st, "x(3,3)")
	want := `"x(3,3)": not a legal move (legal: x(0,0) x(0,1) x(0,2) x(1,0) x(1,1) x(1,2) x(2,0) x(2,1) x(2,2))`
	if err == nil || err.Error() != want || !errors.Is(err, game.ErrUnknownMove) {
		t.Fatalf("got %v\nwant %s", err, want)
	}
	for _, m := range []game.Move{0, 3, 1, 4, 2} { // x wins on the top row
		st.Apply(m)
	}
	if _, err := game.ParseMove(st, "o(2,2)"); err == nil || !strings.Contains(err.Error(), "the game is over") {
		t.Fatalf("terminal: %v", err)
	}

	// Pig's chance outcomes have a space in their name: "Roll 3" reads
	// back as is, and as roll3.
	var reg game.Registry
	reg.MustRegister(pig.Def)
	g, err := reg.New("pig")
	if err != nil {
		t.Fatal(err)
	}
	s := g.NewState()
	roll, err := game.ParseMove(s, "roll")
	if err != nil {
		t.Fatal(err)
	}
	s.Apply(roll)
	for _, in := range []string{"Roll 3", "roll3", "ROLL 3"} {
		m, err := game.ParseMove(s, in)
		if err != nil || s.MoveString(m) != "Roll 3" {
			t.Fatalf("ParseMove(%q) = %v, %v", in, m, err)
		}
	}
}
