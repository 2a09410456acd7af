package eval_test

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/game/builtin"
	"github.com/simpipe/simpipe/store"
)

func open(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "eval.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestPairedGamesCancelSeatAdvantage: random against random at tic-tac-toe
// scores 0.5 when seats are swapped in pairs, although the first player
// wins 58.5 % of random games. Each pair replays one random stream with the
// seats swapped, so the tally must equal the per-seat outcome counted by
// hand.
func TestPairedGamesCancelSeatAdvantage(t *testing.T) {
	reg := builtin.Registry()
	g, _ := reg.New("tictactoe")
	db := open(t)
	r, err := eval.Run(context.Background(), db, eval.Config{
		Game: g, Candidate: "random", Opponent: "random", Seed: 3, Games: 20001, Workers: 2,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Games != 20002 {
		t.Fatalf("games %d, want 20002 (rounded up to pairs)", r.Games)
	}
	if math.Abs(r.Score-0.5) > 0.012 || r.WilsonLow > 0.5 || r.WilsonHigh < 0.5 {
		t.Fatalf("score %.4f (%.4f..%.4f), want about 0.5", r.Score, r.WilsonLow, r.WilsonHigh)
	}
	// Recount from the stored games: the candidate sits in seat 0 in even
	// games and seat 1 in odd ones.
	stage := db.Stage(r.Stage)
	var w, d, l int
	err = stage.Results(func(c *store.Chunk) error {
		for i := range c.Raw {
			e := c.Entry(i)
			seat := int((c.First + uint64(i)) % 2)
			switch {
			case e.Winners == 0:
				d++
			case e.Winners.Has(seat):
				w++
			default:
				l++
			}
		}
		return nil
	})
	if err != nil || w != r.Wins || d != r.Draws || l != r.Losses {
		t.Fatalf("recount %d/%d/%d, report %d/%d/%d (%v)", w, d, l, r.Wins, r.Draws, r.Losses, err)
	}
	// Both games of a pair start from the same random stream: with the
	// players swapped, the first move of each pair is the same cell.
	c0, _, _, _ := stage.Game(10)
	c1, _, _, _ := stage.Game(11)
	if c0.Moves[0] != c1.Moves[0] {
		t.Errorf("pair (10, 11) opens with %d and %d", c0.Moves[0], c1.Moves[0])
	}

	// Running the same evaluation again resumes the same stage: nothing new.
	again, err := eval.Run(context.Background(), db, eval.Config{
		Game: g, Candidate: "random", Opponent: "random", Seed: 3, Games: 20001, Workers: 1,
	}, nil)
	if err != nil || again.ResultsDigest != r.ResultsDigest || again.Stage != r.Stage {
		t.Fatalf("rerun: %+v, %v", again, err)
	}
}

// TestSPRTStopsEarly: equal players under H0 = +100 Elo, H1 = +200 Elo
// give overwhelming evidence for H0 long before 200,000 games.
func TestSPRTStopsEarly(t *testing.T) {
	reg := builtin.Registry()
	g, _ := reg.New("connect4")
	db := open(t)
	r, err := eval.Run(context.Background(), db, eval.Config{
		Game: g, Candidate: "random", Opponent: "random", Seed: 1, Games: 2_000_000, Workers: 2,
		SPRT: &eval.SPRT{Elo0: 100, Elo1: 200, Alpha: 0.05, Beta: 0.05},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Stopped || r.SPRT == nil || r.SPRT.Decision.String() != "H0" || r.Games >= 2_000_000 {
		t.Fatalf("report %+v", r)
	}
	t.Logf("SPRT decided %s after %d games (llr %.2f)", r.SPRT.Decision, r.Games, r.SPRT.LLR)
}

func TestSummariseMatchesStats(t *testing.T) {
	r := eval.Summarise(eval.Tally{Wins: 60, Draws: 10, Losses: 30}, nil)
	if r.Games != 100 || math.Abs(r.Score-0.65) > 1e-12 || r.WilsonLow >= 0.65 || r.WilsonHigh <= 0.65 || r.Elo < 107 || r.Elo > 108 {
		t.Fatalf("%+v", r)
	}
	// All wins: the Elo is infinite and reported clamped.
	if r := eval.Summarise(eval.Tally{Wins: 10}, nil); r.Elo != 9999 {
		t.Fatalf("all wins: elo %v", r.Elo)
	}
}
