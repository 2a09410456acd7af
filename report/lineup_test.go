package report

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// TestParameterisedLineups checks the labels of seats whose player specs
// hold commas themselves: a run stage and an evaluation with parameterised
// players on both seats.
func TestParameterisedLineups(t *testing.T) {
	const (
		first  = "mcts:iterations=4,c=50,cutoff=2"
		second = "mcts:iterations=3,c=40,cutoff=1"
	)
	path := filepath.Join(t.TempDir(), "lineups.db")
	db, err := store.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := builtin.Registry()
	ctx := context.Background()
	stage := db.Stage(store.DefaultStage)
	g, err := reg.New("tictactoe")
	if err != nil {
		t.Fatal(err)
	}
	s := pipeline.Settings{Game: g, Games: ptr[uint64](6), Players: ptr(first + "," + second)}
	def, err := pipeline.Prepare(stage, reg, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := pipeline.Run(ctx, stage, def, pipeline.Options{Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := eval.Run(ctx, db, eval.Config{Game: g, Candidate: first, Opponent: second, Seed: 5, Games: 4, Workers: 1}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	d, page := render(t, path, Options{})
	checkPage(t, page)
	if len(d.Evals) != 1 {
		t.Fatalf("%d evaluations, want 1", len(d.Evals))
	}
	if r := d.Evals[0].Eval; r.Candidate != first || r.Opponent != second {
		t.Errorf("evaluation of %q against %q, want %q against %q", r.Candidate, r.Opponent, first, second)
	}
	for _, want := range []string{
		"<code>" + first + "</code></td><td><code>" + second + "</code>", // the evaluations table
		"seat 0 wins (<code>" + first + "</code>)",
		"seat 1 wins (<code>" + second + "</code>)",
		"<code>" + first + "&#43;" + second + "</code>", // the stage's players, "+" escaped
	} {
		if n := strings.Count(page, want); n < 1 {
			t.Errorf("page lacks %q", want)
		}
	}
}
