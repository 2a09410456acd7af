package stats

import (
	"fmt"
	"math/big"
	"math/bits"
)

// PB accumulates the point-biserial correlation between an integer value x
// (a feature value) and a result y: the Pearson correlation of x with
// y = 1 for a win, 1/2 for a draw and 0 for a loss. Without draws it is the
// classical point-biserial coefficient.
//
// PB keeps exact integer sums (128-bit where billions of int32 values could
// overflow 64 bits) and does the final arithmetic in big precision, so it
// needs no Welford-style care: R is correctly rounded and independent of the
// order of Add and Merge calls. The zero value is an empty accumulator.
type PB struct {
	n   uint64 // number of pairs
	sy  uint64 // sum of y in half units (win 2, draw 1, loss 0)
	syy uint64 // sum of y² in quarter units
	sx  int128 // sum of x
	sxx int128 // sum of x²
	sxy int128 // sum of x·y in half units
}

// Add adds the pair (x, y) with y a win (true) or a loss (false).
func (p *PB) Add(x int32, y bool) {
	if y {
		p.add(x, 2)
	} else {
		p.add(x, 0)
	}
}

// AddScore adds the pair (x, score) with score 1 for a win, 0.5 for a draw
// and 0 for a loss. It panics on any other score.
func (p *PB) AddScore(x int32, score float64) {
	switch score {
	case 0:
		p.add(x, 0)
	case 0.5:
		p.add(x, 1)
	case 1:
		p.add(x, 2)
	default:
		panic(fmt.Sprintf("stats: score %v is not 0, 0.5 or 1", score))
	}
}

// AddHalves adds the pair (x, y/2) with y in {0, 1, 2}: the result counted
// in half points (a loss 0, a draw 1, a win 2). It is the fast path for
// callers that already hold results that way.
func (p *PB) AddHalves(x int32, y uint8) {
	if y > 2 {
		panic(fmt.Sprintf("stats: %d half points is not 0, 1 or 2", y))
	}
	p.add(x, uint64(y))
}

func (p *PB) add(x int32, y uint64) {
	x64 := int64(x)
	p.n++
	p.sy += y
	p.syy += y * y
	p.sx.add(x64)
	p.sxx.add(x64 * x64) // |x| <= 2^31, so x² <= 2^62 fits
	p.sxy.add(x64 * int64(y))
}

// Merge adds the pairs accumulated by q to p.
func (p *PB) Merge(q *PB) {
	p.n += q.n
	p.sy += q.sy
	p.syy += q.syy
	p.sx.addWide(q.sx)
	p.sxx.addWide(q.sxx)
	p.sxy.addWide(q.sxy)
}

// N returns the number of pairs added.
func (p *PB) N() uint64 { return p.n }

// R returns the correlation coefficient in [-1, 1], or 0 when x or y never
// varied (including when fewer than two pairs were added).
func (p *PB) R() float64 {
	const prec = 512 // exact for the products below: each is < 2^(64+102)
	n := new(big.Int).SetUint64(p.n)
	sx, sxx, sxy := p.sx.big(), p.sxx.big(), p.sxy.big()
	sy, syy := new(big.Int).SetUint64(p.sy), new(big.Int).SetUint64(p.syy)

	// n² times the covariance and variances: n·Σxy − Σx·Σy, and so on.
	cov := new(big.Int).Mul(n, sxy)
	cov.Sub(cov, new(big.Int).Mul(sx, sy))
	vx := new(big.Int).Mul(n, sxx)
	vx.Sub(vx, new(big.Int).Mul(sx, sx))
	vy := new(big.Int).Mul(n, syy)
	vy.Sub(vy, new(big.Int).Mul(sy, sy))
	if vx.Sign() <= 0 || vy.Sign() <= 0 {
		return 0
	}
	den := new(big.Float).SetPrec(prec).SetInt(new(big.Int).Mul(vx, vy))
	den.Sqrt(den)
	r := new(big.Float).SetPrec(prec).SetInt(cov)
	r.Quo(r, den)
	f, _ := r.Float64()
	return max(-1, min(1, f))
}

// int128 is a two's-complement 128-bit integer, enough for sums of billions
// of int32 squares.
type int128 struct {
	hi int64
	lo uint64
}

func (a *int128) add(v int64) {
	var carry uint64
	a.lo, carry = bits.Add64(a.lo, uint64(v), 0)
	a.hi += v>>63 + int64(carry) // v>>63 sign-extends v into the high word
}

func (a *int128) addWide(b int128) {
	var carry uint64
	a.lo, carry = bits.Add64(a.lo, b.lo, 0)
	a.hi += b.hi + int64(carry)
}

func (a int128) big() *big.Int {
	v := new(big.Int).SetInt64(a.hi)
	v.Lsh(v, 64)
	return v.Add(v, new(big.Int).SetUint64(a.lo))
}
