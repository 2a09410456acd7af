// Package fit trains simpipe's evaluation model by Texel-style logistic
// regression: P(win) = sigmoid(intercept + Σ weight·value) fitted to game
// results by minimising the mean log loss, with a small L2 penalty.
//
// The caller streams recorded positions into a Data, thinned with a Sampler
// (and skipping opening plies), then calls Fit, which holds out whole games
// chosen by a Split and reports losses, accuracy and calibration on them.
//
// Fit is deterministic: the same samples in the same order give
// bit-identical weights. Every sum runs sequentially in sample order and
// the optimiser (gonum's L-BFGS) runs a single evaluation at a time with a
// fixed iteration limit and no time limit.
package fit

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
)

// ErrNoTrainingSamples is returned by Fit when the split leaves no sample to
// train on.
var ErrNoTrainingSamples = errors.New("fit: no training samples")

// Defaults for Options.
const (
	// DefaultL2 is the L2 penalty λ: the objective adds λ/2·Σw² over the
	// weights of the standardised features (not the intercept). At this
	// size it only keeps collinear or separable features finite; it barely
	// moves well-determined weights.
	DefaultL2 = 1e-4
	// DefaultMaxIterations bounds L-BFGS major iterations.
	DefaultMaxIterations = 200
	// CalibrationBins is the number of equal-width predicted-probability
	// bins in Result.Calibration.
	CalibrationBins = 10
)

// Options tunes Fit. The zero value uses the defaults.
type Options struct {
	// L2 is the penalty λ on the standardised weights. 0 means DefaultL2;
	// a negative value means no penalty.
	L2 float64
	// MaxIterations bounds optimiser iterations. 0 means
	// DefaultMaxIterations.
	MaxIterations int
	// Split chooses the held-out games (one in 10 by default).
	Split Split
}

// Result is a fitted model with its quality figures. All figures are
// finite, so a Result always marshals to JSON.
type Result struct {
	// Weights and Intercept apply to raw feature values:
	// P(win) = sigmoid(Intercept + Σ Weights[j]·value[j]).
	Weights   []float64 `json:"weights"`
	Intercept float64   `json:"intercept"`

	TrainSamples   int `json:"train_samples"`
	HeldOutSamples int `json:"held_out_samples"`
	// TrainLogLoss and HeldOutLogLoss are the mean log loss (natural log,
	// without the penalty) of the fitted model. HeldOutBaseLogLoss is that of
	// always predicting the mean training target: the improvement over it is
	// what the features bring. Held-out figures are 0 without held-out
	// samples.
	TrainLogLoss       float64 `json:"train_log_loss"`
	HeldOutLogLoss     float64 `json:"held_out_log_loss"`
	HeldOutBaseLogLoss float64 `json:"held_out_base_log_loss"`
	// HeldOutBrier is the mean squared error of the predicted probability.
	HeldOutBrier float64 `json:"held_out_brier"`
	// HeldOutAccuracy is the share of decisive held-out samples (target 0 or
	// 1; draws are left out) whose prediction is on the right side of 1/2.
	HeldOutAccuracy float64 `json:"held_out_accuracy"`
	HeldOutDecisive int     `json:"held_out_decisive"`
	// Calibration bins the held-out samples by predicted probability;
	// CalibrationError is the sample-weighted mean |MeanPredicted −
	// MeanTarget| over the bins (the expected calibration error).
	Calibration      []Bin   `json:"calibration"`
	CalibrationError float64 `json:"calibration_error"`

	L2         float64 `json:"l2"`
	Iterations int     `json:"iterations"`
	// Status is the optimiser's stopping reason, e.g. "FunctionConvergence"
	// or "IterationLimit".
	Status string `json:"status"`
}

// Bin is one calibration bin: the held-out samples whose predicted
// probability lies in [Lo, Hi).
type Bin struct {
	Lo            float64 `json:"lo"`
	Hi            float64 `json:"hi"`
	Samples       int     `json:"samples"`
	MeanPredicted float64 `json:"mean_predicted"`
	MeanTarget    float64 `json:"mean_target"`
}

// Fit fits the logistic model to d. Internally each feature is standardised
// (mean 0, standard deviation 1 over the training samples) so that features
// of very different scales are equally well conditioned and the penalty
// treats them alike; the weights are converted back to raw values. A
// feature constant over the training samples gets weight 0.
func Fit(d *Data, opt Options) (*Result, error) {
	l2 := opt.L2
	switch {
	case l2 == 0:
		l2 = DefaultL2
	case l2 < 0:
		l2 = 0
	}
	maxIter := opt.MaxIterations
	if maxIter <= 0 {
		maxIter = DefaultMaxIterations
	}

	var train, held []int
	for i, g := range d.game {
		if opt.Split.HeldOut(g) {
			held = append(held, i)
		} else {
			train = append(train, i)
		}
	}
	if len(train) == 0 {
		return nil, ErrNoTrainingSamples
	}

	nf := d.nf
	mean, inv := standardise(d, train)
	obj := &objective{d: d, idx: train, mean: mean, inv: inv, l2: l2}

	// Start from the constant model: intercept at the logit of the mean
	// target (kept finite), weights 0.
	theta := make([]float64, 1+nf)
	var ybar float64
	for _, i := range train {
		ybar += d.y[i]
	}
	ybar /= float64(len(train))
	theta[0] = logit(min(max(ybar, 1e-6), 1-1e-6))

	p := optimize.Problem{Func: obj.f, Grad: obj.grad}
	settings := &optimize.Settings{
		MajorIterations:   maxIter,
		GradientThreshold: 1e-8,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 20},
	}
	res, err := optimize.Minimize(p, theta, settings, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("fit: minimize: %w", err)
	}
	// A line search that cannot improve further near the optimum is an
	// error for gonum, but its best location is still the answer.
	status := res.Status.String()
	if err != nil {
		status += ": " + err.Error()
	}
	th := res.X

	r := &Result{
		Weights:        make([]float64, nf),
		Intercept:      th[0],
		TrainSamples:   len(train),
		HeldOutSamples: len(held),
		L2:             l2,
		Iterations:     res.Stats.MajorIterations,
		Status:         status,
	}
	for j := range nf {
		r.Weights[j] = th[1+j] * inv[j]
		r.Intercept -= th[1+j] * inv[j] * mean[j]
	}
	for _, w := range append([]float64{r.Intercept}, r.Weights...) {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("fit: optimiser diverged (%s)", status)
		}
	}
	r.TrainLogLoss = r.logLoss(d, train)
	r.heldOut(d, held, ybar)
	return r, nil
}

// standardise returns the mean and the inverse standard deviation of each
// feature over the samples idx (two passes, in sample order). Constant
// features get inverse 0, which zeroes their standardised values.
func standardise(d *Data, idx []int) (mean, inv []float64) {
	nf := d.nf
	mean = make([]float64, nf)
	inv = make([]float64, nf)
	for _, i := range idx {
		for j, v := range d.row(i) {
			mean[j] += float64(v)
		}
	}
	n := float64(len(idx))
	for j := range mean {
		mean[j] /= n
	}
	for _, i := range idx {
		for j, v := range d.row(i) {
			dv := float64(v) - mean[j]
			inv[j] += dv * dv
		}
	}
	for j := range inv {
		if sd := math.Sqrt(inv[j] / n); sd > 0 {
			inv[j] = 1 / sd
		} else {
			inv[j] = 0
		}
	}
	return mean, inv
}

// objective is the penalised mean log loss over standardised features, with
// theta = (intercept, weights). It evaluates value and gradient in one pass
// and caches them, because L-BFGS asks for both at the same point.
type objective struct {
	d         *Data
	idx       []int
	mean, inv []float64
	l2        float64

	at  []float64 // theta of the cached evaluation
	val float64
	g   []float64 // gradient at at
	z   []float64 // scratch: one standardised row
}

func (o *objective) f(theta []float64) float64 {
	o.eval(theta)
	return o.val
}

func (o *objective) grad(g, theta []float64) {
	o.eval(theta)
	copy(g, o.g)
}

func (o *objective) eval(theta []float64) {
	if o.at != nil && equal(o.at, theta) {
		return
	}
	nf := o.d.nf
	if o.at == nil {
		o.at = make([]float64, len(theta))
		o.g = make([]float64, len(theta))
		o.z = make([]float64, nf)
	}
	copy(o.at, theta)
	g := o.g
	clear(g)
	var loss float64
	for _, i := range o.idx {
		s := theta[0]
		for j, v := range o.d.row(i) {
			o.z[j] = (float64(v) - o.mean[j]) * o.inv[j]
			s += theta[1+j] * o.z[j]
		}
		y := o.d.y[i]
		loss += softplus(s) - y*s
		r := sigmoid(s) - y
		g[0] += r
		for j, z := range o.z {
			g[1+j] += r * z
		}
	}
	n := float64(len(o.idx))
	loss /= n
	for k := range g {
		g[k] /= n
	}
	for j := 1; j < len(theta); j++ {
		loss += o.l2 / 2 * theta[j] * theta[j]
		g[j] += o.l2 * theta[j]
	}
	o.val = loss
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Predict returns the model's probability of a win for raw feature values.
func (r *Result) Predict(values []int32) float64 {
	return sigmoid(r.logit(values))
}

func (r *Result) logit(values []int32) float64 {
	s := r.Intercept
	for j, v := range values {
		s += r.Weights[j] * float64(v)
	}
	return s
}

// logLoss is the mean log loss of r over the samples idx.
func (r *Result) logLoss(d *Data, idx []int) float64 {
	if len(idx) == 0 {
		return 0
	}
	var sum float64
	for _, i := range idx {
		s := r.logit(d.row(i))
		sum += softplus(s) - d.y[i]*s
	}
	return sum / float64(len(idx))
}

// heldOut fills the held-out figures; base is the constant prediction the
// base log loss is measured for.
func (r *Result) heldOut(d *Data, idx []int, base float64) {
	r.Calibration = make([]Bin, CalibrationBins)
	for b := range r.Calibration {
		r.Calibration[b].Lo = float64(b) / CalibrationBins
		r.Calibration[b].Hi = float64(b+1) / CalibrationBins
	}
	if len(idx) == 0 {
		return
	}
	base = min(max(base, 1e-15), 1-1e-15)
	var loss, baseLoss, brier float64
	var correct int
	for _, i := range idx {
		s := r.logit(d.row(i))
		p := sigmoid(s)
		y := d.y[i]
		loss += softplus(s) - y*s
		baseLoss -= y*math.Log(base) + (1-y)*math.Log(1-base)
		brier += (p - y) * (p - y)
		if y != 0.5 {
			r.HeldOutDecisive++
			if (p > 0.5) == (y == 1) {
				correct++
			}
		}
		b := &r.Calibration[min(int(p*CalibrationBins), CalibrationBins-1)]
		b.Samples++
		b.MeanPredicted += p
		b.MeanTarget += y
	}
	n := float64(len(idx))
	r.HeldOutLogLoss = loss / n
	r.HeldOutBaseLogLoss = baseLoss / n
	r.HeldOutBrier = brier / n
	if r.HeldOutDecisive > 0 {
		r.HeldOutAccuracy = float64(correct) / float64(r.HeldOutDecisive)
	}
	for k := range r.Calibration {
		b := &r.Calibration[k]
		if b.Samples == 0 {
			continue
		}
		b.MeanPredicted /= float64(b.Samples)
		b.MeanTarget /= float64(b.Samples)
		r.CalibrationError += float64(b.Samples) / n * math.Abs(b.MeanPredicted-b.MeanTarget)
	}
}

// softplus returns log(1 + e^s) without overflow: the log loss of logit s
// against target y is softplus(s) − y·s.
func softplus(s float64) float64 {
	if s > 0 {
		return s + math.Log1p(math.Exp(-s))
	}
	return math.Log1p(math.Exp(s))
}

func sigmoid(s float64) float64 {
	if s >= 0 {
		return 1 / (1 + math.Exp(-s))
	}
	e := math.Exp(s)
	return e / (1 + e)
}

func logit(p float64) float64 { return math.Log(p / (1 - p)) }
