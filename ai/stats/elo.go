package stats

import "math"

// Elo returns the logistic Elo difference −400·log10(1/score − 1) that
// predicts score. Elo(0) is −Inf and Elo(1) is +Inf: a side that never
// dropped (or never took) a point has no finite rating difference, and
// callers that print or serialise Elo must handle the infinities.
func Elo(score float64) float64 {
	switch {
	case score <= 0:
		return math.Inf(-1)
	case score >= 1:
		return math.Inf(1)
	}
	return -400 * math.Log10(1/score-1)
}

// EloScore is the inverse of Elo: the expected score 1 / (1 + 10^(−elo/400)).
func EloScore(elo float64) float64 {
	return 1 / (1 + math.Pow(10, -elo/400))
}

// EloInterval returns the 95 % interval of the Elo difference for w wins,
// d draws and l losses: Elo of the two ends of the Wilson score interval
// (Wilson with z = Z95), so it is asymmetric around Elo(Score(w, d, l)) and
// inherits Wilson's draw convention. An end at score 1 gives +Inf (all
// wins); an end at score 0 gives −Inf (all losses, or no games at all).
func EloInterval(w, d, l int) (lo, hi float64) {
	slo, shi := Wilson(w, d, l, Z95)
	return Elo(slo), Elo(shi)
}
