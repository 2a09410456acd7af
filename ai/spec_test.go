package ai_test

import (
	"slices"
	"testing"

	"github.com/simpipe/simpipe/ai"
)

func TestSeatSpecs(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       []string
	}{
		{"One", "random", []string{"random"}},
		{"Commas", "mcts:iterations=200,c=50,cutoff=10,random", []string{"mcts:iterations=200,c=50,cutoff=10", "random"}},
		{"ParamsBothSeats", "mcts:iterations=200,c=50,cutoff=10,mcts:iterations=100,c=40,cutoff=0",
			[]string{"mcts:iterations=200,c=50,cutoff=10", "mcts:iterations=100,c=40,cutoff=0"}},
		{"Separator", "mcts:iterations=200,c=50+greedy:file=m.json", []string{"mcts:iterations=200,c=50", "greedy:file=m.json"}},
		{"SeparatorSpaces", "random + mcts:iterations=20 + random", []string{"random", "mcts:iterations=20", "random"}},
		{"PlusInPath", "greedy:file=a+b.json,random", []string{"greedy:file=a+b.json", "random"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ai.SeatSpecs(tc.spec); !slices.Equal(got, tc.want) {
				t.Errorf("SeatSpecs(%q) = %q, want %q", tc.spec, got, tc.want)
			}
		})
	}
}

// TestLineupSeparator checks that the printed form parses to the same
// canonical lineup as the stored comma form, and that the canonical form
// keeps its commas (stored configs and digests depend on it).
func TestLineupSeparator(t *testing.T) {
	g := mctsGame(t, "connect4")
	comma, err := ai.ParseLineup("mcts:iterations=200,c=50,random", g)
	if err != nil {
		t.Fatal(err)
	}
	const canonical = "mcts:iterations=200,c=50,cutoff=10,random"
	if comma.String() != canonical {
		t.Fatalf("canonical %q, want %q", comma.String(), canonical)
	}
	if want := []string{"mcts:iterations=200,c=50,cutoff=10", "random"}; !slices.Equal(comma.Seats(), want) {
		t.Errorf("Seats() = %q, want %q", comma.Seats(), want)
	}
	shown := ai.DisplayLineup(comma.String())
	if shown != "mcts:iterations=200,c=50,cutoff=10+random" {
		t.Errorf("DisplayLineup = %q", shown)
	}
	plus, err := ai.ParseLineup(shown, g)
	if err != nil {
		t.Fatal(err)
	}
	if plus.String() != canonical {
		t.Errorf("%q parses as %q, want %q", shown, plus.String(), canonical)
	}
}
