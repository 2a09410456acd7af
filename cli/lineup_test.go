package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSeatSeparator runs a lineup written with the seat separator, resumes
// it with the comma form, and checks that inspect prints the seats with the
// separator while --json keeps the canonical comma form that the DB stores.
func TestSeatSeparator(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "sep.db")
	run := func(players string, games string) {
		t.Helper()
		r := simpipe(t, nil, "run", "--db", db, "--game", "tictactoe", "--games", games, "--players", players, "--progress", "none")
		if r.code != 0 {
			t.Fatalf("run --players %s: exit %d: %s", players, r.code, r.stderr)
		}
	}
	run("mcts:iterations=5,c=50+random", "20")
	run("mcts:iterations=5,c=50,random", "40") // the comma form is the same lineup: the run extends
	const (
		shown  = "mcts:iterations=5,c=50,cutoff=10+random"
		stored = "mcts:iterations=5,c=50,cutoff=10,random"
	)
	if r := simpipe(t, nil, "inspect", db); r.code != 0 || !strings.Contains(r.stdout, "players:    "+shown+"\n") {
		t.Errorf("inspect: exit %d, want players %s:\n%s%s", r.code, shown, r.stdout, r.stderr)
	}
	if r := simpipe(t, nil, "show", "--db", db, "--game-index", "3"); r.code != 0 || !strings.Contains(r.stdout, "players "+shown+"\n") {
		t.Errorf("show: exit %d, want players %s:\n%.300s%s", r.code, shown, r.stdout, r.stderr)
	}
	if r := simpipe(t, nil, "inspect", "--json", db); !strings.Contains(r.stdout, `"players": "`+stored+`"`) {
		t.Errorf("inspect --json lacks the stored lineup %s:\n%s", stored, r.stdout)
	}
	if rep := inspect(t, db); rep.GamesDone != 40 {
		t.Errorf("%d games done, want 40", rep.GamesDone)
	}
}
