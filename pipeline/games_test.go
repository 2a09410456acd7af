package pipeline_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// TestEveryGameThroughPipeline plays 100,000 random games of every built-in
// game (10,000 with -short) through the whole pipeline and checks each
// stored result: every game ends under the cap, winners are seats of the
// game, and the stored aggregate matches the results.
func TestEveryGameThroughPipeline(t *testing.T) {
	games := uint64(100_000)
	if testing.Short() {
		games = 10_000
	}
	reg := builtin.Registry()
	specs := []string{"gofish:players=4", "pig:players=3"}
	for _, d := range reg.Defs() {
		specs = append(specs, d.Name)
	}
	for _, spec := range specs {
		t.Run(spec, func(t *testing.T) {
			db, err := store.Open(filepath.Join(t.TempDir(), "g.db"), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			stage := db.Stage(store.DefaultStage)
			def, err := pipeline.Prepare(stage, reg, pipeline.Settings{Game: mustGame(t, reg, spec), Games: &games, Chunk: ptr(1000)})
			if err != nil {
				t.Fatal(err)
			}
			if err := pipeline.Run(context.Background(), stage, def, pipeline.Options{Workers: 2}); err != nil {
				t.Fatal(err)
			}
			agg, err := stage.Aggregate()
			if err != nil {
				t.Fatal(err)
			}
			if agg.GamesDone != games || agg.Incomplete != 0 || agg.Failed != 0 {
				t.Fatalf("aggregate %+v", agg)
			}
			valid := game.Seats(1<<def.Config.Seats - 1)
			err = stage.Results(func(c *store.Chunk) error {
				for i := range c.Raw {
					if g := c.Entry(i); g.Winners&^valid != 0 || g.Status != store.Completed {
						t.Fatalf("game %d: %+v", c.First+uint64(i), g)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := stage.Verify(); err != nil {
				t.Fatal(err)
			}
			if spec == "tictactoe" {
				checkTicTacToeShares(t, agg)
			}
		})
	}
}

// checkTicTacToeShares compares random play's outcome shares with the exact
// values (58.5 % x, 28.8 % o, 12.7 % draws) within half a percentage point.
func checkTicTacToeShares(t *testing.T, agg *store.Aggregate) {
	n := float64(agg.GamesDone)
	got := []float64{float64(agg.WinsBySeat[0]) / n, float64(agg.WinsBySeat[1]) / n, float64(agg.Draws) / n}
	want := []float64{0.585, 0.288, 0.127}
	tol := 0.005
	if testing.Short() {
		tol = 0.015 // 10,000 games: about three standard errors
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol {
			t.Errorf("shares x/o/draw %.4f, want %.3f within %.3f", got, want, tol)
			return
		}
	}
	t.Logf("shares x/o/draw %.4f", got)
}
