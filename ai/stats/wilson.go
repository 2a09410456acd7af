package stats

import "math"

// Wilson returns the Wilson score interval for the score of w wins, d draws
// and l losses at normal quantile z (Z95 for 95 %).
//
// Convention: the score is p = (w + d/2) / n with n = w + d + l games, and
// the interval is the binomial Wilson interval for p over n trials, as if
// each draw were half a win and half a loss. Draws reduce the true variance,
// so the interval is slightly conservative when there are many draws.
// With n = 0 it returns (0, 1).
func Wilson(w, d, l int, z float64) (lo, hi float64) {
	n := float64(w + d + l)
	if n == 0 {
		return 0, 1
	}
	p := Score(w, d, l)
	z2 := z * z
	den := 1 + z2/n
	center := (p + z2/(2*n)) / den
	half := z / den * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	lo, hi = max(0, center-half), min(1, center+half)
	// At p = 0 or 1 one end is exactly 0 or 1; do not let rounding move it.
	if w+d == 0 {
		lo = 0
	}
	if d+l == 0 {
		hi = 1
	}
	return lo, hi
}
