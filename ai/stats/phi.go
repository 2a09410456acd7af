package stats

import "math"

// Phi returns the phi coefficient of the 2x2 table
//
//	          win   not win
//	true       a       b
//	false      c       d
//
// that is (ad - bc) / sqrt((a+b)(c+d)(a+c)(b+d)), the Pearson correlation of
// two binary variables, in [-1, 1]. The cells are float64 so that callers can
// split draws half to each column. Phi returns 0 when a row or a column is
// empty: with no variation on one side there is no correlation to measure.
func Phi(a, b, c, d float64) float64 {
	den := (a + b) * (c + d) * (a + c) * (b + d)
	if den <= 0 {
		return 0
	}
	r := (a*d - b*c) / math.Sqrt(den)
	// Rounding can push a perfect association a hair past 1.
	return max(-1, min(1, r))
}
