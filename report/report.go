// Package report renders a checkpoint DB as one self-contained HTML page:
// each stage's configuration, totals and results digest, with plots drawn as
// inline SVG by gonum.org/v1/plot (games per second over the run's lifetime,
// game lengths, outcome shares by seat), and for training and evaluation
// DBs the feature correlations, each iteration's train and held-out log
// loss and strength against the training's yardstick, and the evaluation
// scores with their Wilson intervals.
//
// Gather reads what a report shows; Render writes it. The page needs no
// network to open: it has no external scripts, fonts or style sheets.
package report

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/simpipe/simpipe/ai"
	"github.com/simpipe/simpipe/ai/analysis"
	"github.com/simpipe/simpipe/eval"
	"github.com/simpipe/simpipe/store"
)

// ErrNoStage is returned by Gather when Options.Stage names a stage the DB
// does not hold.
var ErrNoStage = errors.New("report: no such stage")

// Options configures Gather. The zero value reports every stage.
type Options struct {
	// Stage restricts the report to one stage; every stage when empty.
	Stage string
	// Version is the simpipe version named in the page's footer.
	Version string
}

// Data is everything a report shows, read from one DB by Gather.
type Data struct {
	Path          string
	FileBytes     int64
	SchemaVersion int
	Version       string
	// Stages lists every stage of the DB in byte order; Sections holds the
	// reported ones (all of them, or Options.Stage) in the same order.
	Stages   []string
	Sections []*StageData
	// Training is nil unless the DB holds training stages and the report
	// covers them.
	Training *Training
	// Evals are the evaluation stages among Sections.
	Evals []*StageData
}

// StageData is one stage's part of the report. A stage that holds no run
// yet has only a Name.
type StageData struct {
	Name     string
	Config   *store.Config
	Agg      *store.Aggregate
	Digest   string // hex SHA-256 of the results, as 'simpipe inspect' prints
	Progress []store.ProgressPoint
	// Lengths[n] counts the stored games (completed or incomplete) of n
	// actions; failed games have no length.
	Lengths []uint64
	// Eval is the evaluation's summary for a stage named eval-…; nil for
	// other stages.
	Eval *eval.Report
}

// Training is what a training DB records beside its stages.
type Training struct {
	// Settings is the stored training settings JSON, indented.
	Settings   string
	Iterations []Iteration
	// Analysis is the feature analysis of the last iteration that has one,
	// AnalysisIteration; nil when no fit has finished yet.
	Analysis          *analysis.Result
	AnalysisIteration int
}

// Iteration is one training iteration.
type Iteration struct {
	K     int
	Stage string
	// Model is the fitted model, nil until the iteration's fit finishes.
	Model *ai.Model
	// Yardstick is the model's result against the training's yardstick
	// (simpipe train --yardstick), nil when there is none (yet).
	Yardstick *eval.Report
}

// ModelSummary describes the iteration's model in a few words.
func (it Iteration) ModelSummary() string {
	switch {
	case it.Model == nil:
		return ""
	case it.Model.NTuple != nil:
		return fmt.Sprintf("n-tuple, %d tuples", len(it.Model.NTuple.Tuples))
	}
	return fmt.Sprintf("%d features", len(it.Model.Features))
}

// Keys of the training records, as train writes them.
const (
	trainPrefix      = "train-"
	evalPrefix       = "eval-"
	trainSettingsKey = "train/settings"
)

func trainModelKey(k int) string     { return fmt.Sprintf("train/model/%03d", k) }
func trainAnalysisKey(k int) string  { return fmt.Sprintf("train/analysis/%03d", k) }
func trainYardstickKey(k int) string { return fmt.Sprintf("train/yardstick/%03d", k) }

// trainIteration returns k for a stage named train-k, or 0.
func trainIteration(stage string) int {
	s, ok := strings.CutPrefix(stage, trainPrefix)
	if !ok {
		return 0
	}
	k, err := strconv.Atoi(s)
	if err != nil || k < 1 {
		return 0
	}
	return k
}

// Gather reads the report's data from db. It streams over each reported
// stage's results a few times (lengths, digest, evaluation tally) with
// memory bounded by the longest game, not by the number of games.
func Gather(db *store.DB, opts Options) (*Data, error) {
	stages, err := db.Stages()
	if err != nil {
		return nil, err
	}
	schema, err := db.Schema()
	if err != nil {
		return nil, err
	}
	d := &Data{Path: db.Path(), FileBytes: db.Size(), SchemaVersion: schema,
		Version: opts.Version, Stages: stages}
	names := stages
	switch {
	case opts.Stage != "":
		if !slices.Contains(stages, opts.Stage) {
			return nil, fmt.Errorf("%w %q (the DB holds %s)", ErrNoStage, opts.Stage, stageList(stages))
		}
		names = []string{opts.Stage}
	case len(names) == 0:
		names = []string{store.DefaultStage} // an empty DB: a "no data" section
	}
	for _, name := range names {
		sd, err := gatherStage(db.Stage(name))
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", name, err)
		}
		d.Sections = append(d.Sections, sd)
		if sd.Eval != nil {
			d.Evals = append(d.Evals, sd)
		}
	}
	if opts.Stage == "" || trainIteration(opts.Stage) > 0 {
		if d.Training, err = gatherTraining(db, stages); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func stageList(stages []string) string {
	if len(stages) == 0 {
		return "no stages"
	}
	return "stages " + strings.Join(stages, ", ")
}

// gatherStage reads one stage; a stage without a run gives a StageData with
// only its name.
func gatherStage(st *store.Stage) (*StageData, error) {
	sd := &StageData{Name: st.Name()}
	cfg, err := st.Config()
	if errors.Is(err, store.ErrNoRun) {
		return sd, nil
	}
	if err != nil {
		return nil, err
	}
	sd.Config = cfg
	if sd.Agg, err = st.Aggregate(); err != nil {
		return nil, err
	}
	if sd.Progress, err = st.Progress(); err != nil {
		return nil, err
	}
	if sd.Lengths, err = lengths(st, sd.Agg.LengthMax); err != nil {
		return nil, err
	}
	digest, err := st.Digest()
	if err != nil {
		return nil, err
	}
	sd.Digest = hex.EncodeToString(digest[:])
	if strings.HasPrefix(sd.Name, evalPrefix) && cfg.RotateSeats {
		t, err := eval.Count(st)
		if err != nil {
			return nil, err
		}
		r := eval.Summarise(t, nil)
		r.Stage, r.Game, r.ResultsDigest = sd.Name, cfg.Game, sd.Digest
		if lineup := ai.SeatSpecs(cfg.Players); len(lineup) > 1 {
			r.Candidate, r.Opponent = lineup[0], lineup[1]
		}
		sd.Eval = &r
	}
	return sd, nil
}

// lengths counts the stage's stored games by number of actions
// (store.Chunk.Length reads them without unpacking the moves).
func lengths(st *store.Stage, longest uint64) ([]uint64, error) {
	counts := make([]uint64, longest+1)
	err := st.Results(func(c *store.Chunk) error {
		for i := range c.Len() {
			if c.Status(i) == store.Failed {
				continue
			}
			n := c.Length(i)
			if n >= uint64(len(counts)) {
				counts = append(counts, make([]uint64, n+1-uint64(len(counts)))...)
			}
			counts[n]++
		}
		return nil
	})
	return counts, err
}

// gatherTraining reads the training records of the DB's train-k stages;
// nil when there are none.
func gatherTraining(db *store.DB, stages []string) (*Training, error) {
	var tr *Training
	for _, name := range stages {
		k := trainIteration(name)
		if k == 0 {
			continue
		}
		if tr == nil {
			tr = &Training{}
		}
		it := Iteration{K: k, Stage: name}
		b, err := db.Get(trainModelKey(k))
		if err != nil {
			return nil, err
		}
		if b != nil {
			if it.Model, err = ai.ParseModel(b); err != nil {
				return nil, fmt.Errorf("%s: %w", trainModelKey(k), err)
			}
		}
		if b, err = db.Get(trainYardstickKey(k)); err != nil {
			return nil, err
		}
		if b != nil {
			it.Yardstick = new(eval.Report)
			if err := json.Unmarshal(b, it.Yardstick); err != nil {
				return nil, fmt.Errorf("%s: %w", trainYardstickKey(k), err)
			}
		}
		tr.Iterations = append(tr.Iterations, it)
		b, err = db.Get(trainAnalysisKey(k))
		if err != nil {
			return nil, err
		}
		if b != nil && k > tr.AnalysisIteration {
			var an analysis.Result
			if err := json.Unmarshal(b, &an); err != nil {
				return nil, fmt.Errorf("%s: %w", trainAnalysisKey(k), err)
			}
			tr.Analysis, tr.AnalysisIteration = &an, k
		}
	}
	if tr == nil {
		return nil, nil
	}
	slices.SortFunc(tr.Iterations, func(a, b Iteration) int { return a.K - b.K })
	b, err := db.Get(trainSettingsKey)
	if err != nil {
		return nil, err
	}
	if b != nil {
		var ind bytes.Buffer
		if json.Indent(&ind, b, "", "  ") == nil {
			b = ind.Bytes()
		}
		tr.Settings = string(b)
	}
	return tr, nil
}
