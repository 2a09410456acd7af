package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/game/tictactoe"
)

// TestGameBuiltOncePerCommand: a command builds its game from its spec
// once (Registry.New), however many steps (preparing a run, parsing its
// lineup, sizing chunks, checking a resume, training iterations, playing)
// need it, an embedded NATS worker included. The commands run in process with a registry whose only game
// counts its constructions.
func TestGameBuiltOncePerCommand(t *testing.T) {
	var built atomic.Int32
	def := tictactoe.Def
	newGame := def.New
	def.New = func(p game.Params) (game.Game, error) {
		built.Add(1)
		return newGame(p)
	}
	reg := &game.Registry{}
	reg.MustRegister(def)

	dir := t.TempDir()
	runDB, trainDB, model := filepath.Join(dir, "run.db"), filepath.Join(dir, "train.db"), filepath.Join(dir, "ai.json")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"NewRun", []string{"run", "--db", runDB, "--game", "tictactoe", "--games", "500", "--players", "random", "--workers", "2"}},
		{"ExtendedRun", []string{"run", "--db", runDB, "--games", "1000", "--players", "random", "--seed", "1", "--workers", "2"}},
		{"ResumeWithGame", []string{"run", "--db", runDB, "--game", "tictactoe", "--workers", "2"}},
		{"EmbeddedNATS", []string{"run", "--db", runDB, "--games", "2000", "--nats", "embedded", "--workers", "2"}},
		{"Train", []string{"train", "--db", trainDB, "--game", "tictactoe", "--iterations", "2", "--games-per-iteration", "300",
			"--players", "random", "--guided", "greedy", "--max-samples", "2000", "--top-features", "4", "--window", "1", "--workers", "2", "-o", model}},
		{"Eval", []string{"eval", "--ai", model, "--player", "greedy", "--vs", "random", "--games", "20", "--workers", "2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			built.Store(0)
			var out, errb bytes.Buffer
			args := append(c.args, "--progress", "none")
			if code := runMain(context.Background(), reg, args, &out, &errb); code != 0 {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			if n := built.Load(); n != 1 {
				t.Errorf("the game was built %d times, want once", n)
			}
		})
	}
}

// TestMessagesNameFlags: the settings that libraries name in their typed
// errors reach the user as the flags that set them, wrapped or not.
func TestMessagesNameFlags(t *testing.T) {
	reg := &game.Registry{}
	reg.MustRegister(tictactoe.Def)
	db := filepath.Join(t.TempDir(), "m.db")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"UnknownGame", []string{"run", "--db", db, "--game", "chess", "--games", "5"}, `simpipe: unknown game "chess" (see 'simpipe games')` + "\n"},
		{"TooManyJobs", []string{"run", "--db", db, "--game", "tictactoe", "--games", "68719476736", "--chunk", "1"},
			"simpipe: --games 68719476736 in chunks of 1 makes 68719476736 jobs, more than 16777216; raise --chunk\n"},
		{"Create", []string{"run", "--db", db, "--game", "tictactoe", "--games", "10", "--seed", "1"}, ""},
		{"Conflict", []string{"run", "--db", db, "--seed", "5"}, "simpipe: --seed 5 contradicts the stored run: its seed is 1\n"},
		{"Shrink", []string{"run", "--db", db, "--games", "5"},
			"simpipe: --games 5 contradicts the stored run, which has 10 games (a run can grow, not shrink)\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			runMain(context.Background(), reg, append(c.args, "--progress", "none"), &out, &errb)
			if c.want == "" {
				return
			}
			if errb.String() != c.want {
				t.Fatalf("stderr %q, want %q", errb.String(), c.want)
			}
		})
	}
}
