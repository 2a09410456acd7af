package game

import (
	"math"
	"testing"
)

// TestRNGStreamsFixed pins the generator's output: a change here changes
// every stored game, so it must be deliberate (and bump the schema).
func TestRNGStreamsFixed(t *testing.T) {
	r := NewRNG(1, 0)
	got := []uint64{r.Uint64(), r.Uint64(), uint64(r.IntN(1000))}
	r2 := NewRNG(1, 0)
	if r2.Uint64() != got[0] {
		t.Fatal("same seed, different stream")
	}
	if NewRNG(1, 1).Uint64() == got[0] || NewRNG(2, 0).Uint64() == got[0] {
		t.Fatal("neighbouring streams start alike")
	}
	want := pinned
	if got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("stream of (1, 0) is %v, pinned %v", got, want)
	}
}

// pinned is the start of the stream of (seed 1, game 0).
var pinned = []uint64{13386672964383113820, 14419121744271628634, 465}

// TestIntNUniform is a chi-square check of IntN over a few bounds, across
// many short per-game streams as the simulator uses them.
func TestIntNUniform(t *testing.T) {
	for _, n := range []int{2, 3, 7, 10} {
		counts := make([]float64, n)
		const draws = 200000
		var r RNG
		for i := 0; i < draws/4; i++ {
			r.Seed(99, uint64(i))
			for k := 0; k < 4; k++ {
				counts[r.IntN(n)]++
			}
		}
		exp := float64(draws) / float64(n)
		chi := 0.0
		for _, c := range counts {
			chi += (c - exp) * (c - exp) / exp
		}
		// 99.9th percentile of chi-square with up to 9 degrees of freedom.
		if chi > 27.9 {
			t.Errorf("IntN(%d): chi-square %.1f over %d draws: %v", n, chi, draws, counts)
		}
	}
	var r RNG
	r.Seed(5, 5)
	sum := 0.0
	for i := 0; i < 100000; i++ {
		sum += r.Float64()
	}
	if mean := sum / 100000; math.Abs(mean-0.5) > 0.005 {
		t.Errorf("Float64 mean %.4f", mean)
	}
}

func TestWeighted(t *testing.T) {
	var r RNG
	r.Seed(3, 4)
	counts := make([]int, 3)
	for i := 0; i < 60000; i++ {
		counts[r.Weighted([]uint32{1, 2, 3})]++
	}
	for i, want := range []float64{10000, 20000, 30000} {
		if math.Abs(float64(counts[i])-want) > 600 {
			t.Errorf("Weighted counts %v, want about 10000/20000/30000", counts)
		}
	}
}
