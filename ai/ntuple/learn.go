package ntuple

import "math"

// MaxLogit bounds the logit before the sigmoid, so values stay strictly
// inside (0, 1).
const MaxLogit = 30

// Sigmoid returns 1/(1+e^-z) for z clamped to ±MaxLogit.
func Sigmoid(z float64) float64 {
	return 1 / (1 + math.Exp(-max(-MaxLogit, min(MaxLogit, z))))
}

// Learner fits a network and a bias by temporal differences: for each
// sequence of one seat's positions in a game it computes TD(λ) targets
// from the current values and moves each position's value towards its
// target (gradient of the log loss). λ = 1 makes every target the game's
// outcome. Learning is sequential, so the result depends only on the order
// of the sequences given.
type Learner struct {
	Eval   *Eval
	Bias   float64 // the logit's constant; updated with the weights
	Alpha  float64 // step size of a position's value, shared among its weights
	Lambda float64 // 0: bootstrap from the next position; 1: outcome targets

	v, target []float64 // scratch
}

// Value returns the value of the positions whose active weights (Eval.Active,
// Eval.Images of them) are active.
func (l *Learner) Value(active []int32) float64 {
	w := l.Eval.net.Weights
	var z float32
	for _, i := range active {
		z += w[i]
	}
	return Sigmoid(l.Bias + float64(z))
}

// Learn updates the weights from one seat's positions in one game, in play
// order, given as the concatenated active weights of each (Eval.Images per
// position), and z, the seat's final score (1 win, ½ draw, 0 loss). It
// returns the sum of the positions' log losses against z, before the update.
func (l *Learner) Learn(active []int32, z float64) (loss float64) {
	k := l.Eval.Images()
	m := len(active) / k
	if m == 0 {
		return 0
	}
	l.v, l.target = resize(l.v, m), resize(l.target, m)
	for t := 0; t < m; t++ {
		l.v[t] = l.Value(active[t*k : (t+1)*k])
		loss += LogLoss(l.v[t], z)
	}
	l.target[m-1] = z
	for t := m - 2; t >= 0; t-- {
		l.target[t] = (1-l.Lambda)*l.v[t+1] + l.Lambda*l.target[t+1]
	}
	w := l.Eval.net.Weights
	for t := 0; t < m; t++ {
		step := l.Alpha * (l.target[t] - l.v[t])
		l.Bias += step / float64(k)
		s := float32(step / float64(k))
		for _, i := range active[t*k : (t+1)*k] {
			w[i] += s
		}
	}
	return loss
}

// LogLoss is the log loss of predicting v for the outcome z.
func LogLoss(v, z float64) float64 {
	v = max(1e-12, min(1-1e-12, v))
	return -(z*math.Log(v) + (1-z)*math.Log(1-v))
}

func resize(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
