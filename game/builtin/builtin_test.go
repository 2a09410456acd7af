package builtin_test

import (
	"testing"

	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/game/gametest"
)

// TestGametest runs the conformance checks on every built-in game, with its
// default parameters and with variants that change the board, the seats or
// the rules.
func TestGametest(t *testing.T) {
	reg := builtin.Registry()
	var specs []string
	for _, d := range reg.Defs() {
		specs = append(specs, d.Name)
	}
	specs = append(specs, "hex:size=5,swap=1", "gofish:players=3", "pig:players=4")
	for _, spec := range specs {
		t.Run(spec, func(t *testing.T) {
			g, err := reg.New(spec)
			if err != nil {
				t.Fatal(err)
			}
			if again, err := reg.New(g.Spec()); err != nil || again.Spec() != g.Spec() {
				t.Errorf("the canonical spec %q does not round-trip: %v, %v", g.Spec(), again, err)
			}
			gametest.Run(t, g)
		})
	}
}
