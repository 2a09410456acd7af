package ai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"

	"github.com/simpipe/simpipe/ai/features"
	"github.com/simpipe/simpipe/ai/ntuple"
	"github.com/simpipe/simpipe/game"
)

// Model is a trained evaluation of a seat's expected score (win 1, draw ½,
// loss 0): the sigmoid of Intercept plus a linear score over integer
// feature values plus, for the n-tuple kind, the weights an n-tuple network
// looks up on the board. It is what ai.json holds.
type Model struct {
	// Game is the canonical spec of the game it was trained for.
	Game string `json:"game"`
	// Kind is KindLinear (absent in files from before n-tuples) or
	// KindNTuple.
	Kind      string             `json:"kind,omitempty"`
	Features  []features.Feature `json:"features,omitempty"`
	Weights   []float64          `json:"weights,omitempty"`
	Intercept float64            `json:"intercept"`
	// NTuple is the n-tuple network of a KindNTuple model. Games without a
	// board (pig, gofish) have none and keep the linear kind.
	NTuple *ntuple.Network `json:"ntuple,omitempty"`
	// Training records where the model came from; it does not affect play.
	Training *TrainingInfo `json:"training,omitempty"`
}

// Model kinds.
const (
	KindLinear = ""       // a logistic model over generated features
	KindNTuple = "ntuple" // an n-tuple network, optionally with features
)

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
	// Lambda is the TD(λ) parameter an n-tuple model was learned with (1:
	// outcome targets).
	Lambda *float64 `json:"lambda,omitempty"`
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
	switch {
	case m.Kind == KindLinear && m.NTuple != nil:
		return nil, fmt.Errorf("ai.json: a linear model with an n-tuple network (kind %q missing)", KindNTuple)
	case m.Kind == KindNTuple && m.NTuple == nil:
		return nil, fmt.Errorf("ai.json: an n-tuple model without its network")
	case m.Kind != KindLinear && m.Kind != KindNTuple:
		return nil, fmt.Errorf("ai.json: unknown model kind %q (known: linear, %s)", m.Kind, KindNTuple)
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
