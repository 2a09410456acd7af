package openspiel_test

import (
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/tictactoe"
	"github.com/simpipe/simpipe/internal/openspiel"
)

func TestParse(t *testing.T) {
	pt, err := openspiel.Load("pig_3p.txt")
	if err != nil {
		t.Fatal(err)
	}
	if pt.Params["players"] != "3" || pt.Params["winscore"] != "10" {
		t.Errorf("params %v", pt.Params)
	}
	if len(pt.Actions) != 13 || len(pt.States) != 14 {
		t.Errorf("%d actions, %d states; want 13, 14", len(pt.Actions), len(pt.States))
	}
	rec := pt.States[2]
	if !rec.Shown || rec.CurrentPlayer != -1 || len(rec.Chance) != 6 || rec.Chance[0].Prob < 0.16 {
		t.Errorf("state 2: %+v", rec)
	}
}

// TestReplayCatchesWrongRules checks that the replay is not vacuous: an
// adapter that maps actions to the wrong cells must be reported.
func TestReplayCatchesWrongRules(t *testing.T) {
	pt, err := openspiel.Load("tic_tac_toe.txt")
	if err != nil {
		t.Fatal(err)
	}
	err = openspiel.Replay(pt, tictactoe.Game{}.NewState(), openspiel.Adapter{
		Move:           func(_ game.State, a int) game.Move { return game.Move(8 - a) },
		CompareStrings: true,
	})
	if err == nil || !strings.Contains(err.Error(), "renders") {
		t.Fatalf("mirrored actions not reported: %v", err)
	}
}
