package stats

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(t testing.TB, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.10g, want %.10g ± %g", name, got, want, tol)
	}
}

func TestScore(t *testing.T) {
	near(t, "Score(60,10,30)", Score(60, 10, 30), 0.65, 0) // (60 + 10/2) / 100
	near(t, "Score(0,0,0)", Score(0, 0, 0), 0.5, 0)
}

func TestPhi(t *testing.T) {
	// [[20,10],[5,15]]: ad − bc = 20·15 − 10·5 = 250;
	// (a+b)(c+d)(a+c)(b+d) = 30·20·25·25 = 375000, sqrt = 612.3724;
	// phi = 250 / 612.3724 = 0.4082483 (= 1/sqrt(6)).
	near(t, "Phi(20,10,5,15)", Phi(20, 10, 5, 15), 1/math.Sqrt(6), 1e-15)
	near(t, "Phi(20,10,5,15) decimal", Phi(20, 10, 5, 15), 0.4082483, 1e-7)
	// Swapping the rows flips the sign.
	near(t, "Phi(5,15,20,10)", Phi(5, 15, 20, 10), -1/math.Sqrt(6), 1e-15)
	// Perfect association: b = c = 0 → ad / sqrt(a·d·a·d) = 1.
	near(t, "Phi(7,0,0,3)", Phi(7, 0, 0, 3), 1, 0)
	// Independence: 10·40 − 20·20 = 0.
	near(t, "Phi(10,20,20,40)", Phi(10, 20, 20, 40), 0, 0)
	// An empty row or column (feature never false, or nobody ever won): 0.
	near(t, "Phi(5,5,0,0)", Phi(5, 5, 0, 0), 0, 0)
	near(t, "Phi(0,5,0,7)", Phi(0, 5, 0, 7), 0, 0)
	near(t, "Phi(0,0,0,0)", Phi(0, 0, 0, 0), 0, 0)
	// Half-split draws: a table with fractional cells.
	// [[2.5,1.5],[0.5,3.5]]: 2.5·3.5 − 1.5·0.5 = 8; 4·4·3·5 = 240;
	// phi = 8 / sqrt(240) = 0.5163978.
	near(t, "Phi(2.5,1.5,0.5,3.5)", Phi(2.5, 1.5, 0.5, 3.5), 0.5163978, 1e-7)
}

func TestPB(t *testing.T) {
	t.Run("HandComputed", func(t *testing.T) {
		// x = 0,1,2,3 with y = L,W,L,W: mean x 1.5, mean y 0.5;
		// Σ(x−x̄)(y−ȳ) = (−1.5)(−.5) + (−.5)(.5) + (.5)(−.5) + (1.5)(.5) = 1;
		// Σ(x−x̄)² = 2.25+.25+.25+2.25 = 5; Σ(y−ȳ)² = 4·.25 = 1;
		// r = 1 / sqrt(5) = 0.4472136.
		var p PB
		for i, y := range []bool{false, true, false, true} {
			p.Add(int32(i), y)
		}
		near(t, "r", p.R(), 1/math.Sqrt(5), 1e-16)
		if p.N() != 4 {
			t.Errorf("N = %d, want 4", p.N())
		}
	})
	t.Run("Draws", func(t *testing.T) {
		// x = 1,2,3,4 with y = L,D,W,D = 0,.5,1,.5: mean x 2.5, mean y .5;
		// Σ(x−x̄)(y−ȳ) = (−1.5)(−.5) + 0 + (.5)(.5) + 0 = 1;
		// Σ(x−x̄)² = 5; Σ(y−ȳ)² = .25 + 0 + .25 + 0 = .5;
		// r = 1 / sqrt(2.5) = 0.6324555.
		var p PB
		for i, y := range []float64{0, 0.5, 1, 0.5} {
			p.AddScore(int32(i+1), y)
		}
		near(t, "r", p.R(), 1/math.Sqrt(2.5), 1e-16)
		var h PB
		for i, y := range []uint8{0, 1, 2, 1} {
			h.AddHalves(int32(i+1), y)
		}
		if h != p {
			t.Errorf("AddHalves accumulates %+v, AddScore %+v", h, p)
		}
	})
	t.Run("Degenerate", func(t *testing.T) {
		var p PB
		near(t, "empty", p.R(), 0, 0)
		p.Add(3, true)
		near(t, "one pair", p.R(), 0, 0)
		p.Add(3, false)
		near(t, "constant x", p.R(), 0, 0)
		var q PB
		q.Add(1, true)
		q.Add(2, true)
		near(t, "constant y", q.R(), 0, 0)
	})
	t.Run("Extremes", func(t *testing.T) {
		// The widest int32 values, perfectly tied to the result: r = ±1,
		// with sums that overflow int64 after a few additions.
		var p, q PB
		for range 1000 {
			p.Add(math.MaxInt32, true)
			p.Add(math.MinInt32, false)
			q.Add(math.MinInt32, true)
			q.Add(math.MaxInt32, false)
		}
		near(t, "r", p.R(), 1, 0)
		near(t, "r reversed", q.R(), -1, 0)
	})
	t.Run("MatchesTwoPassAndOrderFree", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		const n = 5000
		xs := make([]int32, n)
		ys := make([]float64, n)
		for i := range xs {
			xs[i] = int32(rng.IntN(50)) - 10
			// y leans towards a win for larger x.
			u := rng.Float64() + float64(xs[i])/100
			switch {
			case u < 0.4:
				ys[i] = 0
			case u < 0.6:
				ys[i] = 0.5
			default:
				ys[i] = 1
			}
		}
		var mx, my float64
		for i := range xs {
			mx += float64(xs[i])
			my += ys[i]
		}
		mx /= n
		my /= n
		var sxy, sxx, syy float64
		for i := range xs {
			dx, dy := float64(xs[i])-mx, ys[i]-my
			sxy += dx * dy
			sxx += dx * dx
			syy += dy * dy
		}
		want := sxy / math.Sqrt(sxx*syy)

		var fwd, halves [2]PB
		for i := range xs {
			fwd[i%2].AddScore(xs[i], ys[i])
		}
		for _, i := range rng.Perm(n) {
			halves[i%2].AddScore(xs[i], ys[i])
		}
		// Exact sums: another order and a merge give identical bits.
		var a, b PB
		a.Merge(&fwd[0])
		a.Merge(&fwd[1])
		b.Merge(&halves[1])
		b.Merge(&halves[0])
		if a != b || a.R() != b.R() {
			t.Errorf("merged orders differ: %v vs %v", a.R(), b.R())
		}
		var all PB
		for i := range xs {
			all.AddScore(xs[i], ys[i])
		}
		if all != a {
			t.Errorf("merge differs from sequential: %+v vs %+v", a, all)
		}
		near(t, "all r", all.R(), want, 1e-9)
	})
}

func TestInt128(t *testing.T) {
	var a int128
	for range 4 {
		a.add(math.MaxInt64)
	}
	a.add(math.MinInt64)
	a.add(-5)
	// 4·(2^63 − 1) − 2^63 − 5 = 3·2^63 − 9.
	want := "27670116110564327415"
	if got := a.big().String(); got != want {
		t.Errorf("sum = %s, want %s", got, want)
	}
	var b int128
	b.add(-1)
	b.add(-1)
	if got := b.big().String(); got != "-2" {
		t.Errorf("−1 + −1 = %s", got)
	}
}

func TestWilson(t *testing.T) {
	// 60-10-30: n = 100, p = (60 + 5)/100 = 0.65, z² = 3.841459;
	// den = 1 + z²/n = 1.03841459;
	// center = (0.65 + z²/200) / den = 0.66920730 / 1.03841459 = 0.64445099;
	// half = z/den · sqrt(p(1−p)/n + z²/(4n²))
	//      = 1.88745 · sqrt(0.002275 + 0.0000960365) = 1.88745 · 0.0486933 = 0.0919065;
	// interval = (0.552544, 0.736357).
	lo, hi := Wilson(60, 10, 30, Z95)
	near(t, "lo", lo, 0.552544, 1e-6)
	near(t, "hi", hi, 0.736357, 1e-6)

	lo, hi = Wilson(0, 0, 0, Z95)
	if lo != 0 || hi != 1 {
		t.Errorf("n = 0: (%v, %v), want (0, 1)", lo, hi)
	}
	// All wins, n = 10: p = 1, the upper end is 1 and the lower end is
	// 1 / (1 + z²/n) = 1 / 1.3841459 = 0.7224672.
	lo, hi = Wilson(10, 0, 0, Z95)
	near(t, "all wins lo", lo, 0.7224672, 1e-7)
	if hi != 1 {
		t.Errorf("all wins hi = %v, want 1", hi)
	}
	lo, hi = Wilson(0, 0, 10, Z95)
	near(t, "all losses hi", hi, 1-0.7224672, 1e-7)
	if lo != 0 {
		t.Errorf("all losses lo = %v, want 0", lo)
	}
	// All draws: p = 0.5, symmetric around it.
	lo, hi = Wilson(0, 8, 0, Z95)
	near(t, "all draws symmetric", lo+hi, 1, 1e-15)
}

func TestElo(t *testing.T) {
	// −400·log10(1/0.75 − 1) = −400·log10(1/3) = 400·0.47712125 = 190.8485.
	near(t, "Elo(0.75)", Elo(0.75), 190.8485, 1e-4)
	near(t, "Elo(0.5)", Elo(0.5), 0, 0)
	near(t, "Elo(0.25)", Elo(0.25), -190.8485, 1e-4)
	if !math.IsInf(Elo(1), 1) || !math.IsInf(Elo(0), -1) {
		t.Errorf("Elo(1), Elo(0) = %v, %v, want +Inf, −Inf", Elo(1), Elo(0))
	}
	// 1 / (1 + 10^(−190.8485/400)) = 1 / (1 + 1/3) = 0.75.
	near(t, "EloScore", EloScore(Elo(0.75)), 0.75, 1e-15)

	// From the Wilson interval above: −400·log10(1/0.552544 − 1)
	// = −400·log10(0.809810) = 36.647, and −400·log10(1/0.736357 − 1)
	// = −400·log10(0.358034) = 178.43.
	lo, hi := EloInterval(60, 10, 30)
	near(t, "EloInterval lo", lo, 36.647, 1e-3)
	near(t, "EloInterval hi", hi, 178.43, 1e-2)

	lo, hi = EloInterval(10, 0, 0)
	if !math.IsInf(hi, 1) || math.IsInf(lo, 0) {
		t.Errorf("all wins: (%v, %v), want (finite, +Inf)", lo, hi)
	}
	lo, hi = EloInterval(0, 0, 0)
	if !math.IsInf(lo, -1) || !math.IsInf(hi, 1) {
		t.Errorf("no games: (%v, %v), want (−Inf, +Inf)", lo, hi)
	}
}

func TestSPRT(t *testing.T) {
	// 60-10-30 with elo0 = 0, elo1 = 10: s0 = 0.5,
	// s1 = 1/(1 + 10^(−10/400)) = 1/1.9440609 = 0.5143872, s = 0.65,
	// var = (60·0.35² + 10·0.15² + 30·0.65²)/100 = (7.35 + 0.225 + 12.675)/100 = 0.2025,
	// LLR = (s1 − s0)(2s − s0 − s1)·n/(2·var)
	//     = 0.0143872 · 0.2856128 · 100 / 0.405 = 1.01461.
	near(t, "LLR", LLR(60, 10, 30, 0, 10), 1.01461, 1e-5)

	// alpha = beta = 0.05: bounds ±log(0.95/0.05) = ±log 19 = ±2.944439.
	lo, hi := SPRTBounds(0.05, 0.05)
	near(t, "lower", lo, -2.944439, 1e-6)
	near(t, "upper", hi, 2.944439, 1e-6)

	if r := SPRT(60, 10, 30, 0, 10, 0.05, 0.05); r.Decision != Continue {
		t.Errorf("60-10-30: %+v, want continue", r)
	}
	// Ten times the games: the same per-game evidence times 10 (10.15 > 2.94).
	if r := SPRT(600, 100, 300, 0, 10, 0.05, 0.05); r.Decision != AcceptH1 {
		t.Errorf("600-100-300: %+v, want H1", r)
	}
	// The mirror result: s = 0.35, 2s − s0 − s1 = −0.3143872, var again 0.2025:
	// LLR = 0.0143872 · (−0.3143872) · 1000 / 0.405 = −11.168.
	r := SPRT(300, 100, 600, 0, 10, 0.05, 0.05)
	near(t, "mirror LLR", r.LLR, -11.168, 1e-3)
	if r.Decision != AcceptH0 {
		t.Errorf("300-100-600: %+v, want H0", r)
	}

	if got := LLR(0, 0, 0, 0, 10); got != 0 {
		t.Errorf("no games: LLR = %v, want 0", got)
	}
	// All wins: zero classes count 1e-3, so n = 10.002,
	// s = 10.0005/10.002 = 0.99985, var ≈ 1.5e-4: large, finite, positive.
	if got := LLR(10, 0, 0, 0, 10); !(got > 100) || math.IsInf(got, 0) {
		t.Errorf("all wins: LLR = %v, want large and finite", got)
	}
	if got := SPRT(10, 0, 0, 0, 10, 0.05, 0.05).Decision.String(); got != "H1" {
		t.Errorf("all wins: decision %s, want H1", got)
	}
}
