package pipeline_test

import (
	"errors"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// TestPrepareErrors: Prepare's refusals are typed, name settings (never a
// command line's flags) and carry the values involved.
func TestPrepareErrors(t *testing.T) {
	_, stage := newStage(t)
	_, fresh := newStage(t)
	reg := builtin.Registry()
	c4 := mustGame(t, reg, "connect4")
	if _, err := pipeline.Prepare(stage, nil, pipeline.Settings{Game: c4, Games: ptr[uint64](100), Seed: ptr[uint64](1), Chunk: ptr(10)}); err != nil {
		t.Fatal(err)
	}
	conflict := func(setting string, given, stored any) func(error) bool {
		return func(err error) bool {
			var ce *pipeline.ConflictError
			return errors.As(err, &ce) && errors.Is(err, pipeline.ErrConflict) &&
				ce.Setting == setting && ce.Given == given && ce.Stored == stored
		}
	}
	for _, c := range []struct {
		name  string
		stage *store.Stage
		s     pipeline.Settings
		want  func(error) bool
		text  string
	}{
		{"Seed", stage, pipeline.Settings{Seed: ptr[uint64](5)}, conflict("seed", uint64(5), uint64(1)),
			"seed 5 contradicts the stored run: its seed is 1"},
		{"Game", stage, pipeline.Settings{Game: mustGame(t, reg, "tictactoe")}, conflict("game", "tictactoe", "connect4"),
			"game tictactoe contradicts the stored run: its game is connect4"},
		{"Shrink", stage, pipeline.Settings{Games: ptr[uint64](50)}, conflict("games", uint64(50), uint64(100)),
			"games 50 contradicts the stored run, which has 100 games (a run can grow, not shrink)"},
		{"TooManyJobs", fresh, pipeline.Settings{Game: c4, Games: ptr[uint64](1 << 30), Chunk: ptr(1)}, func(err error) bool {
			var se *pipeline.SettingError
			return errors.As(err, &se) && se.Setting == "games" && se.Raise == "chunk"
		}, "games 1073741824 in chunks of 1 makes 1073741824 jobs, more than 16777216"},
		{"NoGames", fresh, pipeline.Settings{Game: c4}, func(err error) bool {
			var me *pipeline.MissingError
			return errors.As(err, &me) && me.Setting == "games"
		}, "a new run needs its games"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := pipeline.Prepare(c.stage, reg, c.s)
			if err == nil || !c.want(err) || err.Error() != c.text {
				t.Fatalf("got %#v (%v), want %q", err, err, c.text)
			}
		})
	}
	// Resuming without a game builds the stored one with the registry.
	def, err := pipeline.Prepare(stage, reg, pipeline.Settings{})
	if err != nil || def.Game.Spec() != "connect4" || def.Config.Games != 100 {
		t.Fatalf("resume: %v %+v", err, def)
	}
	if _, err := pipeline.Resolve(&store.Config{Game: "chess"}, reg); !errors.Is(err, game.ErrUnknownGame) {
		t.Fatalf("unknown stored game: %v", err)
	}
}
