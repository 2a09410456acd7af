package ai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/game"
)

// Model is a trained evaluation: a logistic model of a seat's chance to win
// from integer feature values. It is what ai.json holds.
type Model struct {
	// Game is the canonical spec of the game it was trained for.
	Game      string             `json:"game"`
	Features  []features.Feature `json:"features"`
	Weights   []float64          `json:"weights"`
	Intercept float64            `json:"intercept"`
	// Training records where the model came from; it does not affect play.
	Training *TrainingInfo `json:"training,omitempty"`
}

// TrainingInfo describes how a model was trained.
type TrainingInfo struct {
	SimpipeVersion string   `json:"simpipe_version"`
	Iterations     int      `json:"iterations"`
	GamesPerIter   uint64   `json:"games_per_iteration"`
	Digests        []string `json:"results_digests"`
	Samples        int      `json:"samples"`
	TrainLogLoss   float64  `json:"train_log_loss"`
	HeldOutLogLoss float64  `json:"held_out_log_loss"`
	HeldOutSamples int      `json:"held_out_samples"`
}

// ParseModel decodes and checks an ai.json.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not an ai.json: %v", err)
	}
	if m.Game == "" || len(m.Features) != len(m.Weights) {
		return nil, fmt.Errorf("ai.json has %d features and %d weights for game %q", len(m.Features), len(m.Weights), m.Game)
	}
	for _, w := range append([]float64{m.Intercept}, m.Weights...) {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("ai.json has a weight that is not a finite number")
		}
	}
	return &m, nil
}

// Canonical returns the model's JSON in a fixed form (indented, fields in
// declaration order, shortest exact float text), so equal models have equal
// bytes.
func (m *Model) Canonical() []byte {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		panic(err) // only finite floats and plain types: cannot fail
	}
	return append(b, '\n')
}

// Evaluator scores positions for players that search.
type Evaluator interface {
	// Evaluate returns seat's estimated probability of winning from st, in
	// (0, 1). st may be a player's view of a hidden-information game.
	Evaluate(st game.State, seat int) float64
}
