package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/game"
	"github.com/simpipe/simpipe/pipeline"
	"github.com/simpipe/simpipe/store"
)

// Defaults of the yardstick settings.
const (
	DefaultYardstickGames  = 200
	DefaultYardstickPlayer = "greedy"
	// yardstickSalt turns the training seed into the yardstick's, which is
	// the same for every iteration (so iterations are measured on the same
	// random streams) and far from the seeds of the training stages
	// (seed+k-1).
	yardstickSalt = 0x79617264737469 // "yardsti"
)

// YardstickKey is the DB key of iteration k's yardstick result: the JSON of
// its eval.Report, written once the evaluation has finished.
func YardstickKey(k int) string { return fmt.Sprintf("train/yardstick/%03d", k) }

// YardstickSeed returns the seed of every iteration's yardstick games.
func YardstickSeed(s Settings) uint64 { return s.Seed ^ yardstickSalt }

// withModel returns player spec p with file=ref added.
func withModel(p, ref string) string {
	if strings.Contains(p, ":") {
		return p + ",file=" + ref
	}
	return p + ":file=" + ref
}

// yardstickConfig returns the evaluation of iteration k's model against the
// yardstick.
func yardstickConfig(db *store.DB, g game.Game, s Settings, k int, workers int) eval.Config {
	return eval.Config{Game: g, Candidate: withModel(s.YardstickPlayer, fmt.Sprintf("iteration-%d", k)),
		Opponent: s.Yardstick, Seed: YardstickSeed(s), Games: s.YardstickGames, MaxActions: &s.MaxActions,
		Models: yardstickModels(db), Workers: workers}
}

// yardstickModels resolves the trainer's "iteration-K" references, and
// other references (a yardstick's own file=) as files; the evaluation stage
// stores every model it uses, so a resume never reads the file again.
func yardstickModels(db *store.DB) ai.ModelSource {
	iterations := dbModels(db)
	return func(ref string) ([]byte, error) {
		var k int
		if _, err := fmt.Sscanf(ref, "iteration-%d", &k); err == nil {
			return iterations(ref)
		}
		return ai.ModelFiles(ref)
	}
}

// resolveYardstick fills in the yardstick defaults and checks the specs
// before anything is stored. The player is checked on an empty model of the
// game, since the iteration's model does not exist yet.
func resolveYardstick(g game.Game, s *Settings) error {
	if s.Yardstick == "" {
		s.YardstickGames, s.YardstickPlayer = 0, ""
		return nil
	}
	if s.YardstickGames == 0 {
		s.YardstickGames = DefaultYardstickGames
	}
	if s.YardstickPlayer == "" {
		s.YardstickPlayer = DefaultYardstickPlayer
	}
	if strings.Contains(s.YardstickPlayer, "file=") {
		return fmt.Errorf("%w %q: the yardstick player gets file= the iteration's model", ai.ErrBadPlayers, s.YardstickPlayer)
	}
	empty := (&ai.Model{Game: g.Spec()}).Canonical()
	src := func(ref string) ([]byte, error) {
		if ref == "iteration-0" {
			return empty, nil
		}
		return ai.ModelFiles(ref)
	}
	c := eval.Config{Game: g, Candidate: withModel(s.YardstickPlayer, "iteration-0"), Opponent: s.Yardstick}
	_, err := ai.ParseLineupWith(c.Lineup(), g, src)
	return err
}

// StoredYardstick returns iteration k's stored yardstick result, or nil.
func StoredYardstick(db *store.DB, k int) (*eval.Report, error) {
	b, err := db.Get(YardstickKey(k))
	if err != nil || b == nil {
		return nil, err
	}
	var r eval.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", store.ErrCorrupt, YardstickKey(k), err)
	}
	return &r, nil
}

// measure evaluates iteration k's stored model against the yardstick as a
// checkpointed eval stage of the training DB (resuming it if it was
// interrupted), stores the result under YardstickKey(k) and prints it. It
// does nothing without a yardstick or when the result is stored.
func measure(ctx context.Context, db *store.DB, g game.Game, s Settings, k int, opts Options, log io.Writer) error {
	if s.Yardstick == "" {
		return nil
	}
	r, err := StoredYardstick(db, k)
	if err != nil || r != nil {
		return err
	}
	c := yardstickConfig(db, g, s, k, opts.Workers)
	fmt.Fprintf(log, "iteration %d/%d: yardstick: %s against %s, %d games\n", k, s.Iterations, c.Candidate, c.Opponent, s.YardstickGames)
	if opts.Progress != nil {
		*opts.Progress = pipeline.Progress{}
	}
	rep, err := eval.Run(ctx, db, c, opts.Progress)
	if err != nil {
		return fmt.Errorf("iteration %d yardstick: %w", k, err)
	}
	if rep.Games == 0 {
		return errors.New("yardstick: no game has a result")
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	if err := db.Put(YardstickKey(k), b); err != nil {
		return err
	}
	fmt.Fprintf(log, "iteration %d/%d: yardstick score %.4f [%.4f, %.4f] (Wilson 95%%), %d wins, %d draws, %d losses\n",
		k, s.Iterations, rep.Score, rep.WilsonLow, rep.WilsonHigh, rep.Wins, rep.Draws, rep.Losses)
	return nil
}
