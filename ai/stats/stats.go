// Package stats holds the small statistics simpipe's trainer and reports
// use: the phi coefficient of a 2x2 table, an exact streaming point-biserial
// (Pearson) correlation, the Wilson score interval, Elo conversions and a
// fishtest-style SPRT.
//
// Results are a score from one side's point of view: a win counts 1, a draw
// 1/2 and a loss 0, so the score of w wins, d draws and l losses is
// (w + d/2) / (w + d + l).
package stats

// Z95 is the two-sided 95 % normal quantile, the z to pass for 95 % intervals.
const Z95 = 1.959964

// Score returns (w + d/2) / n with n = w + d + l, the mean result per game
// with draws counted as half a win. It returns 0.5 when n is 0, the score
// that carries no information.
func Score(w, d, l int) float64 {
	n := w + d + l
	if n == 0 {
		return 0.5
	}
	return (float64(w) + float64(d)/2) / float64(n)
}
