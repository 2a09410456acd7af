package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// TestNoRunStage checks that the commands that read one stage, given a DB
// without it (a training DB has no 'run' stage), refuse with one line that
// lists the stages the DB holds and names --stage.
func TestNoRunStage(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "train.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	games := uint64(10)
	g, err := builtin.Registry().New("tictactoe")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"train-001", "train-002"} {
		if _, err := pipeline.Prepare(db.Stage(name), builtin.Registry(), pipeline.Settings{Game: g, Games: &games}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"inspect", path},
		{"show", "--db", path, "--game-index", "0"},
		{"export", path, "--format", "csv"},
		{"jobs", path},
		{"retry", path, "--failed"},
		{"inspect", path, "--stage", "train-003"},
	} {
		r := simpipe(t, nil, args...)
		if r.code != 2 || strings.Count(r.stderr, "\n") != 1 ||
			!strings.Contains(r.stderr, "its stages are train-001, train-002") || !strings.Contains(r.stderr, "--stage") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line listing the stages", args, r.code, r.stderr)
		}
	}
	if r := simpipe(t, nil, "inspect", path, "--stage", "train-002"); r.code != 0 {
		t.Errorf("inspect --stage train-002: exit %d: %s", r.code, r.stderr)
	}
}
