package checkers_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/checkers"
	"github.com/simpipe/simpipe/internal/openspiel"
)

// osActions splits our whole move m into OpenSpiel's single-step actions,
// ((row*8+col)*4+dir)*2+type, decoding m as the package doc describes.
func osActions(m game.Move) []int {
	sq := int(m & 31)
	row := sq / 4
	col := 2*(sq%4) + 1 - row%2
	typ := int(m>>5) & 1
	dr := [4]int{-1, -1, 1, 1}
	dc := [4]int{-1, 1, 1, -1}
	var out []int
	for path := uint64(m >> 6); path > 1; path >>= 2 {
		d := int(path & 3)
		out = append(out, ((row*8+col)*4+d)*2+typ)
		row += dr[d] * (typ + 1)
		col += dc[d] * (typ + 1)
	}
	return out
}

// TestOpenSpielPlaythrough replays checkers.txt. OpenSpiel makes each jump
// of a multi-jump its own action, the same player moving again, so the
// replay gathers consecutive actions into one of our whole moves: the
// actions so far must be a prefix of the action sequence of some legal move
// of ours, and when they spell a whole move it is applied.
//
// At every shown state it checks the player to move and that OpenSpiel's
// legal actions are exactly the next actions of our legal moves that extend
// the actions already taken this turn (at the start of a turn, the first
// steps of all our moves), with matching action strings. Where a turn
// starts it also compares the board text.
//
// The draw rules differ. OpenSpiel draws after 40 actions without a capture
// (men moves count; each jump is an action); this package draws after 80
// whole moves without a capture or a man move. The recorded game ends in
// OpenSpiel's draw; here the game goes on, and the test checks that the
// final position is the same and that OpenSpiel's count explains its end.
func TestOpenSpielPlaythrough(t *testing.T) {
	pt, err := openspiel.Load("checkers.txt")
	if err != nil {
		t.Fatal(err)
	}
	if pt.Params["rows"] != "8" || pt.Params["columns"] != "8" {
		t.Fatalf("parameters %v", pt.Params)
	}
	st := checkers.Game{}.NewState()
	var prefix []int // OpenSpiel actions of the turn in progress
	moves, multi, shown := 0, 0, 0
	for i, rec := range pt.States {
		legal := st.Legal(nil)
		seqs := map[game.Move][]int{}
		for _, m := range legal {
			if a := osActions(m); len(a) > len(prefix) && slices.Equal(a[:len(prefix)], prefix) {
				seqs[m] = a
			} else if len(a) <= len(prefix) && len(prefix) == 0 {
				t.Fatalf("state %d: empty move %#x", rec.N, m)
			}
		}
		if rec.Shown && !rec.Terminal {
			shown++
			if st.ToMove() != rec.CurrentPlayer {
				t.Errorf("state %d: to move %d, want %d", rec.N, st.ToMove(), rec.CurrentPlayer)
			}
			next := map[int]string{}
			for m, a := range seqs {
				// Our string without the x's, cut to this action's squares.
				str := strings.ReplaceAll(st.MoveString(m), "x", "")
				next[a[len(prefix)]] = str[2*len(prefix) : 2*len(prefix)+4]
			}
			var got []int
			for a := range next {
				got = append(got, a)
			}
			slices.Sort(got)
			if !slices.Equal(got, rec.Legal) {
				t.Errorf("state %d: next actions %v, OpenSpiel %v\n%s", rec.N, got, rec.Legal, st)
			}
			for j, a := range rec.Legal {
				if s, ok := next[a]; ok && s != rec.LegalStrings[j] {
					t.Errorf("state %d: action %d is %q here, %q in OpenSpiel", rec.N, a, s, rec.LegalStrings[j])
				}
			}
			if len(prefix) == 0 {
				compareText(t, rec, st)
			}
		}
		if i == len(pt.Actions) {
			break
		}
		prefix = append(prefix, pt.Actions[i])
		var whole game.Move
		found, complete := false, false
		for m, a := range seqs {
			if len(a) >= len(prefix) && slices.Equal(a[:len(prefix)], prefix) {
				found = true
				if len(a) == len(prefix) {
					whole, complete = m, true
				}
			}
		}
		if !found {
			t.Fatalf("state %d: actions %v start none of our moves\n%s", rec.N, prefix, st)
		}
		if complete {
			if len(prefix) > 1 {
				multi++
			}
			st.Apply(whole)
			moves++
			prefix = prefix[:0]
		}
	}
	if len(prefix) != 0 {
		t.Fatalf("playthrough ends inside a move: %v", prefix)
	}
	if moves != len(pt.Actions)-multi || multi != 3 {
		t.Errorf("%d actions made %d whole moves with %d multi-jumps, want 3 double jumps", len(pt.Actions), moves, multi)
	}
	if shown < 10 {
		t.Errorf("only %d shown states checked", shown)
	}

	// The end: OpenSpiel's 40-action draw, not ours.
	last := pt.States[len(pt.States)-1]
	if !last.Terminal || len(last.Returns) != 2 || last.Returns[0] != 0 || last.Returns[1] != 0 {
		t.Fatalf("final record: terminal %v returns %v", last.Terminal, last.Returns)
	}
	compareText(t, last, st)
	sinceJump := 0
	for _, a := range pt.Actions {
		if a&1 == 1 {
			sinceJump = 0
		} else {
			sinceJump++
		}
	}
	if sinceJump != 40 {
		t.Errorf("OpenSpiel's game ends %d actions after a jump, want its 40-action draw", sinceJump)
	}
	cs := st.(*checkers.State)
	if st.Terminal() || cs.Quiet() >= checkers.DefaultDrawPlies {
		t.Errorf("our game ended (quiet %d); expected it to go on under the 80-move rule", cs.Quiet())
	}
	t.Logf("OpenSpiel draws after 40 actions without a jump; here %d king moves without capture or man move so far, game goes on", cs.Quiet())
}

func compareText(t *testing.T, rec openspiel.Record, st game.State) {
	t.Helper()
	if len(rec.Text) == 0 {
		return
	}
	got := strings.Split(strings.TrimRight(st.String(), "\n"), "\n")
	for i := range got {
		got[i] = strings.TrimRight(got[i], " ")
	}
	if !slices.Equal(got, rec.Text) {
		t.Errorf("state %d: board\n%s\nwant\n%s", rec.N, strings.Join(got, "\n"), strings.Join(rec.Text, "\n"))
	}
}
