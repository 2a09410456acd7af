package stats

import (
	"fmt"
	"math"
)

// Decision is the verdict of a sequential probability ratio test.
type Decision int

const (
	// Continue means the evidence is not yet conclusive: play more games.
	Continue Decision = iota
	// AcceptH0 means the Elo difference is elo0 (or less).
	AcceptH0
	// AcceptH1 means the Elo difference is elo1 (or more).
	AcceptH1
)

// String returns "continue", "H0" or "H1".
func (d Decision) String() string {
	switch d {
	case Continue:
		return "continue"
	case AcceptH0:
		return "H0"
	case AcceptH1:
		return "H1"
	}
	return fmt.Sprintf("Decision(%d)", int(d))
}

// MarshalText makes a Decision read as its String in JSON reports.
func (d Decision) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// SPRTResult is the state of an SPRT after some games.
type SPRTResult struct {
	LLR      float64  `json:"llr"`
	Lower    float64  `json:"lower"`
	Upper    float64  `json:"upper"`
	Decision Decision `json:"decision"`
}

// zeroCount stands in for an empty result class in LLR, as fishtest does, so
// that all wins (zero variance) still give finite, strong evidence.
const zeroCount = 1e-3

// LLR returns the log-likelihood ratio of H1 (the Elo difference is elo1)
// against H0 (it is elo0) after w wins, d draws and l losses.
//
// Model: fishtest's generalized SPRT with the normal approximation for the
// trinomial (BayesElo-free, logistic Elo). With s0 = EloScore(elo0),
// s1 = EloScore(elo1), the sample score s and the per-game variance
// var = (w·(1−s)² + d·(1/2−s)² + l·s²) / n,
//
//	LLR ≈ (s1 − s0) · (2s − s0 − s1) · n / (2·var).
//
// As in fishtest, a class with no games counts as 1e-3 games, so that a
// one-sided result such as all wins has a large but finite LLR. With no games
// at all LLR is 0.
func LLR(w, d, l int, elo0, elo1 float64) float64 {
	if w+d+l == 0 {
		return 0
	}
	fw, fd, fl := reg(w), reg(d), reg(l)
	n := fw + fd + fl
	s := (fw + fd/2) / n
	v := (fw*(1-s)*(1-s) + fd*(0.5-s)*(0.5-s) + fl*s*s) / n
	s0, s1 := EloScore(elo0), EloScore(elo1)
	return (s1 - s0) * (2*s - s0 - s1) * n / (2 * v)
}

func reg(c int) float64 {
	if c == 0 {
		return zeroCount
	}
	return float64(c)
}

// SPRTBounds returns the Wald stopping bounds for false-positive rate alpha
// and false-negative rate beta: lower = log(beta/(1−alpha)) and
// upper = log((1−beta)/alpha).
func SPRTBounds(alpha, beta float64) (lower, upper float64) {
	return math.Log(beta / (1 - alpha)), math.Log((1 - beta) / alpha)
}

// SPRT runs the test of H0 (Elo difference elo0) against H1 (elo1) with
// error rates alpha and beta on w wins, d draws and l losses: it accepts H1
// when LLR >= upper, H0 when LLR <= lower, and continues otherwise. See LLR
// for the model.
func SPRT(w, d, l int, elo0, elo1, alpha, beta float64) SPRTResult {
	r := SPRTResult{LLR: LLR(w, d, l, elo0, elo1)}
	r.Lower, r.Upper = SPRTBounds(alpha, beta)
	switch {
	case r.LLR >= r.Upper:
		r.Decision = AcceptH1
	case r.LLR <= r.Lower:
		r.Decision = AcceptH0
	}
	return r
}
